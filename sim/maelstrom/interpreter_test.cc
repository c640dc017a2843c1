// The interpreter's generic machinery, with scripted workloads: the shapes
// Maelstrom's other workloads need (setup requests, ops of several RPCs or
// none, reusable clients, generators that choose threads, wait, end, or
// schedule ops for later, final generators with several ops per thread, no
// final phase at all). The counters' behaviour through it is pinned in
// sim/workloads/counter/{interpreter,conformance}_test.cc.
#include "sim/maelstrom/interpreter.h"

#include <deque>
#include <memory>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace sim {
namespace {

using kvclient::Json;
using kvclient::Message;

const absl::Time kT0 = absl::UnixEpoch();

// A generator that plays a script, then says kExhausted; it counts Update.
class Script : public Generator {
 public:
  explicit Script(std::deque<GenResult> script, int* updates)
      : script_(std::move(script)), updates_(updates) {}
  GenResult Next(const GenContext& ctx, Prng&) override {
    EXPECT_FALSE(ctx.free_threads.empty());
    if (script_.empty()) return GenResult::Exhausted();
    GenResult r = script_.front();
    script_.pop_front();
    return r;
  }
  void Update(const HistoryEvent&) override { ++*updates_; }

 private:
  std::deque<GenResult> script_;
  int* updates_;
};

// "two": two requests, ok with the second reply's "v"; "now": :info at once
// (kafka's :crash); anything else: one request, ok.
class Client2 : public Client {
 public:
  ClientStep Invoke(const Op& op) override {
    if (op.f == "now") return ClientStep::Info("crash");
    return ClientStep::Send({{"type", op.f}});
  }
  ClientStep OnReply(const Op& op, const Json& body) override {
    if (op.f == "two" && ++replies_ == 1)
      return ClientStep::Send({{"type", "second"}});
    return ClientStep::Ok(body.value("v", Json()));
  }

 private:
  int replies_ = 0;
};

class Fake : public Workload {
 public:
  std::vector<std::string> fs() const override { return {"x"}; }
  std::unique_ptr<Generator> MainGenerator() const override {
    return std::make_unique<Script>(main, &main_updates);
  }
  std::unique_ptr<Generator> FinalGenerator() const override {
    if (final_ops.empty()) return nullptr;
    return std::make_unique<Script>(final_ops, &final_updates);
  }
  std::unique_ptr<Client> NewClient() const override {
    ++clients;
    return std::make_unique<Client2>();
  }
  bool reusable_clients() const override { return reusable; }
  absl::optional<Json> SetupRequest(
      const std::string& node,
      const std::vector<std::string>& nodes) const override {
    if (!setup) return absl::nullopt;
    return Json{{"type", "topology"}, {"topology", {{node, nodes}}}};
  }
  std::string CheckSetupReply(const Json& body) const override {
    return kvclient::BodyType(body) == "topology_ok" ? "" : "not topology_ok";
  }
  WorkloadResult Check(const History&, const CheckContext&) const override {
    return {};
  }

