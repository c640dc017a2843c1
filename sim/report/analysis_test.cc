#include "sim/report/analysis.h"

#include "gtest/gtest.h"
#include "sim/maelstrom/jepsen_history.h"
#include "sim/report/test_util.h"

namespace report {
namespace {

using namespace testing;  // NOLINT: the builders
using sim::EventType;

TEST(PairOperations, PairsEachInvokeWithTheNextCompletionOnItsThread) {
  const sim::History h = {
      Invoke(0, 0, kAdd, 3),
      Invoke(1, 1, kRead),
      Event(2, 1, EventType::kOk, kRead, 9),
      Event(3, 0, EventType::kInfo, kAdd, 3, false, "timeout"),
      Invoke(4, 1, kRead),  // never completes
      Event(5, 2, EventType::kOk, kRead,
            1),  // a completion without invoke: no op
  };
  const std::vector<OpPair> ops = PairOperations(h);
  ASSERT_EQ(ops.size(), 3u);
  EXPECT_EQ(ops[0].invoke, 0u);
  EXPECT_EQ(ops[0].completion, absl::optional<size_t>(3));
  EXPECT_EQ(ops[1].completion, absl::optional<size_t>(2));
  EXPECT_EQ(ops[2].invoke, 4u);
  EXPECT_FALSE(ops[2].completion.has_value());
}

// Pins jepsen src/jepsen/generator/context.clj, with-next-process (called by
// generator/interpreter.clj on an :info completion): the thread's process
// becomes process + (count of integer threads) = + concurrency.
TEST(ProcessIds, AnInfoMovesTheThreadToProcessPlusConcurrency) {
  const sim::History h = {
      Invoke(0, 0, kAdd, 1),
      Invoke(0, 1, kRead),
      Event(1, 0, EventType::kInfo, kAdd, 1),  // process 0 → 2 afterwards
      Event(1, 1, EventType::kOk, kRead, 0),
      Invoke(2, 0, kRead),
      Event(3, 0, EventType::kInfo, kRead, 0),  // 2 → 4
      Invoke(4, 0, kRead),
      Invoke(4, 1, kRead),
  };
  EXPECT_EQ(sim::ProcessIds(h, 2),
            (std::vector<int64_t>{0, 1, 0, 1, 2, 2, 4, 1}));
  EXPECT_EQ(sim::ProcessIds(h, 5),
            (std::vector<int64_t>{0, 1, 0, 1, 5, 5, 10, 1}));
}

TEST(FirstFailure, TheEarliestOfInvalidLinesAndFlaggedOps) {
  sim::RunRecord run = EmptyRun();
  EXPECT_FALSE(FirstFailure(run).has_value());
  run.history = {Invoke(100, 0, kRead, 0, true),
                 Event(101, 0, EventType::kOk, kRead, 6, true)};
  EXPECT_FALSE(FirstFailure(run).has_value()) << "nothing flagged";
  FlagFinalRead(run, 1, "[[5 5]]");
  absl::optional<Failure> f = FirstFailure(run);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->time, Ms(101));
  EXPECT_EQ(f->what, "final read 6 on thread 0 is not in [[5 5]]");
  EXPECT_EQ(f->client, "c10");
  run.invalid_lines.push_back(
      {Ms(50), "n1", "message to departed client c3", "{}"});
  f = FirstFailure(run);
  EXPECT_EQ(f->time, Ms(50));
  EXPECT_EQ(f->what, "invalid line from n1: message to departed client c3");
  EXPECT_EQ(f->client, "");
}

TEST(SendOrder, SortsBySendTimeKeepingJournalOrderForTies) {
  std::vector<sim::MessageRecord> m = {
      Msg(5, 6, "a", "b", {}), Msg(1, 2, "a", "b", {}), Msg(5, 5, "b", "a", {}),
      Msg(0, 1, "a", "b", {})};
  EXPECT_EQ(SendOrder(m), (std::vector<size_t>{3, 1, 0, 2}));
}

TEST(PairReplies, MatchesSwappedEndpointsAndMsgIdToTheLatestUnansweredRequest) {
  std::vector<sim::MessageRecord> m = {
      Msg(0, 1, "c1", "n0", {{"type", "read"}, {"msg_id", 1}}),  // 0
      Msg(0, 1, "c2", "n0",
          {{"type", "read"}, {"msg_id", 1}}),  // 1: same id, other client
      Msg(1, 2, "n0", "seq-kv",
          {{"type", "read"}, {"msg_id", 1}}),  // 2: same id, other pair
      Msg(2, 3, "seq-kv", "n0",
          {{"type", "read_ok"}, {"in_reply_to", 1}}),  // 3 → 2
      Msg(3, 3, "n0", "c2",
          {{"type", "read_ok"}, {"in_reply_to", 1}}),  // 4 → 1
      Msg(4, 4, "n0", "c1",
          {{"type", "error"}, {"code", 11}, {"in_reply_to", 1}}),  // 5 → 0
      Msg(5, 5, "n0", "c1",
          {{"type", "read_ok"},
           {"in_reply_to", 1}}),  // 6: a second reply: none
      Msg(6, 6, "n0", "c9",
          {{"type", "read_ok"}, {"in_reply_to", 1}}),  // 7: nobody asked
  };
  const std::vector<size_t> order = SendOrder(m);
  const ReplyPairs p = PairReplies(m, order);
  EXPECT_EQ(p.reply_of, (std::vector<int64_t>{5, 4, 3, -1, -1, -1, -1, -1}));
  EXPECT_EQ(p.request_of, (std::vector<int64_t>{-1, -1, -1, 2, 1, 0, -1, -1}));
}

TEST(PairReplies, AReusedMsgIdPairsWithTheLatestRequest) {
  std::vector<sim::MessageRecord> m = {
      Msg(0, -1, "n0", "seq-kv", {{"type", "cas"}, {"msg_id", 4}},
          sim::Fate::kLost),
      Msg(10, 11, "n0", "seq-kv", {{"type", "cas"}, {"msg_id", 4}}),
      Msg(11, 12, "seq-kv", "n0", {{"type", "cas_ok"}, {"in_reply_to", 4}}),
  };
  const ReplyPairs p = PairReplies(m, SendOrder(m));
  EXPECT_EQ(p.reply_of, (std::vector<int64_t>{-1, 2, -1}));
}

// Pins maelstrom src/maelstrom/net/checker.clj, stats/basic-stats: :clients
// are messages with a client on either end, :servers the rest; a message is
// received only if it was delivered.
TEST(NetFromJournal, CountsSendsReceivesAndMessagesPerClass) {
  std::vector<sim::MessageRecord> m = {
      Msg(0, 0, "c1", "n0", {}),
      Msg(0, 0, "n0", "c1", {}),
      Msg(0, 1, "n0", "seq-kv", {}),
      Msg(0, 1, "n0", "n1", {}, sim::Fate::kPartitioned),
      Msg(0, -1, "n1", "n0", {}, sim::Fate::kLost),
  };
  const sim::NetFigures net = sim::NetFromJournal(m);
  EXPECT_EQ(net.all.send_count, 5);
  EXPECT_EQ(net.all.recv_count, 3);
  EXPECT_EQ(net.all.msg_count, 5);
  EXPECT_EQ(net.clients.send_count, 2);
  EXPECT_EQ(net.clients.recv_count, 2);
  EXPECT_EQ(net.servers.send_count, 3);
  EXPECT_EQ(net.servers.recv_count, 1);
}

}  // namespace
}  // namespace report
