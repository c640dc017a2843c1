// Pins the command line of maelstrom v0.2.4 (src/maelstrom/core.clj opt-spec,
// test-opt-spec, parse-node-count, opt-fn) and jepsen 0.3.7
// (jepsen/src/jepsen/cli.clj test-opt-spec, parse-nodes, parse-concurrency,
// run!, which parses with clojure.tools.cli parse-opts).
#include "sim/driver/flags.h"

#include <cstdio>
#include <fstream>

#include "gtest/gtest.h"

namespace sim {
namespace {

struct Parsed {
  DriverConfig config;
  CommandLine command_line;
  std::string error;  // parse, apply or finish
};

Parsed Parse(const std::vector<std::string>& args,
             const std::string& cwd = "/") {
  Parsed p;
  SharedFlags shared(&p.config);
  FlagTable table;
  AddSharedFlags(table, shared);
  AddIgnoredFlags(table, nullptr);
  p.command_line = ParseCommandLine(table, args);
  p.error = p.command_line.error;
  if (p.error.empty()) p.error = ApplyFlags(p.command_line);
  if (p.error.empty()) p.error = FinishSharedFlags(shared, cwd);
  return p;
}

// Pins jepsen cli.clj default-nodes and test-opt-spec defaults, maelstrom
// core.clj opt-spec defaults.
TEST(FlagsTest, DefaultsAreMaelstromsAndJepsens) {
  Parsed p = Parse({});
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.config.nodes,
            (std::vector<std::string>{"n1", "n2", "n3", "n4", "n5"}));
  EXPECT_EQ(p.config.workload.concurrency, 5);  // "1n"
  EXPECT_EQ(p.config.workload.rate, 5);
  EXPECT_EQ(p.config.workload.time_limit, absl::Seconds(60));
  EXPECT_EQ(p.config.network.latency, absl::ZeroDuration());
  EXPECT_EQ(p.config.network.latency_dist, LatencyDist::kConstant);
  EXPECT_FALSE(p.config.partition);
  EXPECT_EQ(p.config.nemesis_interval, absl::Seconds(10));
  EXPECT_FALSE(p.config.availability.has_value());
}

// Pins maelstrom core.clj parse-node-count and jepsen cli.clj parse-nodes.
TEST(FlagsTest, NodeListsMergeAsJepsenMergesThem) {
  EXPECT_EQ(Parse({"--node-count", "3"}).config.nodes,
            (std::vector<std::string>{"n0", "n1", "n2"}));
  EXPECT_EQ(Parse({"--nodes", "a, b,c"}).config.nodes,
            (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Parse({"-n", "x", "--node", "y"}).config.nodes,
            (std::vector<std::string>{"x", "y"}));
  // --node-count overrides --nodes; explicit --node values are appended.
  EXPECT_EQ(Parse({"--nodes", "a,b", "--node-count", "2", "--node", "z"})
                .config.nodes,
            (std::vector<std::string>{"n0", "n1", "z"}));
  const std::string file = ::testing::TempDir() + "/nodes.txt";
  std::ofstream(file) << "  f1\nf2  \n\n";
  EXPECT_EQ(Parse({"--nodes-file", file, "--nodes", "a"}).config.nodes,
            (std::vector<std::string>{"f1", "f2", "a"}));
  EXPECT_NE(Parse({"--nodes-file", "/no/such/file"}).error.find("cannot read"),
            std::string::npos);
}

TEST(FlagsTest, NodeIdsThatWouldCollideAreRefused) {
  EXPECT_NE(Parse({"--nodes", "a,a"}).error.find("listed twice"),
            std::string::npos);
  EXPECT_NE(Parse({"--node", "seq-kv"}).error.find("service"),
            std::string::npos);
  EXPECT_NE(Parse({"--node", "c4"}).error.find("client id"), std::string::npos);
}

// Pins jepsen cli.clj parse-concurrency and the test-opt-spec validation.
TEST(FlagsTest, ConcurrencyIsAnIntegerOrKTimesTheNodes) {
  EXPECT_EQ(Parse({"--node-count", "3", "--concurrency", "2n"})
                .config.workload.concurrency,
            6);
  EXPECT_EQ(Parse({"--node-count", "3", "--concurrency", "4"})
                .config.workload.concurrency,
            4);
  EXPECT_EQ(Parse({"--node-count", "3"}).config.workload.concurrency, 3);
  EXPECT_NE(Parse({"--concurrency", "n"}).error.find("Must be an integer"),
            std::string::npos);
  EXPECT_NE(Parse({"--concurrency", "2x"}).error.find("Must be an integer"),
            std::string::npos);
}

// Pins maelstrom core.clj opt-spec / jepsen test-opt-spec value rules.
TEST(FlagsTest, ValuesFollowMaelstromsParsers) {
  Parsed p = Parse({"-w", "pn-counter", "--rate", "100", "--time-limit", "20",
                    "--latency", "10", "--latency-dist", "exponential",
                    "--nemesis", "partition", "--nemesis-interval", "1/2",
                    "--availability", "0.9"});
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.config.workload.name, "pn-counter");
  EXPECT_EQ(p.config.workload.rate, 100);
  EXPECT_EQ(p.config.workload.time_limit, absl::Seconds(20));
  EXPECT_EQ(p.config.network.latency, absl::Milliseconds(10));
  EXPECT_EQ(p.config.network.latency_dist, LatencyDist::kExponential);
  EXPECT_TRUE(p.config.partition);
  EXPECT_EQ(p.config.nemesis_interval, absl::Milliseconds(500));
  ASSERT_TRUE(p.config.availability.has_value());
  EXPECT_DOUBLE_EQ(p.config.availability->fraction, 0.9);
  EXPECT_TRUE(Parse({"--availability", "total"}).config.availability->total);

  // --time-limit is Long/parseLong: an integer.
  EXPECT_NE(Parse({"--time-limit", "2.5"}).error.find("--time-limit 2.5"),
            std::string::npos);
  EXPECT_NE(Parse({"--time-limit", "0"}).error.find("Must be positive"),
            std::string::npos);
  EXPECT_NE(Parse({"--rate", "-1"}).error.find("Can't be negative"),
            std::string::npos);
  EXPECT_NE(Parse({"--rate", "fast"}).error.find("--rate fast"),
            std::string::npos);
  EXPECT_NE(Parse({"--latency", "-5"}).error.find("non-negative"),
            std::string::npos);
  EXPECT_NE(Parse({"--latency-dist", "normal"}).error.find("Must be constant"),
            std::string::npos);
  EXPECT_NE(Parse({"--nemesis", "partition,chaos"}).error.find("unknown fault"),
            std::string::npos);
  EXPECT_NE(Parse({"--node-count", "0"}).error.find("Must be positive"),
            std::string::npos);
  EXPECT_NE(Parse({"--availability", "2"}).error.find("between 0 and 1"),
            std::string::npos);
  EXPECT_NE(Parse({"-w", "lin-kv"}).error.find("pn-counter and g-set"),
            std::string::npos);
}

// Pins clojure.tools.cli parse-opts as jepsen cli.clj run! uses it.
TEST(FlagsTest, ToolsCliTokenizing) {
  Parsed p =
      Parse({"--rate=7", "-wpn-counter", "node-arg", "--", "--rate", "9"});
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.config.workload.rate, 7);
  EXPECT_EQ(p.config.workload.name, "pn-counter");
  EXPECT_EQ(p.command_line.positional,
            (std::vector<std::string>{"node-arg", "--rate", "9"}));
  // Unknown flags are errors wherever they are.
  EXPECT_EQ(Parse({"--bogus"}).error, "Unknown option: \"--bogus\"");
  EXPECT_EQ(Parse({"--rate", "1", "--pn_counter"}).error,
            "Unknown option: \"--pn_counter\"");
  // A flag that takes a value takes the next argument, whatever it is.
  EXPECT_NE(Parse({"--rate", "--time-limit"}).error.find("--rate --time-limit"),
            std::string::npos);
  EXPECT_NE(Parse({"--rate"}).error.find("Missing required argument"),
            std::string::npos);
  EXPECT_TRUE(Parse({"--help"}).command_line.help);
  EXPECT_TRUE(Parse({"-h", "--bogus"}).command_line.help);
}

