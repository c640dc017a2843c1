#include "sim/report/synthetic_run.h"

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kvclient/assert.h"
#include "sim/maelstrom/prng.h"

namespace report {
namespace {

using kvclient::Json;
using sim::EventType;

constexpr absl::Duration kTick = absl::Milliseconds(500);
constexpr absl::Duration kClientTimeout = absl::Seconds(5);
constexpr size_t kMaxEvents = 1 << 20;  // the queue never holds more

class Synth {
 public:
  explicit Synth(const SyntheticOptions& o) : o_(o), prng_(o.seed) {
    for (int i = 0; i < o.nodes; ++i) {
      nodes_.emplace_back();
      nodes_.back().id = absl::StrCat("n", i);
    }
    threads_.resize(static_cast<size_t>(o.concurrency));
    run_.t0 = absl::FromUnixSeconds(1767268800);  // 2026-01-01T12:00:00Z
    run_.concurrency = o.concurrency;
    run_.meta.driver = "synthetic";
    run_.meta.seed = o.seed;
    run_.meta.started = run_.t0;
    for (const Node& n : nodes_) run_.meta.node_ids.push_back(n.id);
    run_.meta.command = absl::StrCat("synthetic run, seed ", o.seed);
  }

  sim::RunRecord Run();

 private:
  struct Pending {  // an add waiting for seq-kv
    std::string client;
    int64_t client_msg_id;
    int64_t delta;
  };
  struct Node {
    std::string id;
    int64_t total = 0;
    std::map<std::string, int64_t> peers;  // node → last known total
    bool deaf = false;                     // Maelstrom stopped reading it
    int64_t next_msg_id = 1;
    std::map<int64_t, Pending> cas, reread;    // kv msg_id → add
    std::map<int64_t, std::string> peer_read;  // kv msg_id → peer
  };
  struct Outstanding {
    int64_t msg_id;
    bool add;
    int64_t delta;
    bool final_read;
  };
  struct Thread {
    std::string client;
    int64_t next_msg_id = 1;
    absl::optional<Outstanding> op;
    bool final_done = false;
  };

  absl::Time now() const { return now_; }
  void At(absl::Time t, std::function<void()> fn) {
    MC_ASSERT(queue_.size() < kMaxEvents,
              "synthetic run's event queue is bounded");
    queue_.emplace(t, std::move(fn));
  }
  Node* NodeById(const std::string& id) {
    for (Node& n : nodes_) {
      if (n.id == id) return &n;
    }
    return nullptr;
  }
  std::string NewClient() { return absl::StrCat("c", next_client_++); }
  absl::Duration Delay() {
    return o_.latency / 2 +
           o_.latency * static_cast<double>(prng_.Uniform(1000)) / 1000.0;
  }
  int64_t ReadValue(const Node& n) const {
    int64_t v = n.total;
    for (const auto& [peer, total] : n.peers) v += total;
    return v;
  }

  void Send(const std::string& src, const std::string& dest, Json body);
  void Arrive(size_t index);
  void Handle(const sim::MessageRecord& m);
  void HandleAtNode(Node& node, const sim::MessageRecord& m);
  void HandleAtKv(const sim::MessageRecord& m);
  void HandleAtClient(const sim::MessageRecord& m);
  void Record(int thread, EventType type, int64_t value, bool final_read,
              std::string error = "");
  void Invoke(int thread, bool add, int64_t delta, bool final_read);
  void Complete(int thread, EventType type, int64_t value, std::string error);
  void IssueNext();
  void TickNode(size_t i);
  void StartFaults();
  void EndMain();
  void InjectInvalidLine();
  void FinishAcceptable();
  void FinishWorkloadReport();

