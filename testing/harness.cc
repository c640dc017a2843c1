#include "testing/harness.h"

#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "kvclient/assert.h"
#include "sim/maelstrom/node_line.h"
#include "sim/report/writer.h"
#include "testing/plots.h"
#include "testing/wait.h"

namespace harness {
namespace {

using kvclient::Json;
using kvclient::Message;

constexpr size_t kMaxLogBytes = 256 << 20;  // per node log file
constexpr size_t kStderrTailBytes = 2048;   // kept for diagnoses

int RemoveEntry(const char* path, const struct stat*, int, struct FTW*) {
  return remove(path);
}

double CpuSeconds() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

sim::DriverConfig DriverConfigFor(const HarnessOptions& o, uint64_t seed) {
  sim::DriverConfig c = o.driver;
  c.seed = seed;
  return c;
}

}  // namespace

Harness::Harness(HarnessOptions options, uint64_t seed, Store store,
                 std::ostream& out)
    : options_(std::move(options)),
      seed_(seed),
      store_(std::move(store)),
      out_(out) {
  for (const std::string& id : options_.driver.nodes) {
    Node n;
    n.id = id;
    nodes_.push_back(std::move(n));
  }
  journal_.open(store_.Path("messages.txt"));
  if (journal_) {
    journal_ << "# every message: seconds since the start, "
                "send|lost|drop|skip|gone, "
                "#Maelstrom's message id, src -> dest, body\n";
  }
  sim::DriverOutput output;
  output.journal = journal_ ? &journal_ : nullptr;
  output.notes = &out_;
  output.echo_send = options_.log_net_send;
  output.echo_recv = options_.log_net_recv;
  output.record = &record_;
  driver_ = std::make_unique<sim::Driver>(DriverConfigFor(options_, seed_),
                                          *this, output);
}

Harness::~Harness() {
  StopAll();
  if (!tmp_dir_.empty())
    nftw(tmp_dir_.c_str(), RemoveEntry, 16, FTW_DEPTH | FTW_PHYS);
}

// ---------------------------------------------------------------- processes

bool Harness::SpawnNode(int index) {
  Node& node = nodes_[index];
  if (!node.log) {
    node.log = std::fopen(
        store_.Path(absl::StrCat("node-logs/", node.id, ".log")).c_str(), "a");
  }
  std::string cwd = absl::StrCat(tmp_dir_, "/", index);
  MakeDirs(cwd).IgnoreError();
  auto proc = NodeProcess::Spawn(
      {options_.bin, options_.bin_args, cwd, options_.max_line_bytes}, node.id);
  if (!proc.ok()) {
    driver_->Fail(absl::StrCat("could not start ", node.id, ": ",
                               proc.status().message()));
    return false;
  }
  node.proc = *std::move(proc);
  node.stdout_open = true;
  return true;
}

void Harness::DrainStderr(Node& node) {
  if (!node.proc) return;
  std::string chunk;
  node.proc->ReadStderr(&chunk);
  if (chunk.empty()) return;
  if (node.log && node.log_bytes < kMaxLogBytes) {
    std::fwrite(chunk.data(), 1, chunk.size(), node.log);
    node.log_bytes += chunk.size();
    if (node.log_bytes >= kMaxLogBytes) {
      std::fputs("\n[maelstrom: log truncated at 256 MiB]\n", node.log);
    }
  }
  node.stderr_tail += chunk;
  if (node.stderr_tail.size() > 2 * kStderrTailBytes) {
    node.stderr_tail.erase(0, node.stderr_tail.size() - kStderrTailBytes);
  }
  if (options_.log_stderr) {
    node.stderr_partial += chunk;
    size_t nl;
    while ((nl = node.stderr_partial.find('\n')) != std::string::npos) {
      out_ << node.id << " | " << node.stderr_partial.substr(0, nl) << "\n";
      node.stderr_partial.erase(0, nl + 1);
    }
  }
}

std::string Harness::StderrTail(const Node& node) const {
  absl::string_view tail = node.stderr_tail;
  if (tail.size() > kStderrTailBytes)
    tail = tail.substr(tail.size() - kStderrTailBytes);
  if (tail.empty()) return "  (its stderr was empty)";
  std::string out;
  for (absl::string_view line : absl::StrSplit(tail, '\n', absl::SkipEmpty())) {
    absl::StrAppend(&out, "  ", node.id, " stderr | ", line, "\n");
  }
  return out;
}

std::string Harness::Diagnose(int node) {
  DrainStderr(nodes_[node]);
  return absl::StrCat(" Last lines of its stderr:\n", StderrTail(nodes_[node]));
}

void Harness::StopAll() {
  for (Node& node : nodes_) {
    if (node.proc) node.proc->KillAndWait();
  }
  // Then whatever left the nodes' groups: a setsid() daemon, its children.
  // Reparented to this subreaper, they are this process's children now.
  const int left = KillAllDescendants(5000);
  if (left != 0 && !descendants_reported_) {
    descendants_reported_ = true;
    out_ << "maelstrom: warning: "
         << (left < 0 ? "cannot list this process's children (no /proc); "
                        "a node's daemonized descendants may outlive the run"
                      : absl::StrCat(left,
                                     " descendants of the nodes did "
                                     "not die within 5 s of SIGKILL"))
         << "\n";
  }
  for (Node& node : nodes_) {
    if (node.proc) {
      // What the node wrote before dying still belongs in its log.
      for (int i = 0; i < 64 && node.proc->stderr_fd() >= 0; ++i)
        DrainStderr(node);
      node.proc.reset();
    }
    if (node.log) std::fclose(node.log);
    node.log = nullptr;
  }
}

void Harness::CheckExits(absl::Time now) {
  next_exit_check_ = now + absl::Milliseconds(50);
  // Descendants of the nodes that were orphaned and have since exited
  // (this process is their subreaper): no zombies pile up.
  ReapOrphans();
  for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) {
    Node& node = nodes_[i];
    if (!node.proc || !driver_->node_up(i)) continue;
    absl::optional<int> status = node.proc->Reap();
    if (!status.has_value()) continue;
    for (int k = 0; k < 64 && node.proc->stderr_fd() >= 0; ++k)
      DrainStderr(node);
    // Maelstrom's db teardown (process.clj stop-node!) throws for a node
    // that is no longer alive: the test crashes, exit 255.
    driver_->Fail(absl::StrCat(
        node.id, " crashed: it ", DescribeWaitStatus(*status), " at ",
        absl::StrFormat("t=%.2fs", absl::ToDoubleSeconds(now - t0_)),
        " (a node process exiting during the test is a crash to Maelstrom). "
        "Last lines of "
        "its stderr:\n",
        StderrTail(node)));
    return;
  }
}

