// Pins the harness's `test` command line against maelstrom v0.2.4
// src/maelstrom/core.clj (test-opt-spec, opt-spec, add-args) and jepsen
// 0.3.7 jepsen/src/jepsen/cli.clj (test-opt-spec, run!). The shared flags'
// value rules are pinned in sim/driver/flags_test.cc.
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
  EXPECT_EQ(p.options.driver.nodes,
            (std::vector<std::string>{"n0", "n1", "n2"}));
  EXPECT_EQ(p.options.driver.workload.concurrency, 3);
  EXPECT_EQ(p.options.driver.workload.rate, 100);
  EXPECT_EQ(p.options.driver.workload.time_limit, absl::Seconds(20));
  EXPECT_TRUE(p.options.driver.partition);
  EXPECT_EQ(p.options.driver.nemesis_interval, absl::Seconds(10));
  EXPECT_EQ(p.options.store_root, "/home/me/store");
  EXPECT_TRUE(p.options.bin_args.empty());
  EXPECT_FALSE(p.options.driver.strict);
}

// Pins jepsen cli.clj default-nodes and test-opt-spec / maelstrom opt-spec
// defaults: without --node-count the nodes are n1..n5.
TEST(CliTest, MaelstromDefaults) {
  ParsedArgs p = Parse({"test", "-w", "g-counter", "--bin", "/abs/node"});
  ASSERT_EQ(p.kind, ParsedArgs::kRun) << p.error;
  EXPECT_EQ(p.options.workload, "g-counter");
  EXPECT_EQ(p.options.bin, "/abs/node");
  EXPECT_EQ(p.options.driver.nodes,
            (std::vector<std::string>{"n1", "n2", "n3", "n4", "n5"}));
  EXPECT_EQ(p.options.driver.workload.concurrency, 5);
  EXPECT_EQ(p.options.driver.workload.rate, 5);
  EXPECT_EQ(p.options.driver.workload.time_limit, absl::Seconds(60));
  EXPECT_EQ(p.options.driver.network.latency, absl::ZeroDuration());
  EXPECT_FALSE(p.options.driver.partition);
  EXPECT_FALSE(p.options.seed_given);
  EXPECT_EQ(p.options.driver.workload.final_sleep, absl::Seconds(10));
  EXPECT_EQ(p.options.driver.workload.client_timeout, absl::Seconds(5));
  EXPECT_EQ(p.options.test_count, 1);
}

// Pins maelstrom core.clj add-args (non-option arguments go to the binary)
// and tools.cli's "--" (everything after it is an argument).
TEST(CliTest, NodeArgsArePositionalOrAfterDoubleDash) {
  ParsedArgs p = Parse({"test", "-w", "pn-counter", "--bin", "n", "pos",
                        "--rate=7", "--", "--pn_counter", "--rate", "9"});
  ASSERT_EQ(p.kind, ParsedArgs::kRun) << p.error;
  EXPECT_EQ(p.options.driver.workload.rate, 7);
  EXPECT_EQ(p.options.bin_args,
            (std::vector<std::string>{"pos", "--pn_counter", "--rate", "9"}));
}

// Pins jepsen cli.clj run!: an unknown option is an error (exit 254), also
// after --bin; the README's old `--bin … --pn_counter` fails on Maelstrom.
TEST(CliTest, UnknownFlagsAfterTheBinaryAreErrors) {
  ParsedArgs p =
      Parse({"test", "-w", "pn-counter", "--bin", "n", "--pn_counter"});
  ASSERT_EQ(p.kind, ParsedArgs::kError);
  EXPECT_NE(p.error.find("Unknown option: \"--pn_counter\""), std::string::npos)
      << p.error;
  EXPECT_NE(p.error.find("after --"), std::string::npos) << p.error;
}

