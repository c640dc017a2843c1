#include "sim/maelstrom/interpreter.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "kvclient/assert.h"

namespace sim {

using kvclient::Json;
using kvclient::Message;

namespace {

std::string Dump(const Json& body) {
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

Interpreter::Interpreter(WorkloadOptions options, const Workload& workload,
                         std::vector<std::string> nodes)
    : options_(std::move(options)),
      workload_(workload),
      nodes_(std::move(nodes)),
      main_gen_(workload.MainGenerator()) {
  MC_ASSERT(!nodes_.empty(), "a test has nodes");
  MC_ASSERT(options_.concurrency >= 1,
            "a test has client threads: ", options_.concurrency);
  MC_ASSERT(main_gen_ != nullptr, "a workload has a generator");
  for (int i = 0; i < options_.concurrency; ++i) {
    Thread t;
    // interpreter.clj ClientNemesisWorker/open: (nth nodes (mod id (count
    // nodes))).
    t.node = nodes_[static_cast<size_t>(i) % nodes_.size()];
    // gen/each-thread: every thread its own copy of the final generator.
    t.final_gen = workload_.FinalGenerator();
    threads_.push_back(std::move(t));
  }
}

void Interpreter::Fail(std::string why) {
  if (harness_error_.empty()) harness_error_ = std::move(why);
}

void Interpreter::Note(std::string why) {
  constexpr size_t kMaxNotes = 1000;
  if (notes_.size() < kMaxNotes) notes_.push_back(std::move(why));
}

std::string Interpreter::OpenNewClient(OpenClient client) {
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

// ------------------------------------------------------------ init, setup

std::vector<Message> Interpreter::StartInits(absl::Time now) {
  MC_ASSERT(phase_ == Phase::kInit && next_client_ == 0,
            "inits start the test, once");
  std::vector<Message> out;
  for (const std::string& node : nodes_) out.push_back(InitFor(node, now));
  return out;
}

Message Interpreter::InitFor(const std::string& node, absl::Time now,
                             bool restart) {
  for (const auto& [id, client] : open_clients_) {
    MC_ASSERT(!(client.role == Role::kInit && client.node == node),
              "one init at a time per node: ", node, " still waits on ", id);
  }
  OpenClient init;
  init.role = Role::kInit;
  init.node = node;
  init.deadline = now + options_.init_timeout;
  init.restart = restart;
  std::string client = OpenNewClient(std::move(init));
  Json body = {
      {"type", "init"}, {"msg_id", 1}, {"node_id", node}, {"node_ids", nodes_}};
  return Message{client, node, std::move(body)};
}

void Interpreter::CancelInits(const std::string& node) {
  for (auto it = open_clients_.begin(); it != open_clients_.end();) {
    const bool init_of_node =
        it->second.role == Role::kInit && it->second.node == node;
    it = init_of_node ? open_clients_.erase(it) : std::next(it);
  }
}

void Interpreter::StartSetup(absl::Time now, Output& out) {
  phase_ = Phase::kSetup;
  // core.clj with-client+nemesis-setup-teardown: one client per node,
  // opened and set up (client setup!) before the generator runs.
  for (const std::string& node : nodes_) {
    OpenClient setup;
    setup.role = Role::kSetup;
    setup.node = node;
    absl::optional<Json> request = workload_.SetupRequest(node, nodes_);
    if (request.has_value()) {
      setup.waiting = true;
      setup.deadline = now + options_.client_timeout;
    }
    const std::string client = OpenNewClient(std::move(setup));
    if (request.has_value()) {
      (*request)["msg_id"] = 1;  // the setup client's first msg-id!
      out.messages.push_back(Message{client, node, std::move(*request)});
    }
  }
}

void Interpreter::StartMain(absl::Time now) {
  phase_ = Phase::kMain;
  start_time_ = now;
  next_op_at_
      .reset();  // Stagger's next-time starts at nil: the first op is due now
}

// ------------------------------------------------------------- operations

GenContext& Interpreter::Context(absl::Time now, int thread) {
  // One context, refilled: asking a generator allocates nothing.
  GenContext& ctx = context_;
  ctx.now = now;
  ctx.concurrency = options_.concurrency;
  ctx.free_threads.clear();
  for (int i = 0; i < static_cast<int>(threads_.size()); ++i) {
    if (!threads_[static_cast<size_t>(i)].outstanding)
      ctx.free_threads.push_back(i);
  }
  ctx.next_thread = thread;
  ctx.nodes = &nodes_;
  return ctx;
}

void Interpreter::Invoke(int thread, Op op, bool from_final, absl::Time now,
                         std::vector<Message>* out) {
  Thread& t = threads_[static_cast<size_t>(thread)];
  MC_ASSERT(!t.outstanding.has_value(),
            "a Jepsen worker runs one operation at a time: thread ", thread);
  if (t.client.empty() || (t.stale && !workload_.reusable_clients())) {
    // ClientWorker/invoke!: a new process closes the old client and opens
    // a new one (unless the client is Reusable).
    if (!t.client.empty()) open_clients_.erase(t.client);
    OpenClient worker;
    worker.role = Role::kWorker;
    worker.thread = thread;
    t.client = OpenNewClient(std::move(worker));
    t.impl = workload_.NewClient();
    MC_ASSERT(t.impl != nullptr, "a workload makes clients");
    t.next_msg_id = 1;  // client.clj open!: :next-msg-id (atom 0)
  }
  t.stale = false;
  HistoryEvent e;
  e.time = now;
  e.thread = thread;
  e.client = t.client;
  e.type = EventType::kInvoke;
  e.f = op.f;
  e.value = op.value;
  e.final = op.final;
  history_.push_back(e);
  Request r;
  r.op = std::move(op);
  r.from_final = from_final;
  t.outstanding = std::move(r);
  Update(thread, from_final, e);
  Step(thread, t.impl->Invoke(t.outstanding->op), now, out);
}

void Interpreter::Step(int thread, ClientStep step, absl::Time now,
                       std::vector<Message>* out) {
  Thread& t = threads_[static_cast<size_t>(thread)];
  MC_ASSERT(t.outstanding.has_value(), "a step belongs to an op in flight");
  if (!step.request.has_value()) {
    Json value = step.value.has_value() ? std::move(*step.value)
                                        : t.outstanding->op.value;
    Complete(thread, step.type, std::move(value), std::move(step.error), now);
    return;
  }
  // client.clj send!: the client's next msg-id, then wait for its reply.
  MC_ASSERT(step.request->is_object(), "a request body is a map");
  t.outstanding->msg_id = t.next_msg_id++;
  t.outstanding->deadline = now + options_.client_timeout;
  (*step.request)["msg_id"] = t.outstanding->msg_id;
  out->push_back(Message{t.client, t.node, std::move(*step.request)});
}

void Interpreter::Complete(int thread, EventType type, Json value,
                           std::string error, absl::Time now) {
  Thread& t = threads_[static_cast<size_t>(thread)];
  MC_ASSERT(t.outstanding.has_value(),
            "every completion pairs with its thread's invocation: thread ",
            thread);
  MC_ASSERT(type != EventType::kInvoke, "a completion is ok, fail or info");
  const bool none_free = !AnyFree();
  const Request r = std::move(*t.outstanding);
  t.outstanding.reset();
  HistoryEvent e;
  e.time = now;
  e.thread = thread;
  e.client = t.client;
  e.type = type;
  e.f = r.op.f;
  e.value = std::move(value);
  e.final = r.op.final;
  e.error = std::move(error);
  history_.push_back(e);
  // interpreter.clj: an :info completion gives the thread a new process;
  // its client stays open until the next invocation.
  if (type == EventType::kInfo) t.stale = true;
  // A completion may unblock a generator that answered :pending, or free
  // the only thread: an op due before it goes out now (the stagger's base).
  if (main_pending_ || none_free) unblocked_at_ = now;
  main_pending_ = false;
  for (Thread& other : threads_) other.final_pending = false;
  Update(thread, r.from_final, e);
}

void Interpreter::Update(int thread, bool from_final,
                         const HistoryEvent& event) {
  Generator* gen = from_final
                       ? threads_[static_cast<size_t>(thread)].final_gen.get()
                       : main_gen_.get();
  gen->Update(event);
}

void Interpreter::ExpireTimeouts(absl::Time now, Output& out) {
  for (int i = 0; i < static_cast<int>(threads_.size()); ++i) {
    Thread& t = threads_[static_cast<size_t>(i)];
    if (t.outstanding && t.outstanding->deadline <= now) {
      ClientStep step = t.impl->OnTimeout(t.outstanding->op);
      MC_ASSERT(!step.request.has_value(),
                "a timeout completes the op (client.clj throws)");
      Step(i, std::move(step), now, &out.messages);
    }
  }
  for (auto it = open_clients_.begin(); it != open_clients_.end();) {
    const OpenClient& open = it->second;
    if (open.role == Role::kInit && open.restart && open.deadline <= now) {
      Note(absl::StrCat(
          open.node, " did not answer init (from ", it->first, ") within ",
          absl::FormatDuration(options_.init_timeout), " after its restart"));
      it = open_clients_.erase(it);  // (finally (client/close! client))
      continue;
    }
    ++it;
  }
  for (const auto& [client, open] : open_clients_) {
    if (open.role == Role::kInit && open.deadline <= now) {
      Fail(absl::StrCat(open.node, " did not answer init (from ", client,
                        ") within ",
                        absl::FormatDuration(options_.init_timeout)));
    }
    if (open.role == Role::kSetup && open.waiting && open.deadline <= now) {
      Fail(absl::StrCat(open.node, " did not answer the setup request (from ",
                        client, ") within ",
                        absl::FormatDuration(options_.client_timeout),
                        " (client setup! throws: the test crashes)"));
    }
  }
}

// -------------------------------------------------------------- main phase

absl::Duration Interpreter::StaggerDt() const {
  // (gen/stagger (/ rate) ...): dt = (long (secs->nanos (* 2 (/ rate)))).
  return absl::Nanoseconds(static_cast<int64_t>(2e9 / options_.rate));
}

bool Interpreter::AnyOutstanding() const {
  for (const Thread& t : threads_) {
    if (t.outstanding) return true;
  }
  return false;
}

bool Interpreter::AnyFree() const {
  for (const Thread& t : threads_) {
    if (!t.outstanding) return true;
  }
  return false;
}

int Interpreter::FreeThreadFromNextIndex() const {
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

void Interpreter::AdvanceRoundRobin() {
  // context.clj busy-thread: (mod (inc next-thread-index) thread-count), the
  // thread count including the nemesis.
  next_thread_index_ = (next_thread_index_ + 1) % (options_.concurrency + 1);
}

void Interpreter::OnNemesisOp(absl::Time now, absl::Time next_at) {
  MC_ASSERT(
      phase_ == Phase::kMain,
      "the nemesis acts only in the main phase (then the time limit ends it)");
  MC_ASSERT(now < cutoff(),
            "no op at or past the time limit's cutoff: ", absl::FormatTime(now),
            " vs ", absl::FormatTime(cutoff()));
  AdvanceRoundRobin();
  nemesis_next_at_ = next_at;
}

bool Interpreter::MainPhaseOver(absl::Time now) const {
  if (options_.rate <= 0) return now >= cutoff();  // (gen/sleep time-limit)
  // TimeLimit over (any nemesis clients) returns nil once the soonest op
  // either generator would hand out falls at or past the cutoff; with every
  // client thread busy the clients are :pending and only the nemesis counts
  // (soonest-op-map). But a nil ends the phase only when the next phase can
  // start: its Synchronize waits for every thread to be free, and until then
  // the interpreter keeps asking the main generator (interpreter.clj run!
  // recurs with the old gen on :pending), which hands out client ops again
  // as soon as a thread frees up before the cutoff. An exhausted generator
  // ends it as soon as every thread is free.
  if (AnyOutstanding()) return false;
  if (main_exhausted_) return true;
  absl::Time soonest = std::max(next_op_at_.value_or(now), now);
  if (main_held_ && main_held_->time)
    soonest = std::max(soonest, *main_held_->time);
  if (nemesis_next_at_.has_value())
    soonest = std::min(soonest, std::max(*nemesis_next_at_, now));
  return soonest >= cutoff();
}

// The next op of the main generator for a free thread: a held one once its
// time has come, else a fresh one. False when there is none now (held for
// later, :pending, exhausted, or the run failed).
bool Interpreter::TakeMainOp(absl::Time now, Prng& prng, Op* op) {
  if (main_held_) {
    if (main_held_->time.value_or(now) > now) return false;
    *op = std::move(*main_held_);
    main_held_.reset();
    return true;
  }
  GenResult g = main_gen_->Next(Context(now, FreeThreadFromNextIndex()), prng);
  switch (g.kind) {
    case GenResult::Kind::kExhausted: main_exhausted_ = true; return false;
    case GenResult::Kind::kPending:
      if (!AnyOutstanding()) {
        Fail(
            "the workload's generator waits (:pending) with no operation in "
            "flight");
      }
      main_pending_ = true;
      return false;
    case GenResult::Kind::kOp: break;
  }
  if (g.op.time.value_or(now) > now) {
    main_held_ = std::move(g.op);
    return false;
  }
  *op = std::move(g.op);
  return true;
}

void Interpreter::IssueDue(absl::Time now, Prng& prng, Output& out) {
  while (phase_ == Phase::kMain) {
    if (MainPhaseOver(now)) {
      phase_ = Phase::kDrain;
      return;
    }
    if (options_.rate <= 0 || !AnyFree()) return;  // wait for a free thread
    if (next_op_at_.value_or(now) > now) return;   // not due yet
    // :pending waits for a completion; nil for the ops in flight.
    if (main_pending_ || main_exhausted_) return;
    if (main_held_ && main_held_->time.value_or(now) > now) return;
    // An op at or past the cutoff is never handed out (TimeLimit); the phase
    // ends once the threads still busy are done (MainPhaseOver). From here
    // on every client op would fall past the cutoff: say so once, so that
    // NextWakeAt stops offering it.
    if (now >= cutoff()) {
      next_op_at_ = cutoff();
      main_held_.reset();
      return;
    }
    if (history_.size() + 2 > options_.max_history_events) {
      Fail(absl::StrCat("history bound of ", options_.max_history_events,
                        " events reached; the run is too long"));
      phase_ = Phase::kDrain;
      return;
    }
    Op op;
    if (!TakeMainOp(now, prng, &op)) {
      if (main_exhausted_) continue;  // over now, if nothing is in flight
      return;
    }
    const int thread = op.thread >= 0 ? op.thread : FreeThreadFromNextIndex();
    if (thread >= static_cast<int>(threads_.size()) ||
        threads_[static_cast<size_t>(thread)].outstanding) {
      Fail(absl::StrCat("the workload's generator gave thread ", thread,
                        " an op, but it is busy or does not exist"));
      return;
    }
    // Stagger (generator.clj): the next op is due dt-random after the time
    // this one was asked for, which in Jepsen is the moment it became due:
    // its next-time, or the completion that freed a thread or ended a
    // :pending, or a held op's :time, whichever came last. A host that
    // polls late (a real clock overshoots its wait) must not push the
    // whole schedule back: the lateness is the host's, not the test's.
    // At most one mean gap of it is absorbed, so a stalled host does not
    // burst afterwards.
    absl::Time asked = std::max(next_op_at_.value_or(now), unblocked_at_);
    if (op.time.has_value()) asked = std::max(asked, *op.time);
    asked = std::max({asked, now - StaggerDt() / 2, start_time_});
    MC_ASSERT(asked <= now, "an op is asked for no later than it goes out");
    Invoke(thread, std::move(op), /*from_final=*/false, now, &out.messages);
    AdvanceRoundRobin();
    next_op_at_ = asked + prng.UniformDuration(StaggerDt());
  }
}

// ------------------------------------------------------------- final phase

void Interpreter::StartFinal(absl::Time now, Prng& prng, Output& out) {
  phase_ = Phase::kFinal;
  // (gen/each-thread final): every thread at once, the order of equal-time
  // ops decided by soonest-op-map's coin: uniform.
  std::vector<int> order;
  for (int i = 0; i < static_cast<int>(threads_.size()); ++i)
    order.push_back(i);
  for (size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[prng.Uniform(i)]);
  for (int i : order) IssueFinal(i, now, prng, out);
}

void Interpreter::IssueFinal(int thread, absl::Time now, Prng& prng,
                             Output& out) {
  Thread& t = threads_[static_cast<size_t>(thread)];
  if (t.outstanding || t.final_exhausted || t.final_pending) return;
  Op op;
  if (t.final_held) {
    if (t.final_held->time.value_or(now) > now) return;
    op = std::move(*t.final_held);
    t.final_held.reset();
  } else {
    GenContext& ctx = Context(now, thread);
    ctx.free_threads = {thread};  // each-thread: a context for one thread
    GenResult g = t.final_gen->Next(ctx, prng);
    if (g.kind == GenResult::Kind::kExhausted) {
      t.final_exhausted = true;
      return;
    }
    if (g.kind == GenResult::Kind::kPending) {
      if (!AnyOutstanding()) {
        Fail(absl::StrCat("the final generator of thread ", thread,
                          " waits (:pending) with no operation in flight"));
      }
      t.final_pending = true;
      return;
    }
    if (g.op.time.value_or(now) > now) {
      t.final_held = std::move(g.op);
      return;
    }
    op = std::move(g.op);
  }
  MC_ASSERT(op.thread < 0 || op.thread == thread,
            "an each-thread generator's op is for its own thread: ", op.thread,
            " vs ", thread);
  Invoke(thread, std::move(op), /*from_final=*/true, now, &out.messages);
}

bool Interpreter::FinalPhaseOver() const {
  for (const Thread& t : threads_) {
    if (t.outstanding || t.final_held || !t.final_exhausted) return false;
  }
  return true;
}

// ------------------------------------------------------------------- poll

Interpreter::Output Interpreter::Poll(absl::Time now, Prng& prng) {
  Output out;
  out.messages.swap(outbox_);
  ExpireTimeouts(now, out);
  if (phase_ == Phase::kInit) {
    bool inits_pending = false;
    for (const auto& [id, client] : open_clients_)
      inits_pending |= client.role == Role::kInit;
    if (!inits_pending && next_client_ > 0) StartSetup(now, out);
  }
  if (phase_ == Phase::kSetup) {
    bool waiting = false;
    for (const auto& [id, client] : open_clients_) waiting |= client.waiting;
    if (!waiting) StartMain(now);
  }
  if (phase_ == Phase::kMain) IssueDue(now, prng, out);
  if (phase_ == Phase::kDrain && !AnyOutstanding()) {
    if (!threads_.front().final_gen) {
      phase_ = Phase::kDone;  // core.clj: no final generator, no final phase
      return out;
    }
    phase_ = Phase::kSleep;
    heal_time_ = now;
    out.heal = true;
  }
  if (phase_ == Phase::kSleep && now >= *heal_time_ + options_.final_sleep) {
    StartFinal(now, prng, out);
  } else if (phase_ == Phase::kFinal) {
    for (int i = 0; i < static_cast<int>(threads_.size()); ++i)
      IssueFinal(i, now, prng, out);
  }
  if (phase_ == Phase::kFinal && FinalPhaseOver()) phase_ = Phase::kDone;
  return out;
}

absl::Time Interpreter::NextWakeAt() const {
  if (!outbox_.empty()) return absl::InfinitePast();
  absl::Time next = absl::InfiniteFuture();
  for (const Thread& t : threads_) {
    if (t.outstanding) next = std::min(next, t.outstanding->deadline);
  }
  bool inits_pending = false;
  for (const auto& [id, client] : open_clients_) {
    if (client.role == Role::kInit) inits_pending = true;
    if (client.role == Role::kInit || client.waiting)
      next = std::min(next, client.deadline);
  }
  switch (phase_) {
    case Phase::kInit:
      if (!inits_pending && next_client_ > 0) return absl::InfinitePast();
      break;
    case Phase::kSetup: {
      bool waiting = false;
      for (const auto& [id, client] : open_clients_) waiting |= client.waiting;
      if (!waiting) return absl::InfinitePast();
      break;
    }
    case Phase::kMain:
      if (MainPhaseOver(absl::InfinitePast())) return absl::InfinitePast();
      if (options_.rate <= 0) {
        next = std::min(next, cutoff());
      } else if (AnyFree() && !main_pending_ && !main_exhausted_ &&
                 next_op_at_.value_or(absl::InfinitePast()) < cutoff()) {
        // With every thread busy the next op waits for a reply (handed over
        // with OnClientMessage, then polled) or a timeout; past the cutoff
        // only the busy threads' replies or timeouts end the phase.
        absl::Time due = next_op_at_.value_or(absl::InfinitePast());
        if (main_held_ && main_held_->time)
          due = std::max(due, *main_held_->time);
        next = std::min(next, due);
      }
      break;
    case Phase::kSleep:
      next = std::min(next, *heal_time_ + options_.final_sleep);
      break;
    case Phase::kDrain:
      // Nothing left in flight: the next phase starts at once.
      if (!AnyOutstanding()) return absl::InfinitePast();
      break;
    case Phase::kFinal:
      if (FinalPhaseOver()) return absl::InfinitePast();
      for (const Thread& t : threads_) {
        if (t.outstanding || t.final_exhausted || t.final_pending) continue;
        if (!t.final_held) return absl::InfinitePast();  // ask its generator
        next =
            std::min(next, t.final_held->time.value_or(absl::InfinitePast()));
      }
      break;
    case Phase::kDone: break;
  }
  return next;
}

// ---------------------------------------------------------------- replies

Interpreter::Delivery Interpreter::OnInitReply(const std::string& client,
                                               const Message& message,
                                               std::string* note) {
  // db.clj setup!: client/rpc! waits for in_reply_to 1, skipping anything
  // else (client.clj recv!); any reply to it but init_ok aborts the test.
  if (kvclient::InReplyTo(message.body) != absl::optional<int64_t>(1)) {
    *note = absl::StrCat("init client ", client,
                         " waits for in_reply_to 1: ", Dump(message.body));
    return Delivery::kIgnored;
  }
  const std::string node = open_clients_[client].node;
  const bool restart = open_clients_[client].restart;
  open_clients_.erase(client);  // (finally (client/close! client))
  if (kvclient::BodyType(message.body) != "init_ok" && restart) {
    Note(absl::StrCat("Expected an init_ok message, but node ", node,
                      " responded after its restart with ",
                      Dump(message.body)));
  } else if (kvclient::BodyType(message.body) != "init_ok") {
    Fail(absl::StrCat("Expected an init_ok message, but node ", node,
                      " responded with ", Dump(message.body)));
  }
  return Delivery::kAccepted;
}

Interpreter::Delivery Interpreter::OnSetupReply(const std::string& client,
                                                const Message& message,
                                                std::string* note) {
  OpenClient& open = open_clients_[client];
  if (!open.waiting) {
    *note = absl::StrCat(client, " is a setup client, which never reads");
    return Delivery::kIgnored;
  }
  // client.clj recv!: skips anything but the reply to msg_id 1.
  if (kvclient::InReplyTo(message.body) != absl::optional<int64_t>(1)) {
    *note = absl::StrCat("setup client ", client,
                         " waits for in_reply_to 1: ", Dump(message.body));
    return Delivery::kIgnored;
  }
  open.waiting = false;
  open.deadline = absl::InfiniteFuture();
  // client.clj rpc! throws on an error body; defrpc on a malformed one:
  // either way setup! throws and the test crashes.
  std::string why = kvclient::BodyType(message.body) == "error"
                        ? "an error"
                        : workload_.CheckSetupReply(message.body);
  if (!why.empty()) {
    Fail(absl::StrCat("setup of ", open.node, " failed: ", why, ": ",
                      Dump(message.body)));
  }
  return Delivery::kAccepted;
}

Interpreter::Delivery Interpreter::OnClientMessage(const Message& message,
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
    case Role::kSetup: return OnSetupReply(message.dest, message, note);
    case Role::kWorker: break;
  }
  const int thread = open->second.thread;
  Thread& t = threads_[static_cast<size_t>(thread)];
  MC_ASSERT(t.client == message.dest,
            "an open worker client is its thread's current one: ", message.dest,
            " vs ", t.client);
  if (t.stale) {
    *note = absl::StrCat(
        message.dest,
        " gave up on its request (info) and waits for nothing until its "
        "thread's next operation closes it: ",
        Dump(message.body));
    return Delivery::kIgnored;
  }
  if (!t.outstanding || kvclient::InReplyTo(message.body) !=
                            absl::optional<int64_t>(t.outstanding->msg_id)) {
    *note =
        absl::StrCat("reply to no outstanding request: ", Dump(message.body));
    return Delivery::kIgnored;
  }
  Step(thread, t.impl->OnReply(t.outstanding->op, message.body), now, &outbox_);
  return Delivery::kAccepted;
}

int64_t Interpreter::client_operations() const {
  int64_t n = 0;
  for (const HistoryEvent& e : history_) n += e.type != EventType::kInvoke;
  return n;
}

}  // namespace sim
