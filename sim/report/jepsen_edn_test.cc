#include "sim/report/jepsen_edn.h"

#include <string>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "sim/maelstrom/edn_reader.h"
#include "sim/report/test_util.h"

namespace report {
namespace {

using namespace testing;  // NOLINT: the builders
using sim::EventType;

// A small run: an add that succeeds, a read that times out (process 1 → 3),
// a partition, and final reads, one of them outside the acceptable set.
sim::RunRecord SmallRun() {
  sim::RunRecord run = EmptyRun(/*concurrency=*/2);
  run.history = {
      Invoke(0, 0, kAdd, 3),
      Invoke(0.5, 1, kRead),
      Event(2, 0, EventType::kOk, kAdd, 3),
      Event(5000.5, 1, EventType::kInfo, kRead, 0, false, "timeout"),
      Invoke(6000, 0, kRead, 0, true),
      Invoke(6000, 1, kRead, 0, true),
      Event(6001, 0, EventType::kOk, kRead, 3, true),
      Event(6002, 1, EventType::kOk, kRead, 4, true),
  };
  sim::FaultWindow f;
  f.start = Ms(1);
  f.end = Ms(3000);
  f.kind = "partition";
  f.description = "n0 ignores [n1]";
  run.faults.push_back(f);
  SetCounterWorkload(run, {{3, 3}});
  run.results.net.all = {10, 9, 10};
  run.results.net.clients = {8, 8, 8};
  run.results.net.servers = {2, 1, 2};
  return run;
}

// Pins jepsen src/jepsen/store.clj write-history! (prn of each op, one per
// line) and the Op record's key order (index time type process f value,
// then extra keys); maelstrom's client ops: a read invokes with :value nil,
// final reads carry :final? true, an :info completion its :error.
TEST(HistoryEdn, OneOpMapPerLineInJepsensShape) {
  const std::vector<std::string> lines = absl::StrSplit(
      HistoryEdn(RunAnalysis(SmallRun())), '\n', absl::SkipEmpty());
  const std::vector<std::string> expected = {
      "{:index 0, :time 0, :type :invoke, :process 0, :f :add, :value 3}",
      "{:index 1, :time 500000, :type :invoke, :process 1, :f :read, :value "
      "nil}",
      "{:index 2, :time 1000000, :type :info, :process :nemesis, :f "
      ":start-partition, :value nil}",
      "{:index 3, :time 1000000, :type :info, :process :nemesis, :f "
      ":start-partition, :value \"n0 "
      "ignores [n1]\"}",
      "{:index 4, :time 2000000, :type :ok, :process 0, :f :add, :value 3}",
      "{:index 5, :time 3000000000, :type :info, :process :nemesis, :f "
      ":stop-partition, :value "
      "nil}",
      "{:index 6, :time 3000000000, :type :info, :process :nemesis, :f "
      ":stop-partition, :value "
      "\"partition ended\"}",
      "{:index 7, :time 5000500000, :type :info, :process 1, :f :read, :value "
      "nil, :error "
      "\"timeout\"}",
      "{:index 8, :time 6000000000, :type :invoke, :process 0, :f :read, "
      ":value nil, :final? true}",
      "{:index 9, :time 6000000000, :type :invoke, :process 3, :f :read, "
      ":value nil, :final? true}",
      "{:index 10, :time 6001000000, :type :ok, :process 0, :f :read, :value "
      "3, :final? true}",
      "{:index 11, :time 6002000000, :type :ok, :process 3, :f :read, :value "
      "4, :final? true}",
  };
  EXPECT_EQ(lines, expected);
}

TEST(HistoryEdn, HostileErrorsAndDescriptionsStayReadable) {
  sim::RunRecord run = SmallRun();
  run.history[3].error = "\"quoted\" \\ \n\x01\xff<&>";
  run.faults[0].description = "}) ; \"";
  absl::StatusOr<std::vector<sim::EdnValue>> ops =
      sim::ReadAllEdn(HistoryEdn(RunAnalysis(run)));
  ASSERT_TRUE(ops.ok()) << ops.status();
  ASSERT_EQ(ops->size(), 12u);
  EXPECT_EQ((*ops)[7].Get("error").text, "\"quoted\" \\ \n\x01\uFFFD<&>");
  EXPECT_EQ((*ops)[3].Get("value").text, "}) ; \"");
  for (size_t i = 0; i < ops->size(); ++i)
    EXPECT_EQ((*ops)[i].Get("index").integer, static_cast<int64_t>(i));
}

// Pins maelstrom src/maelstrom/core.clj (checker/compose keys), jepsen
// checker.clj stats + stats-fold, maelstrom checker.clj availability-checker
// and net/checker.clj (msgs-per-op = msg-count / client invokes, on :all and
// :servers). :workload is the workload checker's map as given (here the
// test's stand-in for pn_counter.clj checker; the real one is pinned in
// sim/workloads/counter/checker_test.cc), its :valid? merged in.
TEST(ResultsEdn, MaelstromsResultMapShapeAndFigures) {
  const std::string text = ResultsEdn(SmallRun());
  absl::StatusOr<sim::EdnValue> r = sim::ReadEdn(text);
  ASSERT_TRUE(r.ok()) << r.status() << "\n" << text;
  EXPECT_EQ(r->Keys(), (std::vector<std::string>{
                           "perf", "timeline", "exceptions", "stats",
                           "availability", "net", "workload", "valid?"}));
  EXPECT_TRUE(r->Get("perf").Get("latency-graph").Get("valid?").boolean);
  EXPECT_TRUE(r->Get("timeline").Get("valid?").boolean);

  const sim::EdnValue& stats = r->Get("stats");
  EXPECT_EQ(stats.Keys(),
            (std::vector<std::string>{"valid?", "count", "ok-count",
                                      "fail-count", "info-count", "by-f"}));
  EXPECT_EQ(stats.Get("count").integer, 4);
  EXPECT_EQ(stats.Get("ok-count").integer, 3);
  EXPECT_EQ(stats.Get("info-count").integer, 1);
  EXPECT_EQ(stats.Get("by-f").Keys(),
            (std::vector<std::string>{"add", "read"}));
  EXPECT_EQ(stats.Get("by-f").Get("read").Get("count").integer, 3);
  EXPECT_TRUE(stats.Get("valid?").boolean);

  EXPECT_FLOAT_EQ(r->Get("availability").Get("ok-fraction").number,
                  3.0f / 4.0f);  // oks / invokes

  const sim::EdnValue& net = r->Get("net");
  EXPECT_EQ(net.Get("all").Get("send-count").integer, 10);
  EXPECT_EQ(net.Get("all").Get("recv-count").integer, 9);
  EXPECT_FLOAT_EQ(net.Get("all").Get("msgs-per-op").number, 10.0f / 4.0f);
  EXPECT_FLOAT_EQ(net.Get("servers").Get("msgs-per-op").number, 2.0f / 4.0f);
  EXPECT_FALSE(net.Get("clients").Has("msgs-per-op"));
  EXPECT_TRUE(net.Get("valid?").boolean);

  const sim::EdnValue& workload = r->Get("workload");
  EXPECT_FALSE(workload.Get("valid?").boolean);
  ASSERT_EQ(workload.Get("errors").kind, sim::EdnValue::Kind::kList);
  ASSERT_EQ(workload.Get("errors").items.size(), 1u);
  const sim::EdnValue& bad = workload.Get("errors").items[0];
  EXPECT_EQ(bad.Get("value").integer, 4);
  EXPECT_EQ(bad.Get("process").integer, 3);
  EXPECT_EQ(bad.Get("index").integer, 11);  // the same :index as in history.edn
  EXPECT_TRUE(bad.Get("final?").boolean);
  EXPECT_EQ(workload.Get("final-reads").kind, sim::EdnValue::Kind::kList);
  EXPECT_EQ(workload.Get("final-reads").items[0].integer, 3);
  EXPECT_EQ(workload.Get("final-reads").items[1].integer, 4);
  ASSERT_EQ(workload.Get("acceptable").items.size(), 1u);
  EXPECT_EQ(workload.Get("acceptable").items[0].kind,
            sim::EdnValue::Kind::kVector);
  EXPECT_FALSE(r->Get("valid?").boolean);
  // As Maelstrom prints it: one key per line, nested maps aligned.
  EXPECT_NE(text.find("\n :workload {:valid? false,\n            :errors ("),
            std::string::npos)
      << text;
}

TEST(ResultsEdn, ValidWhenEveryFinalReadIsAcceptableAndEveryFHasAnOk) {
  sim::RunRecord run = SmallRun();
  SetCounterWorkload(run, {{3, 4}});
  absl::StatusOr<sim::EdnValue> r = sim::ReadEdn(ResultsEdn(run));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->Get("workload").Get("valid?").boolean);
  EXPECT_EQ(r->Get("workload").Get("errors").kind, sim::EdnValue::Kind::kNil);
  EXPECT_TRUE(r->Get("valid?").boolean);
}

// Pins jepsen checker.clj stats-fold (:valid? (pos? oks)) and stats
// (merge-valid over :by-f): an :f with no :ok makes the run invalid even
// when every final read is acceptable.
TEST(ResultsEdn, AnFWithoutOkIsInvalid) {
  sim::RunRecord run = EmptyRun(1);
  run.history = {Invoke(0, 0, kAdd, 2),
                 Event(1, 0, EventType::kInfo, kAdd, 2, false, "timeout"),
                 Invoke(2, 0, kRead, 0, true),
                 Event(3, 0, EventType::kOk, kRead, 2, true)};
  SetCounterWorkload(run, {{0, 0}, {2, 2}});
  absl::StatusOr<sim::EdnValue> r = sim::ReadEdn(ResultsEdn(run));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->Get("workload").Get("valid?").boolean);
  EXPECT_FALSE(r->Get("stats").Get("by-f").Get("add").Get("valid?").boolean);
  EXPECT_TRUE(r->Get("stats").Get("by-f").Get("read").Get("valid?").boolean);
  EXPECT_FALSE(r->Get("stats").Get("valid?").boolean);
  EXPECT_FALSE(r->Get("valid?").boolean);
}

