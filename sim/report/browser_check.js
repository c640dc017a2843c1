// Loads report pages in headless Chromium and checks what a person would
// see: no console errors, no exceptions, no failed or network loads, and
// the rendered element counts the data says. Talks to Chromium over the
// DevTools protocol on a pipe (--remote-debugging-pipe: JSON messages
// separated by NUL on fds 3 and 4), so it needs nothing but Node's
// standard library.
//
//   node browser_check.js <chromium> <run-dir> <screenshot-dir>
//
// <run-dir> holds messages.svg, timeline.html, index.html and
// expected.json (written by report_demo). Exits 0 when every check passes;
// prints one line per check either way.
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [chromiumBin, runDir, shotDir] = process.argv.slice(2);
if (!chromiumBin || !runDir || !shotDir) {
  console.error('usage: node browser_check.js <chromium> <run-dir> <screenshot-dir>');
  process.exit(2);
}
const expected = JSON.parse(fs.readFileSync(path.join(runDir, 'expected.json'), 'utf8'));
const label = path.basename(runDir);
let failures = 0;

function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}: ${what}`);
  if (!ok) failures++;
}

const profile = fs.mkdtempSync(path.join(process.env.TEST_TMPDIR || os.tmpdir(), 'chromium-'));
const chrome = spawn(chromiumBin, [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--disable-extensions', '--mute-audio',
  '--remote-debugging-pipe', `--user-data-dir=${profile}`, 'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], env: { ...process.env, HOME: profile } });
let chromeStderr = '';
chrome.stderr.on('data', (d) => { chromeStderr += d; });

const toChrome = chrome.stdio[3];
const fromChrome = chrome.stdio[4];
let nextId = 1;
const waiting = new Map();
const listeners = [];
let buffer = Buffer.alloc(0);
fromChrome.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  let end;
  while ((end = buffer.indexOf(0)) >= 0) {
    const msg = JSON.parse(buffer.subarray(0, end).toString('utf8'));
    buffer = buffer.subarray(end + 1);
    if (msg.id !== undefined && waiting.has(msg.id)) {
      const { resolve, reject } = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (msg.error) reject(new Error(JSON.stringify(msg.error))); else resolve(msg.result);
    } else if (msg.method) {
      for (const l of listeners) l(msg);
    }
  }
});

function send(method, params = {}, sessionId) {
  const id = nextId++;
  const msg = { id, method, params };
  if (sessionId) msg.sessionId = sessionId;
  toChrome.write(JSON.stringify(msg) + '\0');
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    setTimeout(() => {
      if (waiting.has(id)) { waiting.delete(id); reject(new Error(`timeout: ${method}`)); }
    }, 30000);
  });
}

function waitFor(method, sessionId) {
  return new Promise((resolve) => {
    const l = (msg) => {
      if (msg.method === method && msg.sessionId === sessionId) {
        listeners.splice(listeners.indexOf(l), 1);
        resolve(msg.params);
      }
    };
    listeners.push(l);
  });
}

async function evaluate(session, expression) {
  const r = await send('Runtime.evaluate', { expression, returnByValue: true }, session);
  if (r.exceptionDetails) throw new Error(`evaluate failed: ${JSON.stringify(r.exceptionDetails)}`);
  return r.result.value;
}

async function screenshot(session, name) {
  const shot = await send('Page.captureScreenshot', { format: 'png' }, session);
  fs.mkdirSync(shotDir, { recursive: true });
  const file = path.join(shotDir, `${label}-${name}.png`);
  fs.writeFileSync(file, Buffer.from(shot.data, 'base64'));
  console.log(`     screenshot ${file}`);
}

// Opens `file` in a fresh tab; returns the session and the problems seen.
async function open(file) {
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const problems = [];
  const requests = [];
  listeners.push((msg) => {
    if (msg.sessionId !== sessionId) return;
    const p = msg.params;
    if (msg.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'warning' || p.type === 'assert')) {
      problems.push(`console.${p.type}: ${p.args.map((a) => a.value || a.description).join(' ')}`);
    } else if (msg.method === 'Runtime.exceptionThrown') {
      const ex = p.exceptionDetails.exception || {};
      problems.push(`exception: ${p.exceptionDetails.text} ${(ex.description || '').split('\n')[0]}`);
    } else if (msg.method === 'Log.entryAdded' && (p.entry.level === 'error' || p.entry.level === 'warning')) {
      problems.push(`log ${p.entry.level} (${p.entry.source}): ${p.entry.text} ${p.entry.url || ''}`);
    } else if (msg.method === 'Network.loadingFailed') {
      problems.push(`failed load: ${p.errorText} ${p.type || ''} ${p.requestId}`);
    } else if (msg.method === 'Network.requestWillBeSent') {
      requests.push(p.request.url);
    }
  });
  await send('Runtime.enable', {}, sessionId);
  await send('Log.enable', {}, sessionId);
  await send('Network.enable', {}, sessionId);
  await send('Page.enable', {}, sessionId);
  await send('Emulation.setDeviceMetricsOverride',
    { width: 1400, height: 1000, deviceScaleFactor: 1, mobile: false }, sessionId);
  const loaded = waitFor('Page.loadEventFired', sessionId);
  const nav = await send('Page.navigate', { url: `file://${file}` }, sessionId);
  if (nav.errorText) problems.push(`navigation: ${nav.errorText}`);
  await loaded;
  await new Promise((r) => setTimeout(r, 300));  // late errors, layout
  for (const url of requests) {
    if (!url.startsWith('file://') && !url.startsWith('data:')) problems.push(`network request: ${url}`);
  }
  return { sessionId, problems };
}