TEST(CliTest, HarnessFlagsAndExtensions) {
  ParsedArgs p = Parse({"test",
                        "-w",
                        "g-counter",
                        "--bin",
                        "n",
                        "--nemesis",
                        "partition,kill, pause,kv-cut",
                        "--seed",
                        "42",
                        "--latency",
                        "5",
                        "--latency-dist",
                        "exponential",
                        "--concurrency",
                        "2n",
                        "--node-count",
                        "2",
                        "--recovery-time",
                        "1.5",
                        "--log-stderr",
                        "--log-net-send",
                        "--log-net-recv",
                        "--client-timeout",
                        "2",
                        "--test-count",
                        "3",
                        "--strict",
                        "--store",
                        "out",
                        "--diagram-window",
                        "2:4.5",
                        "--diagram-messages",
                        "3000"});
  ASSERT_EQ(p.kind, ParsedArgs::kRun) << p.error;
  const sim::DriverConfig& d = p.options.driver;
  EXPECT_TRUE(d.partition && d.kill && d.pause && d.kv_cut);
  EXPECT_TRUE(p.options.seed_given);
  EXPECT_EQ(d.seed, 42u);
  EXPECT_EQ(d.network.latency, absl::Milliseconds(5));
  EXPECT_EQ(d.network.latency_dist, sim::LatencyDist::kExponential);
  EXPECT_EQ(d.workload.concurrency, 4);
  EXPECT_EQ(d.workload.final_sleep, absl::Milliseconds(1500));
  EXPECT_TRUE(p.options.log_stderr);
  EXPECT_TRUE(p.options.log_net_send);
  EXPECT_TRUE(p.options.log_net_recv);
  EXPECT_EQ(d.workload.client_timeout, absl::Seconds(2));
  EXPECT_EQ(p.options.test_count, 3);
  EXPECT_TRUE(d.strict);
  EXPECT_EQ(p.options.store_root, "/home/me/out");
  // EXTENSIONS: which messages messages.svg draws.
  ASSERT_TRUE(p.options.diagram.from.has_value());
  EXPECT_EQ(*p.options.diagram.from, absl::Seconds(2));
  EXPECT_EQ(*p.options.diagram.to, absl::Milliseconds(4500));
  EXPECT_EQ(p.options.diagram.max_messages, 3000u);
  EXPECT_EQ(Parse({"test", "-w", "g-counter", "--bin", "n", "--diagram-window",
                   "5:1"})
                .kind,
            ParsedArgs::kError);
}

// Every flag Maelstrom 0.2.4 and Jepsen's test-opt-spec accept is accepted
// (the meaningless ones with a note).
TEST(CliTest, EveryMaelstromAndJepsenFlagIsAccepted) {
  ParsedArgs p = Parse({"test",
                        "-w",
                        "g-counter",
                        "--bin",
                        "n",
                        "--availability",
                        "0.5",
                        "--consistency-models",
                        "strict-serializable",
                        "--key-count",
                        "3",
                        "--latency",
                        "0",
                        "--latency-dist",
                        "constant",
                        "--log-net-send",
                        "--log-net-recv",
                        "--log-stderr",
                        "--max-txn-length",
                        "4",
                        "--max-writes-per-key",
                        "16",
                        "--nemesis",
                        "partition",
                        "--nemesis-interval",
                        "10",
                        "--rate",
                        "5",
                        "--topology",
                        "grid",
                        "--node",
                        "a",
                        "-n",
                        "b",
                        "--nodes",
                        "c,d",
                        "--username",
                        "root",
                        "--password",
                        "root",
                        "--strict-host-key-checking",
                        "--no-ssh",
                        "--ssh-private-key",
                        "k",
                        "--concurrency",
                        "1n",
                        "--leave-db-running",
                        "--logging-json",
                        "--test-count",
                        "1",
                        "--time-limit",
                        "60"});
  ASSERT_EQ(p.kind, ParsedArgs::kRun) << p.error;
  EXPECT_EQ(p.options.driver.nodes,
            (std::vector<std::string>{"c", "d", "a", "b"}));
  EXPECT_EQ(p.options.ignored.size(), 11u);  // --topology is broadcast's
  EXPECT_EQ(Parse({"test", "-w", "g-counter", "--bin", "n", "--node-count", "2",
                   "--nodes", "x"})
                .options.driver.nodes,
            (std::vector<std::string>{"n0", "n1"}));
}

