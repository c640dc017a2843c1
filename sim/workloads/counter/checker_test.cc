// The counter's checker (pn_counter.clj checker) alone, and composed with
// Jepsen's stats and availability checkers as Maelstrom composes them
// (sim::CheckHistory), down to the results block and the exit code.
#include "sim/workloads/counter/checker.h"

#include <memory>

#include "gtest/gtest.h"
#include "sim/maelstrom/checker.h"
#include "sim/maelstrom/jepsen_history.h"
#include "sim/workloads/counter/counter.h"

namespace workloads {
namespace counter {
namespace {

using sim::Availability;
using sim::CheckOptions;
using sim::EventType;
using sim::History;
using sim::HistoryEvent;
using sim::OpStats;
using sim::RunReport;
using sim::Validity;

enum class CounterOp { kAdd, kRead };

// The g-counter workload's checker composed as Maelstrom composes it.
sim::Verdict Check(const History& history, const CheckOptions& options = {}) {
  std::unique_ptr<sim::Workload> g = *GCounterSpec().make({});
  return sim::CheckHistory(*g, history, options, sim::CheckContext{});
}

class HistoryBuilder {
 public:
  HistoryBuilder& Op(int thread, CounterOp f, int64_t value, EventType outcome,
                     bool final_read = false, int64_t read_value = 0) {
    HistoryEvent invoke;
    invoke.time = now_;
    invoke.thread = thread;
    invoke.f = f == CounterOp::kAdd ? "add" : "read";
    if (f == CounterOp::kAdd) invoke.value = value;
    invoke.final = final_read;
    h_.push_back(invoke);
    now_ += absl::Milliseconds(10);
    HistoryEvent done = invoke;
    done.time = now_;
    done.type = outcome;
    if (f == CounterOp::kRead)
      done.value = outcome == EventType::kOk ? kvclient::Json(read_value)
                                             : kvclient::Json();
    h_.push_back(done);
    return *this;
  }
  HistoryBuilder& Add(int64_t delta, EventType outcome = EventType::kOk) {
    return Op(0, CounterOp::kAdd, delta, outcome);
  }
  HistoryBuilder& Final(int thread, int64_t value) {
    return Op(thread, CounterOp::kRead, 0, EventType::kOk, true, value);
  }
  const History& history() const { return h_; }

