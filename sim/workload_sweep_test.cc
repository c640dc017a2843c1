// Seed sweeps of the workloads beyond the counter (echo, unique-ids,
// broadcast, g-set) in the simulator, against the test-only reference cores
// (reference_cores.h): every seed of the correct core is valid under
// partitions, strictly (no EXTENSION finding either), and the broken core
// of each workload is rejected (exit 1) by the workload's checker within
// the first seeds. Each case prints its tally; a failure prints the seed.
//   workload_sweep_test WORKLOAD SEEDS     (SIM_SEEDS=start:count overrides)
#include <cstdlib>
#include <iostream>
#include <string>

#include "gtest/gtest.h"
#include "sim/config.h"
#include "sim/reference_cores.h"
#include "sim/sweep.h"
#include "sim/world.h"

namespace sim {
namespace {

std::string g_workload;
uint64_t g_seeds = 10;

// The workload's challenge-like settings, shortened: partitions every 2 s.
SimConfig Config(const std::string& workload, uint64_t seed) {
  SimConfig c = *ProfileConfig("challenge");
  c.workload.name = workload;
  c.workload.params.clear();
  c.seed = seed;
  c.partition = true;
  c.nemesis_interval = absl::Seconds(2);
  c.workload.time_limit = absl::Seconds(6);
  c.strict = true;
  if (workload == "echo") {
    c.nodes = NodeIdsFromCount(1);
    c.workload.concurrency = 1;
    c.partition = false;  // one node: nothing to cut
  } else if (workload == "broadcast") {
    c.nodes = NodeIdsFromCount(5);
    c.workload.concurrency = 5;
    c.workload.rate = 20;
    c.network.latency = absl::Milliseconds(10);
    c.workload.params["--topology"] = seed % 2 ? "grid" : "tree3";
  } else if (workload == "unique-ids") {
    c.workload.rate = 500;
  }
  return c;
}

// The world's default core for these workloads is the reference core.
RunResult RunOnce(const std::string& workload, uint64_t seed,
                  ReferenceBug bug) {
  SimConfig c = Config(workload, seed);
  c.broken_reference = bug == ReferenceBug::kBroken;
  return RunWorld(c, /*trace=*/nullptr);
}

std::string Replay(const std::string& workload, uint64_t seed, bool broken) {
  SimConfig c = Config(workload, seed);
  c.broken_reference = broken;
  return ReplayCommand(c);
}

TEST(WorkloadSweep, EverySeedOfTheReferenceCoreIsValid) {
  const SeedRange seeds = SeedsFromEnv({1, g_seeds});
  int passed = 0;
  for (uint64_t s = seeds.start; s < seeds.start + seeds.count; ++s) {
    RunResult r = RunOnce(g_workload, s, ReferenceBug::kNone);
    EXPECT_EQ(r.exit_code, 0)
        << g_workload << " seed " << s << "\n"
        << r.results << "\nrerun with: " << Replay(g_workload, s, false);
    passed += r.exit_code == 0;
  }
  std::cout << "SWEEP " << g_workload << " seeds " << seeds.start << ".."
            << seeds.start + seeds.count - 1 << ": " << passed << " of "
            << seeds.count << " valid\n";
}

TEST(WorkloadSweep, TheBrokenCoreIsRejected) {
  for (uint64_t s = 1; s <= 5; ++s) {
    RunResult r = RunOnce(g_workload, s, ReferenceBug::kBroken);
    if (r.exit_code == 0) continue;
    EXPECT_EQ(r.exit_code, 1) << r.results;  // the checker, not a crash
    EXPECT_EQ(r.verdict.workload.validity, Validity::kFalse) << r.results;
    std::cout << "TEETH " << g_workload << " broken core: caught at seed " << s
              << "; first error: "
              << (r.verdict.workload.errors.empty()
                      ? std::string("(none)")
                      : r.verdict.workload.errors.front())
              << "\n  rerun with: " << Replay(g_workload, s, true) << "\n";
    return;
  }
  ADD_FAILURE() << "the broken " << g_workload << " core survived seeds 1..5";
}

}  // namespace
}  // namespace sim

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  if (argc < 3) {
    std::cerr << "usage: workload_sweep_test WORKLOAD SEEDS\n";
    return 2;
  }
  sim::g_workload = argv[1];
  sim::g_seeds = std::strtoull(argv[2], nullptr, 10);
  return RUN_ALL_TESTS();
}