  const SyntheticOptions o_;
  sim::Prng prng_;
  sim::RunRecord run_;
  std::multimap<absl::Time, std::function<void()>> queue_;
  absl::Time now_;
  std::vector<Node> nodes_;
  std::vector<Thread> threads_;
  std::map<std::string, int64_t> kv_;
  std::set<std::pair<std::string, std::string>> grudge_;  // (receiver, sender)
  std::string kv_cut_;  // node whose seq-kv requests are dropped
  std::set<std::string> departed_;
  int64_t next_client_ = 0;
  size_t next_thread_ = 0;
  bool main_over_ = false, done_ = false;
  std::vector<std::pair<int64_t, int64_t>> acceptable_;  // closed intervals
};

// "[[3 3] [7 7]]".
std::string Intervals(const std::vector<std::pair<int64_t, int64_t>>& set) {
  std::vector<std::string> parts;
  for (const auto& [lo, hi] : set)
    parts.push_back(absl::StrCat("[", lo, " ", hi, "]"));
  return absl::StrCat("[", absl::StrJoin(parts, " "), "]");
}

bool In(const std::vector<std::pair<int64_t, int64_t>>& set, int64_t v) {
  for (const auto& [lo, hi] : set) {
    if (lo <= v && v <= hi) return true;
  }
  return false;
}

void Synth::Send(const std::string& src, const std::string& dest, Json body) {
  sim::MessageRecord m;
  m.sent = now();
  m.src = src;
  m.dest = dest;
  m.body = std::move(body);
  m.fate = sim::Fate::kInFlight;
  const Node* sender = NodeById(src);
  const bool unread = sender != nullptr && sender->deaf;
  if (unread) m.fate = sim::Fate::kNotRead;
  run_.messages.push_back(std::move(m));
  if (unread) return;
  const size_t index = run_.messages.size() - 1;
  const bool client = kvclient::IsClientId(src) || kvclient::IsClientId(dest);
  At(now() + (client ? absl::ZeroDuration() : Delay()),
     [this, index] { Arrive(index); });
}

void Synth::Arrive(size_t index) {
  sim::MessageRecord& m = run_.messages[index];
  m.end = now();
  if (grudge_.count({m.dest, m.src})) {
    m.fate = sim::Fate::kPartitioned;
  } else if (!kv_cut_.empty() && m.src == kv_cut_ && m.dest == "seq-kv") {
    m.fate = sim::Fate::kKvCut;
  } else {
    m.fate = sim::Fate::kDelivered;
    // A copy: handling it sends, which may move run_.messages.
    const sim::MessageRecord delivered = m;
    Handle(delivered);
  }
}

void Synth::Handle(const sim::MessageRecord& m) {
  if (kvclient::IsClientId(m.dest)) return HandleAtClient(m);
  if (m.dest == "seq-kv") return HandleAtKv(m);
  if (Node* node = NodeById(m.dest)) HandleAtNode(*node, m);
}

void Synth::HandleAtKv(const sim::MessageRecord& m) {
  const std::string type(kvclient::BodyType(m.body));
  const int64_t id = kvclient::MsgId(m.body).value_or(0);
  const std::string key = m.body.value("key", "");
  Json reply;
  auto it = kv_.find(key);
  if (type == "read") {
    reply = it == kv_.end() ? Json{{"type", "error"},
                                   {"code", 20},
                                   {"text", "key does not exist"}}
                            : Json{{"type", "read_ok"}, {"value", it->second}};
  } else if (type == "cas") {
    const int64_t from = m.body.value("from", int64_t{0}),
                  to = m.body.value("to", int64_t{0});
    const int64_t current = it == kv_.end() ? 0 : it->second;
    if (prng_.Bernoulli(1, 20)) {  // a stale version answers: error 22
      reply = {{"type", "error"},
               {"code", 22},
               {"text",
                absl::StrCat("current value ", current - 1, " is not ", from)}};
    } else if (current == from) {
      kv_[key] = to;
      reply = {{"type", "cas_ok"}};
    } else {
      reply = {
          {"type", "error"},
          {"code", 22},
          {"text", absl::StrCat("current value ", current, " is not ", from)}};
    }
  } else {
    return;  // not modelled
  }
  reply["in_reply_to"] = id;
  Send("seq-kv", m.src, std::move(reply));
}

void Synth::HandleAtNode(Node& node, const sim::MessageRecord& m) {
  const std::string type(kvclient::BodyType(m.body));
  const int64_t id = kvclient::MsgId(m.body).value_or(0);
  const int64_t reply_to = kvclient::InReplyTo(m.body).value_or(-1);
  const std::string own_key = absl::StrCat("counter/", node.id);
  auto cas = [&](const Pending& p) {
    const int64_t kv_id = node.next_msg_id++;
    node.cas[kv_id] = p;
    Send(node.id, "seq-kv",
         {{"type", "cas"},
          {"key", own_key},
          {"from", node.total},
          {"to", node.total + p.delta},
          {"create_if_not_exists", true},
          {"msg_id", kv_id}});
  };
  if (type == "init") {
    Send(node.id, m.src, {{"type", "init_ok"}, {"in_reply_to", id}});
  } else if (type == "add") {
    const int64_t delta = m.body.value("delta", int64_t{0});
    if (delta == 0) {
      Send(node.id, m.src, {{"type", "add_ok"}, {"in_reply_to", id}});
    } else {
      cas(Pending{m.src, id, delta});
    }
  } else if (type == "read") {
    int64_t value = ReadValue(node);
    if (o_.bad_final_read && main_over_ && node.id == nodes_.back().id)
      value += 100;
    Send(node.id, m.src,
         {{"type", "read_ok"}, {"value", value}, {"in_reply_to", id}});
  } else if (type == "cas_ok" && node.cas.count(reply_to)) {
    const Pending p = node.cas[reply_to];
    node.cas.erase(reply_to);
    node.total += p.delta;
    Send(node.id, p.client,
         {{"type", "add_ok"}, {"in_reply_to", p.client_msg_id}});
  } else if (type == "error" &&
             node.cas.count(reply_to)) {  // 22: re-read own key
    const int64_t kv_id = node.next_msg_id++;
    node.reread[kv_id] = node.cas[reply_to];
    node.cas.erase(reply_to);
    Send(node.id, "seq-kv",
         {{"type", "read"}, {"key", own_key}, {"msg_id", kv_id}});
  } else if (type == "read_ok" && node.reread.count(reply_to)) {
    node.total = m.body.value("value", node.total);
    const Pending p = node.reread[reply_to];
    node.reread.erase(reply_to);
    cas(p);
  } else if (type == "read_ok" && node.peer_read.count(reply_to)) {
    int64_t& known = node.peers[node.peer_read[reply_to]];
    known = std::max(known, m.body.value("value", int64_t{0}));
    node.peer_read.erase(reply_to);
  } else if (type == "error") {
    node.peer_read.erase(reply_to);  // 20: the peer has not written yet
  } else if (type == "gossip") {
    int64_t& known = node.peers[m.src];
    known = std::max(known, m.body.value("total", int64_t{0}));
  }
}

void Synth::HandleAtClient(const sim::MessageRecord& m) {
  const int64_t reply_to = kvclient::InReplyTo(m.body).value_or(-1);
  for (size_t t = 0; t < threads_.size(); ++t) {
    Thread& th = threads_[t];
    if (th.client != m.dest || !th.op || th.op->msg_id != reply_to) continue;
    const bool read = kvclient::BodyType(m.body) == "read_ok";
    Complete(static_cast<int>(t), EventType::kOk,
             read ? m.body.value("value", int64_t{0}) : th.op->delta, "");
    return;
  }
}

void Synth::Record(int thread, EventType type, int64_t value, bool final_read,
                   std::string error) {
  const Thread& th = threads_[static_cast<size_t>(thread)];
  sim::HistoryEvent e;
  e.time = now();
  e.thread = thread;
  e.client = th.client;
  e.type = type;
  e.f = th.op->add ? "add" : "read";
  // As Jepsen's ops carry it: an add's delta throughout, a read's value
  // once :ok, else nil.
  if (th.op->add || type == EventType::kOk) e.value = value;
  e.final = final_read;
  e.error = std::move(error);
  run_.history.push_back(std::move(e));
}

void Synth::Invoke(int thread, bool add, int64_t delta, bool final_read) {
  Thread& th = threads_[static_cast<size_t>(thread)];
  if (th.client.empty()) th.client = NewClient();  // opened lazily
  const int64_t msg_id = th.next_msg_id++;
  th.op = Outstanding{msg_id, add, delta, final_read};
  Record(thread, EventType::kInvoke, add ? delta : 0, final_read);
  const std::string node =
      nodes_[static_cast<size_t>(thread) % nodes_.size()].id;
  Json body = add ? Json{{"type", "add"}, {"delta", delta}, {"msg_id", msg_id}}
                  : Json{{"type", "read"}, {"msg_id", msg_id}};
  Send(th.client, node, std::move(body));
  const std::string client = th.client;
  At(now() + kClientTimeout, [this, thread, client, msg_id] {
    Thread& t = threads_[static_cast<size_t>(thread)];
    if (t.client == client && t.op && t.op->msg_id == msg_id) {
      Complete(thread, EventType::kInfo, t.op->add ? t.op->delta : 0,
               "timeout");
    }
  });
}

void Synth::Complete(int thread, EventType type, int64_t value,
                     std::string error) {
  Thread& th = threads_[static_cast<size_t>(thread)];
  Record(thread, type, value, th.op->final_read, std::move(error));
  if (th.op->final_read) th.final_done = true;
  th.op.reset();
  if (type == EventType::kInfo) {  // Maelstrom opens a fresh client
    departed_.insert(th.client);
    th.client = NewClient();
  }
}

void Synth::IssueNext() {
  if (main_over_) return;
  if (now() >= run_.t0 + o_.time_limit) return EndMain();
  // Jepsen's some-free-process: the first free thread from next_thread_.
  for (size_t k = 0; k < threads_.size(); ++k) {
    const size_t t = (next_thread_ + k) % threads_.size();
    if (threads_[t].op) continue;
    next_thread_ = (t + 1) % (threads_.size() + 1);  // + the nemesis thread
    const bool add = prng_.Uniform(3) == 0;
    Invoke(static_cast<int>(t), add,
           add ? static_cast<int64_t>(prng_.Uniform(5)) : 0, false);
    break;
  }
  const double dt =
      2.0 / o_.rate * static_cast<double>(prng_.Uniform(1000)) / 1000.0;
  At(now() + absl::Seconds(dt), [this] { IssueNext(); });
}

void Synth::TickNode(size_t i) {
  if (done_) return;
  Node& n = nodes_[i];
  for (const Node& peer : nodes_) {
    if (peer.id != n.id)
      Send(n.id, peer.id, {{"type", "gossip"}, {"total", n.total}});
  }
  const Node& peer =
      nodes_[(i + 1 + prng_.Uniform(nodes_.size() - 1)) % nodes_.size()];
  const int64_t kv_id = n.next_msg_id++;
  n.peer_read[kv_id] = peer.id;
  Send(n.id, "seq-kv",
       {{"type", "read"},
        {"key", absl::StrCat("counter/", peer.id)},
        {"msg_id", kv_id}});
  At(now() + kTick, [this, i] { TickNode(i); });
}

void Synth::StartFaults() {
  if (o_.partitions && nodes_.size() >= 3) {
    // Two partitions, shaped like Maelstrom's :one and :majority grudges.
    const std::string a = nodes_[0].id, b = nodes_[1].id, c = nodes_[2].id;
    struct Cut {
      double start, end;
      std::vector<std::pair<std::string, std::string>> grudge;
      std::string what;
    };
    const double heal = absl::ToDoubleSeconds(o_.time_limit) + 1;
    for (const Cut& cut : std::vector<Cut>{
             {2.0,
              9.0,
              {{a, b}, {a, c}, {b, a}, {c, a}},
              a + " isolated: " + a + " ignores [" + b + " " + c + "]"},
             {13.5,
              heal,
              {{b, a}, {b, c}, {a, b}, {c, b}},
              b + " | " + a + " " + c + " (majority grudge)"}}) {
      const size_t k = run_.faults.size();
      run_.faults.push_back({run_.t0 + absl::Seconds(cut.start),
                             absl::InfiniteFuture(),
                             "partition",
                             absl::StrCat("partition ", cut.what),
                             {}});
      At(run_.t0 + absl::Seconds(cut.start), [this, cut] {
        grudge_.clear();
        grudge_.insert(cut.grudge.begin(), cut.grudge.end());
      });
      At(run_.t0 + absl::Seconds(cut.end), [this, k] {
        grudge_.clear();
        run_.faults[k].end = now();
      });
    }
  }
  if (o_.kv_cut && nodes_.size() >= 3) {
    const std::string n = nodes_[2].id;
    run_.faults.push_back(
        {run_.t0 + absl::Seconds(6),
         run_.t0 + absl::Milliseconds(7500),
         "kv-cut",
         absl::StrCat("kv-cut: ", n, "'s requests to seq-kv dropped"),
         {n}});
    At(run_.t0 + absl::Seconds(6), [this, n] { kv_cut_ = n; });
    At(run_.t0 + absl::Milliseconds(7500), [this] { kv_cut_.clear(); });
  }
  if (o_.invalid_line && nodes_.size() >= 2)
    At(run_.t0 + absl::Seconds(12), [this] { InjectInvalidLine(); });
}

void Synth::InjectInvalidLine() {
  Node& n = nodes_[1];
  const std::string client =
      departed_.empty() ? std::string("c3") : *departed_.begin();
  const std::string line = absl::StrCat(
      R"({"src":")", n.id, R"(","dest":")", client,
      R"(","body":{"type":"add_ok","in_reply_to":1,"note":"<late & \"odd\">)",
      "\x01\xff", R"(]]>"}})");
  run_.invalid_lines.push_back(
      {now(), n.id, absl::StrCat("message to departed client ", client), line});
  n.deaf = true;
}

