// Loads what `maelstrom serve` serves in headless Chromium, over http://
// (the DevTools protocol on a pipe, as sim/report/browser_check.js does it
// for file://): the store's index, the run it links to, the run's
// messages.svg and timeline.html. Checks what a person would see: no
// console errors, exceptions or failed loads; every request to the server
// itself; every link answers 200 and every image decodes; the rendered
// counts are the run's (expected.json).
//
//   node serve_browser_check.js <chromium> <http://127.0.0.1:PORT/> \
//        <expected.json> <screenshot-dir>
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [chromiumBin, base, expectedFile, shotDir] = process.argv.slice(2);
if (!chromiumBin || !base || !expectedFile || !shotDir) {
  console.error('usage: node serve_browser_check.js <chromium> <base-url> <expected.json> <shot-dir>');
  process.exit(2);
}
const expected = JSON.parse(fs.readFileSync(expectedFile, 'utf8'));
let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
}

const profile = fs.mkdtempSync(path.join(process.env.TEST_TMPDIR || os.tmpdir(), 'chromium-'));
const chrome = spawn(chromiumBin, [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--disable-extensions', '--mute-audio', '--no-proxy-server',
  '--remote-debugging-pipe', `--user-data-dir=${profile}`, 'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], env: { ...process.env, HOME: profile } });
let chromeStderr = '';
chrome.stderr.on('data', (d) => { chromeStderr += d; });

let nextId = 1;
const waiting = new Map();
const listeners = [];
let buffer = Buffer.alloc(0);
chrome.stdio[4].on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  let end;
  while ((end = buffer.indexOf(0)) >= 0) {
    const msg = JSON.parse(buffer.subarray(0, end).toString('utf8'));
    buffer = buffer.subarray(end + 1);
    const w = msg.id !== undefined && waiting.get(msg.id);
    if (w) {
      waiting.delete(msg.id);
      if (msg.error) w.reject(new Error(JSON.stringify(msg.error))); else w.resolve(msg.result);
    } else if (msg.method) {
      for (const l of [...listeners]) l(msg);
    }
  }
});

function send(method, params = {}, sessionId) {
  const id = nextId++;
  chrome.stdio[3].write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    setTimeout(() => {
      if (waiting.delete(id)) reject(new Error(`timeout: ${method}`));
    }, 30000);
  });
}

async function evaluate(sessionId, expression) {
  const r = await send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, sessionId);
  if (r.exceptionDetails) throw new Error(`evaluate failed: ${JSON.stringify(r.exceptionDetails)}`);
  return r.result.value;
}

// Opens `url` in a fresh tab; returns the session and the problems seen.
async function open(url) {
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const problems = [];
  listeners.push((msg) => {
    if (msg.sessionId !== sessionId) return;
    const p = msg.params;
    if (msg.method === 'Runtime.consoleAPICalled' && ['error', 'warning', 'assert'].includes(p.type)) {
      problems.push(`console.${p.type}: ${p.args.map((a) => a.value || a.description).join(' ')}`);
    } else if (msg.method === 'Runtime.exceptionThrown') {
      problems.push(`exception: ${p.exceptionDetails.text}`);
    } else if (msg.method === 'Log.entryAdded' && ['error', 'warning'].includes(p.entry.level)) {
      problems.push(`log ${p.entry.level}: ${p.entry.text} ${p.entry.url || ''}`);
    } else if (msg.method === 'Network.loadingFailed') {
      problems.push(`failed load: ${p.errorText} ${p.type || ''}`);
    } else if (msg.method === 'Network.responseReceived' && p.response.status >= 400) {
      problems.push(`HTTP ${p.response.status}: ${p.response.url}`);
    } else if (msg.method === 'Network.requestWillBeSent' && !p.request.url.startsWith(base) &&
               !p.request.url.startsWith('data:')) {
      problems.push(`a request elsewhere: ${p.request.url}`);
    }
  });
  for (const domain of ['Runtime', 'Log', 'Network', 'Page']) await send(`${domain}.enable`, {}, sessionId);
  await send('Emulation.setDeviceMetricsOverride',
    { width: 1400, height: 1000, deviceScaleFactor: 1, mobile: false }, sessionId);
  const loaded = new Promise((resolve) => {
    const l = (msg) => {
      if (msg.method === 'Page.loadEventFired' && msg.sessionId === sessionId) {
        listeners.splice(listeners.indexOf(l), 1);
        resolve();
      }
    };
    listeners.push(l);
  });
  const nav = await send('Page.navigate', { url }, sessionId);
  if (nav.errorText) problems.push(`navigation: ${nav.errorText}`);
  await loaded;
  await new Promise((r) => setTimeout(r, 300));  // late errors, layout
  return { sessionId, problems };
}