 private:
  absl::Time now_ = absl::UnixEpoch();
  History h_;
};

TEST(SubsetSumsTest, ExactIntervals) {
  EXPECT_EQ(*SubsetSums(10, {}), (IntervalSet{{10, 10}}));
  EXPECT_EQ(*SubsetSums(10, {4}), (IntervalSet{{10, 10}, {14, 14}}));
  EXPECT_EQ(*SubsetSums(0, {3, 4}), (IntervalSet{{0, 0}, {3, 4}, {7, 7}}));
  EXPECT_EQ(*SubsetSums(0, {0, 0}), (IntervalSet{{0, 0}}));
  EXPECT_EQ(*SubsetSums(5, {-5, 2}),
            (IntervalSet{{0, 0}, {2, 2}, {5, 5}, {7, 7}}));
  EXPECT_EQ(*SubsetSums(0, {1, 1, 1, 1}), (IntervalSet{{0, 4}}));
}

TEST(CheckerTest, ValidWhenFinalReadsAreDPlusSomeUnsureAdds) {
  HistoryBuilder b;
  b.Add(3)
      .Add(4, EventType::kInfo)
      .Add(2, EventType::kFail)
      .Op(1, CounterOp::kRead, 0, EventType::kOk, false, 3)
      .Final(0, 3)
      .Final(1, 7);
  CounterVerdict c = CheckCounterHistory(b.history());
  EXPECT_EQ(c.validity, Validity::kTrue);
  EXPECT_EQ(c.acknowledged_sum, 3);
  EXPECT_EQ(c.acceptable, (IntervalSet{{3, 3}, {7, 7}}));
  EXPECT_EQ(c.final_reads, (std::vector<int64_t>{3, 7}));
  sim::Verdict v = Check(b.history());
  EXPECT_TRUE(v.valid);
  EXPECT_EQ(v.by_f["add"].ok, 1);
  EXPECT_EQ(v.by_f["add"].info, 1);
  EXPECT_EQ(v.by_f["add"].fail, 1);
  EXPECT_EQ(v.completed_ops, 6);
}

TEST(CheckerTest, LostOrDoubleCountedAddIsInvalid) {
  for (int64_t bad : {2, 5, 9}) {  // 5 = counts the failed add
    HistoryBuilder b;
    b.Add(3).Add(4, EventType::kInfo).Add(2, EventType::kFail).Final(0, bad);
    CounterVerdict v = CheckCounterHistory(b.history());
    EXPECT_EQ(v.validity, Validity::kFalse) << bad;
    EXPECT_FALSE(Check(b.history()).valid) << bad;
    ASSERT_EQ(v.errors.size(), 1u);
    EXPECT_NE(v.errors[0].find("is not in #{[3 3] [7 7]}"), std::string::npos)
        << v.errors[0];
  }
}

// Pins jepsen checker.clj stats / stats-fold (each :f's :valid? is (pos?
// ok-count)) and kafka.clj stats-checker: only the :f values that occur are
// judged; an :f whose every completion is :info or :fail makes the run invalid.
TEST(CheckerTest, EveryFThatOccursNeedsAnOk) {
  HistoryBuilder only_reads;
  only_reads.Final(0, 0);
  sim::Verdict v = Check(only_reads.history());
  EXPECT_TRUE(v.valid) << "no add occurred, so :add is not judged";
  EXPECT_TRUE(v.stats_errors.empty());

  HistoryBuilder adds_never_ok;
  adds_never_ok.Add(1, EventType::kInfo).Add(2, EventType::kInfo).Final(0, 3);
  v = Check(adds_never_ok.history());
  EXPECT_EQ(v.workload.validity, Validity::kTrue) << "3 = both unsure adds";
  EXPECT_EQ(v.stats_validity, Validity::kFalse);
  EXPECT_FALSE(v.valid);
  ASSERT_EQ(v.stats_errors.size(), 1u);
  EXPECT_NE(v.stats_errors[0].find("add: no :ok among 2"), std::string::npos);

  HistoryBuilder only_adds;
  only_adds.Add(1);
  v = Check(only_adds.history());
  EXPECT_TRUE(v.valid) << "no read occurred";
}

// Pins pn_counter.clj checker: only OK final reads are checked.
TEST(CheckerTest, FinalReadsThatAreNotOkAreNotChecked) {
  HistoryBuilder b;
  b.Add(3)
      .Op(1, CounterOp::kRead, 0, EventType::kOk, false, 3)
      .Op(0, CounterOp::kRead, 0, EventType::kInfo, /*final_read=*/true, 99)
      .Final(1, 3);
  CounterVerdict v = CheckCounterHistory(b.history());
  EXPECT_EQ(v.validity, Validity::kTrue);
  EXPECT_EQ(v.final_reads, (std::vector<int64_t>{3}));
}

// Pins maelstrom checker.clj availability-checker: oks over every invoke,
// the nemesis's included; nil (the default) checks nothing.
// Pins maelstrom checker.clj availability-checker: ok-fraction = oks /
// (h/invokes history); the nemesis's ops are :info from the start
// (jepsen nemesis/combined.clj partition-package, generator/interpreter.clj
// run! records the generator's op as is), so they are no invokes and the
// unique-ids challenge's --availability total --nemesis partition passes a
// node that answers everything.
TEST(CheckerTest, AvailabilityCountsClientInvokesOnly) {
  HistoryBuilder b;
  b.Add(1).Add(2, EventType::kInfo).Final(0, 1);
  CheckOptions o;
  sim::Verdict v = Check(b.history(), o);
  EXPECT_DOUBLE_EQ(v.ok_fraction, 2.0 / 3.0);
  EXPECT_TRUE(v.valid);
  o.availability = Availability{/*total=*/false, 0.6};
  EXPECT_TRUE(Check(b.history(), o).valid);
  o.availability = Availability{false, 0.7};
  EXPECT_FALSE(Check(b.history(), o).valid);
  o.availability = Availability{/*total=*/true, 0};
  EXPECT_FALSE(Check(b.history(), o).valid);
  HistoryBuilder all_ok;
  all_ok.Add(1).Add(2).Final(0, 3);
  EXPECT_TRUE(Check(all_ok.history(), o).valid);  // total: every op ok
}

TEST(CheckerTest, UncompletedAddIsIndeterminate) {
  History h = HistoryBuilder().Add(1).Final(0, 1).history();
  HistoryEvent dangling;
  dangling.thread = 7;
  dangling.f = "add";
  dangling.value = 4;
  h.push_back(dangling);
  CounterVerdict v = CheckCounterHistory(h);
  EXPECT_EQ(v.acceptable, (IntervalSet{{1, 1}, {5, 5}}));
  EXPECT_EQ(v.validity, Validity::kTrue);
  EXPECT_TRUE(Check(h).valid);
}

// Pins jepsen cli.clj single-test-cmd (exit 1 on :valid? false, 2 on
// :unknown, 255 when the test throws) and core.clj log-results (the lines).
TEST(CheckerTest, ResultsBlockAndExitCodes) {
  sim::Verdict v = Check(HistoryBuilder().Add(1).Final(0, 1).history());
  RunReport r;
  r.messages = 10;
  r.server_messages = 4;
  std::string text = sim::FormatResults(v, r);
  EXPECT_NE(text.find(":msgs-per-op 5.000"), std::string::npos) << text;
  EXPECT_NE(text.find("Everything looks good! ヽ(‘ー`)ノ"), std::string::npos);
  EXPECT_EQ(sim::ExitCode(v, r), 0);
  EXPECT_NE(text.find(" :read-staleness nil\n"), std::string::npos) << text;

  // Read staleness is an EXTENSION line: printed, never part of the verdict.
  r.staleness = sim::StalenessReport{};
  r.staleness->all.count = 1300;
  r.staleness->all.stale = 40;
  r.staleness->all.p99 = absl::Milliseconds(480);
  text = sim::FormatResults(v, r);
  EXPECT_NE(text.find(" :read-staleness {:reads 1300 :stale 40 :p50-ms 0.000 "
                      ":p99-ms 480.000 :max-ms 0.000}\n   :outside-partitions "
                      "{:reads 0"),
            std::string::npos)
      << text;
  EXPECT_LT(text.find(";; EXTENSIONS"), text.find(":read-staleness")) << text;
  EXPECT_EQ(sim::ExitCode(v, r), 0);

  // An EXTENSION finding is reported but does not change Maelstrom's verdict...
  r.findings.push_back({"liveness", "n1 reads 3, exact total is 4"});
  EXPECT_EQ(sim::ExitCode(v, r), 0);
  text = sim::FormatResults(v, r);
  EXPECT_NE(text.find("EXTENSION findings: 1"), std::string::npos) << text;
  EXPECT_NE(text.find("Everything looks good!"), std::string::npos) << text;
  // ... unless --strict, which names it.
  r.strict = true;
  EXPECT_EQ(sim::ExitCode(v, r), 1);
  text = sim::FormatResults(v, r);
  EXPECT_NE(text.find("--strict: this run fails on 1 EXTENSION finding(s), "
                      "first: liveness: "
                      "n1 reads 3"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻"), std::string::npos);

  r.harness_error = "n0 did not answer init";
  EXPECT_EQ(sim::ExitCode(v, r), 255);
  EXPECT_NE(sim::FormatResults(v, r).find(
                "Jepsen broke. Here's why: n0 did not answer init"),
            std::string::npos);
}

// Pins jepsen checker.clj check-safe (an exception in a checker is :valid?
// :unknown) and merge-valid (false beats :unknown beats true).
TEST(CheckerTest, AnAnalysisErrorIsUnknownExitTwo) {
  History h = HistoryBuilder().Add(1).Final(0, 1).history();
  HistoryEvent orphan;
  orphan.thread = 9;
  orphan.type = EventType::kOk;
  h.push_back(orphan);
  sim::Verdict v = Check(h);
  EXPECT_EQ(v.validity, Validity::kUnknown);
  EXPECT_EQ(v.workload.validity, Validity::kUnknown);
  RunReport r;
  EXPECT_EQ(sim::ExitCode(v, r), 2);
  EXPECT_NE(sim::FormatResults(v, r).find(
                "Errors occurred during analysis, but no anomalies found. ಠ~ಠ"),
            std::string::npos);
  EXPECT_EQ(sim::MergeValid(Validity::kUnknown, Validity::kFalse),
            Validity::kFalse);
  EXPECT_EQ(sim::MergeValid(Validity::kUnknown, Validity::kTrue),
            Validity::kUnknown);
  EXPECT_EQ(sim::MergeValid(Validity::kTrue, Validity::kTrue), Validity::kTrue);
}

TEST(CheckerTest, SubsetSumsAreBounded) {
  EXPECT_FALSE(SubsetSums(0, {kMaxSubsetSumRange + 1}).has_value());
  EXPECT_TRUE(SubsetSums(0, {1 << 20}).has_value());
}

TEST(ConvergenceFromReadsTest, LatestNodeToSettleOnTheFinalTotal) {
  // Two nodes (threads 0, 1). The last add lands at 20 ms; node 0 reads 5
  // from 40 ms on, node 1 reads a stale 2 at 60 ms and 5 at the final read.
  HistoryBuilder b;
  b.Op(0, CounterOp::kAdd, 2, EventType::kOk)                // 0-10
      .Op(1, CounterOp::kAdd, 3, EventType::kOk)             // 10-20
      .Op(0, CounterOp::kRead, 0, EventType::kOk, false, 5)  // 20-30
      .Op(1, CounterOp::kRead, 0, EventType::kOk, false, 2)  // 30-40
      .Op(0, CounterOp::kAdd, 0, EventType::kOk)  // 40-50: changes nothing
      .Final(0, 5)                                // 50-60
      .Final(1, 5);                               // 60-70
  CounterVerdict v = CheckCounterHistory(b.history());
  std::string note;
  absl::optional<absl::Duration> c =
      ConvergenceFromReads(b.history(), 2, v, &note);
  ASSERT_TRUE(c.has_value()) << note;
  EXPECT_EQ(*c, absl::Milliseconds(70 - 20));
}

TEST(ConvergenceFromReadsTest, NotMeasuredWhenTheFinalReadsDisagree) {
  HistoryBuilder b;
  b.Add(2).Add(3, EventType::kInfo).Final(0, 2).Final(1, 5);
  CounterVerdict v = CheckCounterHistory(b.history());
  std::string note;
  EXPECT_FALSE(ConvergenceFromReads(b.history(), 2, v, &note).has_value());
  EXPECT_EQ(note, "the final reads disagree");
}

TEST(CheckerTest, LatencyQuantiles) {
  OpStats s;
  for (int i = 1; i <= 100; ++i)
    s.ok_latencies.push_back(absl::Milliseconds(i));
  EXPECT_EQ(s.Quantile(0.5), absl::Milliseconds(50));
  EXPECT_EQ(s.Quantile(0.99), absl::Milliseconds(99));
  EXPECT_EQ(s.Quantile(1.0), absl::Milliseconds(100));
}

// Pins maelstrom workload/pn_counter.clj checker's result map as
// results.edn holds it: :errors = the bad final read ops as Jepsen prints
// them (the :index of the merged history, the :process after an :info,
// :final?), :final-reads in history order, :acceptable as [lo hi] pairs; and
// what the pages and the results block get from it.
TEST(CounterResultTest, ResultsAsJepsenAndTheReportSeeThem) {
  const absl::Time t0 = absl::UnixEpoch();
  auto at = [&](double ms) {
    return t0 + absl::Microseconds(static_cast<int64_t>(ms * 1000));
  };
  auto event = [&](double ms, int thread, EventType type, const char* f,
                   kvclient::Json value, bool final = false) {
    HistoryEvent e;
    e.time = at(ms);
    e.thread = thread;
    e.client = "c" + std::to_string(10 + thread);
    e.type = type;
    e.f = f;
    e.value = std::move(value);
    e.final = final;
    return e;
  };
  // add 3 ok; a read times out (process 1 -> 3); final reads 3 and 4.
  const History h = {
      event(0, 0, EventType::kInvoke, "add", 3),
      event(0.5, 1, EventType::kInvoke, "read", nullptr),
      event(2, 0, EventType::kOk, "add", 3),
      event(5000.5, 1, EventType::kInfo, "read", nullptr),
      event(6000, 0, EventType::kInvoke, "read", nullptr, true),
      event(6000, 1, EventType::kInvoke, "read", nullptr, true),
      event(6001, 0, EventType::kOk, "read", 3, true),
      event(6002, 1, EventType::kOk, "read", 4, true),
  };
  sim::FaultWindow partition;
  partition.start = at(1);
  partition.end = at(3000);
  partition.kind = "partition";
  partition.description = "n0 ignores [n1]";
  const std::vector<sim::FaultWindow> faults = {partition};
  const sim::JepsenHistory jepsen(h, /*concurrency=*/2, t0, faults);
  sim::CheckContext context;
  context.node_count = 2;
  context.op = [&jepsen](size_t i) { return jepsen.Op(i); };

  const sim::WorkloadResult r = CounterResult(h, context);
  EXPECT_EQ(r.validity, Validity::kFalse);
  EXPECT_EQ(r.report.results.Print(),
            "{:valid? false, :errors ({:index 11, :time 6002000000, :type :ok, "
            ":process 3, :f :read, :value 4, :final? true}), :final-reads (3 "
            "4), :acceptable ([3 3])}");
  EXPECT_FALSE(r.report.valid);
  ASSERT_EQ(r.report.flagged.size(), 1u);
  EXPECT_EQ(r.report.flagged[0].index, 7u);
  EXPECT_EQ(r.report.flagged[0].what,
            "final read 4 on thread 1 is not in [[3 3]]");
  EXPECT_EQ(r.report.flagged[0].note, "NOT in [[3 3]]");
  EXPECT_EQ(r.report.summary,
            (std::vector<std::pair<std::string, std::string>>{
                {"final reads", "3, 4 (outside)"}, {"acceptable", "[[3 3]]"}}));
  EXPECT_EQ(r.report.final_label, "final read");
  ASSERT_EQ(r.block.size(), 5u);
  EXPECT_EQ(r.block[0].first, "errors");
  EXPECT_EQ(r.block[0].second,
            "[\"final read 4 on thread 1 is not in #{[3 3]}\"]");
  EXPECT_EQ(r.block[1].second, "[3 4]");
  EXPECT_EQ(r.block[4].second, "#{[3 3]}");
  EXPECT_EQ(r.json["final-reads"], kvclient::Json::array({3, 4}));
  EXPECT_EQ(r.json["acknowledged-sum"], 3);
  // The final reads disagree: no convergence from reads.
  EXPECT_FALSE(r.convergence_from_reads.has_value());
  EXPECT_EQ(r.convergence_from_reads_note, "the final reads disagree");
  ASSERT_TRUE(r.staleness.has_value());
  EXPECT_EQ(r.staleness->all.count, 2);
}

}  // namespace
}  // namespace counter
}  // namespace workloads