void Synth::EndMain() {
  main_over_ = true;
  // Drain: wait for every outstanding operation (timeouts included), then
  // the recovery sleep, then one final read per thread, all at once.
  At(now() + kClientTimeout + absl::Milliseconds(10), [this] {
    At(now() + o_.final_sleep, [this] {
      for (size_t t = 0; t < threads_.size(); ++t)
        Invoke(static_cast<int>(t), false, 0, true);
    });
  });
}

void Synth::FinishAcceptable() {
  int64_t definite = 0;
  std::vector<int64_t> unsure;
  std::map<int, int64_t> open;  // thread → invoked delta of an open add
  for (const sim::HistoryEvent& e : run_.history) {
    if (e.f != "add") continue;
    if (e.type == EventType::kInvoke) {
      open[e.thread] = e.value.get<int64_t>();
    } else {
      if (e.type == EventType::kOk) definite += open[e.thread];
      if (e.type == EventType::kInfo) unsure.push_back(open[e.thread]);
      open.erase(e.thread);
    }
  }
  for (const auto& [thread, delta] : open) unsure.push_back(delta);
  std::set<int64_t> sums = {0};
  for (int64_t d : unsure) {
    std::set<int64_t> next = sums;
    for (int64_t s : sums) next.insert(s + d);
    sums = std::move(next);
  }
  for (int64_t s : sums) {
    const int64_t v = definite + s;
    auto& acc = acceptable_;
    if (!acc.empty() && acc.back().second + 1 == v) {
      acc.back().second = v;
    } else if (acc.empty() || acc.back().second < v) {
      acc.emplace_back(v, v);
    }
  }
}