// ---------------------------------------------------------------- NodeHost

void Harness::Deliver(int index, const Message& m, int64_t id, absl::Time now) {
  Node& node = nodes_[index];
  MC_ASSERT(node.proc != nullptr,
            "the driver delivers only to a node that is up");
  // net.clj Message record: id, src, dest, body.
  Json wire = {{"id", id}, {"src", m.src}, {"dest", m.dest}, {"body", m.body}};
  // A node's integers beyond 64 bits go back as their digits, as cheshire
  // writes a BigInteger (sim/maelstrom/node_line.h).
  if (!node.proc->Send(sim::RestoreBigIntegers(
          wire.dump(-1, ' ', false, Json::error_handler_t::replace))) &&
      !node.stdin_reported && node.proc->pending_stdin() > 0) {
    node.stdin_reported = true;
    const std::string detail = absl::StrFormat(
        "%s is not reading its stdin (%d MiB queued, the harness's bound) at "
        "t=%.2fs; "
        "later messages to it are dropped",
        node.id, node.proc->pending_stdin() >> 20,
        absl::ToDoubleSeconds(now - t0_));
    driver_->AddFinding("stdin-backlog", detail);
    out_ << "maelstrom: EXTENSION finding: " << detail << "\n";
  }
}

void Harness::Kill(int index, absl::Time) {
  Node& node = nodes_[index];
  if (!node.proc) return;
  node.proc->KillAndWait();
  for (int i = 0; i < 64 && node.proc->stderr_fd() >= 0; ++i) DrainStderr(node);
  node.proc.reset();
  if (node.log) std::fputs("\n[maelstrom: killed by the nemesis]\n", node.log);
}

