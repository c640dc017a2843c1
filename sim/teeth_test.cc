// Teeth: each deliberately broken counter variant must be rejected by a
// sweep within the CI seed range, in a profile where its bug can show. The
// first catching seed is printed with its replay command.
#include <iostream>

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
  SweepResult r = Sweep(config, SeedsFromEnv(kCiSeeds), /*stop_at_first_failure=*/true);
  ASSERT_FALSE(r.failed.empty())
      << counter::BugName(c.bug) << " survived " << r.Summary();
  const SweepFailure& first = r.failed.front();
  // Caught by the checker or the liveness bound, not by a broken harness.
  EXPECT_EQ(first.exit_code, 1) << r.Summary();
  std::cout << "TEETH " << counter::BugName(c.bug) << " in " << ReplayCommand(config)
            << ": first caught at seed " << first.seed << " (" << first.why
            << ")\n  rerun with: " << first.replay << "\n";
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

TEST(TeethTest, TheCorrectCounterSurvivesTheSameConfigs) {
  // The teeth above mean something only if kNone passes where they fail.
  for (const char* profile : {"challenge", "chaos"}) {
    SimConfig config = *ProfileConfig(profile);
    config.kill = config.kv_cut = true;
    SweepResult r = Sweep(config, {1, 5});
    EXPECT_TRUE(r.failed.empty()) << r.Summary();
  }
}

}  // namespace
}  // namespace sim