// What a counter checker would say, as the pages take it: the final reads
// outside the acceptable set flagged, the final reads and the set listed.
// (The real one is sim/workloads/counter's; the report's tests do without.)
void Synth::FinishWorkloadReport() {
  sim::WorkloadReport& w = run_.results.workload;
  const std::string intervals = Intervals(acceptable_);
  sim::Edn reads = sim::Edn::List();
  std::vector<std::string> finals;
  for (size_t i = 0; i < run_.history.size(); ++i) {
    const sim::HistoryEvent& e = run_.history[i];
    if (!e.final || e.type != EventType::kOk || e.f != "read") continue;
    const int64_t value = e.value.get<int64_t>();
    const bool bad = !In(acceptable_, value);
    reads.Add(sim::Edn::Int(value));
    finals.push_back(absl::StrCat(value, bad ? " (outside)" : ""));
    if (bad) {
      w.flagged.push_back({i,
                           absl::StrCat("final read ", value, " on thread ",
                                        e.thread, " is not in ", intervals),
                           absl::StrCat("NOT in ", intervals)});
    }
  }
  w.valid = w.flagged.empty();
  w.results = sim::Edn::Map();
  w.results.Put("valid?", sim::Edn::Bool(w.valid))
      .Put("final-reads", std::move(reads));
  w.summary = {{"final reads", finals.empty() ? std::string("none")
                                              : absl::StrJoin(finals, ", ")},
               {"acceptable", intervals}};
  w.final_label = "final read";
  w.flagged_label = "final read outside the acceptable set";
}

