#include "testing/harness.h"

#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ftw.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace harness {
namespace {

using kvclient::Json;
using kvclient::Message;
using sim::EndpointKind;

constexpr size_t kMaxLogBytes = 256 << 20;      // per node log file
constexpr size_t kStderrTailBytes = 2048;        // kept for diagnoses
constexpr int64_t kFloodLinesPerSecond = 10000;  // warn above this
constexpr int64_t kMaxJournalLines = 500000;     // ~50 MB of messages.txt
constexpr absl::Duration kProbeEvery = absl::Milliseconds(100);
constexpr int64_t kFirstProbeClient = 900000000;  // far from the workload's c0, c1...

bool IsProbeClient(absl::string_view id) {
  int64_t n;
  return kvclient::IsClientId(id) && absl::SimpleAtoi(id.substr(1), &n) &&
         n >= kFirstProbeClient;
}

// Maelstrom's services. seq-kv and lin-kv are emulated; the other two exist
// in Maelstrom, so messages to them are legal, but get no reply here.
bool IsKnownService(absl::string_view id) {
  return id == "seq-kv" || id == "lin-kv" || id == "lww-kv" || id == "lin-tso";
}

std::string Truncated(absl::string_view s, size_t n = 200) {
  if (s.size() <= n) return std::string(s);
  return absl::StrCat(s.substr(0, n), "... (", s.size(), " bytes)");
}

int RemoveEntry(const char* path, const struct stat*, int, struct FTW*) {
  return remove(path);
}

double CpuSeconds() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

sim::WorkloadOptions WorkloadOptionsFrom(const HarnessOptions& o) {
  sim::WorkloadOptions w;
  w.concurrency = o.concurrency;
  w.rate = o.rate;
  w.time_limit = o.time_limit;
  w.pn_counter = o.workload == "pn-counter";
  w.client_timeout = o.client_timeout;
  w.final_sleep = o.final_sleep;
  return w;
}

sim::NetworkOptions NetworkOptionsFrom(const HarnessOptions& o) {
  sim::NetworkOptions n;
  n.latency = o.latency;
  n.latency_dist = o.latency_dist;
  return n;
}

std::vector<std::string> NodeIds(int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(absl::StrCat("n", i));
  return ids;
}

}  // namespace

Harness::Harness(HarnessOptions options, uint64_t seed, Store store,
                 std::ostream& out)
    : options_(std::move(options)),
      seed_(seed),
      store_(std::move(store)),
      out_(out),
      node_ids_(NodeIds(options_.node_count)),
      prng_(seed),
      net_prng_(prng_.Fork("network")),
      kv_prng_(prng_.Fork("kv")),
      workload_prng_(prng_.Fork("workload")),
      nemesis_prng_(prng_.Fork("nemesis")),
      network_(NetworkOptionsFrom(options_)),
      workload_(WorkloadOptionsFrom(options_), node_ids_) {
  for (const std::string& id : node_ids_) {
    Node n;
    n.id = id;
    nodes_.push_back(std::move(n));
  }
}

Harness::~Harness() {
  StopAll();
  if (journal_) std::fclose(journal_);
  if (!tmp_dir_.empty()) nftw(tmp_dir_.c_str(), RemoveEntry, 16, FTW_DEPTH | FTW_PHYS);
}

// ---------------------------------------------------------------- processes

bool Harness::SpawnNode(Node& node) {
  if (!node.log) {
    node.log = std::fopen(store_.Path(absl::StrCat("node-logs/", node.id, ".log")).c_str(), "a");
  }
  std::string cwd = absl::StrCat(tmp_dir_, "/", node.id);
  MakeDirs(cwd).IgnoreError();
  auto proc = NodeProcess::Spawn({options_.bin, options_.bin_args, cwd}, node.id);
  if (!proc.ok()) {
    Fail(absl::StrCat("could not start ", node.id, ": ", proc.status().message()));
    return false;
  }
  node.proc = *std::move(proc);
  node.reading = true;
  node.down = false;
  node.paused = false;
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
  if (tail.size() > kStderrTailBytes) tail = tail.substr(tail.size() - kStderrTailBytes);
  if (tail.empty()) return "  (its stderr was empty)";
  std::string out;
  for (absl::string_view line : absl::StrSplit(tail, '\n', absl::SkipEmpty())) {
    absl::StrAppend(&out, "  ", node.id, " stderr | ", line, "\n");
  }
  return out;
}