TEST(CliTest, BadArgumentsAreErrors) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {},
           {"run", "--bin", "x"},
           {"test", "-w", "g-counter"},
           {"test", "--bin",
            "x"},  // -w: Maelstrom's default lin-kv is not here
           {"test", "-w", "g-counter", "--bin"},
           {"test", "-w", "g-counter", "--bogus", "--bin", "x"},
           {"test", "-w", "g-counter", "--bin", "x", "--rate", "fast"},
           {"test", "-w", "g-counter", "--bin", "x", "--rate", "-1"},
           {"test", "-w", "g-counter", "--bin", "x", "--node-count", "0"},
           {"test", "-w", "lin-kv", "--bin", "x"},
           {"test", "-w", "broadcast", "--bin", "x", "--topology", "ring"},
           {"test", "-w", "g-counter", "--bin", "x", "--nemesis",
            "partition,earthquake"},
           {"test", "-w", "g-counter", "--bin", "x", "--latency-dist",
            "normal"},
           {"test", "-w", "g-counter", "--bin", "x", "--time-limit", "0"},
           {"test", "-w", "g-counter", "--bin", "x", "--time-limit", "2.5"},
           {"test", "-w", "g-counter", "--bin", "x", "--test-count", "0"},
       }) {
    ParsedArgs p = Parse(args);
    EXPECT_EQ(p.kind, ParsedArgs::kError) << testing::PrintToString(args);
    EXPECT_FALSE(p.error.empty());
  }
  EXPECT_NE(Parse({"test", "--bin", "x"}).error.find("lin-kv"),
            std::string::npos);
  EXPECT_EQ(Parse({"test", "-w", "g-counter"}).error,
            "Expected a --bin PATH_TO_BINARY to test");
}

TEST(CliTest, Help) {
  EXPECT_EQ(Parse({"--help"}).kind, ParsedArgs::kHelp);
  EXPECT_EQ(Parse({"test", "-h"}).kind, ParsedArgs::kHelp);
  EXPECT_EQ(Parse({"test", "--help", "--bogus"}).kind, ParsedArgs::kHelp);
  const std::string usage = UsageText();
  EXPECT_NE(usage.find("EXTENSIONS"), std::string::npos);
  EXPECT_NE(usage.find("--bin FILE"), std::string::npos);
  EXPECT_NE(usage.find("--test-count NUMBER"), std::string::npos);
  EXPECT_NE(usage.find("--username USER"), std::string::npos);
  // Every workload, a line each, from the registry.
  for (const char* line :
       {"\n  echo         echo every message back",
        "\n  unique-ids   globally unique ids",
        "\n  broadcast    gossip every broadcast",
        "\n  g-counter    a grow-only", "\n  pn-counter   a counter",
        "\n  g-set        a grow-only set"}) {
    EXPECT_NE(usage.find(line), std::string::npos) << line;
  }
  EXPECT_NE(usage.find("--topology NAME"), std::string::npos);
}

// The Gossip Glomers challenges' own commands (fly.io/dist-sys 1, 2, 3b-3e).
TEST(CliTest, GossipGlomersCommands) {
  ParsedArgs echo = Parse({"test", "-w", "echo", "--bin", "x", "--node-count",
                           "1", "--time-limit", "10"});
  ASSERT_EQ(echo.kind, ParsedArgs::kRun) << echo.error;
  EXPECT_EQ(echo.options.workload, "echo");
  ParsedArgs ids =
      Parse({"test", "-w", "unique-ids", "--bin", "x", "--time-limit", "30",
             "--rate", "1000", "--node-count", "3", "--availability", "total",
             "--nemesis", "partition"});
  ASSERT_EQ(ids.kind, ParsedArgs::kRun) << ids.error;
  EXPECT_TRUE(ids.options.driver.partition);
  ParsedArgs broadcast =
      Parse({"test", "-w", "broadcast", "--bin", "x", "--node-count", "25",
             "--time-limit", "20", "--rate", "100", "--latency", "100"});
  ASSERT_EQ(broadcast.kind, ParsedArgs::kRun) << broadcast.error;
  EXPECT_EQ(broadcast.options.driver.nodes.size(), 25u);
  ParsedArgs tree =
      Parse({"test", "-w", "broadcast", "--bin", "x", "--topology", "tree4"});
  ASSERT_EQ(tree.kind, ParsedArgs::kRun) << tree.error;
  EXPECT_EQ(tree.options.driver.workload.params.at("--topology"), "tree4");
}

}  // namespace
}  // namespace harness