TEST(FlagsTest, IgnoredFlagsAreAcceptedWithTheirValueRules) {
  std::vector<std::string> notes;
  DriverConfig config;
  SharedFlags shared(&config);
  FlagTable table;
  AddSharedFlags(table, shared);
  AddIgnoredFlags(table, &notes);
  CommandLine cl =
      ParseCommandLine(table, {"--topology", "tree4", "--no-ssh", "--username",
                               "me", "--key-count", "3"});
  ASSERT_EQ(cl.error, "");
  EXPECT_EQ(ApplyFlags(cl), "");
  EXPECT_EQ(notes.size(), 3u);  // --topology is broadcast's own
  EXPECT_NE(ApplyFlags(ParseCommandLine(table, {"--topology", "star"}))
                .find("Must be one of"),
            std::string::npos);
  EXPECT_NE(ApplyFlags(ParseCommandLine(table, {"--key-count", "0"}))
                .find("positive"),
            std::string::npos);
}

TEST(FlagsTest, ExtensionsAndTheirDefaults) {
  Parsed p = Parse({"--nemesis", "partition,kill,pause,kv-cut", "--loss",
                    "0.01", "--dup", "0.5", "--reorder", "1", "--seed", "42",
                    "--strict", "--client-timeout", "1.5", "--recovery-time",
                    "0", "--convergence-probe"});
  ASSERT_EQ(p.error, "");
  EXPECT_TRUE(p.config.partition && p.config.kill && p.config.pause &&
              p.config.kv_cut);
  EXPECT_EQ(p.config.network.loss_ppm, 10000u);
  EXPECT_EQ(p.config.network.duplicate_ppm, 500000u);
  EXPECT_EQ(p.config.network.reorder_ppm, 1000000u);
  EXPECT_EQ(p.config.seed, 42u);
  EXPECT_TRUE(p.config.strict);
  EXPECT_EQ(p.config.workload.client_timeout, absl::Milliseconds(1500));
  EXPECT_EQ(p.config.workload.final_sleep, absl::ZeroDuration());
  EXPECT_EQ(p.config.probe_interval, absl::Milliseconds(100));
  EXPECT_EQ(p.config.FaultInterval(), absl::Seconds(10))
      << "defaults to --nemesis-interval";
  EXPECT_EQ(Parse({"--fault-interval", "2"}).config.FaultInterval(),
            absl::Seconds(2));
  EXPECT_FALSE(Parse({"--strict=false"}).config.strict);
  EXPECT_NE(Parse({"--strict=yes"}).error.find("takes no value"),
            std::string::npos);
  EXPECT_FALSE(Parse({"--nemesis", "none"}).config.partition);
}