void Harness::StopAll() {
  for (Node& node : nodes_) {
    if (!node.proc) continue;
    node.proc->KillAndWait();
    // What the node wrote before dying still belongs in its log.
    for (int i = 0; i < 64 && node.proc->stderr_fd() >= 0; ++i) DrainStderr(node);
    node.proc.reset();
    if (node.log) std::fclose(node.log);
    node.log = nullptr;
  }
}

void Harness::CheckExits(absl::Time now) {
  next_exit_check_ = now + absl::Milliseconds(50);
  for (Node& node : nodes_) {
    if (!node.proc || node.down) continue;
    absl::optional<int> status = node.proc->Reap();
    if (!status.has_value()) continue;
    for (int i = 0; i < 64 && node.proc->stderr_fd() >= 0; ++i) DrainStderr(node);
    Fail(absl::StrCat(node.id, " crashed: it ", DescribeWaitStatus(*status), " at ",
                      Elapsed(now), " (a node process exiting during the test is "
                      "a crash to Maelstrom). Last lines of its stderr:\n",
                      StderrTail(node)));
    return;
  }
}

// ------------------------------------------------------------------ routing

Harness::Node* Harness::NodeById(absl::string_view id) {
  for (Node& n : nodes_) {
    if (n.id == id) return &n;
  }
  return nullptr;
}

void Harness::Journal(absl::Time now, absl::string_view what, const Message& m) {
  if ((what == "send" && options_.log_net_send) || (what == "recv" && options_.log_net_recv)) {
    out_ << absl::StrFormat("[%7.3fs] %s %s -> %s %s\n", absl::ToDoubleSeconds(now - t0_),
                            what, m.src, m.dest,
                            m.body.dump(-1, ' ', false, Json::error_handler_t::replace));
  }
  if (!journal_) return;
  if (++journal_lines_ > kMaxJournalLines) {
    std::fputs("[maelstrom: timeline truncated here; every later message is omitted]\n",
               journal_);
    std::fclose(journal_);
    journal_ = nullptr;
    return;
  }
  std::string body = m.body.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::fprintf(journal_, "%10.6f %-5s %-8s -> %-8s %s\n",
               absl::ToDoubleSeconds(now - t0_), std::string(what).c_str(),
               m.src.c_str(), m.dest.c_str(), body.c_str());
}

void Harness::Send(const Message& m, absl::Time now, bool counted) {
  if (counted) {
    ++messages_;
    if (sim::KindOf(m.src) != EndpointKind::kClient &&
        sim::KindOf(m.dest) != EndpointKind::kClient) {
      ++server_messages_;
    }
  }
  Journal(now, "send", m);
  for (absl::Duration delay : network_.OnSend(m, net_prng_)) {
    if (delay <= absl::ZeroDuration()) {
      Deliver(m, now);
    } else {
      in_flight_.Schedule(now + delay, m);
    }
  }
}

void Harness::Deliver(const Message& m, absl::Time now) {
  if (network_.DropAtDelivery(m)) {
    ++dropped_;
    Journal(now, "drop", m);
    return;
  }
  if (options_.log_net_recv) Journal(now, "recv", m);
  switch (sim::KindOf(m.dest)) {
    case EndpointKind::kClient:
      return;  // clients are served when the line is read (OnStdoutLine)
    case EndpointKind::kService: {
      sim::KvService* kv = m.dest == "seq-kv"   ? static_cast<sim::KvService*>(&seq_kv_)
                           : m.dest == "lin-kv" ? &lin_kv_
                                                : nullptr;
      if (!kv) return;  // lww-kv / lin-tso: not emulated, warned at send
      absl::optional<Json> reply = kv->Handle(m.src, m.body, kv_prng_);
      if (reply) Send(Message{m.dest, m.src, *std::move(reply)}, now);
      return;
    }
    case EndpointKind::kNode: {
      Node* node = NodeById(m.dest);
      if (!node || !node->proc || node->down) {
        ++dropped_;  // a killed node's messages are lost, as on a real crash
        return;
      }
      Json wire = {{"id", next_wire_id_++}, {"src", m.src}, {"dest", m.dest}, {"body", m.body}};
      if (!node->proc->Send(wire.dump(-1, ' ', false, Json::error_handler_t::replace)) &&
          !node->stdin_warned && node->proc->pending_stdin() > 0) {
        node->stdin_warned = true;
        warnings_.push_back(absl::StrCat(node->id, " is not reading its stdin (",
                                         node->proc->pending_stdin() >> 20,
                                         " MiB queued); later messages to it are dropped"));
        out_ << "maelstrom: WARNING " << warnings_.back() << "\n";
      }
      return;
    }
  }
}

