#include "testing/results.h"

#include "gtest/gtest.h"

namespace harness {
namespace {

TEST(ResultsJsonTest, MaelstromKeysAndExtensions) {
  Outcome o;
  o.exit_code = 0;
  o.verdict.validity = sim::Validity::kTrue;
  o.verdict.workload.validity = sim::Validity::kTrue;
  o.verdict.workload.json = {{"final-reads", {7, 7}}, {"acceptable", {{7, 7}}}};
  o.verdict.completed_ops = 4;
  o.verdict.invocations = 4;
  o.verdict.ok_ops = 3;
  o.verdict.ok_fraction = 0.75;
  o.verdict.by_f["add"].ok = 1;
  o.verdict.by_f["read"].ok = 2;
  o.verdict.by_f["read"].info = 1;
  o.report.messages = 10;
  o.report.server_messages = 6;
  o.report.convergence_from_reads = absl::Milliseconds(150);
  o.report.findings.push_back({"stdout-flood", "n1 flooded stdout"});
  o.harness_cpu_seconds = 0.5;
  kvclient::Json j = ResultsJson(o, 42);
  EXPECT_EQ(j["valid?"], true);
  EXPECT_EQ(j["exit-code"], 0);
  EXPECT_EQ(j["seed"], 42);
  EXPECT_EQ(j["workload"]["final-reads"], kvclient::Json({7, 7}));
  EXPECT_EQ(j["workload"]["valid?"], true);
  EXPECT_EQ(j["stats"]["by-f"]["read"]["info-count"], 1);
  EXPECT_DOUBLE_EQ(j["availability"]["ok-fraction"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(j["net"]["all"]["msgs-per-op"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(j["net"]["servers"]["msgs-per-op"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(j["extensions"]["convergence-from-reads-ms"].get<double>(),
                   150);
  EXPECT_EQ(j["extensions"]["findings"][0]["kind"], "stdout-flood");
  EXPECT_TRUE(j["extensions"]["read-staleness"].is_null());

  o.report.staleness = sim::StalenessReport{};
  o.report.staleness->all.count = 20;
  o.report.staleness->during_partitions.p99 = absl::Milliseconds(480);
  j = ResultsJson(o, 42);
  EXPECT_EQ(j["extensions"]["read-staleness"]["all"]["reads"], 20);
  EXPECT_DOUBLE_EQ(
      j["extensions"]["read-staleness"]["during-partitions"]["p99-ms"]
          .get<double>(),
      480);
}

TEST(ResultsJsonTest, NoOperationsMeansNullRatesAndUnknownIsAString) {
  Outcome o;
  kvclient::Json j = ResultsJson(o, 1);
  EXPECT_EQ(j["valid?"], "unknown");
  // A workload that gives no JSON of its own: its validity and errors.
  EXPECT_EQ(j["workload"]["valid?"], "unknown");
  EXPECT_EQ(j["workload"]["errors"], kvclient::Json::array());
  EXPECT_TRUE(j["net"]["all"]["msgs-per-op"].is_null());
  EXPECT_TRUE(j["extensions"]["convergence-ms"].is_null());
}

}  // namespace
}  // namespace harness