bool Harness::Restart(int index, absl::Time) {
  Node& node = nodes_[index];
  if (node.log) std::fputs("[maelstrom: restarted]\n", node.log);
  return SpawnNode(index);
}

void Harness::Pause(int index, absl::Time) {
  if (nodes_[index].proc) nodes_[index].proc->SignalGroup(SIGSTOP);
}

void Harness::Resume(int index, absl::Time) {
  if (nodes_[index].proc) nodes_[index].proc->SignalGroup(SIGCONT);
}

// --------------------------------------------------------------------- loop

absl::Time Harness::WakeAt() const {
  return std::min({driver_->NextWakeAt(), next_progress_, next_exit_check_});
}

void Harness::PollFds(absl::Time wake_at) {
  struct Slot {
    int node;
    int which;  // 0 stdout, 1 stderr, 2 stdin
  };
  std::vector<pollfd> fds;
  std::vector<Slot> slots;
  for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) {
    Node& node = nodes_[i];
    if (!node.proc) continue;
    // Maelstrom stops reading a deaf node's stdout for good: its writes
    // then block once the pipe is full.
    if (node.stdout_open && !driver_->node_deaf(i) &&
        node.proc->stdout_fd() >= 0) {
      fds.push_back({node.proc->stdout_fd(), POLLIN, 0});
      slots.push_back({i, 0});
    }
    if (node.proc->stderr_fd() >= 0) {
      fds.push_back({node.proc->stderr_fd(), POLLIN, 0});
      slots.push_back({i, 1});
    }
    if (node.proc->WantsWrite() && node.proc->stdin_fd() >= 0) {
      fds.push_back({node.proc->stdin_fd(), POLLOUT, 0});
      slots.push_back({i, 2});
    }
  }
  int n = PollUntil(&fds, absl::Now(), wake_at, absl::Milliseconds(100));
  if (n <= 0) return;
  const absl::Time now = absl::Now();
  for (size_t k = 0; k < fds.size(); ++k) {
    if (!fds[k].revents) continue;
    const int index = slots[k].node;
    Node& node = nodes_[index];
    if (!node.proc) continue;
    if (slots[k].which == 1) {
      DrainStderr(node);
    } else if (slots[k].which == 2) {
      node.proc->FlushStdin();
    } else {
      std::vector<std::string> lines;
      StdoutState state = node.proc->ReadStdout(&lines);
      for (const std::string& line : lines) {
        ++node.window_lines;
        driver_->OnNodeLine(index, line, now);
      }
      if (state == StdoutState::kLineTooLong) {
        // Maelstrom would read on (Java's readLine has no bound): no
        // verdict can be Maelstrom's from here. The test breaks, exit 255.
        node.stdout_open = false;
        driver_->Fail(absl::StrFormat(
            "%s wrote a line longer than %d bytes at t=%.2fs: the harness's "
            "line bound (--max-line-bytes, default 1 GiB; Maelstrom has "
            "none), so this run cannot be judged as Maelstrom would judge "
            "it",
            node.id, node.proc->max_line_bytes(),
            absl::ToDoubleSeconds(now - t0_)));
      } else if (state == StdoutState::kEof) {
        node.stdout_open = false;  // closed stdout: it is probably exiting
        next_exit_check_ = now;
      }
    }
  }
}

