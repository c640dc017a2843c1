#include "sim/config.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/sweep.h"

namespace sim {
namespace {

TEST(ConfigTest, EveryProfileExistsAndUnknownDoesNot) {
  for (const std::string& name : ProfileNames()) {
    absl::optional<SimConfig> c = ProfileConfig(name);
    ASSERT_TRUE(c.has_value()) << name;
    EXPECT_EQ(c->profile, name);
    // Maelstrom's default --concurrency 1n, except the kill profiles (3n:
    // a thread whose node is down waits out its timeout).
    const bool kill = name == "kill" || name == "kill-pause";
    EXPECT_EQ(c->workload.concurrency, (kill ? 3 : 1) * c->node_count())
        << name;
    EXPECT_FALSE(c->strict) << "the default verdict is Maelstrom's";
  }
  EXPECT_FALSE(ProfileConfig("nope").has_value());
}

TEST(ConfigTest, ChallengeIsTheFlyIoCommandLine) {
  SimConfig c = *ProfileConfig("challenge");
  EXPECT_EQ(c.nodes, (std::vector<std::string>{"n0", "n1", "n2"}));
  EXPECT_EQ(c.workload.rate, 100);
  EXPECT_EQ(c.workload.time_limit, absl::Seconds(20));
  EXPECT_TRUE(c.partition);
  EXPECT_FALSE(c.kill || c.pause || c.crash || c.stall || c.kv_cut);
  EXPECT_EQ(
      c.network.loss_ppm + c.network.duplicate_ppm + c.network.reorder_ppm, 0u);
}

TEST(ConfigTest, StoreCommandIsTheReplayWrittenToAStore) {
  SimConfig c = *ProfileConfig("chaos");
  c.seed = 17;
  c.strict = true;
  EXPECT_EQ(StoreCommand(c),
            "./dev sim --profile=chaos --seed=17 --strict=true --store=store");
}

// A failing seed from a sweep names both commands: the replay, and the one
// that writes its report pages to be looked at like a harness run.
TEST(ConfigTest, ASweepFailureSuggestsTheStoreCommand) {
  SimConfig c = *ProfileConfig("challenge");
  c.bug = counter::Bug::kStaleRead;
  c.workload.time_limit = absl::Seconds(5);
  SweepResult r = Sweep(c, SeedRange{1, 5}, /*stop_at_first_failure=*/true);
  ASSERT_EQ(r.failed.size(), 1u) << r.Summary();
  c.seed = r.failed[0].seed;
  c.strict = true;
  EXPECT_TRUE(absl::StrContains(r.Summary(),
                                absl::StrCat("look at it: ", StoreCommand(c))))
      << r.Summary();
}

TEST(ConfigTest, ReplayCommandNamesOnlyWhatDiffersFromTheProfile) {
  SimConfig c = *ProfileConfig("chaos");
  c.seed = 17;
  EXPECT_EQ(ReplayCommand(c), "bazel run //sim -- --profile=chaos --seed=17");
  c.nodes = NodeIdsFromCount(7);
  c.workload.concurrency = 7;
  c.bug = counter::Bug::kStaleRead;
  c.network.loss_ppm = 200000;
  c.strict = true;
  EXPECT_EQ(ReplayCommand(c),
            "bazel run //sim -- --profile=chaos --seed=17 --node-count=7 "
            "--concurrency=7 --loss=0.2 --strict=true --bug=stale-read");
  c.nodes = {"a", "b"};
  c.crash = false;
  EXPECT_EQ(ReplayCommand(c),
            "bazel run //sim -- --profile=chaos --seed=17 --nodes=a,b "
            "--concurrency=7 --nemesis=partition,stall,kv-cut --loss=0.2 "
            "--strict=true "
            "--bug=stale-read");
}

}  // namespace
}  // namespace sim
