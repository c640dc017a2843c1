#include "sim/workload.h"

#include <map>

#include "gtest/gtest.h"

namespace sim {
namespace {

using kvclient::Json;
using kvclient::Message;

Message Reply(const Message& request, Json body) {
  body["in_reply_to"] = request.body["msg_id"];
  return Message{request.dest, request.src, std::move(body)};
}

// Brings a workload through init, answering every init with init_ok.
Workload Started(WorkloadOptions o, absl::Time t0, Prng& prng) {
  Workload w(o, {"n0", "n1", "n2"});
  std::string note;
  for (const Message& init : w.StartInits(t0)) {
    EXPECT_EQ(init.body["type"], "init");
    EXPECT_EQ(w.OnClientMessage(Reply(init, {{"type", "init_ok"}}), t0, &note),
              Workload::Delivery::kAccepted);
  }
  EXPECT_TRUE(w.Poll(t0, prng).messages.empty());
  EXPECT_EQ(w.phase(), Workload::Phase::kMain);
  return w;
}

TEST(WorkloadTest, FullRunWithAnInstantCorrectCounter) {
  WorkloadOptions o;
  o.concurrency = 5;
  o.rate = 50;
  o.time_limit = absl::Seconds(4);
  Prng prng(1);
  absl::Time t0 = absl::UnixEpoch();
  Workload w = Started(o, t0, prng);
  int64_t total = 0;
  int adds = 0, reads = 0, heals = 0;
  absl::Time now = t0;
  std::map<std::string, std::string> node_of_client;
  while (!w.done()) {
    now = std::max(now, w.NextWakeAt());
    ASSERT_LT(now, t0 + absl::Seconds(60));
    Workload::Output out = w.Poll(now, prng);
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
                Workload::Delivery::kAccepted) << note;
    }
  }
  EXPECT_EQ(heals, 1);
  // ~rate*time ops; 1/3 adds.
  EXPECT_NEAR(adds + reads, 50 * 4 + 5, 60);
  EXPECT_NEAR(static_cast<double>(adds) / (adds + reads), 1.0 / 3, 0.1);
  int finals = 0;
  for (const HistoryEvent& e : w.history()) {
    finals += e.final_read && e.type == EventType::kOk;
    if (e.final_read) {
      EXPECT_GE(e.time, *w.heal_time() + absl::Seconds(10));
    } else {
      EXPECT_LT(e.time, w.start_time() + absl::Seconds(4) + absl::Seconds(1));
    }
  }
  EXPECT_EQ(finals, 5);
  EXPECT_EQ(w.client_operations() * 2, static_cast<int64_t>(w.history().size()));
}

TEST(WorkloadTest, TimeoutIsIndeterminateAndLateReplyHitsADepartedClient) {
  WorkloadOptions o;
  o.concurrency = 1;
  o.rate = 1000;
  Prng prng(2);
  absl::Time t0 = absl::UnixEpoch();
  Workload w = Started(o, t0, prng);
  absl::Time now = w.NextWakeAt();
  Workload::Output out = w.Poll(now, prng);
  ASSERT_EQ(out.messages.size(), 1u);  // one thread: one request at a time
  const Message request = out.messages[0];
  EXPECT_EQ(request.dest, "n0");
  EXPECT_EQ(w.NextWakeAt(), now + absl::Seconds(5));
  now += absl::Seconds(5);
  out = w.Poll(now, prng);
  const HistoryEvent& completion = w.history()[1];
  EXPECT_EQ(completion.type, EventType::kInfo);
  EXPECT_EQ(completion.error, "timeout");
  EXPECT_EQ(completion.client, request.src);
  ASSERT_FALSE(out.messages.empty());
  EXPECT_NE(out.messages[0].src, request.src);  // fresh client id
  std::string note;
  EXPECT_EQ(w.OnClientMessage(Reply(request, {{"type", "add_ok"}}), now, &note),
            Workload::Delivery::kDepartedClient);
}

TEST(WorkloadTest, MalformedAndErrorRepliesAreIndeterminate) {
  WorkloadOptions o;
  o.concurrency = 1;
  Prng prng(3);
  Workload w = Started(o, absl::UnixEpoch(), prng);
  absl::Time now = w.NextWakeAt();
  for (Json bad : {Json{{"type", "read_ok"}, {"value", 3.0}},
                   Json{{"type", "error"}, {"code", 11}, {"text", "busy"}}}) {
    Workload::Output out = w.Poll(now, prng);
    while (out.messages.empty()) {
      now = w.NextWakeAt();
      out = w.Poll(now, prng);
    }
    Message m = out.messages[0];
    if (m.body["type"] == "add") bad = Json{{"type", "add_ok"}, {"extra", 1}};
    std::string note;
    w.OnClientMessage(Reply(m, bad), now, &note);
    EXPECT_EQ(w.history().back().type, EventType::kInfo) << bad.dump();
  }
}

TEST(WorkloadTest, MissingInitIsAHarnessError) {
  WorkloadOptions o;
  Prng prng(4);
  Workload w(o, {"n0"});
  w.StartInits(absl::UnixEpoch());
  EXPECT_EQ(w.NextWakeAt(), absl::UnixEpoch() + absl::Seconds(10));
  w.Poll(absl::UnixEpoch() + absl::Seconds(10), prng);
  EXPECT_NE(w.harness_error().find("n0 did not answer init"), std::string::npos);
}

TEST(WorkloadTest, PnCounterUsesNegativeDeltasHalfTheTime) {
  WorkloadOptions o;
  o.concurrency = 1;
  o.pn_counter = true;
  o.rate = 1000;
  Prng prng(5);
  Workload w = Started(o, absl::UnixEpoch(), prng);
  int adds = 0, negative = 0, ops = 0;
  absl::Time now = absl::UnixEpoch();
  while (ops < 2000) {
    now = w.NextWakeAt();
    for (const Message& m : w.Poll(now, prng).messages) {
      ++ops;
      Json body = {{"type", "read_ok"}, {"value", 0}};
      if (m.body["type"] == "add") {
        ++adds;
        negative += m.body["delta"].get<int64_t>() < 0;
        ASSERT_GE(m.body["delta"].get<int64_t>(), -5);
        body = {{"type", "add_ok"}};
      }
      std::string note;
      w.OnClientMessage(Reply(m, body), now, &note);
    }
  }
  EXPECT_NEAR(adds, 1000, 100);
  EXPECT_NEAR(negative, adds / 2, 80);
}

}  // namespace
}  // namespace sim
