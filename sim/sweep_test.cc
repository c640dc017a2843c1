// Seed sweeps per profile: `bazel test //sim:sweep_<profile>_test`. Each
// target runs its profile's full-length seeds and as many of its short
// variant (sim::ShortVariant: a quarter of the time limit, denser faults),
// every seed with --strict and held to the profile's convergence bound
// (sim::ConvergenceBound). Bazel's shard_count splits both ranges into
// contiguous slices, one per shard (TEST_SHARD_INDEX / TEST_TOTAL_SHARDS).
// SIM_SEEDS=start:count and SIM_SHORT_SEEDS=start:count (bazel test
// --test_env=SIM_SEEDS=1000:200) run other ranges. A failing seed prints
// the exact command that replays it.
#include "sim/sweep.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace {

std::string g_profile;
sim::SeedRange g_full_seeds;
sim::SeedRange g_short_seeds;
sim::Shard g_shard;

void SweepShard(const sim::SimConfig& config, const char* variant,
                sim::SeedRange all) {
  const sim::SeedRange mine = sim::ShardSeeds(all, g_shard);
  sim::SweepOptions options;
  options.strict = !sim::JudgedByMaelstromAlone(config);
  if (options.strict) options.convergence_bound = sim::ConvergenceBound(config);
  options.tolerate_no_ok = config.kill || config.pause;
  sim::SweepResult r = sim::Sweep(config, mine, options);
  const std::string header = absl::StrFormat(
      "%s %s: seeds %d..%d, shard %d/%d runs %d..%d: %s", g_profile, variant,
      all.start, all.start + all.count - 1, g_shard.index + 1, g_shard.total,
      mine.start, mine.start + mine.count - 1,
      r.failed.empty() ? "ok" : "FAIL");
  std::cout << header << "\n  " << r.Summary() << "\n";
  const int64_t inconclusive = static_cast<int64_t>(r.inconclusive.size());
  EXPECT_EQ(r.passed + inconclusive, static_cast<int64_t>(mine.count))
      << r.Summary();
  EXPECT_TRUE(r.failed.empty()) << header << "\n" << r.Summary();
  // Inconclusive seeds (Maelstrom main's kill/pause left some :f without an
  // :ok) stay rare: at most 1 in 10 (3% in 1000 kill-pause seeds), so a
  // node that answers nothing fails.
  EXPECT_LE(inconclusive * 10, static_cast<int64_t>(mine.count) + 9)
      << r.Summary();
}

TEST(SweepTest, FullLengthSeedsPass) {
  absl::optional<sim::SimConfig> config = sim::ProfileConfig(g_profile);
  ASSERT_TRUE(config.has_value()) << g_profile;
  SweepShard(*config, "full", g_full_seeds);
}

TEST(SweepTest, ShortVariantSeedsPass) {
  absl::optional<sim::SimConfig> config = sim::ProfileConfig(g_profile);
  ASSERT_TRUE(config.has_value()) << g_profile;
  SweepShard(sim::ShortVariant(*config), "short", g_short_seeds);
}

// The machinery under the sweeps, checked in every shard (cheap).

TEST(ShardSeedsTest, SlicesCoverTheRangeExactlyOnceInOrder) {
  for (uint64_t count : {0, 1, 7, 100, 3000}) {
    for (int64_t total : {1, 2, 3, 8, 13}) {
      uint64_t next = 5;  // the range starts at seed 5
      for (int64_t i = 0; i < total; ++i) {
        const sim::SeedRange slice = sim::ShardSeeds({5, count}, {i, total});
        EXPECT_EQ(slice.start, next) << count << " " << i << "/" << total;
        // Balanced: no slice is more than one seed longer than another.
        EXPECT_LE(slice.count, count / total + 1);
        EXPECT_GE(slice.count, count / total);
        next = slice.start + slice.count;
      }
      EXPECT_EQ(next, 5 + count) << count << " over " << total;
    }
  }
  EXPECT_EQ(sim::ShardSeeds({1, 100}, {1, 4}).start, 26u);
  EXPECT_EQ(sim::ShardSeeds({1, 100}, {1, 4}).count, 25u);
}