void Harness::DeliverToClient(const Message& m, absl::Time now, Node* sender) {
  if (IsProbeClient(m.dest)) {
    OnProbeReply(m, now);
    return;
  }
  std::string note;
  sim::Workload::Delivery d = workload_.OnClientMessage(m, now, &note);
  if (d == sim::Workload::Delivery::kDepartedClient && sender) {
    const bool never_existed = absl::StartsWith(note, "unknown");
    Invalid(*sender,
            never_existed
                ? absl::StrCat("sent a message to ", note, ", which never existed")
                : absl::StrCat("sent a message to ", note,
                               ", which no longer exists (its operation timed out after ",
                               absl::FormatDuration(options_.client_timeout),
                               " or got an error, so Maelstrom closed that client); a "
                               "node must answer well within the timeout or not at all"),
            kvclient::EncodeMessage(m));
  } else if (d == sim::Workload::Delivery::kIgnored && warnings_.size() < 50) {
    warnings_.push_back(absl::StrCat(m.src, " -> ", m.dest, ": ", note));
  }
}

void Harness::Invalid(Node& node, const std::string& why, const std::string& line) {
  if (!node.reading) return;
  // Not read any more, but left open: like Maelstrom, the node's writes then
  // block once the pipe is full, instead of failing with EPIPE.
  node.reading = false;
  invalid_lines_.push_back(absl::StrCat(node.id, " ", why, ": ", Truncated(line)));
  out_ << "maelstrom: INVALID " << node.id << " " << why << "\n  line: " << Truncated(line)
       << "\n  Maelstrom stops reading " << node.id
       << "'s stdout for the rest of the test; so does this harness.\n";
}

void Harness::OnStdoutLine(Node& node, const std::string& line, absl::Time now) {
  if (!node.reading) return;
  ++node.lines;
  ++node.window_lines;
  absl::StatusOr<Message> m = kvclient::ParseMessage(line);
  if (!m.ok()) {
    Invalid(node, absl::StrCat("wrote a line that is not a Maelstrom message (",
                               m.status().message(), ")"),
            line);
    return;
  }
  EndpointKind kind = sim::KindOf(m->dest);
  bool known = kind == EndpointKind::kClient ||
               (kind == EndpointKind::kNode && NodeById(m->dest)) ||
               (kind == EndpointKind::kService && IsKnownService(m->dest));
  if (!known) {
    Invalid(node, absl::StrCat("sent a message to unknown destination \"", m->dest, "\""),
            line);
    return;
  }
  if (m->dest == "lww-kv" || m->dest == "lin-tso") {
    if (warnings_.size() < 50) {
      warnings_.push_back(absl::StrCat(m->dest, " is not emulated by this harness; ",
                                       node.id, "'s request gets no reply"));
    }
  }
  Send(*m, now, /*counted=*/!IsProbeClient(m->dest));
  if (kind == EndpointKind::kClient) DeliverToClient(*m, now, &node);
}

// --------------------------------------------------------------------- loop

int Harness::PollTimeoutMs(absl::Time now) const {
  absl::Time next = std::min({workload_.NextWakeAt(), next_progress_, next_exit_check_,
                              probe_.next_round});
  if (auto t = in_flight_.NextTime()) next = std::min(next, *t);
  if (nemeses_started_ && !healed_) {
    const bool in_time = now < workload_.start_time() + options_.time_limit;
    for (const sim::Nemesis& n : nemeses_) {
      // Only a nemesis RunNemeses would fire; another's past next_at must
      // not turn the poll into a busy loop.
      if (in_time || (n.active() && n.name() != "partition")) {
        next = std::min(next, n.next_at());
      }
    }
  }
  if (next <= now) return 0;
  int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(next - now, absl::Milliseconds(1)));
  return static_cast<int>(std::min<int64_t>(ms, 100));
}