  std::deque<GenResult> main;
  std::deque<GenResult> final_ops;
  bool reusable = false;
  bool setup = false;
  mutable int main_updates = 0;
  mutable int final_updates = 0;
  mutable int clients = 0;
};

Message Reply(const Message& request, Json body) {
  body["in_reply_to"] = request.body["msg_id"];
  return Message{request.dest, request.src, std::move(body)};
}

WorkloadOptions Options(int concurrency) {
  WorkloadOptions o;
  o.concurrency = concurrency;
  o.rate = 1000;
  o.time_limit = absl::Seconds(1);
  o.final_sleep = absl::Seconds(1);
  return o;
}

// Answers the inits; returns what the first Poll after them sends.
std::vector<Message> Start(Interpreter& w, Prng& prng) {
  std::string note;
  for (const Message& init : w.StartInits(kT0))
    w.OnClientMessage(Reply(init, {{"type", "init_ok"}}), kT0, &note);
  return w.Poll(kT0, prng).messages;
}

// Pins jepsen core.clj with-client+nemesis-setup-teardown and maelstrom
// broadcast.clj setup! (topology!): each node's setup client sends the
// workload's setup request as msg_id 1; the generator starts once every
// reply is in.
TEST(InterpreterTest, SetupRequestsGateTheMainPhase) {
  Fake fake;
  fake.setup = true;
  fake.main = {GenResult::Of(Op("x", 1))};
  Interpreter w(Options(1), fake, {"n0", "n1"});
  Prng prng(1);
  std::vector<Message> setup = Start(w, prng);
  ASSERT_EQ(setup.size(), 2u);
  EXPECT_EQ(setup[0].src, "c2");  // after the two init clients
  EXPECT_EQ(setup[0].dest, "n0");
  EXPECT_EQ(setup[0].body["msg_id"], 1);
  EXPECT_EQ(setup[1].body["topology"]["n1"], Json({"n0", "n1"}));
  EXPECT_EQ(w.phase(), Interpreter::Phase::kSetup);
  EXPECT_FALSE(w.main_started());
  std::string note;
  const absl::Time later = kT0 + absl::Milliseconds(3);
  EXPECT_EQ(w.OnClientMessage(Reply(setup[0], {{"type", "topology_ok"}}), later,
                              &note),
            Interpreter::Delivery::kAccepted);
  EXPECT_TRUE(w.Poll(later, prng).messages.empty()) << "n1 has not answered";
  w.OnClientMessage(Reply(setup[1], {{"type", "topology_ok"}}), later, &note);
  std::vector<Message> ops = w.Poll(later, prng).messages;
  EXPECT_TRUE(w.main_started());
  EXPECT_EQ(w.start_time(), later);
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].src, "c4");
  EXPECT_TRUE(w.harness_error().empty());
}

TEST(InterpreterTest, ABadOrMissingSetupReplyCrashesTheTest) {
  Fake fake;
  fake.setup = true;
  Interpreter bad(Options(1), fake, {"n0"});
  Prng prng(2);
  std::vector<Message> setup = Start(bad, prng);
  std::string note;
  bad.OnClientMessage(Reply(setup[0], {{"type", "error"}, {"code", 10}}), kT0,
                      &note);
  EXPECT_NE(bad.harness_error().find("setup of n0 failed"), std::string::npos);

  Interpreter silent(Options(1), fake, {"n0"});
  Start(silent, prng);
  EXPECT_EQ(silent.NextWakeAt(), kT0 + absl::Seconds(5));
  silent.Poll(kT0 + absl::Seconds(5), prng);
  EXPECT_NE(silent.harness_error().find("did not answer the setup request"),
            std::string::npos);
}

// Pins jepsen generator/interpreter.clj ClientWorker invoke! with a client
// that makes several RPCs per op (kafka's poll + commit_offsets), or none
// (kafka's :crash): one request at a time, msg_ids counting on; an op that
// needs no request completes at its invocation.
TEST(InterpreterTest, AnOpMayTakeSeveralRequestsOrNone) {
  Fake fake;
  fake.main = {GenResult::Of(Op("two", nullptr)), GenResult::Of(Op("now", 7))};
  Interpreter w(Options(1), fake, {"n0"});
  Prng prng(3);
  std::vector<Message> out = Start(w, prng);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].body["msg_id"], 1);
  std::string note;
  const absl::Time t1 = kT0 + absl::Milliseconds(1);
  w.OnClientMessage(Reply(out[0], {{"type", "two_ok"}}), t1, &note);
  EXPECT_EQ(w.NextWakeAt(), absl::InfinitePast()) << "the next request is due";
  out = w.Poll(t1, prng).messages;
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].body["type"], "second");
  EXPECT_EQ(out[0].body["msg_id"], 2);
  const absl::Time t2 = kT0 + absl::Milliseconds(2);
  w.OnClientMessage(Reply(out[0], {{"type", "second_ok"}, {"v", 42}}), t2,
                    &note);
  ASSERT_EQ(w.history().size(), 2u);
  EXPECT_EQ(w.history()[1].type, EventType::kOk);
  EXPECT_EQ(w.history()[1].value, 42);
  // The next op ("now") completes at once, sending nothing.
  absl::Time now = t2;
  while (w.history().size() < 4) {
    now = std::max(now, w.NextWakeAt());
    EXPECT_TRUE(w.Poll(now, prng).messages.empty());
  }
  EXPECT_EQ(w.history()[2].f, "now");
  EXPECT_EQ(w.history()[3].type, EventType::kInfo);
  EXPECT_EQ(w.history()[3].time, w.history()[2].time);
  EXPECT_EQ(w.history()[3].value, 7) << "an :info keeps the op's value";
  EXPECT_EQ(w.history()[3].error, "crash");
  EXPECT_EQ(fake.main_updates, 4) << "every invoke and completion";
}

