// bazel run //sim -- --seed=N [flags]: one deterministic simulated Maelstrom
// g-counter test of the counter core. Prints the seed and settings, the
// results block, the verdict, and on failure the command that replays it.
// Exit: 0 valid, 1 invalid, 254 bad arguments, 255 harness broke.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "sim/config.h"
#include "sim/world.h"

ABSL_FLAG(uint64_t, seed, 1, "Run seed: every random choice derives from it.");
ABSL_FLAG(std::string, profile, "challenge",
          "Base settings: challenge (3 nodes, rate 100, 20 s, partitions), chaos "
          "(5 nodes, 10 ms exponential latency, partitions + every extension), single "
          "(1 node), large (25 nodes + chaos faults), high-rate (rate 1000), pn "
          "(pn-counter). Flags given explicitly override the profile.");
ABSL_FLAG(std::string, workload, "g-counter", "g-counter or pn-counter (-w works too).");
ABSL_FLAG(int, node_count, 3, "Number of nodes n0..n(N-1).");
ABSL_FLAG(int, concurrency, 3, "Client threads; thread i talks to node i mod N. "
          "Defaults to the node count.");
ABSL_FLAG(double, rate, 100, "Client operations per second (all threads).");
ABSL_FLAG(double, time_limit, 20, "Seconds of client operations before healing.");
ABSL_FLAG(int, latency, 0, "Mean node<->node and node<->seq-kv latency, ms.");
ABSL_FLAG(std::string, latency_dist, "constant", "constant, uniform or exponential.");
ABSL_FLAG(std::string, nemesis, "partition", "partition or none (Maelstrom's).");
ABSL_FLAG(double, nemesis_interval, 10, "Mean seconds between partition start/stop.");
ABSL_FLAG(bool, kill, false, "EXTENSION: kill and restart nodes (memory lost, seq-kv kept).");
ABSL_FLAG(bool, pause, false, "EXTENSION: pause nodes for 0.1-0.8 s.");
ABSL_FLAG(bool, kv_cut, false, "EXTENSION: cut a node's seq-kv requests and/or replies.");
ABSL_FLAG(double, fault_interval, 5, "EXTENSION: mean seconds between kill/pause/cut steps.");
ABSL_FLAG(double, loss, 0, "EXTENSION: fraction of node<->node/seq-kv messages lost.");
ABSL_FLAG(double, dup, 0, "EXTENSION: fraction of those messages duplicated.");
ABSL_FLAG(double, reorder, 0, "EXTENSION: fraction delayed by up to 100 ms extra.");
ABSL_FLAG(double, liveness_bound, 10, "EXTENSION: seconds after heal within which every "
          "node must read the exact total (0: off).");
ABSL_FLAG(bool, busy_loop_fails, true, "A node that asks to be woken at the same "
          "instant over and over (a CPU spin) fails the run; false: report and go on.");
ABSL_FLAG(std::string, strategy, "own-keys", "Counter strategy: own-keys or baseline.");
ABSL_FLAG(std::string, bug, "none", "Deliberately broken variant: none, stale-read, "
          "ack-before-durable, double-count-retry, forget-on-restart, merge-by-total.");
ABSL_FLAG(std::string, dissemination, "auto", "How our counter's nodes learn "
          "the others' totals: auto, peer-keys or summary.");
ABSL_FLAG(bool, trace, false, "Print every message, fault and node log line.");

namespace {

// Flag names given on the command line ("node-count", "kill", ...), so that
// they override the profile and the rest come from it.
std::set<std::string> GivenFlags(int argc, char** argv) {
  std::set<std::string> given;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (!absl::ConsumePrefix(&arg, "--")) continue;
    arg = arg.substr(0, arg.find('='));
    std::string name(arg);
    for (char& c : name) c = c == '_' ? '-' : c;
    if (absl::StartsWith(name, "no") && name != "nemesis" && name != "node-count" &&
        name != "nemesis-interval") {
      name = name.substr(2);
    }
    given.insert(name);
  }
  return given;
}

int BadArgs(const std::string& why) {
  std::cerr << "sim: " << why << " (see --help)\n";
  return 254;
}

uint64_t Ppm(double fraction) { return static_cast<uint64_t>(fraction * 1e6 + 0.5); }

}  // namespace