async function screenshot(sessionId, name) {
  const shot = await send('Page.captureScreenshot', { format: 'png' }, sessionId);
  fs.mkdirSync(shotDir, { recursive: true });
  fs.writeFileSync(path.join(shotDir, `served-${name}.png`), Buffer.from(shot.data, 'base64'));
}

// A page: clean load, its type, every link 200 (HEAD), every image decoded.
async function checkPage(url, name, type) {
  const { sessionId, problems } = await open(url);
  check(problems.length === 0, `${name} (${url}) loads cleanly ${problems.join('; ')}`);
  const r = await evaluate(sessionId, `(async () => {
    const links = [...document.querySelectorAll('a[href]')].map((a) => a.href)
      .filter((h) => h.startsWith(location.origin));
    const statuses = await Promise.all(links.map(async (h) =>
      [h, (await fetch(h, { method: 'HEAD' })).status]));
    return {
      type: document.contentType,
      links: statuses, others: document.querySelectorAll('a[href]').length - links.length,
      images: [...document.images].map((i) => ({ src: i.src, w: i.naturalWidth })),
      verdict: (document.querySelector('.verdict') || {}).textContent || null,
      runLinks: links.filter((h) => /\\/g-counter\\/[^/]+\\/index\\.html$/.test(h)),
    };
  })()`);
  check(r.type === type, `${name}: served as ${r.type}`);
  const bad = r.links.filter(([, s]) => s !== 200);
  check(r.links.length > 0 && bad.length === 0,
    `${name}: every link answers 200 (${r.links.length} links) ${JSON.stringify(bad)}`);
  check(r.others === 0, `${name}: every link stays on the server (${r.others} elsewhere)`);
  const broken = r.images.filter((i) => i.w === 0).map((i) => i.src);
  check(broken.length === 0, `${name}: every image decodes (${r.images.length}) ${broken.join(' ')}`);
  await screenshot(sessionId, name);
  return r;
}

(async () => {
  try {
    const index = await checkPage(base, 'store-index', 'text/html');
    check(index.runLinks.length === 1, `the store index links the run: ${index.runLinks.join(' ')}`);
    const runUrl = index.runLinks[0] || `${base}latest/index.html`;
    const run = await checkPage(runUrl, 'run-index', 'text/html');
    check(!!run.verdict, `the run page shows its verdict ("${run.verdict}")`);
    const runDir = runUrl.replace(/index\.html$/, '');
    const svg = await open(`${runDir}messages.svg`);
    check(svg.problems.length === 0, `messages.svg loads cleanly ${svg.problems.join('; ')}`);
    const s = await evaluate(svg.sessionId, `({ type: document.contentType,
      root: document.documentElement.nodeName, msgs: document.querySelectorAll('g.msg').length })`);
    check(s.type === 'image/svg+xml' && s.root === 'svg', `messages.svg is an SVG document (${s.type}, ${s.root})`);
    check(s.msgs === expected.messages, `messages.svg draws ${s.msgs} arrows, the run sent ${expected.messages}`);
    const tl = await open(`${runDir}timeline.html`);
    check(tl.problems.length === 0, `timeline.html loads cleanly ${tl.problems.join('; ')}`);
    const ops = await evaluate(tl.sessionId, `document.querySelectorAll('div.op').length`);
    check(ops === expected.completed_ops, `timeline.html draws ${ops} bars, ${expected.completed_ops} completed ops`);
    await screenshot(tl.sessionId, 'timeline');
  } catch (e) {
    check(false, `browser session: ${e.stack || e}\n${chromeStderr.slice(-2000)}`);
  }
  const exited = new Promise((resolve) => chrome.once('exit', resolve));
  send('Browser.close').catch(() => {});
  const timer = setTimeout(() => chrome.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  fs.rmSync(profile, { recursive: true, force: true });
  process.exit(failures === 0 ? 0 : 1);
})();
