// results.edn and timeline.html from the simulator's real histories agree
// with the project's checker (sim::CheckHistory): the same final
// reads, the same counts, and the same verdict, for valid runs and for runs
// of a broken counter. Links //sim:world read-only.
#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/config.h"
#include "sim/maelstrom/edn_reader.h"
#include "sim/report/jepsen_edn.h"
#include "sim/report/timeline.h"
#include "sim/world.h"

namespace sim {
namespace {

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1))
    ++n;
  return n;
}

RunRecord FromWorld(const SimConfig& config, const RunResult& r) {
  RunRecord run;
  run.history = r.history;
  run.t0 = r.history.empty() ? absl::UnixEpoch() : r.history.front().time;
  run.concurrency = config.workload.concurrency;
  run.results.workload = r.verdict.workload.report;
  return run;
}

void ExpectAgreement(const SimConfig& config, int* invalid_runs) {
  const RunResult r = RunWorld(config, nullptr);
  const RunRecord run = FromWorld(config, r);
  absl::StatusOr<EdnValue> edn = ReadEdn(report::ResultsEdn(run));
  ASSERT_TRUE(edn.ok()) << edn.status();
  const std::string what = sim::ReplayCommand(config);
  const EdnValue& stats = edn->Get("stats");
  EXPECT_EQ(stats.Get("count").integer, r.verdict.completed_ops) << what;
  EXPECT_EQ(stats.Get("ok-count").integer, r.verdict.ok_ops) << what;
  for (const char* f : {"add", "read"}) {
    const EdnValue& by_f = stats.Get("by-f").Get(f);
    EXPECT_EQ(by_f.Get("ok-count").integer, r.verdict.by_f.at(f).ok)
        << what << " " << f;
    EXPECT_EQ(by_f.Get("info-count").integer, r.verdict.by_f.at(f).info)
        << what << " " << f;
  }
  std::vector<int64_t> reads;
  for (const EdnValue& v : edn->Get("workload").Get("final-reads").items)
    reads.push_back(v.integer);
  std::vector<int64_t> expected_reads =
      r.verdict.workload.json["final-reads"].get<std::vector<int64_t>>();
  std::sort(reads.begin(), reads.end());
  std::sort(expected_reads.begin(), expected_reads.end());
  EXPECT_EQ(reads, expected_reads) << what;
  EXPECT_EQ(edn->Get("valid?").boolean, r.verdict.valid) << what << "\n"
                                                         << r.results;
  *invalid_runs += !r.verdict.valid;
  const std::string html = report::RenderTimelineHtml(report::RunAnalysis(run));
  EXPECT_EQ(Count(html, "<div class=\"op "),
            static_cast<size_t>(r.verdict.completed_ops))
      << what;
}

TEST(WorldCrossCheck, ChallengeRunsAgreeWithTheChecker) {
  int invalid = 0;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    SimConfig config = *ProfileConfig("challenge");
    config.seed = seed;
    ExpectAgreement(config, &invalid);
  }
  EXPECT_EQ(invalid, 0);
}

TEST(WorldCrossCheck, BrokenCounterRunsAgreeWithTheChecker) {
  int invalid = 0;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    SimConfig config = *ProfileConfig("challenge");
    config.seed = seed;
    config.bug = counter::Bug::kStaleRead;
    ExpectAgreement(config, &invalid);
  }
  EXPECT_GT(invalid, 0)
      << "no seed exposed the broken counter: the check proved nothing";
}

TEST(WorldCrossCheck, PnCounterRunsAgreeWithTheChecker) {
  int invalid = 0;
  for (uint64_t seed = 1; seed <= 2; ++seed) {
    SimConfig config = *ProfileConfig("pn");
    config.seed = seed;
    ExpectAgreement(config, &invalid);
  }
  EXPECT_EQ(invalid, 0);
}

}  // namespace
}  // namespace sim