void Harness::Progress(absl::Time now) {
  next_progress_ = now + absl::Seconds(1);
  for (Node& node : nodes_) {
    if (node.window_lines > kFloodLinesPerSecond && !node.flood_reported) {
      node.flood_reported = true;
      const std::string detail = absl::StrFormat(
          "%s flooded stdout: %d lines in one second (t=%.2fs)", node.id,
          node.window_lines, absl::ToDoubleSeconds(now - t0_));
      driver_->AddFinding("stdout-flood", detail);
      out_ << "maelstrom: EXTENSION finding: " << detail << "\n";
    }
    node.window_lines = 0;
  }
  const sim::Interpreter& w = driver_->interpreter();
  static const char* kPhase[] = {"init",     "setup", "main", "drain",
                                 "recovery", "final", "done"};
  int64_t ok = 0, info = 0, fail = 0;
  for (const sim::HistoryEvent& e : w.history()) {
    ok += e.type == sim::EventType::kOk;
    info += e.type == sim::EventType::kInfo;
    fail += e.type == sim::EventType::kFail;
  }
  std::string clock;
  if (!w.main_started()) {
    clock = absl::StrFormat("%5.1fs", absl::ToDoubleSeconds(now - t0_));
  } else if (w.phase() == sim::Interpreter::Phase::kMain) {
    clock = absl::StrFormat(
        "%5.1f/%gs", absl::ToDoubleSeconds(now - w.start_time()),
        absl::ToDoubleSeconds(options_.driver.workload.time_limit));
  } else {
    clock =
        absl::StrFormat("%5.1fs", absl::ToDoubleSeconds(now - w.start_time()));
  }
  const std::vector<std::string> faults = driver_->ActiveFaults();
  out_ << absl::StrFormat(
      "[%s] %-8s ops %d (ok %d, info %d, fail %d)  msgs %d  %s\n", clock,
      kPhase[static_cast<int>(w.phase())], ok + info + fail, ok, info, fail,
      driver_->messages(),
      faults.empty() ? "no faults" : absl::StrJoin(faults, "; "));
  out_.flush();
}

Outcome Harness::Run() {
  InstallChildCleanupHandlers();
  if (std::string why = BecomeSubreaper(); !why.empty()) {
    out_ << "maelstrom: note: cannot become the subreaper of the nodes (" << why
         << "): a node's daemonized descendants may outlive the run\n";
  }
  t0_ = absl::Now();
  next_progress_ = t0_ + absl::Seconds(1);
  next_exit_check_ = t0_;
  char tmpl[] = "/tmp/maelstrom-nodes-XXXXXX";
  if (mkdtemp(tmpl)) tmp_dir_ = tmpl;
  const sim::DriverConfig& c = options_.driver;
  std::vector<std::string> nemeses;
  if (c.partition) nemeses.push_back("partition");
  if (c.kill) nemeses.push_back("kill (as Maelstrom main)");
  if (c.pause) nemeses.push_back("pause (as Maelstrom main)");
  if (c.crash) nemeses.push_back("crash (EXTENSION)");
  if (c.stall) nemeses.push_back("stall (EXTENSION)");
  if (c.kv_cut) nemeses.push_back("kv-cut (EXTENSION)");
  out_ << absl::StrFormat(
      "Running %s: nodes %s (%s%s), %d client threads, rate %g/s, time limit "
      "%gs, "
      "latency %dms %s, nemesis %s (interval %gs), seed %d\nStore: %s\n",
      options_.workload, absl::StrJoin(c.nodes, " "), options_.bin,
      options_.bin_args.empty() ? ""
                                : " " + absl::StrJoin(options_.bin_args, " "),
      c.workload.concurrency, c.workload.rate,
      absl::ToDoubleSeconds(c.workload.time_limit),
      absl::ToInt64Milliseconds(c.network.latency),
      sim::LatencyDistName(c.network.latency_dist),
      nemeses.empty() ? "none" : absl::StrJoin(nemeses, ","),
      absl::ToDoubleSeconds(c.nemesis_interval), seed_, store_.dir());
  for (const std::string& note : options_.ignored)
    out_ << "note: " << note << "\n";
  if (c.strict) out_ << "--strict: any EXTENSION finding fails this run\n";
  for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) {
    if (!SpawnNode(i)) return Finish();
  }
  driver_->Start(absl::Now());
  while (!driver_->done()) {
    absl::Time now = absl::Now();
    driver_->Advance(now);
    if (driver_->done()) break;
    if (now >= next_exit_check_) CheckExits(now);
    if (now >= next_progress_) Progress(now);
    if (driver_->done()) break;
    PollFds(WakeAt());
  }
  return Finish();
}

