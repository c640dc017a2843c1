// Conformance for maelstrom/workload/kafka.clj (v0.2.4): the defrpc bodies
// and reply schemas (send!, poll, commit_offsets!, list_committed_offsets
// with maelstrom/client.clj recv-schema), the Client's invoke! and
// with-errors, and the generators (jepsen/tests/kafka.clj final-polls,
// interleave-subscribes, poll-unseen, track-key-offsets; elle wr-txns).
#include "sim/workloads/kafka/client.h"

#include <map>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "sim/maelstrom/prng.h"
#include "sim/workloads/kafka/generator.h"

namespace workloads {
namespace kafka {
namespace {

using kvclient::Json;
using sim::EventType;

Json J(const char* s) { return Json::parse(s); }

// recv-schema: closed maps, in_reply_to required, msg_id optional; Offset is
// an integer, Message anything; [offset msg] pairs have exactly 2 elements.
TEST(KafkaRpc, ReplySchemas) {
  EXPECT_EQ(CheckReply("send_ok",
                       J(R"({"type":"send_ok","in_reply_to":1,"offset":3})")),
            "");
  EXPECT_NE(CheckReply("send_ok",
                       J(R"({"type":"send_ok","in_reply_to":1,"offset":"3"})")),
            "");
  EXPECT_NE(CheckReply("send_ok", J(R"({"type":"send_ok","in_reply_to":1})")),
            "");
  EXPECT_NE(CheckReply("send_ok", J(R"({"type":"send_ok","offset":3})")), "");
  EXPECT_NE(
      CheckReply("send_ok",
                 J(R"({"type":"send_ok","in_reply_to":1,"offset":3,"k":1})")),
      "");
  EXPECT_EQ(
      CheckReply("poll_ok", J(R"({"type":"poll_ok","in_reply_to":1,"msg_id":9,
                                         "msgs":{"1":[[0,5],[1,{"x":1}]],"2":[]}})")),
      "");
  EXPECT_NE(
      CheckReply(
          "poll_ok",
          J(R"({"type":"poll_ok","in_reply_to":1,"msgs":{"1":[[0,5,6]]}})")),
      "");
  EXPECT_NE(
      CheckReply(
          "poll_ok",
          J(R"({"type":"poll_ok","in_reply_to":1,"msgs":{"1":[[0.5,5]]}})")),
      "");
  EXPECT_NE(CheckReply("poll_ok",
                       J(R"({"type":"poll_ok","in_reply_to":1,"msgs":[]})")),
            "");
  EXPECT_EQ(CheckReply("commit_offsets_ok",
                       J(R"({"type":"commit_offsets_ok","in_reply_to":1})")),
            "");
  EXPECT_NE(
      CheckReply(
          "commit_offsets_ok",
          J(R"({"type":"commit_offsets_ok","in_reply_to":1,"offsets":{}})")),
      "");
  EXPECT_EQ(
      CheckReply(
          "list_committed_offsets_ok",
          J(R"({"type":"list_committed_offsets_ok","in_reply_to":1,"offsets":{"1":2}})")),
      "");
  EXPECT_NE(
      CheckReply(
          "list_committed_offsets_ok",
          J(R"({"type":"list_committed_offsets_ok","in_reply_to":1,"offsets":{"1":null}})")),
      "");
}

sim::Op AssignOp(const char* keys, bool seek = false) {
  sim::Op op("assign", J(keys));
  if (seek) op.extra[kSeekToBeginning] = true;
  return op;
}
const sim::Op kPoll("poll", J(R"([["poll"]])"));

// Client invoke! :assign (list_committed_offsets; local offsets win), :poll
// (advance to max+1, 0 for an empty key; commit the highest polled), :send.
TEST(KafkaClient, AssignPollCommitSend) {
  KafkaClient c;
  sim::Op assign = AssignOp(R"(["1","2","3"])");
  sim::ClientStep s = c.Invoke(assign);
  EXPECT_EQ(*s.request,
            J(R"({"type":"list_committed_offsets","keys":["1","2","3"]})"));
  s = c.OnReply(assign, J(R"({"type":"list_committed_offsets_ok",
                              "in_reply_to":1,"offsets":{"1":4}})"));
  ASSERT_FALSE(s.request);
  EXPECT_EQ(s.type, EventType::kOk);
  EXPECT_FALSE(s.value) << "an ok assign keeps its invocation's value";
  EXPECT_EQ(c.offsets(),
            (std::map<std::string, int64_t>{{"1", 4}, {"2", 0}, {"3", 0}}));

  s = c.Invoke(kPoll);
  EXPECT_EQ(*s.request, J(R"({"type":"poll","offsets":{"1":4,"2":0,"3":0}})"));
  s = c.OnReply(kPoll, J(R"({"type":"poll_ok","in_reply_to":2,
                              "msgs":{"1":[[4,10],[6,11]],"2":[]}})"));
  ASSERT_TRUE(s.request);
  EXPECT_EQ(*s.request, J(R"({"type":"commit_offsets","offsets":{"1":6}})"));
  EXPECT_EQ(c.offsets(),
            (std::map<std::string, int64_t>{{"1", 7}, {"2", 0}, {"3", 0}}));
  s = c.OnReply(kPoll, J(R"({"type":"commit_offsets_ok","in_reply_to":3})"));
  ASSERT_FALSE(s.request);
  EXPECT_EQ(*s.value, J(R"([["poll",{"1":[[4,10],[6,11]],"2":[]}]])"));

  // An assign keeps local offsets over committed ones.
  assign = AssignOp(R"(["1"])");
  c.Invoke(assign);
  c.OnReply(assign, J(R"({"type":"list_committed_offsets_ok","in_reply_to":4,
                         "offsets":{"1":0}})"));
  EXPECT_EQ(c.offsets(), (std::map<std::string, int64_t>{{"1", 7}}));

  const sim::Op send("send", J(R"([["send","1",12]])"));
  s = c.Invoke(send);
  EXPECT_EQ(*s.request, J(R"({"type":"send","key":"1","msg":12})"));
  s = c.OnReply(send, J(R"({"type":"send_ok","in_reply_to":5,"offset":7})"));
  EXPECT_EQ(*s.value, J(R"([["send","1",[7,12]]])"));

  // A poll with nothing commits nothing.
  c.Invoke(kPoll);
  s = c.OnReply(kPoll, J(R"({"type":"poll_ok","in_reply_to":6,"msgs":{}})"));
  ASSERT_FALSE(s.request);
  EXPECT_EQ(*s.value, J(R"([["poll",{}]])"));

  // Final polls' assign (:seek-to-beginning? true) without an RPC.
  s = c.Invoke(AssignOp(R"(["1","5"])", /*seek=*/true));
  ASSERT_FALSE(s.request);
  EXPECT_EQ(s.type, EventType::kOk);
  EXPECT_EQ(c.offsets(), (std::map<std::string, int64_t>{{"1", 0}, {"5", 0}}));
}

// with-errors, idempotent #{:assign}.
TEST(KafkaClient, Errors) {
  KafkaClient c;
  const sim::Op assign = AssignOp(R"(["1"])");
  c.Invoke(assign);
  sim::ClientStep s = c.OnTimeout(assign);
  EXPECT_EQ(s.type, EventType::kFail);  // idempotent
  EXPECT_EQ(s.error, "net-timeout");

  const sim::Op send("send", J(R"([["send","1",3]])"));
  c.Invoke(send);
  s = c.OnTimeout(send);
  EXPECT_EQ(s.type, EventType::kInfo);
  EXPECT_FALSE(s.value) << "keeps the invocation's value";

  c.Invoke(send);
  s = c.OnReply(send, J(R"({"type":"error","in_reply_to":2,"code":11,
                            "text":"busy"})"));
  EXPECT_EQ(s.type, EventType::kFail);  // definite
  EXPECT_EQ(s.error, "[:temporarily-unavailable \"busy\"]");

  c.Invoke(kPoll);
  s = c.OnReply(kPoll, J(R"({"type":"error","in_reply_to":3,"code":13})"));
  EXPECT_EQ(s.type, EventType::kInfo);  // crash is indefinite

  c.Invoke(send);
  s = c.OnReply(send, J(R"({"type":"send_ok","in_reply_to":4})"));
  EXPECT_EQ(s.type, EventType::kInfo);  // malformed: interpreter :info
  EXPECT_EQ(s.error.rfind("indeterminate: Malformed RPC response", 0), 0u);

  s = c.Invoke(sim::Op("crash", nullptr));
  ASSERT_FALSE(s.request);
  EXPECT_EQ(s.type, EventType::kInfo);
  EXPECT_EQ(s.error, "") << "(assoc op :type :info), no :error";
}

// A poll whose commit fails keeps the poll's invocation value (the
// exception escapes after the poll; kafka.clj invoke! with-errors).
TEST(KafkaClient, CommitFailureLosesThePoll) {
  KafkaClient c;
  c.Invoke(AssignOp(R"(["1"])", /*seek=*/true));
  c.Invoke(kPoll);
  c.OnReply(kPoll, J(R"({"type":"poll_ok","in_reply_to":1,
                         "msgs":{"1":[[0,1]]}})"));
  sim::ClientStep s = c.OnTimeout(kPoll);
  EXPECT_EQ(s.type, EventType::kInfo);
  EXPECT_FALSE(s.value);
}

sim::GenContext Ctx(absl::Time now, int concurrency = 2) {
  sim::GenContext ctx;
  ctx.now = now;
  ctx.concurrency = concurrency;
  return ctx;
}

// The txn stream: only send/poll/assign, string keys, values 1, 2, ...
// per key, an assign now and then (about 1/64) naming the next op's key.
// The timeline's words for kafka ops: key@offset=message throughout.
TEST(KafkaText, WordsSendsPollsAndAssigns) {
  sim::HistoryEvent e;
  e.type = sim::EventType::kInvoke;
  e.f = "send";
  e.value = Json::parse(R"([["send","5",3]])");
  EXPECT_EQ(KafkaText(e), "5@?=3");
  e.value = Json::parse(R"([["send","5",[0,3]]])");
  EXPECT_EQ(KafkaText(e), "5@0=3");
  e.f = "poll";
  e.value = Json::parse(R"([["poll"]])");
  EXPECT_EQ(KafkaText(e), "");
  e.value = Json::parse(R"([["poll",{"5":[[0,3],[1,4]],"7":[[0,1]]}]])");
  EXPECT_EQ(KafkaText(e), "5@0=3 5@1=4 7@0=1");
  e.value = Json::parse(R"([["poll",{}]])");
  EXPECT_EQ(KafkaText(e), "(nothing)");
  e.f = "assign";
  e.value = Json::parse(R"(["5","7"])");
  EXPECT_EQ(KafkaText(e), "5 7");
  e.f = "crash";
  e.value = nullptr;
  EXPECT_EQ(KafkaText(e), "");
  e.f = "poll";
  e.value = Json::parse(R"([["poll",{"5":7}]])");
  EXPECT_EQ(KafkaText(e), R"([["poll",{"5":7}]])");
}

TEST(KafkaGenerator, TxnOps) {
  TxnGenerator g({});
  sim::Prng prng(3);
  std::map<std::string, int> fs;
  std::map<std::string, int64_t> last;
  std::string assigned;
  for (int i = 0; i < 64000; ++i) {
    sim::Op op = g.Next(prng);
    ++fs[op.f];
    if (op.f == "assign") {
      assigned = op.value[0].get<std::string>();
      continue;
    }
    if (!assigned.empty() && op.f == "send") {
      EXPECT_EQ(op.value[0][1].get<std::string>(), assigned);
    }
    assigned.clear();
    if (op.f == "send") {
      const std::string k = op.value[0][1].get<std::string>();
      EXPECT_EQ(op.value[0][2].get<int64_t>(), last[k] + 1);
      EXPECT_LE(op.value[0][2].get<int64_t>(), 16);
      last[k] = op.value[0][2].get<int64_t>();
    }
  }
  EXPECT_EQ(fs.size(), 3u);
  EXPECT_NEAR(fs["assign"], 1000, 200);
  EXPECT_GT(fs["poll"], fs["send"]);  // retired keys redraw
}

// crash-client-gen under gen/any: a crash is due at once, taken on a coin
// per op slot; then the next is due uniform [0, 2 * 30 s / concurrency)
// after it.
TEST(KafkaGenerator, CrashesEveryThirtySecondsPerThread) {
  auto offsets = std::make_shared<MaxOffsetsAtom>();
  MainGenerator g({}, offsets);
  EXPECT_EQ(MainGenerator::CrashInterval(absl::Seconds(30), 4),
            absl::Milliseconds(7500));
  sim::Prng prng(9);
  const absl::Time t0 = absl::UnixEpoch();
  int crashes = 0, first_crash_slot = -1;
  // 1000 ops/s for 600 s, concurrency 2: a crash every ~15 s.
  for (int i = 0; i < 600000; ++i) {
    sim::GenResult r = g.Next(Ctx(t0 + absl::Milliseconds(i)), prng);
    ASSERT_EQ(r.kind, sim::GenResult::Kind::kOp);
    if (r.op.f != "crash") continue;
    if (first_crash_slot < 0) first_crash_slot = i;
    ++crashes;
    EXPECT_TRUE(r.op.value.is_null());
  }
  EXPECT_LT(first_crash_slot, 20);
  EXPECT_NEAR(crashes, 40, 12);
}

// track-key-offsets + final-polls: each thread crashes, assigns every key
// seen (numeric order, seek to beginning), then polls (staggered by 1/5 s)
// until its own ok polls reach every key's highest offset; 10 s at most.
TEST(KafkaGenerator, FinalPolls) {
  auto offsets = std::make_shared<MaxOffsetsAtom>();
  MainGenerator g({}, offsets);
  sim::HistoryEvent send;
  send.type = EventType::kOk;
  send.f = "send";
  send.value = J(R"([["send","10",[4,1]]])");
  g.Update(send);
  sim::HistoryEvent poll;
  poll.type = EventType::kOk;
  poll.f = "poll";
  poll.value = J(R"([["poll",{"2":[[0,1],[1,2]]}]])");
  g.Update(poll);
  sim::HistoryEvent info = poll;
  info.type = EventType::kInfo;
  info.value = J(R"([["poll",{"3":[[0,1]]}]])");
  g.Update(info);  // only ok ops count
  EXPECT_EQ(*offsets, (MaxOffsetsAtom{{2, 1}, {10, 4}}));

  FinalGenerator f(offsets, absl::Seconds(10));
  sim::Prng prng(1);
  const absl::Time t = absl::UnixEpoch();
  EXPECT_EQ(f.Next(Ctx(t), prng).op.f, "crash");
  sim::Op assign = f.Next(Ctx(t), prng).op;
  EXPECT_EQ(assign.f, "assign");
  EXPECT_EQ(assign.extra.at(kSeekToBeginning), true);
  EXPECT_EQ(assign.value, J(R"(["2","10"])"));
  sim::GenResult first = f.Next(Ctx(t), prng);
  EXPECT_EQ(first.op.f, "poll");
  EXPECT_FALSE(first.op.time) << "the first poll is due at once";
  sim::GenResult second = f.Next(Ctx(t), prng);
  ASSERT_TRUE(second.op.time);
  EXPECT_LT(*second.op.time, t + absl::Milliseconds(400));
  sim::HistoryEvent caught_up;
  caught_up.type = EventType::kOk;
  caught_up.f = "poll";
  caught_up.value = J(R"([["poll",{"2":[[1,2]],"10":[[3,9]]}]])");
  f.Update(caught_up);
  EXPECT_FALSE(f.caught_up());  // "10" still at 3 < 4
  caught_up.value = J(R"([["poll",{"10":[[4,1]]}]])");
  f.Update(caught_up);
  EXPECT_TRUE(f.caught_up());
  EXPECT_EQ(f.Next(Ctx(t), prng).kind, sim::GenResult::Kind::kExhausted);

  // The time limit: nothing at or after 10 s from the first ask.
  FinalGenerator late(offsets, absl::Seconds(10));
  late.Next(Ctx(t), prng);
  EXPECT_EQ(late.Next(Ctx(t + absl::Seconds(10)), prng).kind,
            sim::GenResult::Kind::kExhausted);

  FinalGenerator nothing(std::make_shared<MaxOffsetsAtom>(), absl::Seconds(10));
  EXPECT_EQ(nothing.Next(Ctx(t), prng).kind, sim::GenResult::Kind::kExhausted)
      << "no offsets: no final ops at all";
}

// poll-unseen: a third of the assigns take the keys with unpolled sends.
TEST(KafkaGenerator, AssignsCatchUpOnUnseenKeys) {
  TxnGenerator g({});
  sim::HistoryEvent send;
  send.type = EventType::kOk;
  send.f = "send";
  send.value = J(R"([["send","77",[0,1]]])");
  g.Update(send);
  sim::Prng prng(5);
  int assigns = 0, with_unseen = 0;
  for (int i = 0; i < 64000; ++i) {
    sim::Op op = g.Next(prng);
    if (op.f != "assign") continue;
    ++assigns;
    for (const auto& k : op.value) with_unseen += k == "77";
  }
  EXPECT_NEAR(with_unseen, assigns / 3.0, assigns * 0.1);
}

}  // namespace
}  // namespace kafka
}  // namespace workloads