// Sets the variables for one case, restores them after.
class ShardEnv {
 public:
  ShardEnv(const char* total, const char* index, const std::string& status) {
    Set("TEST_TOTAL_SHARDS", total);
    Set("TEST_SHARD_INDEX", index);
    Set("TEST_SHARD_STATUS_FILE", status.empty() ? nullptr : status.c_str());
  }
  ~ShardEnv() {
    for (const auto& [name, value] : saved_) {
      if (value.has_value()) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
  }

 private:
  void Set(const char* name, const char* value) {
    const char* old = std::getenv(name);
    saved_.emplace_back(name,
                        old ? absl::optional<std::string>(old) : absl::nullopt);
    if (value != nullptr) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  std::vector<std::pair<std::string, absl::optional<std::string>>> saved_;
};

TEST(ShardFromEnvTest, FollowsBazelsShardingProtocol) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string status =
      std::string(tmp != nullptr ? tmp : "/tmp") + "/sweep_shard_status";
  std::remove(status.c_str());
  std::string error;
  {
    ShardEnv env(nullptr, nullptr, "");
    absl::optional<sim::Shard> s = sim::ShardFromEnv(&error);
    ASSERT_TRUE(s.has_value()) << error;
    EXPECT_EQ(s->index, 0);
    EXPECT_EQ(s->total, 1);
  }
  {
    ShardEnv env("8", "3", status);
    absl::optional<sim::Shard> s = sim::ShardFromEnv(&error);
    ASSERT_TRUE(s.has_value()) << error;
    EXPECT_EQ(s->index, 3);
    EXPECT_EQ(s->total, 8);
    // Touched: Bazel then knows the test shards.
    EXPECT_TRUE(std::ifstream(status).good()) << status;
  }
  for (const auto& [total, index] :
       std::vector<std::pair<const char*, const char*>>{
           {"8", "8"}, {"0", "0"}, {"x", "1"}, {"4", nullptr}, {"4", "-1"}}) {
    ShardEnv env(total, index, "");
    error.clear();
    EXPECT_FALSE(sim::ShardFromEnv(&error).has_value()) << total;
    EXPECT_NE(error.find("TEST_SHARD_INDEX"), std::string::npos) << error;
  }
}

TEST(ShortVariantTest, AQuarterOfTheTimeWithDenserFaults) {
  const sim::SimConfig chaos = *sim::ProfileConfig("chaos");
  const sim::SimConfig s = sim::ShortVariant(chaos);
  EXPECT_EQ(s.workload.time_limit, chaos.workload.time_limit / 4);
  EXPECT_EQ(s.nemesis_interval, absl::Seconds(2));
  EXPECT_EQ(s.FaultInterval(), absl::Seconds(1));
  EXPECT_EQ(s.nodes, chaos.nodes);
  EXPECT_EQ(s.workload.rate, chaos.workload.rate);
  EXPECT_EQ(s.liveness_bound, chaos.liveness_bound);
  sim::SimConfig c = s;
  c.seed = 9;
  EXPECT_EQ(sim::ReplayCommand(c),
            "bazel run //sim -- --profile=chaos --seed=9 --time-limit=5 "
            "--nemesis-interval=2 --fault-interval=1");
}

// The README's bounds for the node's defaults (refresh 500 ms, at most
// 2 s, sync grace 100 ms, KV timeout 1 s).
TEST(ConvergenceBoundTest, TheDocumentedBoundPerProfile) {
  const auto bound = [](const char* profile) {
    return sim::ConvergenceBound(*sim::ProfileConfig(profile));
  };
  // Pushes (auto), one hop (N <= 5 with fanout 4) at latency 0: one push
  // round, plus one heartbeat for a push a partition dropped just before
  // the heal, plus the sync grace.
  EXPECT_EQ(bound("challenge"), absl::Milliseconds(4100));
  EXPECT_EQ(bound("pn"), absl::Milliseconds(4100));
  EXPECT_EQ(bound("high-rate"), absl::Milliseconds(4100));
  EXPECT_EQ(bound("single"), absl::Milliseconds(4100));
  // Pushes: 25 nodes need two hops (5^2 >= 25); 26 need three.
  sim::SimConfig wide = *sim::ProfileConfig("challenge");
  wide.dissemination = counter::Dissemination::kPush;
  wide.nodes = sim::NodeIdsFromCount(25);
  EXPECT_EQ(sim::ConvergenceBound(wide), absl::Milliseconds(8100));
  wide.nodes = sim::NodeIdsFromCount(26);
  EXPECT_EQ(sim::ConvergenceBound(wide), absl::Milliseconds(12100));
  // auto relays above 5 nodes, two hops whatever N: 2 x (0.5 s + 3 s) +
  // grace, plus a tree re-forming after a heal (probe retry 5 s + contact
  // 2.5 s) and two more hops.
  wide.dissemination = counter::Dissemination::kAuto;
  EXPECT_EQ(sim::ConvergenceBound(wide), absl::Milliseconds(21600));
  wide.nodes = sim::NodeIdsFromCount(6);
  EXPECT_EQ(sim::ConvergenceBound(wide), absl::Milliseconds(21600));
  wide.nodes = sim::NodeIdsFromCount(5);
  EXPECT_EQ(sim::ConvergenceBound(wide), absl::Milliseconds(4100));
  // Busy peer keys at latency 0: one refresh interval + sync grace.
  sim::SimConfig keys = *sim::ProfileConfig("challenge");
  keys.dissemination = counter::Dissemination::kPeerKeys;
  EXPECT_EQ(sim::ConvergenceBound(keys), absl::Milliseconds(600));
  // A quiet cluster (2 adds per node per second): the stretched interval.
  keys.workload.rate = 10;
  EXPECT_EQ(sim::ConvergenceBound(keys), absl::Milliseconds(2100));
  // Chaos: exponential latency 10 ms (RTT allowance 2 x (10 ms x ln 1e6 +
  // 100 ms reorder)); faults add the silence bound, a fallback round
  // stretched to max_refresh, a KV timeout and an RTT.
  const absl::Duration rtt =
      2 * (absl::Milliseconds(10) * std::log(1e6) + absl::Milliseconds(100));
  EXPECT_EQ(bound("chaos"), absl::Milliseconds(4100) + 3 * rtt +
                                absl::Seconds(4 + 2 + 1) + rtt);
  EXPECT_EQ(bound("chaos-summary"),
            2 * (absl::Seconds(2) + absl::Milliseconds(250) +
                 absl::Milliseconds(100)) +
                5 * rtt + absl::Seconds(1) + rtt);
  EXPECT_EQ(bound("chaos-peer-keys"),
            absl::Milliseconds(2100) + 3 * rtt + absl::Seconds(1) + rtt);
}

TEST(SweepOptionsTest, AMissedConvergenceBoundFailsTheSeedWithItsReplay) {
  // Teeth: no correct node converges within 1 ns after a busy run.
  sim::SweepOptions options;
  options.convergence_bound = absl::Nanoseconds(1);
  sim::SimConfig c = *sim::ProfileConfig("challenge");
  sim::SweepResult r = sim::Sweep(sim::ShortVariant(c), {1, 2}, options);
  ASSERT_EQ(r.failed.size(), 2u) << r.Summary();
  EXPECT_EQ(r.failed[0].exit_code, 1);
  EXPECT_NE(r.failed[0].why.find("convergence-bound: converged"),
            std::string::npos)
      << r.failed[0].why;
  EXPECT_NE(r.Summary().find("rerun with: ./dev sim --profile=challenge "
                             "--seed=1 --time-limit=5"),
            std::string::npos)
      << r.Summary();
  // Without the option the same seeds pass: only the bound failed them.
  EXPECT_TRUE(sim::Sweep(sim::ShortVariant(c), {1, 2}).failed.empty());
}

}  // namespace

