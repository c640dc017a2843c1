// The generic composition of the verdict (checker.h) with a stand-in
// workload checker: Jepsen's stats and availability, merge-valid, the
// analysis of a malformed history, and the results block a workload that
// gives only its Edn map gets. The counter's own checker is pinned in
// sim/workloads/counter/checker_test.cc.
#include "sim/maelstrom/checker.h"

#include <memory>

#include "gtest/gtest.h"

namespace sim {
namespace {

// A workload whose checker says `validity` and returns {:valid? .. :n 3}.
class Stub : public Workload {
 public:
  explicit Stub(Validity validity) : validity_(validity) {}
  std::vector<std::string> fs() const override { return {"poll", "send"}; }
  std::unique_ptr<Generator> MainGenerator() const override { return nullptr; }
  std::unique_ptr<Client> NewClient() const override { return nullptr; }
  WorkloadResult Check(const History& h, const CheckContext&) const override {
    WorkloadResult r;
    r.validity = validity_;
    r.report.results.Put("valid?", Edn::Bool(validity_ == Validity::kTrue))
        .Put("n", Edn::Int(static_cast<int64_t>(h.size())))
        .Put("lost", Edn::Vector({Edn::Int(7)}));
    return r;
  }

 private:
  Validity validity_;
};

History Ops(std::vector<std::pair<std::string, EventType>> ops) {
  History h;
  absl::Time t = absl::UnixEpoch();
  for (const auto& [f, type] : ops) {
    HistoryEvent e;
    e.time = t;
    e.f = f;
    h.push_back(e);
    t += absl::Milliseconds(1);
    e.time = t;
    e.type = type;
    h.push_back(e);
  }
  return h;
}

// Pins jepsen checker.clj stats (each :f needs an :ok), kafka.clj
// stats-checker (:crash and :debug-topic-partitions may always fail), and
// merge-valid with the workload's verdict.
TEST(CheckHistoryTest, StatsForgiveCrashesAndMergeWithTheWorkload) {
  const History h = Ops({{"send", EventType::kOk},
                         {"crash", EventType::kInfo},
                         {"poll", EventType::kOk}});
  Verdict v = CheckHistory(Stub(Validity::kTrue), h, {}, {});
  EXPECT_TRUE(v.valid);
  EXPECT_EQ(v.by_f.size(), 3u);
  EXPECT_EQ(v.by_f["crash"].info, 1);
  EXPECT_EQ(CheckHistory(Stub(Validity::kFalse), h, {}, {}).validity,
            Validity::kFalse);
  const History no_poll_ok =
      Ops({{"send", EventType::kOk}, {"poll", EventType::kFail}});
  v = CheckHistory(Stub(Validity::kTrue), no_poll_ok, {}, {});
  EXPECT_EQ(v.stats_validity, Validity::kFalse);
  EXPECT_EQ(
      v.stats_errors,
      (std::vector<std::string>{"poll: no :ok among 1 completed operations"}));
}

// Pins jepsen checker.clj check-safe: a history the checkers cannot read
// makes the workload's verdict :unknown too, whatever it said.
TEST(CheckHistoryTest, AMalformedHistoryIsUnknownForTheWorkloadToo) {
  History h = Ops({{"send", EventType::kOk}});
  h.push_back(h.back());  // a second completion without an invoke
  Verdict v = CheckHistory(Stub(Validity::kFalse), h, {}, {});
  EXPECT_EQ(v.workload.validity, Validity::kUnknown);
  EXPECT_EQ(v.validity, Validity::kUnknown);
  EXPECT_EQ(
      v.analysis_errors,
      (std::vector<std::string>{"completion without invoke on thread 0"}));
  EXPECT_EQ(ExitCode(v, RunReport{}), 2);
}

// A workload that gives only its Edn map gets it in the results block, one
// entry per line; the latency lines list its fs even when none occurred.
TEST(FormatResultsTest, TheWorkloadsEdnMapByDefault) {
  Verdict v = CheckHistory(Stub(Validity::kTrue),
                           Ops({{"send", EventType::kOk}}), {}, {});
  const std::string text = FormatResults(v, RunReport{});
  EXPECT_EQ(text.rfind("{:workload {:valid? true\n            :n 2\n"
                       "            :lost [7]}\n",
                       0),
            0u)
      << text;
  EXPECT_NE(text.find(":latency-ms {:poll {:p50 0.000"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Everything looks good!"), std::string::npos);
}

TEST(OpStatsTest, LatencyQuantiles) {
  OpStats s;
  for (int i = 1; i <= 100; ++i)
    s.ok_latencies.push_back(absl::Milliseconds(i));
  EXPECT_EQ(s.Quantile(0.5), absl::Milliseconds(50));
  EXPECT_EQ(s.Quantile(0.99), absl::Milliseconds(99));
  EXPECT_EQ(s.Quantile(1.0), absl::Milliseconds(100));
}

}  // namespace
}  // namespace sim