TEST(FlagsTest, HelpMarksEveryOrigin) {
  DriverConfig config;
  SharedFlags shared(&config);
  FlagTable table;
  AddSharedFlags(table, shared);
  AddIgnoredFlags(table, nullptr);
  const std::string help = table.Help();
  const size_t maelstrom =
      help.find("Maelstrom 0.2.4 and Jepsen 0.3.7 options");
  const size_t extensions = help.find("EXTENSIONS");
  const size_t ignored = help.find("without effect here");
  ASSERT_NE(maelstrom, std::string::npos);
  ASSERT_NE(extensions, std::string::npos);
  ASSERT_NE(ignored, std::string::npos);
  EXPECT_LT(help.find("--node-count NUM"), extensions);
  EXPECT_GT(help.find("--strict"), extensions);
  EXPECT_GT(help.find("--topology SPEC"), ignored);
  EXPECT_NE(help.find("-w, --workload NAME"), std::string::npos);
}

// A workload's own flags (maelstrom core.clj opt-spec: --topology and the
// like are global options, read by the workloads that use them): defined
// once whatever workload defines them, checked, handed to the workload in
// config.workload.params, and no longer in the ignored list.
TEST(FlagsTest, WorkloadsBringTheirOwnFlags) {
  WorkloadSpec broadcast;
  broadcast.name = "broadcast-like";
  broadcast.flags.push_back({"--topology", "SPEC", "grid | line (default grid)",
                             [](const std::string& v) -> std::string {
                               return v == "grid" || v == "line"
                                          ? ""
                                          : "Must be grid or line";
                             }});
  WorkloadSpec another = broadcast;  // the same flag twice: defined once
  DriverConfig config;
  std::vector<std::string> ignored;
  FlagTable table;
  AddWorkloadFlags(table, &config, {&broadcast, &another});
  AddIgnoredFlags(table, &ignored);
  ASSERT_NE(table.Find("--topology"), nullptr);
  EXPECT_EQ(table.Find("--topology")->origin, FlagOrigin::kMaelstrom);
  EXPECT_EQ(ApplyFlags(ParseCommandLine(table, {"--topology", "line"})), "");
  EXPECT_EQ(config.workload.params.at("--topology"), "line");
  EXPECT_TRUE(ignored.empty()) << "--topology is the workload's now";
  EXPECT_EQ(ApplyFlags(ParseCommandLine(table, {"--topology", "tree"})),
            "--topology tree: Must be grid or line");
  EXPECT_EQ(ApplyFlags(ParseCommandLine(table, {"--key-count", "3"})), "");
  EXPECT_EQ(ignored.size(), 1u) << "the others are still ignored";
}

// -w takes the registry's names, and FinishSharedFlags lets the workload's
// factory judge its values.
TEST(FlagsTest, WorkloadNamesComeFromTheRegistry) {
  EXPECT_EQ(Parse({"-w", "g-counter"}).config.workload.name, "g-counter");
  EXPECT_EQ(Parse({"-w", "lin-kv"}).error,
            "--workload lin-kv: this emulation runs the echo, unique-ids, "
            "broadcast, g-counter, pn-counter and g-set workloads only");
}

TEST(FlagsTest, ValueGrammars) {
  EXPECT_EQ(ParseJavaLong("+12"), 12);
  EXPECT_EQ(ParseJavaLong("-3"), -3);
  EXPECT_FALSE(ParseJavaLong("1.0").has_value());
  EXPECT_FALSE(ParseJavaLong(" 1").has_value());
  EXPECT_FALSE(ParseJavaLong("99999999999999999999").has_value());
  EXPECT_EQ(ParseClojureNumber("0.5"), 0.5);
  EXPECT_EQ(ParseClojureNumber("3/4"), 0.75);
  EXPECT_EQ(ParseClojureNumber("2"), 2.0);
  EXPECT_FALSE(ParseClojureNumber("1/0").has_value());
  EXPECT_FALSE(ParseClojureNumber(".5").has_value());
  EXPECT_FALSE(ParseClojureNumber("nan").has_value());
}

}  // namespace
}  // namespace sim