int main(int argc, char** argv) {
  // Maelstrom spells the workload flag -w.
  std::vector<std::string> args(argv, argv + argc);
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "-w") args[i] = "--workload";
    if (absl::StartsWith(args[i], "-w=")) args[i] = "--workload=" + args[i].substr(3);
    // Maelstrom spells flags with dashes (--node-count); Abseil wants
    // underscores in flag names. Values keep their dashes.
    if (absl::StartsWith(args[i], "--")) {
      size_t end = std::min(args[i].find('='), args[i].size());
      for (size_t k = 2; k < end; ++k) {
        if (args[i][k] == '-') args[i][k] = '_';
      }
    }
  }
  std::vector<char*> cargs;
  for (std::string& a : args) cargs.push_back(&a[0]);
  int cargc = static_cast<int>(cargs.size());
  // --help lists this file's flags (Abseil's default looks for <program>.cc).
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [](absl::string_view file) {
    return absl::EndsWith(file, "sim/main.cc");
  };
  absl::SetFlagsUsageConfig(usage);
  absl::SetProgramUsageMessage(
      "Deterministic simulation of Maelstrom's g-counter test against the counter core.\n"
      "  bazel run //sim -- --seed=7 --profile=chaos\n"
      "Same seed and flags give byte-identical output. Flags may be spelled with\n"
      "dashes as in Maelstrom (--node-count, -w pn-counter). Settings not given come\n"
      "from --profile (the defaults below are the challenge profile's).\n"
      "Exit: 0 valid, 1 invalid, 254 bad arguments, 255 the harness broke.");
  // Unknown flags are bad arguments (Maelstrom's exit 254), not exit 1,
  // which means "invalid".
  for (int i = 1; i < cargc; ++i) {
    absl::string_view arg = cargs[i];
    if (!absl::ConsumePrefix(&arg, "--") || arg.empty()) continue;
    std::string name(arg.substr(0, arg.find('=')));
    static const std::set<std::string> kBuiltin = {
        "help", "helpfull", "helpshort", "helppackage", "helpon", "helpmatch",
        "version", "only_check_args", "flagfile", "fromenv", "tryfromenv", "undefok"};
    if (kBuiltin.count(name) == 0 && absl::FindCommandLineFlag(name) == nullptr &&
        !(absl::StartsWith(name, "no") && absl::FindCommandLineFlag(name.substr(2)))) {
      return BadArgs(absl::StrCat("unknown flag --", name));
    }
  }
  absl::ParseCommandLine(cargc, cargs.data());
  const std::set<std::string> given = GivenFlags(cargc, cargs.data());
  auto has = [&](const char* name) { return given.count(name) > 0; };

  absl::optional<sim::SimConfig> base = sim::ProfileConfig(absl::GetFlag(FLAGS_profile));
  if (!base) {
    return BadArgs(absl::StrCat("unknown --profile; one of ",
                                absl::StrJoin(sim::ProfileNames(), ", ")));
  }
  sim::SimConfig c = *base;
  c.seed = absl::GetFlag(FLAGS_seed);
  if (has("workload")) {
    std::string w = absl::GetFlag(FLAGS_workload);
    if (w != "g-counter" && w != "pn-counter") return BadArgs("unknown --workload");
    c.workload.pn_counter = w == "pn-counter";
  }
  if (has("node-count")) {
    c.node_count = absl::GetFlag(FLAGS_node_count);
    if (c.node_count < 1 || c.node_count > 100) return BadArgs("--node-count must be 1..100");
    c.workload.concurrency = c.node_count;
  }
  if (has("concurrency")) c.workload.concurrency = absl::GetFlag(FLAGS_concurrency);
  if (c.workload.concurrency < 1) return BadArgs("--concurrency must be >= 1");
  if (has("rate")) c.workload.rate = absl::GetFlag(FLAGS_rate);
  if (c.workload.rate <= 0) return BadArgs("--rate must be > 0");
  if (has("time-limit")) c.workload.time_limit = absl::Seconds(absl::GetFlag(FLAGS_time_limit));
  if (has("latency")) c.network.latency = absl::Milliseconds(absl::GetFlag(FLAGS_latency));
  if (has("latency-dist")) {
    auto d = sim::ParseLatencyDist(absl::GetFlag(FLAGS_latency_dist));
    if (!d) return BadArgs("unknown --latency-dist");
    c.network.latency_dist = *d;
  }
  if (has("nemesis")) {
    std::string n = absl::GetFlag(FLAGS_nemesis);
    if (n != "partition" && n != "none" && !n.empty()) return BadArgs("unknown --nemesis");
    c.partition = n == "partition";
  }
  if (has("nemesis-interval")) {
    c.nemesis_interval = absl::Seconds(absl::GetFlag(FLAGS_nemesis_interval));
  }
  if (has("kill")) c.kill = absl::GetFlag(FLAGS_kill);
  if (has("pause")) c.pause = absl::GetFlag(FLAGS_pause);
  if (has("kv-cut")) c.kv_cut = absl::GetFlag(FLAGS_kv_cut);
  if (has("fault-interval")) c.fault_interval = absl::Seconds(absl::GetFlag(FLAGS_fault_interval));
  if (has("loss")) c.network.loss_ppm = Ppm(absl::GetFlag(FLAGS_loss));
  if (has("dup")) c.network.duplicate_ppm = Ppm(absl::GetFlag(FLAGS_dup));
  if (has("reorder")) c.network.reorder_ppm = Ppm(absl::GetFlag(FLAGS_reorder));
  if (has("liveness-bound")) {
    c.liveness_bound = absl::Seconds(absl::GetFlag(FLAGS_liveness_bound));
  }
  if (has("busy-loop-fails")) c.busy_loop_fails = absl::GetFlag(FLAGS_busy_loop_fails);
  if (has("strategy")) {
    auto s = counter::ParseStrategy(absl::GetFlag(FLAGS_strategy));
    if (!s) return BadArgs("unknown --strategy");
    c.strategy = *s;
  }
  if (has("dissemination")) {
    auto d = counter::ParseDissemination(absl::GetFlag(FLAGS_dissemination));
    if (!d) return BadArgs("unknown --dissemination");
    c.dissemination = *d;
  }
  if (has("bug")) {
    auto b = counter::ParseBug(absl::GetFlag(FLAGS_bug));
    if (!b) return BadArgs("unknown --bug");
    c.bug = *b;
  }

  std::cout << "seed " << c.seed << "\n";
  std::vector<std::string> settings;
  for (const auto& [flag, value] : sim::ConfigFlags(c)) {
    settings.push_back(absl::StrCat("--", flag, "=", value));
  }
  std::cout << "profile " << c.profile << ": " << absl::StrJoin(settings, " ") << "\n\n";
  sim::RunResult r = sim::RunWorld(c, absl::GetFlag(FLAGS_trace) ? &std::cout : nullptr);
  if (absl::GetFlag(FLAGS_trace)) std::cout << "\n";
  std::cout << r.results;
  if (r.exit_code != 0) {
    std::cout << "\nrerun with: " << sim::ReplayCommand(c) << "\n";
  }
  return r.exit_code;
}