async function checkSvg() {
  const file = path.join(runDir, 'messages.svg');
  const { sessionId, problems } = await open(file);
  check(problems.length === 0, `messages.svg loads cleanly ${problems.join('; ')}`);
  const r = await evaluate(sessionId, `(() => {
    const msgs = [...document.querySelectorAll('g.msg')];
    const rendered = msgs.filter((g) => { const b = g.getBBox(); return b.width > 0 || b.height > 0; });
    const titled = msgs.filter((g) => g.querySelector(':scope > title'));
    return {
      root: document.documentElement.nodeName,
      parseErrors: document.getElementsByTagName('parsererror').length,
      msgs: msgs.length, rendered: rendered.length, titled: titled.length,
      lanes: document.querySelectorAll('line.lane').length,
      window: (document.getElementById('window') || {}).textContent,
      invalid: document.querySelectorAll('g.invalid').length,
      failure: !!document.getElementById('first-failure'),
      failureY: (() => { const f = document.querySelector('#first-failure line');
                         return f ? f.getBBox().y : null; })(),
      height: document.documentElement.getBBox().height,
    };
  })()`);
  check(r.root === 'svg', `the document is an SVG (got ${r.root})`);
  check(r.parseErrors === 0, `the SVG parses as XML (${r.parseErrors} parser errors)`);
  check(r.msgs === expected.messages, `arrows: ${r.msgs} drawn, ${expected.messages} in the window`);
  check(r.rendered === r.msgs, `every arrow has a rendered box (${r.rendered}/${r.msgs})`);
  check(r.titled === r.msgs, `every arrow has hover text (${r.titled}/${r.msgs})`);
  check(r.lanes === expected.lanes, `lanes: ${r.lanes} drawn, ${expected.lanes} endpoints`);
  check(r.window === expected.window, `the SVG names its window: "${r.window}"`);
  check(r.invalid === expected.invalid_lines, `invalid-line markers: ${r.invalid}, expected ${expected.invalid_lines}`);
  check(r.failure === (expected.exit_code !== 0), `first-failure marker ${r.failure ? 'present' : 'absent'}`);
  check(r.height > 200, `the diagram has a height (${Math.round(r.height)} px)`);
  await screenshot(sessionId, 'messages-top');
  if (r.failureY !== null) {
    await evaluate(sessionId, `window.scrollTo(0, ${Math.max(0, r.failureY - 500)}); 0`);
    await new Promise((res) => setTimeout(res, 200));
    await screenshot(sessionId, 'messages-failure');
  }
}

