#include "sim/world.h"

#include <sstream>

#include "gtest/gtest.h"
#include "sim/kv_service.h"

namespace sim {
namespace {

SimConfig Short(const char* profile, uint64_t seed) {
  SimConfig c = *ProfileConfig(profile);
  c.seed = seed;
  c.workload.time_limit = absl::Seconds(5);
  return c;
}

std::string FullOutput(const SimConfig& c) {
  std::ostringstream trace;
  RunResult r = RunWorld(c, &trace);
  return trace.str() + r.results;
}

TEST(WorldTest, SameSeedSameBytesDifferentSeedDifferentRun) {
  for (const char* profile : {"challenge", "chaos"}) {
    SimConfig c = Short(profile, 7);
    const std::string first = FullOutput(c);
    EXPECT_EQ(first, FullOutput(c)) << profile;
    EXPECT_GT(first.size(), 10000u);
    c.seed = 8;
    EXPECT_NE(first, FullOutput(c)) << profile;
  }
}

TEST(WorldTest, CorrectCounterPassesTheChallengeProfile) {
  RunResult r = RunWorld(Short("challenge", 3), nullptr);
  EXPECT_EQ(r.exit_code, 0) << r.results;
  EXPECT_EQ(r.verdict.final_reads.size(), 3u);
  EXPECT_GT(r.verdict.by_f["add"].ok, 50);
  EXPECT_TRUE(r.report.convergence.has_value()) << r.report.convergence_note;
  // Final reads start 10 s after the heal, which follows the time limit.
  EXPECT_GE(r.simulated_seconds, 15.0);
  EXPECT_NE(r.results.find("Everything looks good!"), std::string::npos);
}

TEST(WorldTest, EveryMessageIsCountedAndServerMessagesAreASubset) {
  RunResult r = RunWorld(Short("challenge", 4), nullptr);
  EXPECT_GT(r.report.server_messages, 0);
  EXPECT_LT(r.report.server_messages, r.report.messages);
  // Each client op is a request and a reply; inits likewise.
  EXPECT_GE(r.report.messages - r.report.server_messages,
            2 * r.verdict.completed_ops);
}

TEST(WorldTest, AStaleReadCounterIsCaught) {
  SimConfig c = Short("challenge", 1);
  c.bug = counter::Bug::kStaleRead;
  RunResult r = RunWorld(c, nullptr);
  EXPECT_EQ(r.exit_code, 1) << r.results;
  EXPECT_NE(r.results.find("Analysis invalid!"), std::string::npos);
}

TEST(WorldTest, ExactTotalReadsBothStrategiesLayouts) {
  KvStore own;
  own.values["\"counter/n0\""] = {{"total", 3}, {"tag", "a.1"}};
  own.values["\"counter/n1\""] = {{"total", 4}, {"tag", "b.2"}};
  own.values["\"sync/n0\""] = 99;
  EXPECT_EQ(ExactTotal(own), 7);
  KvStore shared;
  shared.values["\"counter\""] = 12;
  EXPECT_EQ(ExactTotal(shared), 12);
}

TEST(WorldTest, RestartedNodesGetFreshInits) {
  SimConfig c = Short("challenge", 2);
  c.kill = true;
  c.fault_interval = absl::Seconds(1);
  std::ostringstream trace;
  RunResult r = RunWorld(c, &trace);
  EXPECT_EQ(r.exit_code, 0) << r.results;
  const std::string t = trace.str();
  ASSERT_NE(t.find("nemesis: restart n"), std::string::npos);
  // Three initial inits plus at least one for a restart.
  size_t inits = 0;
  for (size_t at = t.find("\"type\":\"init\""); at != std::string::npos;
       at = t.find("\"type\":\"init\"", at + 1)) {
    ++inits;
  }
  EXPECT_GT(inits, 3u);
}

}  // namespace
}  // namespace sim
