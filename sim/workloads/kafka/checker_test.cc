// Conformance and teeth for jepsen.tests.kafka/checker (Jepsen 0.3.7,
// jepsen/src/jepsen/tests/kafka.clj) under Maelstrom v0.2.4's options
// (maelstrom/workload/kafka.clj workload: :sub-via #{:assign}, :txn? false,
// no :ww-deps). Each TEST names the kafka.clj function it pins; every
// anomaly class has a history that must be caught and the valid history
// must pass, with the exact results keys.
#include "sim/workloads/kafka/checker.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/workloads/kafka/test_history.h"

namespace workloads {
namespace kafka {
namespace {

using sim::EventType;

// Without the driver's Jepsen history, ops print with :process from the
// history alone (elle::ProcessKeys) and :time from its first event.
KafkaResult Check(const KafkaHistory& h) {
  return CheckKafka(h.history(), KafkaCheckOptions{});
}

// The printed op of a test history (1 ms per event).
std::string Op(int index, const std::string& type, int process,
               const std::string& f, const std::string& value) {
  return "{:index " + std::to_string(index) + ", :time " +
         std::to_string(index * 1000000) + ", :type :" + type + ", :process " +
         std::to_string(process) + ", :f :" + f + ", :value " + value + "}";
}

// The whole results map of a valid run (kafka.clj checker: the five
// summary keys, then no error types).
TEST(KafkaChecker, ValidHistoryPasses) {
  KafkaHistory h;
  h.Send(0, "1", 10, 0);
  h.Send(0, "1", 11, 1);
  h.Assign(1, {"1"});
  h.Poll(1, {{"1", {{0, 10}, {1, 11}}}});
  h.Send(0, "2", 20, 0);
  h.Poll(1, {{"1", {}}});
  h.Assign(1, {"1", "2"});
  h.Poll(1, {{"2", {{0, 20}}}});
  KafkaResult r = Check(h);
  EXPECT_EQ(r.valid, sim::Validity::kTrue);
  EXPECT_EQ(r.results.Print(),
            "{:valid? true, :worst-realtime-lag {:time 0.006, :process 1, "
            ":key \"1\", :lag 0.0}, :bad-error-types (), :error-types (), "
            ":info-txn-causes ()}");
}

// int-poll-skip+nonmonotonic-cases (skip) and lost-write-cases: a poll that
// jumps from offset 0 to offset 2 of a log that has offset 1; the value at
// offset 1 is lost (below the highest offset read, never read) and unseen.
TEST(KafkaChecker, PollThatSkipsAnOffset) {
  KafkaHistory h;
  h.Send(0, "1", 1, 0);
  h.Send(0, "1", 2, 1);
  h.Send(0, "1", 3, 2);
  h.Poll(1, {{"1", {{0, 1}, {2, 3}}}});
  KafkaResult r = Check(h);
  EXPECT_EQ(r.valid, sim::Validity::kFalse);
  EXPECT_EQ(r.bad_error_types, std::vector<std::string>(
                                   {"int-poll-skip", "lost-write", "unseen"}));
  const std::string poll =
      Op(7, "ok", 1, "poll", "[[:poll {\"1\" [[0 1] [2 3]]}]]");
  const std::string p = r.results.Print();
  EXPECT_NE(p.find(":int-poll-skip {:count 1, :errs ({:key \"1\", :values "
                   "[1 3], :delta 2, :skipped (2), :op " +
                   poll + "})}"),
            std::string::npos)
      << p;
  EXPECT_NE(p.find(":lost-write {:count 1, :errs ({:key \"1\", :value 2, "
                   ":index 1, :max-read-index 2, :writer " +
                   Op(3, "ok", 0, "send", "[[:send \"1\" [1 2]]]") +
                   ", :max-read " + poll + "})}"),
            std::string::npos)
      << p;
  EXPECT_NE(p.find(":unseen {:time 7000000, :unseen {\"1\" 1}, :messages "
                   "{\"1\" (2)}}"),
            std::string::npos)
      << p;
  EXPECT_EQ(r.lost_writes, 1);
}

// poll-skip+nonmonotonic-cases: between two polls of one process.
TEST(KafkaChecker, SkipBetweenPolls) {
  KafkaHistory h;
  for (int i = 0; i < 4; ++i) h.Send(0, "1", 10 + i, i);
  h.Poll(1, {{"1", {{0, 10}, {1, 11}}}});
  h.Poll(1, {{"1", {{3, 13}}}});
  h.Poll(1, {{"1", {{2, 12}}}});  // a new read of offset 2: no longer lost
  KafkaResult r = Check(h);
  EXPECT_EQ(r.bad_error_types,
            std::vector<std::string>({"nonmonotonic-poll", "poll-skip"}));
  const std::string p = r.results.Print();
  EXPECT_NE(p.find(":poll-skip {:count 1, :errs ({:key \"1\", :delta 2, "
                   ":skipped (12), :ops ["),
            std::string::npos)
      << p;
  EXPECT_NE(p.find(":nonmonotonic-poll {:count 1, :errs ({:key \"1\", "
                   ":values [13 12], :delta -1, :ops ["),
            std::string::npos)
      << p;
}

// Assigning other keys forgets what the process last read (kafka.clj
// poll-skip+nonmonotonic-cases-per-process :assign); keeping the key does
// not.
TEST(KafkaChecker, AssignResetsPollTracking) {
  KafkaHistory h;
  for (int i = 0; i < 3; ++i) h.Send(0, "1", 10 + i, i);
  h.Poll(1, {{"1", {{0, 10}}}});
  h.Assign(1, {"2"});
  h.Poll(1, {{"1", {{2, 12}}}});
  h.Poll(2, {{"1", {{1, 11}}}});
  EXPECT_EQ(Check(h).bad_error_types, std::vector<std::string>());

  KafkaHistory kept;
  for (int i = 0; i < 3; ++i) kept.Send(0, "1", 10 + i, i);
  kept.Poll(1, {{"1", {{0, 10}}}});
  kept.Assign(1, {"1"});
  kept.Poll(1, {{"1", {{2, 12}}}});
  kept.Poll(2, {{"1", {{1, 11}}}});
  EXPECT_EQ(Check(kept).bad_error_types,
            std::vector<std::string>({"poll-skip"}));
}

// int-poll-skip+nonmonotonic-cases (nonmonotonic): offsets going backwards
// within one poll.
TEST(KafkaChecker, NonmonotonicWithinAPoll) {
  KafkaHistory h;
  h.Send(0, "1", 1, 0);
  h.Send(0, "1", 2, 1);
  h.Poll(1, {{"1", {{1, 2}, {0, 1}}}});
  KafkaResult r = Check(h);
  EXPECT_EQ(r.bad_error_types,
            std::vector<std::string>({"int-nonmonotonic-poll"}));
  EXPECT_NE(r.results.Print().find(
                ":int-nonmonotonic-poll {:count 1, :errs ({:key \"1\", "
                ":values [2 1], :delta -1, :op "),
            std::string::npos);
}

// nonmonotonic-send-cases: a process's second send got a lower offset.
TEST(KafkaChecker, NonmonotonicSends) {
  KafkaHistory h;
  h.Send(0, "1", 1, 5);
  h.Send(0, "1", 2, 3);
  h.Poll(1, {{"1", {{3, 2}, {5, 1}}}});
  KafkaResult r = Check(h);
  EXPECT_EQ(r.bad_error_types, std::vector<std::string>({"nonmonotonic-send"}));
  EXPECT_NE(r.results.Print().find(
                ":nonmonotonic-send {:count 1, :errs ({:key \"1\", :values "
                "[1 2], :delta -1, :ops [" +
                Op(1, "ok", 0, "send", "[[:send \"1\" [5 1]]]") + " " +
                Op(3, "ok", 0, "send", "[[:send \"1\" [3 2]]]") + "]})}"),
            std::string::npos)
      << r.results.Print();
}

// duplicate-cases: one message at two offsets.
TEST(KafkaChecker, Duplicates) {
  KafkaHistory h;
  h.Send(0, "1", 7, 0);
  h.Poll(1, {{"1", {{0, 7}, {1, 7}}}});
  KafkaResult r = Check(h);
  EXPECT_EQ(r.bad_error_types,
            std::vector<std::string>({"duplicate", "int-nonmonotonic-poll"}));
  EXPECT_NE(r.results.Print().find(":duplicate {:count 1, :errs ({:key \"1\", "
                                   ":value 7, :count 2, :offsets [0 1]})}"),
            std::string::npos)
      << r.results.Print();
}

// version-orders :errors -> :inconsistent-offsets: two messages at one
// offset.
TEST(KafkaChecker, InconsistentOffsets) {
  KafkaHistory h;
  h.Send(0, "1", 1, 0);
  h.Send(1, "1", 2, 0);
  h.Poll(0, {{"1", {{0, 1}}}});
  h.Poll(1, {{"1", {{0, 2}}}});
  KafkaResult r = Check(h);
  EXPECT_EQ(r.valid, sim::Validity::kFalse);
  EXPECT_NE(r.results.Print().find(
                ":inconsistent-offsets {:count 1, :errs ({:key \"1\", "
                ":offset 0, :index 0, :values #{1 2}})}"),
            std::string::npos)
      << r.results.Print();
}

// g1a-cases: an ok poll returned a message whose send failed.
TEST(KafkaChecker, AbortedRead) {
  KafkaHistory h;
  h.Send(0, "1", 1, 0, EventType::kFail);
  h.Poll(1, {{"1", {{0, 1}}}});
  KafkaResult r = Check(h);
  EXPECT_NE(r.results.Print().find(
                ":G1a {:count 1, :errs ({:key \"1\", :value 1, :writer " +
                Op(1, "fail", 0, "send", "[[:send \"1\" 1]]") + ", :reader " +
                Op(3, "ok", 1, "poll", "[[:poll {\"1\" [[0 1]]}]]") + "})}"),
            std::string::npos)
      << r.results.Print();
}

// unseen: an acknowledged send no poll ever returned invalidates the run
// (there is no recency bound, but the final polls must see it).
TEST(KafkaChecker, UnseenSend) {
  KafkaHistory h;
  h.Send(0, "1", 1, 0);
  h.Send(0, "2", 5, 0);
  h.Poll(1, {{"1", {{0, 1}}}});
  KafkaResult r = Check(h);
  EXPECT_EQ(r.bad_error_types, std::vector<std::string>({"unseen"}));
  EXPECT_NE(r.results.Print().find(":unseen {:time 5000000, :unseen {\"2\" 1}, "
                                   ":messages {\"2\" (5)}}"),
            std::string::npos)
      << r.results.Print();
  EXPECT_EQ(r.unseen_messages, 1);
}

// cycles!: Elle over wr + realtime edges. A poll that returns a message
// whose send was invoked after the poll completed.
TEST(KafkaChecker, ReadFromTheFutureIsG1cRealtime) {
  KafkaHistory h;
  h.Poll(1, {{"1", {{0, 1}}}});
  h.Send(0, "1", 1, 0);
  KafkaResult r = Check(h);
  EXPECT_EQ(
      r.bad_error_types,
      std::vector<std::string>({"G1c-realtime", "strong-PL-2-cycle-exists"}));
  const std::string p = r.results.Print();
  EXPECT_NE(p.find(":strong-PL-2-cycle-exists {:count 1, :errs [{:type "
                   ":strong-PL-2-cycle-exists, :not :strong-read-committed, "
                   ":subgraph [:union :ww :wwp :wr :wrp :realtime], "
                   ":scc-size 2, :scc #{1 3}}]}"),
            std::string::npos)
      << p;
  EXPECT_NE(p.find(":steps [{:type :realtime, :a' "), std::string::npos);
  EXPECT_NE(p.find("{:type :wr, :key \"1\", :value 1, :a-mop-index 0, "
                   ":b-mop-index 0}], :type :G1c-realtime}"),
            std::string::npos)
      << p;
}

// wr-graph: a polled message nobody sent makes Jepsen's analysis throw;
// checker/check-safe turns that into :valid? :unknown.
TEST(KafkaChecker, MessageNobodySentIsUnknown) {
  KafkaHistory h;
  h.Poll(1, {{"1", {{0, 99}}}});
  KafkaResult r = Check(h);
  EXPECT_EQ(r.valid, sim::Validity::kUnknown);
  EXPECT_EQ(r.results.Print(),
            "{:valid? :unknown, :error \"{:type :no-writer-of-value, :key "
            "\\\"1\\\", :value 99}\"}");
}

// Indefinite sends count when a poll shows them (must-have-committed?), and
// the causes of indefinite ops are listed (checker :info-txn-causes).
TEST(KafkaChecker, InfoSendsAndCauses) {
  KafkaHistory h;
  h.Send(0, "1", 1, 0);
  h.Send(0, "1", 2, 0, EventType::kInfo);  // applied at offset 1, unknown
  h.Crash(0);
  h.Poll(1, {{"1", {{0, 1}, {1, 2}}}});
  h.Poll(1, {}, EventType::kInfo);
  KafkaResult r = Check(h);
  EXPECT_EQ(r.valid, sim::Validity::kTrue) << r.results.Print();
  EXPECT_NE(r.results.Print().find(":info-txn-causes (\"net-timeout\")"),
            std::string::npos);
}

// G0 and the PL-1 cycle checks are allowed (allowed-error-types); an empty
// transaction graph is not: a lone op.
TEST(KafkaChecker, LoneSendHasAnEmptyTransactionGraph) {
  KafkaHistory h;
  h.Send(0, "1", 1, 0);
  KafkaResult r = Check(h);
  EXPECT_EQ(r.bad_error_types,
            std::vector<std::string>({"empty-transaction-graph", "unseen"}));
  EXPECT_NE(
      r.results.Print().find(":empty-transaction-graph {:count 1, :errs true}"),
      std::string::npos);
}

// realtime-lag / worst-realtime-lag: offset 1 existed from t=3 ms (its
// send's completion); a poll invoked at t=6 ms that still saw only offset 0
// lags 3 ms.
TEST(KafkaChecker, WorstRealtimeLag) {
  KafkaHistory h;
  h.Send(0, "1", 1, 0);
  h.Send(0, "1", 2, 1);
  h.Assign(1, {"1"});
  h.Poll(1, {{"1", {{0, 1}}}});
  h.Poll(1, {{"1", {{1, 2}}}});
  KafkaResult r = Check(h);
  EXPECT_NE(r.results.Print().find(":worst-realtime-lag {:time 0.006, "
                                   ":process 1, :key \"1\", :lag 0.003}"),
            std::string::npos)
      << r.results.Print();
  EXPECT_DOUBLE_EQ(r.worst_realtime_lag_s, 0.003);
}

}  // namespace
}  // namespace kafka
}  // namespace workloads