async function checkTimeline() {
  const { sessionId, problems } = await open(path.join(runDir, 'timeline.html'));
  check(problems.length === 0, `timeline.html loads cleanly ${problems.join('; ')}`);
  const r = await evaluate(sessionId, `(() => {
    const ops = [...document.querySelectorAll('div.op')];
    const wide = ops.filter((d) => d.getBoundingClientRect().width >= 3);
    const lefts = ops.map((d) => d.offsetLeft);
    const before = document.querySelector('.chart').getBoundingClientRect().width;
    const zoom = document.getElementById('zoom');
    zoom.value = String(Number(zoom.value) + 0.3);
    zoom.dispatchEvent(new Event('input'));
    const after = document.querySelector('.chart').getBoundingClientRect().width;
    zoom.value = String(Number(zoom.value) - 0.3);
    zoom.dispatchEvent(new Event('input'));
    return {
      ops: ops.length, wide: wide.length, titled: ops.filter((d) => d.title.length > 0).length,
      finals: document.querySelectorAll('div.op.final').length,
      bad: document.querySelectorAll('div.op.bad').length,
      faults: document.querySelectorAll('div.fault').length,
      rows: document.querySelectorAll('div.row').length,
      spread: Math.max(...lefts) - Math.min(...lefts),
      zoomRatio: after / before,
    };
  })()`);
  check(r.ops === expected.completed_ops, `bars: ${r.ops}, completed operations: ${expected.completed_ops}`);
  check(r.wide === r.ops, `every bar is at least 3 px wide (${r.wide}/${r.ops})`);
  check(r.titled === r.ops, `every bar has hover text (${r.titled}/${r.ops})`);
  check(r.finals === expected.final_reads, `final reads marked: ${r.finals}, expected ${expected.final_reads}`);
  check((r.bad > 0) === (expected.window.includes('final read')), `bad final reads marked: ${r.bad}`);
  check(r.faults === expected.faults, `fault bands: ${r.faults}, expected ${expected.faults}`);
  check(r.spread > 1000, `bars spread along the time axis (${r.spread} px)`);
  check(r.zoomRatio > 1.5, `the zoom slider widens the chart (x${r.zoomRatio.toFixed(2)})`);
  await screenshot(sessionId, 'timeline');
  await evaluate(sessionId, `document.querySelector('.scroll').scrollLeft = 1e9; 0`);
  await new Promise((res) => setTimeout(res, 200));
  await screenshot(sessionId, 'timeline-end');
}

async function checkIndex(file, name) {
  const { sessionId, problems } = await open(file);
  check(problems.length === 0, `${name} loads cleanly ${problems.join('; ')}`);
  const r = await evaluate(sessionId, `(() => ({
    links: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')),
    images: [...document.images].map((i) => ({ src: i.getAttribute('src'), w: i.naturalWidth })),
    verdict: (document.querySelector('.verdict') || {}).textContent,
  }))()`);
  const broken = r.images.filter((i) => i.w === 0).map((i) => i.src);
  check(broken.length === 0, `${name}: every image loads (${r.images.length} images) ${broken.join(' ')}`);
  const missing = r.links.filter((href) => !fs.existsSync(path.join(path.dirname(file), decodeURIComponent(href))));
  check(missing.length === 0, `${name}: every link points at a file (${r.links.length} links) ${missing.join(' ')}`);
  check(!!r.verdict, `${name}: shows a verdict ("${r.verdict}")`);
  await screenshot(sessionId, name.replace(/[^a-z0-9]+/gi, '-'));
  return r;
}

(async () => {
  try {
    await checkSvg();
    await checkTimeline();
    await checkIndex(path.join(runDir, 'index.html'), 'index.html');
    const storeIndex = path.join(runDir, '..', '..', 'index.html');
    if (fs.existsSync(storeIndex)) await checkIndex(path.resolve(storeIndex), 'store-index');
  } catch (e) {
    check(false, `browser session: ${e.stack || e}\n${chromeStderr.slice(-2000)}`);
  }
  // Close the browser and wait for it to exit before removing its profile.
  const exited = new Promise((resolve) => chrome.once('exit', resolve));
  send('Browser.close').catch(() => {});
  const timer = setTimeout(() => chrome.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  try {
    fs.rmSync(profile, { recursive: true, force: true });
  } catch (e) {
    console.log(`     note: could not remove ${profile}: ${e.message}`);
  }
  process.exit(failures === 0 ? 0 : 1);
})();