TEST(ResultsEdn, NoInvocationsMeansOkFractionOneAndNoMsgsPerOp) {
  sim::RunRecord run = EmptyRun(1);
  SetCounterWorkload(run, {{0, 0}});
  absl::StatusOr<sim::EdnValue> r = sim::ReadEdn(ResultsEdn(run));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Get("availability").Get("ok-fraction").integer, 1);
  EXPECT_FALSE(r->Get("net").Get("all").Has("msgs-per-op"));
  EXPECT_EQ(r->Get("workload").Get("final-reads").items.size(), 0u);
}

TEST(ResultsEdn, ExtensionsAreLabelledAndDoNotChangeTheVerdict) {
  sim::RunRecord run = SmallRun();
  SetCounterWorkload(run, {{3, 4}});
  run.results.extensions = {{"convergence-ms", "150.8"},
                            {"liveness", "failed: \"n1\" stuck"}};
  absl::StatusOr<sim::EdnValue> r = sim::ReadEdn(ResultsEdn(run));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Get("extensions").Get("convergence-ms").text, "150.8");
  EXPECT_EQ(r->Get("extensions").Get("liveness").text, "failed: \"n1\" stuck");
  EXPECT_TRUE(r->Get("valid?").boolean);
}

}  // namespace
}  // namespace report
