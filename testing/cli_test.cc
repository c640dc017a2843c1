#include "testing/cli.h"

#include "gtest/gtest.h"

namespace harness {
namespace {

ParsedArgs Parse(std::vector<std::string> args) {
  return ParseArgs(args, "/home/me");
}

TEST(CliTest, ChallengeCommand) {
  ParsedArgs p = Parse({"test", "-w", "g-counter", "--bin", "bin/node",
                        "--node-count", "3", "--rate", "100", "--time-limit",
                        "20", "--nemesis", "partition"});
  ASSERT_EQ(p.kind, ParsedArgs::kRun) << p.error;
  EXPECT_EQ(p.options.bin, "/home/me/bin/node");
  EXPECT_EQ(p.options.node_count, 3);
  EXPECT_EQ(p.options.concurrency, 3);
  EXPECT_EQ(p.options.rate, 100);
  EXPECT_EQ(p.options.time_limit, absl::Seconds(20));
  EXPECT_EQ(p.options.nemeses, std::vector<NemesisKind>{NemesisKind::kPartition});
  EXPECT_EQ(p.options.nemesis_interval, absl::Seconds(10));
  EXPECT_EQ(p.options.store_root, "/home/me/store");
  EXPECT_TRUE(p.options.bin_args.empty());
}

TEST(CliTest, MaelstromDefaults) {
  ParsedArgs p = Parse({"test", "--bin", "/abs/node"});
  ASSERT_EQ(p.kind, ParsedArgs::kRun) << p.error;
  EXPECT_EQ(p.options.workload, "g-counter");
  EXPECT_EQ(p.options.bin, "/abs/node");
  EXPECT_EQ(p.options.node_count, 5);
  EXPECT_EQ(p.options.concurrency, 5);
  EXPECT_EQ(p.options.rate, 5);
  EXPECT_EQ(p.options.time_limit, absl::Seconds(60));
  EXPECT_EQ(p.options.latency, absl::ZeroDuration());
  EXPECT_EQ(p.options.latency_dist, sim::LatencyDist::kConstant);
  EXPECT_TRUE(p.options.nemeses.empty());
  EXPECT_FALSE(p.options.seed.has_value());
  EXPECT_EQ(p.options.final_sleep, absl::Seconds(10));
  EXPECT_EQ(p.options.client_timeout, absl::Seconds(5));
}

TEST(CliTest, NodeArgsAfterBinDoubleDashAndPositional) {
  ParsedArgs p = Parse({"test", "--bin", "n", "--bug=stale-read", "--rate=7",
                        "pos", "--", "--rate", "9"});
  ASSERT_EQ(p.kind, ParsedArgs::kRun) << p.error;
  EXPECT_EQ(p.options.rate, 7);
  EXPECT_EQ(p.options.bin_args,
            (std::vector<std::string>{"--bug=stale-read", "pos", "--rate", "9"}));
}

TEST(CliTest, ExtensionsParse) {
  ParsedArgs p = Parse({"test", "--bin", "n", "--nemesis", "partition,kill, pause,kv-cut",
                        "--seed", "42", "--latency", "5", "--latency-dist",
                        "exponential", "--concurrency", "2n", "--node-count", "2",
                        "--recovery-time", "1.5", "--log-stderr", "--log-net-send",
                        "--log-net-recv", "--client-timeout", "2"});
  ASSERT_EQ(p.kind, ParsedArgs::kRun) << p.error;
  EXPECT_EQ(p.options.nemeses.size(), 4u);
  EXPECT_EQ(*p.options.seed, 42u);
  EXPECT_EQ(p.options.latency, absl::Milliseconds(5));
  EXPECT_EQ(p.options.latency_dist, sim::LatencyDist::kExponential);
  EXPECT_EQ(p.options.concurrency, 4);
  EXPECT_EQ(p.options.final_sleep, absl::Milliseconds(1500));
  EXPECT_TRUE(p.options.log_stderr);
  EXPECT_TRUE(p.options.log_net_send);
  EXPECT_TRUE(p.options.log_net_recv);
  EXPECT_EQ(p.options.client_timeout, absl::Seconds(2));
}

TEST(CliTest, BadArgumentsAreErrors) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {},
           {"run", "--bin", "x"},
           {"test"},
           {"test", "--bin"},
           {"test", "--bogus", "--bin", "x"},
           {"test", "--bin", "x", "--rate", "fast"},
           {"test", "--bin", "x", "--rate", "-1"},
           {"test", "--bin", "x", "--node-count", "0"},
           {"test", "--bin", "x", "-w", "broadcast"},
           {"test", "--bin", "x", "--nemesis", "partition,earthquake"},
           {"test", "--bin", "x", "--latency-dist", "normal"},
           {"test", "--bin", "x", "--time-limit", "0"},
       }) {
    ParsedArgs p = Parse(args);
    EXPECT_EQ(p.kind, ParsedArgs::kError) << args.size();
    EXPECT_FALSE(p.error.empty());
  }
}

TEST(CliTest, Help) {
  EXPECT_EQ(Parse({"--help"}).kind, ParsedArgs::kHelp);
  EXPECT_EQ(Parse({"test", "-h"}).kind, ParsedArgs::kHelp);
  EXPECT_NE(UsageText().find("EXTENSIONS"), std::string::npos);
}

}  // namespace
}  // namespace harness