void Harness::PollFds(int timeout_ms) {
  struct Slot {
    Node* node;
    int which;  // 0 stdout, 1 stderr, 2 stdin
  };
  std::vector<pollfd> fds;
  std::vector<Slot> slots;
  for (Node& node : nodes_) {
    if (!node.proc) continue;
    if (node.reading && node.proc->stdout_fd() >= 0) {
      fds.push_back({node.proc->stdout_fd(), POLLIN, 0});
      slots.push_back({&node, 0});
    }
    if (node.proc->stderr_fd() >= 0) {
      fds.push_back({node.proc->stderr_fd(), POLLIN, 0});
      slots.push_back({&node, 1});
    }
    if (node.proc->WantsWrite() && node.proc->stdin_fd() >= 0) {
      fds.push_back({node.proc->stdin_fd(), POLLOUT, 0});
      slots.push_back({&node, 2});
    }
  }
  int n = poll(fds.data(), fds.size(), timeout_ms);
  if (n <= 0) return;
  const absl::Time now = absl::Now();
  for (size_t i = 0; i < fds.size(); ++i) {
    if (!fds[i].revents) continue;
    Node& node = *slots[i].node;
    if (!node.proc) continue;
    if (slots[i].which == 1) {
      DrainStderr(node);
    } else if (slots[i].which == 2) {
      node.proc->FlushStdin();
    } else {
      std::vector<std::string> lines;
      StdoutState state = node.proc->ReadStdout(&lines);
      for (const std::string& line : lines) OnStdoutLine(node, line, now);
      if (state == StdoutState::kLineTooLong) {
        Invalid(node, absl::StrCat("wrote over ", NodeProcess::kMaxLineBytes >> 20,
                                   " MiB without a newline (a flood?)"),
                "(not shown)");
      } else if (state == StdoutState::kEof) {
        node.reading = false;        // closed stdout: it is probably exiting
        next_exit_check_ = now;
      }
    }
  }
}

void Harness::Step(absl::Time now) {
  while (auto t = in_flight_.NextTime()) {
    if (*t > now) break;
    Deliver(in_flight_.Pop()->event, now);
  }
  sim::Workload::Output out = workload_.Poll(now, workload_prng_);
  if (!workload_.harness_error().empty()) {
    std::string diag = workload_.harness_error();
    for (const Node& node : nodes_) {
      if (absl::StartsWith(diag, node.id + " ")) {
        absl::StrAppend(&diag, " (Maelstrom's limit). ", node.id, " wrote ", node.lines,
                        " stdout lines; an init_ok needs \"in_reply_to\":1 and "
                        "\"dest\" = the init's src. Last lines of its stderr:\n",
                        StderrTail(node));
      }
    }
    Fail(diag);
    return;
  }
  if (workload_.phase() != sim::Workload::Phase::kInit && !nemeses_started_) {
    StartNemeses(workload_.start_time());
  }
  if (out.heal) HealEverything(now);
  for (const Message& m : out.messages) Send(m, now);
  RunNemeses(now);
  RunProbes(now);
  if (now >= next_exit_check_) CheckExits(now);
  if (now >= next_progress_) Progress(now);
}

void Harness::Fail(const std::string& why) {
  if (!harness_error_.empty()) return;
  harness_error_ = why;
  out_ << "maelstrom: ERROR " << why << "\n";
}

// ------------------------------------------------------------------- faults

void Harness::StartNemeses(absl::Time start) {
  nemeses_started_ = true;
  const absl::Duration interval = options_.nemesis_interval;
  for (NemesisKind k : options_.nemeses) {
    switch (k) {
      case NemesisKind::kPartition:
        nemeses_.push_back(sim::Nemesis::Partition(node_ids_, interval, start));
        break;
      case NemesisKind::kKill:
        nemeses_.push_back(sim::Nemesis::Kill(node_ids_, interval, start));
        break;
      case NemesisKind::kPause:
        nemeses_.push_back(sim::Nemesis::Pause(node_ids_, interval, absl::Milliseconds(500),
                                               absl::Seconds(3), start));
        break;
      case NemesisKind::kKvCut:
        nemeses_.push_back(sim::Nemesis::KvCut(node_ids_, interval, start));
        break;
    }
  }
}

