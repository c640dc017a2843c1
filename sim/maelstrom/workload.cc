#include "sim/maelstrom/workload.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "kvclient/assert.h"

namespace sim {

using kvclient::CounterOp;
using kvclient::Message;

DrawnOp DrawCounterOp(bool pn_counter, Prng& prng) {
  for (;;) {
    // (gen/mix [add-fn (repeat {:f :read})]): (rand-int 2) picks one.
    if (prng.Uniform(2) == 1) return DrawnOp{CounterOp::kRead, 0};
    // add-fn: {:f :add, :value (- (rand-int 10) 5)}.
    const int64_t delta = static_cast<int64_t>(prng.Uniform(10)) - 5;
    if (pn_counter || delta >= 0) return DrawnOp{CounterOp::kAdd, delta};
    // g-counter.clj's gen/filter drops a negative add and asks the mix again.
  }
}

Workload::Workload(WorkloadOptions options, std::vector<std::string> nodes)
    : options_(options), nodes_(std::move(nodes)) {
  MC_ASSERT(!nodes_.empty(), "a test has nodes");
  MC_ASSERT(options_.concurrency >= 1,
            "a test has client threads: ", options_.concurrency);
  for (int i = 0; i < options_.concurrency; ++i) {
    Thread t;
    // interpreter.clj ClientNemesisWorker/open: (nth nodes (mod id (count
    // nodes))).
    t.node = nodes_[static_cast<size_t>(i) % nodes_.size()];
    threads_.push_back(std::move(t));
  }
}

std::string Workload::OpenNewClient(OpenClient client) {
  // client.clj open!: (str "c" (:next-client-id (swap! net update
  // :next-client-id inc))) from -1, so the first client is c0.
  std::string id = absl::StrCat("c", next_client_++);
  open_clients_[id] = std::move(client);
  MC_ASSERT(
      open_clients_.size() <= 2 * nodes_.size() + threads_.size(),
      "open clients are bounded by one init and one setup client per node "
      "and one client per thread: ",
      open_clients_.size());
  return id;
}

std::vector<Message> Workload::StartInits(absl::Time now) {
  MC_ASSERT(phase_ == Phase::kInit && next_client_ == 0,
            "inits start the test, once");
  std::vector<Message> out;
  for (const std::string& node : nodes_) out.push_back(InitFor(node, now));
  return out;
}

Message Workload::InitFor(const std::string& node, absl::Time now) {
  for (const auto& [id, client] : open_clients_) {
    MC_ASSERT(!(client.role == Role::kInit && client.node == node),
              "one init at a time per node: ", node, " still waits on ", id);
  }
  OpenClient init;
  init.role = Role::kInit;
  init.node = node;
  init.deadline = now + options_.init_timeout;
  std::string client = OpenNewClient(std::move(init));
  kvclient::Json body = {
      {"type", "init"}, {"msg_id", 1}, {"node_id", node}, {"node_ids", nodes_}};
  return Message{client, node, std::move(body)};
}

void Workload::CancelInits(const std::string& node) {
  for (auto it = open_clients_.begin(); it != open_clients_.end();) {
    const bool init_of_node =
        it->second.role == Role::kInit && it->second.node == node;
    it = init_of_node ? open_clients_.erase(it) : std::next(it);
  }
}

void Workload::StartMain(absl::Time now) {
  phase_ = Phase::kMain;
  start_time_ = now;
  // core.clj with-client+nemesis-setup-teardown: one client per node,
  // opened (and set up, a no-op for counters) before the generator runs.
  for (const std::string& node : nodes_) {
    OpenClient setup;
    setup.role = Role::kSetup;
    setup.node = node;
    OpenNewClient(std::move(setup));
  }
  next_op_at_
      .reset();  // Stagger's next-time starts at nil: the first op is due now
}

Message Workload::Invoke(int thread, CounterOp f, int64_t delta,
                         bool final_read, absl::Time now) {
  Thread& t = threads_[static_cast<size_t>(thread)];
  MC_ASSERT(!t.outstanding.has_value(),
            "a Jepsen worker runs one operation at a time: thread ", thread);
  if (t.client.empty() || t.stale) {
    // ClientWorker/invoke!: a new process closes the old client and opens
    // a new one.
    if (!t.client.empty()) open_clients_.erase(t.client);
    OpenClient worker;
    worker.role = Role::kWorker;
    worker.thread = thread;
    t.client = OpenNewClient(std::move(worker));
    t.stale = false;
    t.next_msg_id = 1;  // client.clj open!: :next-msg-id (atom 0)
  }
  Request r;
  r.msg_id = t.next_msg_id++;
  r.f = f;
  r.delta = delta;
  r.final_read = final_read;
  r.deadline = now + options_.client_timeout;
  t.outstanding = r;
  HistoryEvent e;
  e.time = now;
  e.thread = thread;
  e.client = t.client;
  e.type = EventType::kInvoke;
  e.f = f;
  e.value = delta;
  e.final_read = final_read;
  history_.push_back(e);
  kvclient::Json body = f == CounterOp::kAdd
                            ? kvclient::AddRequestBody(delta, r.msg_id)
                            : kvclient::ReadRequestBody(r.msg_id);
  return Message{t.client, t.node, std::move(body)};
}

void Workload::Complete(int thread, EventType type, int64_t value,
                        std::string error, absl::Time now) {
  Thread& t = threads_[static_cast<size_t>(thread)];
  MC_ASSERT(t.outstanding.has_value(),
            "every completion pairs with its thread's invocation: thread ",
            thread);
  MC_ASSERT(type != EventType::kInvoke, "a completion is ok, fail or info");
  const Request r = *t.outstanding;
  t.outstanding.reset();
  HistoryEvent e;
  e.time = now;
  e.thread = thread;
  e.client = t.client;
  e.type = type;
  e.f = r.f;
  e.value = r.f == CounterOp::kAdd ? r.delta : value;
  e.final_read = r.final_read;
  e.error = std::move(error);
  history_.push_back(std::move(e));
  // interpreter.clj: an :info completion gives the thread a new process;
  // its client stays open until the next invocation.
  if (type == EventType::kInfo) t.stale = true;
}

void Workload::ExpireTimeouts(absl::Time now) {
  for (int i = 0; i < static_cast<int>(threads_.size()); ++i) {
    const auto& outstanding = threads_[static_cast<size_t>(i)].outstanding;
    if (outstanding && outstanding->deadline <= now) {
      Complete(i, EventType::kInfo, 0, "timeout", now);
    }
  }
  for (const auto& [client, open] : open_clients_) {
    if (open.role == Role::kInit && open.deadline <= now &&
        harness_error_.empty()) {
      harness_error_ = absl::StrCat(
          open.node, " did not answer init (from ", client, ") within ",
          absl::FormatDuration(options_.init_timeout));
    }
  }
}

absl::Duration Workload::StaggerDt() const {
  // (gen/stagger (/ rate) ...): dt = (long (secs->nanos (* 2 (/ rate)))).
  return absl::Nanoseconds(static_cast<int64_t>(2e9 / options_.rate));
}

bool Workload::AnyOutstanding() const {
  for (const Thread& t : threads_) {
    if (t.outstanding) return true;
  }
  return false;
}

bool Workload::AnyFree() const {
  for (const Thread& t : threads_) {
    if (!t.outstanding) return true;
  }
  return false;
}

int Workload::FreeThreadFromNextIndex() const {
  // context.clj some-free-process: (.nextSetBit free-threads
  // next-thread-index), else from 0. The nemesis' index (concurrency) is never
  // a free client.
  const int n = static_cast<int>(threads_.size());
  for (int k = 0; k < n + 1; ++k) {
    const int i = (next_thread_index_ + k) % (n + 1);
    if (i < n && !threads_[static_cast<size_t>(i)].outstanding) return i;
  }
  MC_ASSERT(false, "FreeThreadFromNextIndex is called only with a free thread");
  return -1;
}

void Workload::AdvanceRoundRobin() {
  // context.clj busy-thread: (mod (inc next-thread-index) thread-count), the
  // thread count including the nemesis.
  next_thread_index_ = (next_thread_index_ + 1) % (options_.concurrency + 1);
}

void Workload::OnNemesisOp(absl::Time now, absl::Time next_at) {
  MC_ASSERT(
      phase_ == Phase::kMain,
      "the nemesis acts only in the main phase (then the time limit ends it)");
  MC_ASSERT(now < cutoff(),
            "no op at or past the time limit's cutoff: ", absl::FormatTime(now),
            " vs ", absl::FormatTime(cutoff()));
  AdvanceRoundRobin();
  nemesis_next_at_ = next_at;
}

bool Workload::MainPhaseOver(absl::Time now) const {
  if (options_.rate <= 0) return now >= cutoff();  // (gen/sleep time-limit)
  // TimeLimit over (any nemesis clients) returns nil once the soonest op
  // either generator would hand out falls at or past the cutoff; with every
  // client thread busy the clients are :pending and only the nemesis counts
  // (soonest-op-map). But a nil ends the phase only when the next phase can
  // start: its Synchronize waits for every thread to be free, and until then
  // the interpreter keeps asking the main generator (interpreter.clj run!
  // recurs with the old gen on :pending), which hands out client ops again
  // as soon as a thread frees up before the cutoff.
  if (AnyOutstanding()) return false;
  absl::Time soonest = std::max(next_op_at_.value_or(now), now);
  if (nemesis_next_at_.has_value())
    soonest = std::min(soonest, std::max(*nemesis_next_at_, now));
  return soonest >= cutoff();
}

void Workload::IssueDue(absl::Time now, Prng& prng, Output& out) {
  while (phase_ == Phase::kMain) {
    if (MainPhaseOver(now)) {
      phase_ = Phase::kDrain;
      return;
    }
    if (options_.rate <= 0 || !AnyFree()) return;  // wait for a free thread
    if (next_op_at_.value_or(now) > now) return;   // not due yet
    // An op at or past the cutoff is never handed out (TimeLimit); the phase
    // ends once the threads still busy are done (MainPhaseOver). From here
    // on every client op would fall past the cutoff: say so once, so that
    // NextWakeAt stops offering it.
    if (now >= cutoff()) {
      next_op_at_ = cutoff();
      return;
    }
    if (history_.size() + 2 > options_.max_history_events) {
      harness_error_ =
          absl::StrCat("history bound of ", options_.max_history_events,
                       " events reached; the run is too long");
      phase_ = Phase::kDrain;
      return;
    }
    const int thread = FreeThreadFromNextIndex();
    const DrawnOp op = DrawCounterOp(options_.pn_counter, prng);
    out.messages.push_back(
        Invoke(thread, op.f, op.delta, /*final_read=*/false, now));
    AdvanceRoundRobin();
    // Stagger: the next op is due dt-random after this one actually went out.
    next_op_at_ = now + prng.UniformDuration(StaggerDt());
  }
}

Workload::Output Workload::Poll(absl::Time now, Prng& prng) {
  Output out;
  ExpireTimeouts(now);
  if (phase_ == Phase::kInit) {
    bool inits_pending = false;
    for (const auto& [id, client] : open_clients_)
      inits_pending |= client.role == Role::kInit;
    if (!inits_pending && next_client_ > 0) StartMain(now);
  }
  if (phase_ == Phase::kMain) IssueDue(now, prng, out);
  if (phase_ == Phase::kDrain && !AnyOutstanding()) {
    phase_ = Phase::kSleep;
    heal_time_ = now;
    out.heal = true;
  }
  if (phase_ == Phase::kSleep && now >= *heal_time_ + options_.final_sleep) {
    phase_ = Phase::kFinal;
    // (gen/each-thread {:f :read, :final? true}): every thread at once, the
    // order of equal-time ops decided by soonest-op-map's coin: uniform.
    std::vector<int> order;
    for (int i = 0; i < static_cast<int>(threads_.size()); ++i)
      order.push_back(i);
    for (size_t i = order.size(); i > 1; --i)
      std::swap(order[i - 1], order[prng.Uniform(i)]);
    for (int i : order)
      out.messages.push_back(Invoke(i, CounterOp::kRead, 0, true, now));
  }
  if (phase_ == Phase::kFinal && !AnyOutstanding()) phase_ = Phase::kDone;
  return out;
}

absl::Time Workload::NextWakeAt() const {
  absl::Time next = absl::InfiniteFuture();
  for (const Thread& t : threads_) {
    if (t.outstanding) next = std::min(next, t.outstanding->deadline);
  }
  bool inits_pending = false;
  for (const auto& [id, client] : open_clients_) {
    if (client.role != Role::kInit) continue;
    inits_pending = true;
    next = std::min(next, client.deadline);
  }
  switch (phase_) {
    case Phase::kInit:
      if (!inits_pending && next_client_ > 0) return absl::InfinitePast();
      break;
    case Phase::kMain:
      if (MainPhaseOver(absl::InfinitePast())) return absl::InfinitePast();
      if (options_.rate <= 0) {
        next = std::min(next, cutoff());
      } else if (AnyFree() &&
                 next_op_at_.value_or(absl::InfinitePast()) < cutoff()) {
        // With every thread busy the next op waits for a reply (handed over
        // with OnClientMessage, then polled) or a timeout; past the cutoff
        // only the busy threads' replies or timeouts end the phase.
        next = std::min(next, next_op_at_.value_or(absl::InfinitePast()));
      }
      break;
    case Phase::kSleep:
      next = std::min(next, *heal_time_ + options_.final_sleep);
      break;
    case Phase::kDrain:
    case Phase::kFinal:
      // Nothing left in flight: the next phase starts at once.
      if (!AnyOutstanding()) return absl::InfinitePast();
      break;
    case Phase::kDone: break;
  }
  return next;
}

Workload::Delivery Workload::OnInitReply(const std::string& client,
                                         const Message& message,
                                         std::string* note) {
  // db.clj setup!: client/rpc! waits for in_reply_to 1, skipping anything
  // else (client.clj recv!); any reply to it but init_ok aborts the test.
  if (kvclient::InReplyTo(message.body) != absl::optional<int64_t>(1)) {
    *note = absl::StrCat(
        "init client ", client, " waits for in_reply_to 1: ",
        message.body.dump(-1, ' ', false,
                          kvclient::Json::error_handler_t::replace));
    return Delivery::kIgnored;
  }
  const std::string node = open_clients_[client].node;
  open_clients_.erase(client);  // (finally (client/close! client))
  if (kvclient::BodyType(message.body) != "init_ok" && harness_error_.empty()) {
    harness_error_ = absl::StrCat(
        "Expected an init_ok message, but node ", node, " responded with ",
        message.body.dump(-1, ' ', false,
                          kvclient::Json::error_handler_t::replace));
  }
  return Delivery::kAccepted;
}

Workload::Delivery Workload::OnClientMessage(const Message& message,
                                             absl::Time now,
                                             std::string* note) {
  auto open = open_clients_.find(message.dest);
  if (open == open_clients_.end()) {
    int64_t k = -1;
    const bool ours =
        kvclient::IsClientId(message.dest) &&
        absl::SimpleAtoi(absl::string_view(message.dest).substr(1), &k) &&
        k >= 0 && k < next_client_;
    *note =
        absl::StrCat(ours ? "departed" : "unknown", " client ", message.dest);
    return Delivery::kDepartedClient;
  }
  switch (open->second.role) {
    case Role::kInit: return OnInitReply(message.dest, message, note);
    case Role::kSetup:
      *note =
          absl::StrCat(message.dest, " is a setup client, which never reads");
      return Delivery::kIgnored;
    case Role::kWorker: break;
  }
  const int thread = open->second.thread;
  const Thread& t = threads_[static_cast<size_t>(thread)];
  MC_ASSERT(t.client == message.dest,
            "an open worker client is its thread's current one: ", message.dest,
            " vs ", t.client);
  if (t.stale) {
    *note = absl::StrCat(
        message.dest,
        " gave up on its request (info) and waits for nothing until its "
        "thread's next operation closes it: ",
        message.body.dump(-1, ' ', false,
                          kvclient::Json::error_handler_t::replace));
    return Delivery::kIgnored;
  }
  if (!t.outstanding || kvclient::InReplyTo(message.body) !=
                            absl::optional<int64_t>(t.outstanding->msg_id)) {
    *note = absl::StrCat(
        "reply to no outstanding request: ",
        message.body.dump(-1, ' ', false,
                          kvclient::Json::error_handler_t::replace));
    return Delivery::kIgnored;
  }
  kvclient::CounterReply reply =
      kvclient::CheckCounterReply(t.outstanding->f, message.body);
  switch (reply.kind) {
    case kvclient::CounterReply::kOk:
      Complete(thread, EventType::kOk, reply.value, "", now);
      break;
    case kvclient::CounterReply::kError:
      Complete(thread, EventType::kInfo, 0,
               absl::StrCat("error ", reply.code, ": ", reply.text), now);
      break;
    case kvclient::CounterReply::kMalformed:
      Complete(thread, EventType::kInfo, 0,
               absl::StrCat("malformed reply: ", reply.text), now);
      break;
  }
  return Delivery::kAccepted;
}

int64_t Workload::client_operations() const {
  int64_t n = 0;
  for (const HistoryEvent& e : history_) n += e.type != EventType::kInvoke;
  return n;
}

}  // namespace sim
