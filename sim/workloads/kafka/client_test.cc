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
#include "sim/prng.h"
#include "sim/workloads/kafka/generator.h"

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

// Client invoke! :assign (list_committed_offsets; local offsets win), :poll
// (advance to max+1, 0 for an empty key; commit the highest polled), :send.
TEST(KafkaClient, AssignPollCommitSend) {
  KafkaClient c;
  auto s = c.Start({"assign", J(R"(["1","2","3"])"), false});
  EXPECT_EQ(*s.request,
            J(R"({"type":"list_committed_offsets","keys":["1","2","3"]})"));
  s = c.OnReply(J(
      R"({"type":"list_committed_offsets_ok","in_reply_to":1,"offsets":{"1":4}})"));
  ASSERT_TRUE(s.done);
  EXPECT_EQ(s.done->type, EventType::kOk);
  EXPECT_EQ(c.offsets(),
            (std::map<std::string, int64_t>{{"1", 4}, {"2", 0}, {"3", 0}}));

  s = c.Start({"poll", J(R"([["poll"]])"), false});
  EXPECT_EQ(*s.request, J(R"({"type":"poll","offsets":{"1":4,"2":0,"3":0}})"));
  s = c.OnReply(J(
      R"({"type":"poll_ok","in_reply_to":2,"msgs":{"1":[[4,10],[6,11]],"2":[]}})"));
  ASSERT_FALSE(s.done);
  EXPECT_EQ(*s.request, J(R"({"type":"commit_offsets","offsets":{"1":6}})"));
  EXPECT_EQ(c.offsets(),
            (std::map<std::string, int64_t>{{"1", 7}, {"2", 0}, {"3", 0}}));
  s = c.OnReply(J(R"({"type":"commit_offsets_ok","in_reply_to":3})"));
  ASSERT_TRUE(s.done);
  EXPECT_EQ(s.done->value, J(R"([["poll",{"1":[[4,10],[6,11]],"2":[]}]])"));

  // An assign keeps local offsets over committed ones.
  s = c.Start({"assign", J(R"(["1"])"), false});
  s = c.OnReply(J(
      R"({"type":"list_committed_offsets_ok","in_reply_to":4,"offsets":{"1":0}})"));
  EXPECT_EQ(c.offsets(), (std::map<std::string, int64_t>{{"1", 7}}));

  s = c.Start({"send", J(R"([["send","1",12]])"), false});
  EXPECT_EQ(*s.request, J(R"({"type":"send","key":"1","msg":12})"));
  s = c.OnReply(J(R"({"type":"send_ok","in_reply_to":5,"offset":7})"));
  EXPECT_EQ(s.done->value, J(R"([["send","1",[7,12]]])"));

  // A poll with nothing commits nothing.
  s = c.Start({"poll", J(R"([["poll"]])"), false});
  s = c.OnReply(J(R"({"type":"poll_ok","in_reply_to":6,"msgs":{}})"));
  ASSERT_TRUE(s.done);
  EXPECT_EQ(s.done->value, J(R"([["poll",{}]])"));

  // Final polls' assign seeks to the beginning without an RPC.
  s = c.Start({"assign", J(R"(["1","5"])"), true});
  ASSERT_TRUE(s.done);
  EXPECT_EQ(c.offsets(), (std::map<std::string, int64_t>{{"1", 0}, {"5", 0}}));
}

// with-errors, idempotent #{:assign}.
TEST(KafkaClient, Errors) {
  KafkaClient c;
  auto s = c.Start({"assign", J(R"(["1"])"), false});
  s = c.OnTimeout();
  EXPECT_EQ(s.done->type, EventType::kFail);  // idempotent
  EXPECT_EQ(s.done->error, "net-timeout");

  s = c.Start({"send", J(R"([["send","1",3]])"), false});
  s = c.OnTimeout();
  EXPECT_EQ(s.done->type, EventType::kInfo);
  EXPECT_EQ(s.done->value, J(R"([["send","1",3]])"));

  s = c.Start({"send", J(R"([["send","1",4]])"), false});
  s = c.OnReply(
      J(R"({"type":"error","in_reply_to":2,"code":11,"text":"busy"})"));
  EXPECT_EQ(s.done->type, EventType::kFail);  // definite
  EXPECT_EQ(s.done->error, "temporarily-unavailable: busy");

  s = c.Start({"poll", J(R"([["poll"]])"), false});
  s = c.OnReply(J(R"({"type":"error","in_reply_to":3,"code":13})"));
  EXPECT_EQ(s.done->type, EventType::kInfo);  // crash is indefinite

  s = c.Start({"send", J(R"([["send","1",5]])"), false});
  s = c.OnReply(J(R"({"type":"send_ok","in_reply_to":4})"));
  EXPECT_EQ(s.done->type, EventType::kInfo);  // malformed: interpreter :info
  EXPECT_EQ(s.done->error.rfind("indeterminate: Malformed RPC response", 0),
            0u);

  s = c.Start({"crash", nullptr, false});
  EXPECT_EQ(s.done->type, EventType::kInfo);
}

