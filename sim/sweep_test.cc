// Seed sweeps per profile: `bazel test //sim:sweep_<profile>_test`.
// SIM_SEEDS=start:count (bazel test --test_env=SIM_SEEDS=1000:200) runs
// another range. A failing seed prints the exact command that replays it.
#include "sim/sweep.h"

#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/strings/numbers.h"
#include "gtest/gtest.h"

namespace {

std::string g_profile;
sim::SeedRange g_default_seeds;

TEST(SweepTest, EverySeedPasses) {
  absl::optional<sim::SimConfig> config = sim::ProfileConfig(g_profile);
  ASSERT_TRUE(config.has_value()) << g_profile;
  sim::SweepResult r = sim::Sweep(*config, sim::SeedsFromEnv(g_default_seeds));
  std::cout << r.Summary() << "\n";
  EXPECT_TRUE(r.failed.empty()) << r.Summary();
}

}  // namespace

// Args: <profile> <first seed> <seed count>.
int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  if (argc != 4 || !absl::SimpleAtoi(argv[2], &g_default_seeds.start) ||
      !absl::SimpleAtoi(argv[3], &g_default_seeds.count)) {
    std::cerr << "usage: sweep_test <profile> <first seed> <count>\n";
    return 2;
  }
  g_profile = argv[1];
  return RUN_ALL_TESTS();
}