// Args: <profile> <full-length seed count> <short-variant seed count>; both
// ranges start at seed 1.
int main(int argc, char** argv) {
  // Every shard runs both tests on its slice of the seeds: GoogleTest's own
  // sharding (Bazel exports GTEST_TOTAL_SHARDS too) would hand each test to
  // one shard only.
  unsetenv("GTEST_TOTAL_SHARDS");
  unsetenv("GTEST_SHARD_INDEX");
  testing::InitGoogleTest(&argc, argv);
  uint64_t full = 0;
  uint64_t short_count = 0;
  if (argc != 4 || !absl::SimpleAtoi(argv[2], &full) ||
      !absl::SimpleAtoi(argv[3], &short_count)) {
    std::cerr << "usage: sweep_test <profile> <full seeds> <short seeds>\n";
    return 2;
  }
  g_profile = argv[1];
  g_full_seeds = sim::SeedsFromEnv({1, full});
  g_short_seeds = sim::SeedsFromEnv({1, short_count}, "SIM_SHORT_SEEDS");
  std::string error;
  absl::optional<sim::Shard> shard = sim::ShardFromEnv(&error);
  if (!shard.has_value()) {
    std::cerr << "sweep_test: " << error << "\n";
    return 2;
  }
  g_shard = *shard;
  return RUN_ALL_TESTS();
}