// A poll whose commit fails keeps the poll's invocation value (the
// exception escapes after the poll; kafka.clj invoke! with-errors).
TEST(KafkaClient, CommitFailureLosesThePoll) {
  KafkaClient c;
  c.Start({"assign", J(R"(["1"])"), true});
  auto s = c.Start({"poll", J(R"([["poll"]])"), false});
  s = c.OnReply(
      J(R"({"type":"poll_ok","in_reply_to":1,"msgs":{"1":[[0,1]]}})"));
  s = c.OnTimeout();
  EXPECT_EQ(s.done->type, EventType::kInfo);
  EXPECT_EQ(s.done->value, J(R"([["poll"]])"));
}

// The main generator: only send/poll/assign, string keys, values 1, 2, ...
// per key, an assign now and then (about 1/64) naming the next op's key.
TEST(KafkaGenerator, MainOps) {
  KafkaGenerator g({});
  sim::Prng prng(3);
  std::map<std::string, int> fs;
  std::map<std::string, int64_t> last;
  std::string assigned;
  for (int i = 0; i < 64000; ++i) {
    KafkaOp op = g.Next(prng);
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
  EXPECT_EQ(g.CrashInterval(4), absl::Milliseconds(7500));
}

// track-key-offsets + final-polls: each thread crashes, assigns every key
// seen (numeric order, seek to beginning), then polls until its own ok
// polls reach every key's highest offset.
TEST(KafkaGenerator, FinalPolls) {
  KafkaGenerator g({});
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
  EXPECT_EQ(g.max_offsets(), (std::map<int64_t, int64_t>{{2, 1}, {10, 4}}));

  FinalPolls f(g.max_offsets());
  EXPECT_EQ(f.Next()->f, "crash");
  KafkaOp assign = *f.Next();
  EXPECT_EQ(assign.f, "assign");
  EXPECT_TRUE(assign.seek_to_beginning);
  EXPECT_EQ(assign.value, J(R"(["2","10"])"));
  EXPECT_EQ(f.Next()->f, "poll");
  sim::HistoryEvent caught_up;
  caught_up.type = EventType::kOk;
  caught_up.f = "poll";
  caught_up.value = J(R"([["poll",{"2":[[1,2]],"10":[[3,9]]}]])");
  f.Update(caught_up);
  EXPECT_FALSE(f.done());  // "10" still at 3 < 4
  caught_up.value = J(R"([["poll",{"10":[[4,1]]}]])");
  f.Update(caught_up);
  EXPECT_TRUE(f.done());
  EXPECT_FALSE(f.Next());

  FinalPolls nothing({});
  EXPECT_FALSE(nothing.Next()) << "no offsets: no final ops at all";
}

// poll-unseen: a third of the assigns take the keys with unpolled sends.
TEST(KafkaGenerator, AssignsCatchUpOnUnseenKeys) {
  KafkaGenerator g({});
  sim::HistoryEvent send;
  send.type = EventType::kOk;
  send.f = "send";
  send.value = J(R"([["send","77",[0,1]]])");
  g.Update(send);
  sim::Prng prng(5);
  int assigns = 0, with_unseen = 0;
  for (int i = 0; i < 64000; ++i) {
    KafkaOp op = g.Next(prng);
    if (op.f != "assign") continue;
    ++assigns;
    for (const auto& k : op.value) with_unseen += k == "77";
  }
  EXPECT_NEAR(with_unseen, assigns / 3.0, assigns * 0.1);
}

}  // namespace
}  // namespace kafka
