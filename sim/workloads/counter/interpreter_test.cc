// The counter workload through the interpreter (sim/maelstrom/
// interpreter.h): phases, completions, bounds, wake-ups. The
// Maelstrom/Jepsen-source pins (client id order and lifecycle, stagger,
// round robin, op mix, time limit) are in conformance_test.cc.
#include "sim/maelstrom/interpreter.h"

#include <map>
#include <memory>

#include "gtest/gtest.h"
#include "sim/workloads/counter/counter.h"

namespace workloads {
namespace counter {
namespace {

using kvclient::Json;
using kvclient::Message;
using sim::EventType;
using sim::HistoryEvent;
using sim::Interpreter;
using sim::Prng;
using sim::WorkloadOptions;

// The counter workload -w names and its interpreter.
struct CounterRun {
  explicit CounterRun(const WorkloadOptions& o,
                      std::vector<std::string> nodes = {"n0", "n1", "n2"})
      : workload(*(o.name == "pn-counter" ? PnCounterSpec() : GCounterSpec())
                      .make({})),
        w(o, *workload, std::move(nodes)) {}
  std::unique_ptr<sim::Workload> workload;
  Interpreter w;
};

Message Reply(const Message& request, Json body) {
  body["in_reply_to"] = request.body["msg_id"];
  return Message{request.dest, request.src, std::move(body)};
}

// Brings a workload through init, answering every init with init_ok.
std::unique_ptr<CounterRun> Started(WorkloadOptions o, absl::Time t0,
                                    std::vector<std::string> nodes = {
                                        "n0", "n1", "n2"}) {
  auto run = std::make_unique<CounterRun>(o, std::move(nodes));
  Interpreter& w = run->w;
  std::string note;
  for (const Message& init : w.StartInits(t0)) {
    EXPECT_EQ(init.body["type"], "init");
    EXPECT_EQ(w.OnClientMessage(Reply(init, {{"type", "init_ok"}}), t0, &note),
              Interpreter::Delivery::kAccepted);
  }
  EXPECT_EQ(w.NextWakeAt(), absl::InfinitePast());  // ready to start
  return run;
}

TEST(CounterInterpreterTest, FullRunWithAnInstantCorrectCounter) {
  WorkloadOptions o;
  o.concurrency = 5;
  o.rate = 50;
  o.time_limit = absl::Seconds(4);
  Prng prng(1);
  absl::Time t0 = absl::UnixEpoch();
  auto run = Started(o, t0);
  Interpreter& w = run->w;
  int64_t total = 0;
  int adds = 0, reads = 0, heals = 0;
  absl::Time now = t0;
  std::map<std::string, std::string> node_of_client;
  while (!w.done()) {
    now = std::max(now, w.NextWakeAt());
    ASSERT_LT(now, t0 + absl::Seconds(60));
    Interpreter::Output out = w.Poll(now, prng);
    heals += out.heal;
    for (const Message& m : out.messages) {
      Json body;
      if (m.body["type"] == "add") {
        total += m.body["delta"].get<int64_t>();
        EXPECT_GE(m.body["delta"].get<int64_t>(), 0);
        EXPECT_LE(m.body["delta"].get<int64_t>(), 4);
        body = {{"type", "add_ok"}};
        ++adds;
      } else {
        body = {{"type", "read_ok"}, {"value", total}};
        ++reads;
      }
      // One client talks to one node.
      auto [it, fresh] = node_of_client.emplace(m.src, m.dest);
      EXPECT_EQ(it->second, m.dest);
      std::string note;
      ASSERT_EQ(w.OnClientMessage(Reply(m, body), now, &note),
                Interpreter::Delivery::kAccepted)
          << note;
    }
  }
  EXPECT_EQ(heals, 1);
  // ~rate*time ops; 1/3 adds.
  EXPECT_NEAR(adds + reads, 50 * 4 + 5, 60);
  EXPECT_NEAR(static_cast<double>(adds) / (adds + reads), 1.0 / 3, 0.1);
  int finals = 0;
  for (const HistoryEvent& e : w.history()) {
    finals += e.final && e.type == EventType::kOk;
    if (e.final) {
      EXPECT_EQ(e.time, *w.heal_time() + absl::Seconds(10));
    } else {
      EXPECT_LT(e.time, w.cutoff());
    }
  }
  EXPECT_EQ(finals, 5);
  EXPECT_EQ(w.client_operations() * 2,
            static_cast<int64_t>(w.history().size()));
  // Instant replies never need a second client: 3 init + 3 setup + 5 workers.
  EXPECT_EQ(w.clients_opened(), 11);
}

TEST(CounterInterpreterTest, TimeoutIsIndeterminate) {
  WorkloadOptions o;
  o.concurrency = 1;
  o.rate = 1000;
  Prng prng(2);
  absl::Time t0 = absl::UnixEpoch();
  auto run = Started(o, t0);
  Interpreter& w = run->w;
  Interpreter::Output out = w.Poll(t0, prng);
  ASSERT_EQ(out.messages.size(), 1u);  // one thread: one request at a time
  const Message request = out.messages[0];
  EXPECT_EQ(request.dest, "n0");
  EXPECT_EQ(w.NextWakeAt(), t0 + absl::Seconds(5));
  w.Poll(t0 + absl::Seconds(5), prng);
  const HistoryEvent& completion = w.history()[1];
  EXPECT_EQ(completion.type, EventType::kInfo);
  EXPECT_EQ(completion.error, "timeout");
  EXPECT_EQ(completion.client, request.src);
}

TEST(CounterInterpreterTest, MalformedAndErrorRepliesAreIndeterminate) {
  WorkloadOptions o;
  o.concurrency = 1;
  Prng prng(3);
  auto run = Started(o, absl::UnixEpoch());
  Interpreter& w = run->w;
  absl::Time now = absl::UnixEpoch();
  for (Json bad :
       {Json{{"type", "read_ok"}, {"value", 3.0}},
        Json{{"type", "error"}, {"code", 11}, {"text", "busy"}},
        Json{{"type", "error"}, {"code", 20}, {"text", "definite"}}}) {
    Interpreter::Output out = w.Poll(now, prng);
    while (out.messages.empty()) {
      now = std::max(now, w.NextWakeAt());
      out = w.Poll(now, prng);
    }
    Message m = out.messages[0];
    if (m.body["type"] == "add" && bad["type"] == "read_ok") {
      bad = Json{{"type", "add_ok"}, {"extra", 1}};
    }
    std::string note;
    EXPECT_EQ(w.OnClientMessage(Reply(m, bad), now, &note),
              Interpreter::Delivery::kAccepted);
    EXPECT_EQ(w.history().back().type, EventType::kInfo) << bad.dump();
  }
}

TEST(CounterInterpreterTest, MissingInitIsAHarnessError) {
  WorkloadOptions o;
  Prng prng(4);
  CounterRun run(o, {"n0"});
  Interpreter& w = run.w;
  w.StartInits(absl::UnixEpoch());
  EXPECT_EQ(w.NextWakeAt(), absl::UnixEpoch() + absl::Seconds(10));
  w.Poll(absl::UnixEpoch() + absl::Seconds(10), prng);
  EXPECT_NE(w.harness_error().find("n0 did not answer init"),
            std::string::npos);
}

TEST(CounterInterpreterTest, AnInitAnswerOtherThanInitOkIsAHarnessError) {
  // Pins maelstrom src/maelstrom/db.clj, db/setup!: rpc! throws on an error
  // body, and anything but init_ok throws :init-failed: the test aborts.
  for (const Json& answer :
       {Json{{"type", "error"}, {"code", 10}, {"text", "no"}},
        Json{{"type", "echo_ok"}}}) {
    CounterRun run(WorkloadOptions{}, {"n0"});
    Interpreter& w = run.w;
    const Message init = w.StartInits(absl::UnixEpoch())[0];
    std::string note;
    EXPECT_EQ(w.OnClientMessage(Reply(init, answer), absl::UnixEpoch(), &note),
              Interpreter::Delivery::kAccepted);
    EXPECT_NE(w.harness_error().find("Expected an init_ok message"),
              std::string::npos)
        << answer.dump();
  }
  // A message to the init client that is not a reply to msg_id 1 is
  // skipped by client.clj recv!: no error, the init still waits.
  CounterRun run(WorkloadOptions{}, {"n0"});
  Interpreter& w = run.w;
  const Message init = w.StartInits(absl::UnixEpoch())[0];
  std::string note;
  EXPECT_EQ(
      w.OnClientMessage(
          Message{"n0", init.src, {{"type", "init_ok"}, {"in_reply_to", 2}}},
          absl::UnixEpoch(), &note),
      Interpreter::Delivery::kIgnored);
  EXPECT_TRUE(w.harness_error().empty());
  EXPECT_TRUE(w.KnowsClient(init.src));
}

TEST(CounterInterpreterTest, ClientTablesStayBoundedThroughManyTimeouts) {
  // Every request times out: each thread reopens a client per op, and the
  // table of open clients never exceeds setup + one per thread.
  WorkloadOptions o;
  o.concurrency = 4;
  o.rate = 1000;
  o.time_limit = absl::Seconds(60);
  Prng prng(5);
  const absl::Time t0 = absl::UnixEpoch();
  auto run = Started(o, t0);
  Interpreter& w = run->w;
  absl::Time now = t0;
  while (!w.done()) {
    now = std::max(now, w.NextWakeAt());
    w.Poll(now, prng);
    ASSERT_LE(w.open_clients(), 3u + 4u);
  }
  EXPECT_GT(w.clients_opened(),
            3 + 3 + 4 * 12);  // 12 timeouts per thread in 60 s
}

TEST(CounterInterpreterTest, HistoryBoundEndsTheMainPhaseWithAHarnessError) {
  WorkloadOptions o;
  o.concurrency = 1;
  o.rate = 1000;
  o.max_history_events = 10;
  Prng prng(6);
  const absl::Time t0 = absl::UnixEpoch();
  auto run = Started(o, t0);
  Interpreter& w = run->w;
  absl::Time now = t0;
  while (w.phase() == Interpreter::Phase::kInit ||
         w.phase() == Interpreter::Phase::kMain) {
    now = std::max(now, w.NextWakeAt());
    for (const Message& m : w.Poll(now, prng).messages) {
      std::string note;
      w.OnClientMessage(Reply(m, m.body["type"] == "add"
                                     ? Json{{"type", "add_ok"}}
                                     : Json{{"type", "read_ok"}, {"value", 0}}),
                        now, &note);
    }
  }
  EXPECT_EQ(w.history().size(), 10u);
  EXPECT_NE(w.harness_error().find("history bound"), std::string::npos);
}

TEST(CounterInterpreterTest, PnCounterUsesNegativeDeltas) {
  WorkloadOptions o;
  o.concurrency = 1;
  o.name = "pn-counter";
  o.rate = 1000;
  Prng prng(5);
  auto run = Started(o, absl::UnixEpoch());
  Interpreter& w = run->w;
  int adds = 0, negative = 0, ops = 0;
  absl::Time now = absl::UnixEpoch();
  while (ops < 2000) {
    now = std::max(now, w.NextWakeAt());
    for (const Message& m : w.Poll(now, prng).messages) {
      ++ops;
      Json body = {{"type", "read_ok"}, {"value", 0}};
      if (m.body["type"] == "add") {
        ++adds;
        negative += m.body["delta"].get<int64_t>() < 0;
        EXPECT_GE(m.body["delta"].get<int64_t>(), -5);
        EXPECT_LE(m.body["delta"].get<int64_t>(), 4);
        body = {{"type", "add_ok"}};
      }
      std::string note;
      w.OnClientMessage(Reply(m, body), now, &note);
    }
  }
  EXPECT_NEAR(adds, 1000, 120);
  EXPECT_NEAR(negative, adds / 2, 80);
}

}  // namespace
}  // namespace counter
}  // namespace workloads