void Harness::RunNemeses(absl::Time now) {
  if (!nemeses_started_ || healed_) return;
  // As in sim::World: like Jepsen's time-limited nemesis generator, no
  // partition steps after the time limit (an active one stays until the
  // heal), but an extension fault still ends on schedule: a pause or cut
  // held through the drain would make clients time out for nothing.
  const bool in_time = now < workload_.start_time() + options_.time_limit;
  for (size_t i = 0; i < nemeses_.size(); ++i) {
    sim::Nemesis& n = nemeses_[i];
    const bool may_end = n.active() && n.name() != "partition";
    if (now < n.next_at() || !(in_time || may_end)) continue;
    sim::Prng prng = nemesis_prng_.Fork(absl::StrCat(n.name(), "/", faults_.size()));
    Apply(n.Fire(now, prng), now);
  }
}

void Harness::Apply(const sim::FaultAction& a, absl::Time now) {
  std::string what = a.Describe();
  if (a.kind == sim::FaultAction::kPartition && a.grudge.empty()) {
    what = "partition that cuts nothing (Maelstrom's minority-third shape with < 4 nodes)";
  }
  out_ << absl::StrFormat("[%7.2fs] nemesis: %s\n", absl::ToDoubleSeconds(now - t0_), what);
  auto open_span = [&](const char* kind, std::string key_name) {
    active_fault_[key_name] = faults_.size();
    faults_.push_back({now, absl::InfiniteFuture(), kind, what});
  };
  auto close_span = [&](std::string key_name) {
    auto it = active_fault_.find(key_name);
    if (it == active_fault_.end()) return;
    faults_[it->second].end = now;
    active_fault_.erase(it);
  };
  Node* node = a.node.empty() ? nullptr : NodeById(a.node);
  switch (a.kind) {
    case sim::FaultAction::kPartition:
      close_span("partition");
      network_.SetGrudge(a.grudge);
      open_span("partition", "partition");
      break;
    case sim::FaultAction::kHeal:
      network_.Heal();
      close_span("partition");
      break;
    case sim::FaultAction::kKill:
      if (node && node->proc && !node->down) {
        node->down = true;
        node->proc->KillAndWait();
        for (int i = 0; i < 64 && node->proc->stderr_fd() >= 0; ++i) DrainStderr(*node);
        node->proc.reset();
        if (node->log) std::fputs("\n[maelstrom: killed by the nemesis]\n", node->log);
        open_span("kill", "kill" + a.node);
      }
      break;
    case sim::FaultAction::kRestart:
      if (node && node->down) {
        if (node->log) std::fputs("[maelstrom: restarted]\n", node->log);
        if (SpawnNode(*node)) Send(workload_.InitFor(node->id, now), now);
      }
      close_span("kill" + a.node);
      break;
    case sim::FaultAction::kPause:
      if (node && node->proc && !node->down) {
        node->proc->SignalGroup(SIGSTOP);
        node->paused = true;
        open_span("pause", "pause" + a.node);
      }
      break;
    case sim::FaultAction::kResume:
      if (node && node->proc) node->proc->SignalGroup(SIGCONT);
      if (node) node->paused = false;
      close_span("pause" + a.node);
      break;
    case sim::FaultAction::kCutKv:
      network_.CutKv(a.node, a.cut_mode);
      open_span("kv-cut", "kv-cut" + a.node);
      break;
    case sim::FaultAction::kRestoreKv:
      network_.RestoreKv(a.node);
      close_span("kv-cut" + a.node);
      break;
  }
}

void Harness::HealEverything(absl::Time now) {
  for (sim::Nemesis& n : nemeses_) {
    if (absl::optional<sim::FaultAction> undo = n.Heal()) Apply(*undo, now);
  }
  healed_ = true;
  network_.Heal();
  network_.RestoreAllKv();
  out_ << absl::StrFormat("[%7.2fs] healed every fault; waiting %s for recovery, then "
                          "one final read per client\n",
                          absl::ToDoubleSeconds(now - t0_),
                          absl::FormatDuration(options_.final_sleep));
  probe_.next_round = now;
  for (const sim::HistoryEvent& e : workload_.history()) {
    if (e.type == sim::EventType::kOk && e.f == kvclient::CounterOp::kAdd) {
      probe_.last_add = e.time;
    }
  }
}

// ---------------------------------------------------------------- probes