// Pins jepsen client.clj Reusable and interpreter.clj ClientWorker: after
// an :info a reusable client is kept (unique-ids, txn-rw-register); others
// are closed and a new one opened at the thread's next op.
TEST(InterpreterTest, ReusableClientsSurviveAnInfo) {
  for (bool reusable : {false, true}) {
    Fake fake;
    fake.reusable = reusable;
    fake.main = {GenResult::Of(Op("now", nullptr)),
                 GenResult::Of(Op("now", nullptr))};
    Interpreter w(Options(1), fake, {"n0"});
    Prng prng(4);
    Start(w, prng);
    absl::Time now = kT0;
    while (w.history().size() < 4) {
      now = std::max(now, w.NextWakeAt());
      w.Poll(now, prng);
    }
    EXPECT_EQ(w.history()[2].client == w.history()[0].client, reusable);
    EXPECT_EQ(fake.clients, reusable ? 1 : 2);
  }
}

// Jepsen's generator answers: an op for a chosen free thread (echo's
// each-thread), :pending until a completion, nil to end the phase; and
// core.clj: a workload without a final generator has no heal, no sleep, no
// final phase.
TEST(InterpreterTest, ThreadChoicePendingExhaustedAndNoFinalPhase) {
  Fake fake;
  Op for_thread_1("x", 1);
  for_thread_1.thread = 1;
  fake.main = {GenResult::Of(for_thread_1), GenResult::Pending(),
               GenResult::Of(Op("x", 2))};
  Interpreter w(Options(2), fake, {"n0"});
  Prng prng(5);
  std::vector<Message> out = Start(w, prng);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(w.history()[0].thread, 1);
  // The next op is due within the stagger's 2 ms: :pending, so nothing goes
  // out and nothing is due but the request's timeout.
  const absl::Time due = w.NextWakeAt();
  ASSERT_LT(due, kT0 + absl::Milliseconds(2));
  EXPECT_TRUE(w.Poll(due, prng).messages.empty());
  EXPECT_EQ(w.NextWakeAt(), kT0 + absl::Seconds(5));
  std::string note;
  const absl::Time t1 = kT0 + absl::Milliseconds(5);
  w.OnClientMessage(Reply(out[0], {{"type", "x_ok"}}), t1, &note);
  absl::Time now = t1;
  int heals = 0;
  while (!w.done()) {
    now = std::max(now, w.NextWakeAt());
    ASSERT_LT(now, kT0 + absl::Seconds(10));
    Interpreter::Output o = w.Poll(now, prng);
    heals += o.heal;
    for (const Message& m : o.messages)
      w.OnClientMessage(Reply(m, {{"type", "x_ok"}}), now, &note);
  }
  EXPECT_EQ(w.history().size(), 4u);
  EXPECT_EQ(heals, 0);
  EXPECT_FALSE(w.heal_time().has_value());
  EXPECT_LT(now, w.cutoff()) << "the exhausted generator ended the phase";
  EXPECT_TRUE(w.harness_error().empty());
}

// An endless generator of "x" ops.
class Forever : public Generator {
 public:
  GenResult Next(const GenContext&, Prng&) override {
    return GenResult::Of(Op("x", nullptr));
  }
};

class Endless : public Fake {
 public:
  std::unique_ptr<Generator> MainGenerator() const override {
    return std::make_unique<Forever>();
  }
};

// Ops invoked in a 20 s run at rate 100 (concurrency 3, instant replies)
// when the host polls `late` after each wake-up.
int64_t OpsIn20s(absl::Duration late, uint64_t seed) {
  Endless workload;
  WorkloadOptions o = Options(3);
  o.rate = 100;
  o.time_limit = absl::Seconds(20);
  Interpreter w(o, workload, {"n0", "n1", "n2"});
  Prng prng(seed);
  std::string note;
  absl::Time now = kT0;
  std::vector<Message> out = Start(w, prng);
  while (!w.done() && w.harness_error().empty()) {
    for (const Message& m : out)
      w.OnClientMessage(Reply(m, {{"type", "x_ok"}}), now, &note);
    const absl::Time wake = w.NextWakeAt();
    if (wake == absl::InfiniteFuture()) break;
    if (wake != absl::InfinitePast()) now = std::max(now, wake + late);
    out = w.Poll(now, prng).messages;
  }
  EXPECT_TRUE(w.harness_error().empty()) << w.harness_error();
  int64_t invokes = 0;
  for (const HistoryEvent& e : w.history())
    invokes += e.type == EventType::kInvoke;
  return invokes;
}