Outcome Harness::Finish() {
  const absl::Time end = absl::Now();
  StopAll();
  sim::DriverResult d = driver_->Finish(end);
  Outcome o;
  o.verdict = std::move(d.verdict);
  o.report = std::move(d.report);
  o.exit_code = sim::ExitCode(o.verdict, o.report);
  journal_.close();
  o.harness_cpu_seconds = CpuSeconds();
  WriteStore(o, d.history);
  return o;
}

void Harness::WriteStore(const Outcome& o, const sim::History& history) {
  const sim::Interpreter& w = driver_->interpreter();
  const absl::Time start = w.main_started() ? w.start_time() : t0_;
  store_
      .WriteFile("history.txt",
                 sim::HistoryText(history, driver_->nemesis_ops(), start))
      .IgnoreError();
  std::vector<std::string> fs;
  for (const auto& [f, stats] : o.verdict.by_f) fs.push_back(f);
  PlotFiles plots =
      MakePlots(history, fs, start, absl::Now(), driver_->fault_spans());
  store_.WriteFile("latency-raw.dat", plots.latency_data).IgnoreError();
  store_.WriteFile("rate.dat", plots.rate_data).IgnoreError();
  store_.WriteFile("plots.gnuplot", plots.script).IgnoreError();
  // gnuplot refuses to plot nothing at all; say so instead.
  absl::Status plotted =
      o.verdict.completed_ops == 0
          ? absl::FailedPreconditionError("no operation completed")
          : store_.RunGnuplot("plots.gnuplot");
  if (!plotted.ok())
    out_ << "maelstrom: plots skipped: " << plotted.message() << "\n";
  store_
      .WriteFile("results.json",
                 ResultsJson(o, seed_).dump(2, ' ', false,
                                            Json::error_handler_t::replace) +
                     "\n")
      .IgnoreError();
  const std::string results = sim::FormatResults(o.verdict, o.report);
  store_.WriteFile("results.txt", results).IgnoreError();
  WriteReport(o, results);
}

void Harness::WriteReport(const Outcome& o, const std::string& results) {
  sim::RunMetadata& meta = record_.meta;
  meta.workload = options_.workload;
  meta.driver = "harness";
  meta.seed = seed_;
  meta.started = t0_;
  meta.command = options_.command;
  std::vector<absl::string_view> lines =
      absl::StrSplit(results, '\n', absl::SkipWhitespace());
  meta.verdict_line = lines.empty() ? "" : std::string(lines.back());
  meta.exit_code = o.exit_code;
  meta.results_text = results;
  meta.plots = {"latency-raw.png", "rate.png"};
  for (const Node& node : nodes_)
    meta.node_logs.push_back(absl::StrCat("node-logs/", node.id, ".log"));
  meta.other_files = {"results.txt",  "results.json",  "history.txt",
                      "messages.txt", "plots.gnuplot", "gnuplot.log"};
  if (o.report.convergence_from_reads) {
    record_.results.extensions.push_back(
        {"convergence-from-reads-ms", absl::StrCat(absl::ToDoubleMilliseconds(
                                          *o.report.convergence_from_reads))});
  }
  for (const sim::Finding& f : o.report.findings)
    record_.results.extensions.push_back({f.kind, f.detail});
  report::ReportOptions options;
  options.window = options_.diagram;
  options.store_root = options_.store_root;
  absl::StatusOr<report::WrittenReport> w =
      report::WriteRunReport(store_.dir(), record_, options);
  if (!w.ok()) {
    out_ << "maelstrom: report pages not written: " << w.status().message()
         << "\n";
    return;
  }
  out_ << "messages.svg: " << w->window.Describe() << "\n";
}

}  // namespace harness
