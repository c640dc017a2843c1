// bazel run //sim -- --seed=N [flags]: one deterministic simulated Maelstrom
// g-counter test of the counter core. Prints the seed and settings, the
// results block, the verdict, and on failure the command that replays it.
// The flags shared with the harness (Maelstrom's and the extensions) are
// parsed by sim/flags.h; this file adds the simulator's own.
// Exit: 0 valid, 1 invalid, 2 unknown, 254 bad arguments, 255 the test broke.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sim/config.h"
#include "sim/flags.h"
#include "sim/world.h"

namespace {

constexpr char kUsage[] =
    "Deterministic simulation of Maelstrom's g-counter test against the "
    "counter core.\n"
    "  bazel run //sim -- --seed=7 --profile=chaos\n"
    "  bazel run //sim -- --seed=7 --node-count 5 --latency 20 --nemesis "
    "partition,kill\n"
    "Same seed and flags give byte-identical output. Settings not given come "
    "from\n"
    "--profile (challenge: 3 nodes, rate 100, 20 s, partitions). The verdict "
    "is\n"
    "Maelstrom's; EXTENSION findings (liveness, busy loops, invalid lines) "
    "fail the\n"
    "run only with --strict. Exit: 0 valid, 1 invalid, 2 unknown, 254 bad "
    "arguments,\n"
    "255 the test broke.\n\n";

int BadArgs(const std::string& why) {
  std::cerr << "sim: " << why << " (see --help)\n";
  return 254;
}

std::string ProfileHelp() {
  return absl::StrCat(
      "base settings: ", absl::StrJoin(sim::ProfileNames(), ", "),
      " (default challenge)");
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  sim::SimConfig config = *sim::ProfileConfig("challenge");
  sim::SharedFlags shared(&config);
  sim::FlagTable table;
  sim::AddSharedFlags(table, shared);
  std::string profile = "challenge";
  bool trace = false;
  table.Add({"--profile", "", "NAME", ProfileHelp(),
             sim::FlagOrigin::kExtension,
             [&profile](const std::string& v) -> std::string {
               if (!sim::ProfileConfig(v)) {
                 return absl::StrCat("unknown profile; one of ",
                                     absl::StrJoin(sim::ProfileNames(), ", "));
               }
               profile = v;
               return "";
             }});
  table.Add({"--trace", "", "", "print every message, fault and node log line",
             sim::FlagOrigin::kExtension,
             [&trace](const std::string& v) -> std::string {
               trace = v == "true";
               return "";
             }});
  table.Add({"--liveness-bound", "", "SECONDS",
             "after the heal every node's ReadValue() must be exact within "
             "this (default 10; "
             "0: off)",
             sim::FlagOrigin::kExtension,
             [&config](const std::string& v) -> std::string {
               absl::optional<double> s = sim::ParseClojureNumber(v);
               if (!s || *s < 0)
                 return "must be a non-negative number of seconds";
               config.liveness_bound =
                   absl::Milliseconds(static_cast<int64_t>(*s * 1000));
               return "";
             }});
  table.Add({"--strategy", "", "NAME",
             "the counter's strategy: own-keys or baseline",
             sim::FlagOrigin::kExtension,
             [&config](const std::string& v) -> std::string {
               auto s = counter::ParseStrategy(v);
               if (!s) return "must be own-keys or baseline";
               config.strategy = *s;
               return "";
             }});
  table.Add(
      {"--bug", "", "NAME",
       "a deliberately broken variant: none, stale-read, ack-before-durable, "
       "double-count-retry, forget-on-restart, merge-by-total",
       sim::FlagOrigin::kExtension,
       [&config](const std::string& v) -> std::string {
         auto b = counter::ParseBug(v);
         if (!b) return "unknown variant";
         config.bug = *b;
         return "";
       }});
  table.Add({"--dissemination", "", "NAME",
             "how our counter's nodes learn the others' totals: auto, "
             "peer-keys or summary",
             sim::FlagOrigin::kExtension,
             [&config](const std::string& v) -> std::string {
               auto d = counter::ParseDissemination(v);
               if (!d) return "must be auto, peer-keys or summary";
               config.dissemination = *d;
               return "";
             }});

  sim::CommandLine cl = sim::ParseCommandLine(table, args);
  if (cl.help) {
    std::cout << kUsage << table.Help();
    return 0;
  }
  if (!cl.error.empty()) return BadArgs(cl.error);
  if (!cl.positional.empty()) {
    return BadArgs(absl::StrCat("unexpected argument \"", cl.positional.front(),
                                "\" (the simulator runs no node binary)"));
  }
  // The profile first, then every flag in command-line order on top of it.
  for (const auto& [spec, value] : cl.given) {
    if (spec->name == "--profile") {
      if (std::string why = spec->set(value); !why.empty()) {
        return BadArgs(absl::StrCat("--profile ", value, ": ", why));
      }
    }
  }
  config = *sim::ProfileConfig(profile);
  if (std::string why = sim::ApplyFlags(cl); !why.empty()) return BadArgs(why);
  if (std::string why = sim::FinishSharedFlags(shared, "."); !why.empty()) {
    return BadArgs(why);
  }

  std::cout << "seed " << config.seed << "\n";
  std::vector<std::string> settings;
  for (const auto& [flag, value] : sim::ConfigFlags(config)) {
    settings.push_back(absl::StrCat("--", flag, "=", value));
  }
  std::cout << "profile " << config.profile << ": "
            << absl::StrJoin(settings, " ") << "\n\n";
  sim::RunResult r = sim::RunWorld(config, trace ? &std::cout : nullptr);
  if (trace) std::cout << "\n";
  std::cout << r.results;
  if (r.exit_code != 0) {
    std::cout << "\nrerun with: " << sim::ReplayCommand(config) << "\n";
  }
  return r.exit_code;
}