void Harness::RunProbes(absl::Time now) {
  if (probe_.done || now < probe_.next_round) return;
  if (workload_.phase() != sim::Workload::Phase::kSleep) {
    probe_.done = workload_.phase() > sim::Workload::Phase::kSleep;
    probe_.next_round = absl::InfiniteFuture();
    return;
  }
  probe_.next_round = now + kProbeEvery;
  probe_.client_node.clear();
  probe_.answers.clear();
  for (const Node& node : nodes_) {
    std::string client = absl::StrCat("c", probe_.next_client++);
    probe_.client_node[client] = node.id;
    Send(Message{client, node.id, kvclient::ReadRequestBody(1)}, now, /*counted=*/false);
  }
}

void Harness::OnProbeReply(const Message& m, absl::Time now) {
  kvclient::CounterReply r = kvclient::CheckCounterReply(kvclient::CounterOp::kRead, m.body);
  // Only this round's answers count; late ones from older rounds are stale.
  if (r.kind != kvclient::CounterReply::kOk || probe_.done ||
      !probe_.client_node.count(m.dest)) {
    return;
  }
  probe_.answers[probe_.client_node[m.dest]] = r.value;
  if (probe_.answers.size() < nodes_.size()) return;
  int64_t first = probe_.answers.begin()->second;
  for (const auto& [node, value] : probe_.answers) {
    if (value != first) return;
  }
  probe_.done = true;
  probe_.converged_at = now;
  probe_.converged_value = first;
  probe_.next_round = absl::InfiniteFuture();
}

// ------------------------------------------------------------------ output

std::string Harness::Elapsed(absl::Time now) const {
  return absl::StrFormat("t=%.2fs", absl::ToDoubleSeconds(now - t0_));
}

void Harness::Progress(absl::Time now) {
  next_progress_ = now + absl::Seconds(1);
  for (Node& node : nodes_) {
    if (node.window_lines > kFloodLinesPerSecond && !node.flood_warned) {
      node.flood_warned = true;
      warnings_.push_back(absl::StrCat(node.id, " flooded stdout: ", node.window_lines,
                                       " lines in one second"));
      out_ << "maelstrom: WARNING " << warnings_.back() << "\n";
    }
    node.window_lines = 0;
  }
  static const char* kPhase[] = {"init", "main", "drain", "recovery", "final", "done"};
  int64_t ok = 0, info = 0, fail = 0;
  for (const sim::HistoryEvent& e : workload_.history()) {
    ok += e.type == sim::EventType::kOk;
    info += e.type == sim::EventType::kInfo;
    fail += e.type == sim::EventType::kFail;
  }
  std::string clock;
  if (workload_.phase() == sim::Workload::Phase::kInit) {
    clock = absl::StrFormat("%5.1fs", absl::ToDoubleSeconds(now - t0_));
  } else if (workload_.phase() == sim::Workload::Phase::kMain) {
    clock = absl::StrFormat("%5.1f/%gs", absl::ToDoubleSeconds(now - workload_.start_time()),
                            absl::ToDoubleSeconds(options_.time_limit));
  } else {
    clock = absl::StrFormat("%5.1fs", absl::ToDoubleSeconds(now - workload_.start_time()));
  }
  std::string faults;
  for (const auto& [key, index] : active_fault_) {
    absl::StrAppend(&faults, faults.empty() ? "" : "; ", faults_[index].description);
  }
  out_ << absl::StrFormat("[%s] %-8s ops %d (ok %d, info %d, fail %d)  msgs %d  %s\n", clock,
                          kPhase[static_cast<int>(workload_.phase())], ok + info + fail, ok,
                          info, fail, messages_,
                          faults.empty() ? "no faults" : faults);
  out_.flush();
}