// Pins jepsen generator.clj Stagger (as maelstrom core.clj wraps the
// workload: (gen/stagger (/ rate) ...)) under interpreter.clj run!: the op
// is asked for when it is due, and the next is scheduled uniform [0, 2/rate)
// after THAT. A 20 s run at rate 100 has 2,000 ops expected (the stagger's
// own spread is about +-26), whether the host polls on time or 1 ms late
// every time (a real clock's overshoot must not accumulate: it used to,
// giving ~1,820 at 1 ms).
TEST(InterpreterTest, StaggerPacesFromWhenTheOpWasDue) {
  for (uint64_t seed : {1, 2, 3}) {
    for (absl::Duration late : {absl::ZeroDuration(), absl::Microseconds(300),
                                absl::Milliseconds(1), absl::Milliseconds(3)}) {
      const int64_t ops = OpsIn20s(late, seed);
      EXPECT_GE(ops, 1930) << "seed " << seed << ", " << late << " late";
      EXPECT_LE(ops, 2070) << "seed " << seed << ", " << late << " late";
    }
  }
}

TEST(InterpreterTest, PendingWithNothingInFlightIsAHarnessError) {
  Fake fake;
  fake.main = {GenResult::Pending()};
  Interpreter w(Options(1), fake, {"n0"});
  Prng prng(6);
  Start(w, prng);
  EXPECT_NE(w.harness_error().find("(:pending) with no operation in flight"),
            std::string::npos);
}

// Jepsen's op :time (kafka's staggered crashes and final polls): held, and
// invoked when it is due.
TEST(InterpreterTest, AnOpForLaterIsHeldUntilItsTime) {
  Fake fake;
  Op later("x", 1);
  later.time = kT0 + absl::Milliseconds(300);
  fake.main = {GenResult::Of(later)};
  Interpreter w(Options(1), fake, {"n0"});
  Prng prng(7);
  EXPECT_TRUE(Start(w, prng).empty());
  EXPECT_EQ(w.NextWakeAt(), kT0 + absl::Milliseconds(300));
  EXPECT_TRUE(w.Poll(kT0 + absl::Milliseconds(299), prng).messages.empty());
  EXPECT_EQ(w.Poll(kT0 + absl::Milliseconds(300), prng).messages.size(), 1u);
  EXPECT_EQ(w.history()[0].time, kT0 + absl::Milliseconds(300));
}

// gen/each-thread over a final generator of several ops (kafka's final
// polls): each thread's copy is asked again after each of its completions,
// until it is exhausted; the final ops carry :final? from the op.
TEST(InterpreterTest, EachThreadFinalGeneratorsRunToExhaustion) {
  Fake fake;
  fake.main = {GenResult::Of(Op("x", 1))};
  fake.final_ops = {GenResult::Of(Op("x", "a", /*final_=*/true)),
                    GenResult::Of(Op("x", "b", /*final_=*/true))};
  Interpreter w(Options(2), fake, {"n0"});
  Prng prng(8);
  Start(w, prng);
  absl::Time now = kT0;
  std::string note;
  int heals = 0;
  while (!w.done()) {
    now = std::max(now, w.NextWakeAt());
    ASSERT_LT(now, kT0 + absl::Seconds(30));
    Interpreter::Output o = w.Poll(now, prng);
    heals += o.heal;
    for (const Message& m : o.messages) {
      w.OnClientMessage(Reply(m, {{"type", "x_ok"}}), now, &note);
    }
  }
  EXPECT_EQ(heals, 1);
  int finals = 0;
  for (const HistoryEvent& e : w.history()) {
    if (!e.final) continue;
    ++finals;
    EXPECT_GE(e.time, *w.heal_time() + absl::Seconds(1));
  }
  EXPECT_EQ(finals, 2 * 2 * 2) << "2 threads x 2 ops x invoke+ok";
  EXPECT_EQ(fake.final_updates, 8);
}

}  // namespace
}  // namespace sim
