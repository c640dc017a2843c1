// Teeth: each deliberately broken counter variant must be rejected by a
// sweep within the CI seed range, in a profile where its bug can show. The
// first catching seed is printed with its replay command.
#include <algorithm>
#include <iostream>
#include <string>

#include "gtest/gtest.h"
#include "sim/sweep.h"

namespace sim {
namespace {

constexpr SeedRange kCiSeeds{1, 30};

struct Case {
  counter::Bug bug;
  const char* profile;
  // Extra faults on top of the profile (the smallest set that exposes it).
  bool kill = false;
  bool kv_cut = false;
};

void ExpectCaught(const Case& c) {
  SimConfig config = *ProfileConfig(c.profile);
  config.bug = c.bug;
  config.kill |= c.kill;
  config.kv_cut |= c.kv_cut;
  // The first 10 seeds in full (a catch rate), the rest until one fails.
  const SeedRange all = SeedsFromEnv(kCiSeeds);
  const SeedRange head{all.start, std::min<uint64_t>(all.count, 10)};
  SweepResult first_ten = Sweep(config, head);
  SweepResult r = first_ten;
  if (r.failed.empty() && all.count > head.count) {
    r = Sweep(config, {all.start + head.count, all.count - head.count},
              /*stop_at_first_failure=*/true);
  }
  ASSERT_FALSE(r.failed.empty())
      << counter::BugName(c.bug) << " survived " << first_ten.Summary() << "\n"
      << r.Summary();
  const SweepFailure& first = r.failed.front();
  // Caught by the checker or the liveness bound, not by a broken harness.
  EXPECT_EQ(first.exit_code, 1) << r.Summary();
  std::string settings = ReplayCommand(config);  // minus the seed
  settings.erase(settings.find(" --seed="), std::string(" --seed=1").size());
  settings.erase(0, std::string("bazel run //sim -- ").size());
  std::cout << "TEETH " << counter::BugName(c.bug) << " with " << settings
            << ": first caught at seed " << first.seed << "; caught by "
            << first_ten.failed.size() << " of seeds " << head.start << ".."
            << head.start + head.count - 1 << "\n  why: " << first.why
            << "\n  rerun with: " << first.replay << "\n";
}

TEST(TeethTest, StaleReadCaughtUnderTheChallengeProfile) {
  ExpectCaught({counter::Bug::kStaleRead, "challenge"});
}

TEST(TeethTest, AckBeforeDurableCaughtUnderChaos) {
  // Needs latency for a kill to land between the ack and the cas.
  ExpectCaught({counter::Bug::kAckBeforeDurable, "chaos"});
}

TEST(TeethTest, DoubleCountRetryCaughtWithSeqKvCuts) {
  ExpectCaught({counter::Bug::kDoubleCountRetry, "challenge", false, true});
}

TEST(TeethTest, DoubleCountRetryCaughtUnderChaos) {
  ExpectCaught({counter::Bug::kDoubleCountRetry, "chaos"});
}

TEST(TeethTest, ForgetOnRestartCaughtWithKills) {
  ExpectCaught({counter::Bug::kForgetOnRestart, "challenge", true});
}

TEST(TeethTest, ForgetOnRestartCaughtUnderChaos) {
  ExpectCaught({counter::Bug::kForgetOnRestart, "chaos"});
}

TEST(TeethTest, StaleReadCaughtWithTheSummary) {
  ExpectCaught({counter::Bug::kStaleRead, "chaos"});
}

TEST(TeethTest, MergeByTotalCaughtOnAPnCounterWithTheSummary) {
  ExpectCaught({counter::Bug::kMergeByTotal, "pn-chaos"});
}

TEST(TeethTest, TheCorrectCounterSurvivesTheSameConfigs) {
  // The teeth above mean something only if kNone passes where they fail.
  for (const char* profile : {"challenge", "chaos", "pn-chaos"}) {
    SimConfig config = *ProfileConfig(profile);
    config.kill = config.kv_cut = true;
    SweepResult r = Sweep(config, {1, 5});
    EXPECT_TRUE(r.failed.empty()) << r.Summary();
  }
}

}  // namespace
}  // namespace sim