Outcome Harness::Run() {
  InstallChildCleanupHandlers();
  t0_ = absl::Now();
  next_progress_ = t0_ + absl::Seconds(1);
  next_exit_check_ = t0_;
  char tmpl[] = "/tmp/maelstrom-nodes-XXXXXX";
  if (mkdtemp(tmpl)) tmp_dir_ = tmpl;
  journal_ = std::fopen(store_.Path("messages.txt").c_str(), "w");
  if (journal_) {
    std::fputs("# every message: seconds since start, send|drop, src -> dest, body\n",
               journal_);
  }
  std::string nemeses;
  for (NemesisKind k : options_.nemeses) {
    absl::StrAppend(&nemeses, nemeses.empty() ? "" : ",", NemesisName(k));
  }
  out_ << absl::StrFormat(
      "Running %s: %d nodes (%s%s), %d clients, rate %g/s, time limit %gs, "
      "latency %dms %s, nemesis %s (interval %gs), seed %d\nStore: %s\n",
      options_.workload, options_.node_count, options_.bin,
      options_.bin_args.empty() ? "" : " " + absl::StrJoin(options_.bin_args, " "),
      options_.concurrency, options_.rate, absl::ToDoubleSeconds(options_.time_limit),
      absl::ToInt64Milliseconds(options_.latency), sim::LatencyDistName(options_.latency_dist),
      nemeses.empty() ? "none" : nemeses, absl::ToDoubleSeconds(options_.nemesis_interval),
      seed_, store_.dir());
  for (Node& node : nodes_) {
    if (!SpawnNode(node)) return Finish();
  }
  for (const Message& m : workload_.StartInits(absl::Now())) Send(m, absl::Now());
  while (harness_error_.empty() && !workload_.done()) {
    Step(absl::Now());
    if (!harness_error_.empty() || workload_.done()) break;
    PollFds(PollTimeoutMs(absl::Now()));
  }
  return Finish();
}

Outcome Harness::Finish() {
  const absl::Time end = absl::Now();
  StopAll();
  for (auto& [key, index] : active_fault_) faults_[index].end = end;
  Outcome o;
  o.verdict = sim::CheckCounterHistory(workload_.history());
  sim::RunReport& r = o.report;
  r.messages = messages_;
  r.server_messages = server_messages_;
  r.invalid_lines = invalid_lines_;
  r.harness_error = harness_error_;
  for (const FaultSpan& f : faults_) {
    r.faults.push_back(absl::StrFormat("%.1f-%.1fs %s", absl::ToDoubleSeconds(f.start - t0_),
                                       absl::ToDoubleSeconds(f.end - t0_), f.description));
  }
  if (probe_.converged_at && probe_.last_add) {
    r.convergence = *probe_.converged_at - *probe_.last_add;
    r.convergence_note = absl::StrCat("last ok add -> every node read ",
                                      probe_.converged_value, " (probe reads after healing)");
  } else if (healed_ && harness_error_.empty()) {
    r.convergence_note = probe_.last_add ? "nodes still disagreed when the recovery time ended"
                                         : "no add succeeded";
  }
  o.exit_code = sim::ExitCode(o.verdict, r);
  for (const std::string& e : o.verdict.errors) {
    // The history itself is inconsistent: the analysis, not the node, failed.
    if (absl::StrContains(e, "without invoke") && o.exit_code != 255) o.exit_code = 2;
  }
  o.warnings = warnings_;
  if (dropped_ > 0) {
    o.warnings.push_back(absl::StrCat(dropped_, " messages dropped (partitions, kv cuts, "
                                      "messages to killed nodes)"));
  }
  if (journal_) std::fclose(journal_);
  journal_ = nullptr;
  o.harness_cpu_seconds = CpuSeconds();
  WriteStore(o);
  return o;
}

void Harness::WriteStore(const Outcome& o) {
  const sim::History& history = workload_.history();
  const absl::Time start =
      workload_.phase() == sim::Workload::Phase::kInit ? t0_ : workload_.start_time();
  std::string text;
  for (const sim::HistoryEvent& e : history) {
    absl::StrAppend(&text, sim::FormatEvent(e, start), "\n");
  }
  store_.WriteFile("history.txt", text).IgnoreError();
  std::vector<FaultSpan> faults = faults_;
  PlotFiles plots = MakePlots(history, start, absl::Now(), faults);
  store_.WriteFile("latency-raw.dat", plots.latency_data).IgnoreError();
  store_.WriteFile("rate.dat", plots.rate_data).IgnoreError();
  store_.WriteFile("plots.gnuplot", plots.script).IgnoreError();
  // gnuplot refuses to plot nothing at all; say so instead.
  absl::Status plotted = o.verdict.completed_ops == 0
                             ? absl::FailedPreconditionError("no operation completed")
                             : store_.RunGnuplot("plots.gnuplot");
  if (!plotted.ok()) out_ << "maelstrom: plots skipped: " << plotted.message() << "\n";

  store_.WriteFile("results.json",
                   ResultsJson(o, seed_).dump(2, ' ', false, Json::error_handler_t::replace) +
                       "\n")
      .IgnoreError();
  store_.WriteFile("results.edn", sim::FormatResults(o.verdict, o.report)).IgnoreError();
}

}  // namespace harness