sim::RunRecord Synth::Run() {
  // Init: one client per node, 10 ms before t0 (Maelstrom's db setup).
  now_ = run_.t0 - absl::Milliseconds(10);
  for (const Node& n : nodes_) {
    Send(NewClient(), n.id,
         {{"type", "init"},
          {"node_id", n.id},
          {"node_ids", run_.meta.node_ids},
          {"msg_id", 1}});
  }
  next_client_ +=
      static_cast<int64_t>(nodes_.size());  // the idle setup clients
  At(run_.t0, [this] {
    StartFaults();
    for (size_t i = 0; i < nodes_.size(); ++i) {
      At(now() + kTick * (static_cast<double>(i + 1) /
                          static_cast<double>(nodes_.size())),
         [this, i] { TickNode(i); });
    }
    IssueNext();
  });
  while (!queue_.empty() && !done_) {
    auto it = queue_.begin();
    now_ = it->first;
    std::function<void()> fn = std::move(it->second);
    queue_.erase(it);
    fn();
    bool finished = main_over_;
    for (const Thread& t : threads_) finished = finished && t.final_done;
    done_ = finished;
  }
  FinishAcceptable();
  FinishWorkloadReport();
  run_.results.net = sim::NetFromJournal(run_.messages);
  const bool valid =
      run_.results.workload.flagged.empty() && run_.invalid_lines.empty();
  run_.meta.exit_code = valid ? 0 : 1;
  run_.meta.verdict_line = valid ? "Everything looks good! ヽ(‘ー`)ノ"
                                 : "Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻";
  run_.meta.results_text =
      absl::StrCat("{:workload {:acceptable ", Intervals(acceptable_),
                   "} :synthetic true}\n\n", run_.meta.verdict_line, "\n");
  return run_;
}

}  // namespace

sim::RunRecord SyntheticRun(const SyntheticOptions& options) {
  return Synth(options).Run();
}

}  // namespace report
