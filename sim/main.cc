// bazel run //sim -- --seed=N [flags]: one deterministic simulated Maelstrom
// test: the counter core (g-counter, pn-counter) or a workload's reference
// core (echo, unique-ids, broadcast, g-set; sim/reference_cores.h). Prints the
// seed and settings, the results block, the verdict, and on failure the command
// that replays it. With --store=DIR it also writes the run's store directory
// exactly as the harness does (DIR/<workload>/<stamp>/: index.html,
// messages.svg, timeline.html, history.edn, results.edn, history.txt,
// results.txt; and DIR/index.html listing every run), so a failing seed is
// looked at like a real run. The flags shared with the harness (Maelstrom's and
// the extensions) are parsed by sim/driver/flags.h; this file adds the
// simulator's own. Exit: 0 valid, 1 invalid, 2 unknown, 254 bad arguments, 255
// the test broke.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "sim/config.h"
#include "sim/driver/flags.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/run_record.h"
#include "sim/reference_cores.h"
#include "sim/report/window.h"
#include "sim/report/writer.h"
#include "sim/world.h"

namespace {

constexpr char kUsage[] =
    "Deterministic simulation of a Maelstrom test: -w g-counter and "
    "pn-counter run\n"
    "the counter core; echo, unique-ids, broadcast, g-set, kafka and\n"
    "txn-rw-register run small test-only reference cores (--bug=broken: "
    "their\n"
    "broken variants).\n"
    "  bazel run //sim -- --seed=7 -w broadcast --node-count 5 --topology "
    "tree3\n"
    "  bazel run //sim -- --seed=7 --profile=chaos\n"
    "  bazel run //sim -- --seed=7 --node-count 5 --latency 20 --nemesis "
    "partition,kill,pause\n"
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

// Where a relative --store points: the user's directory, also under
// `bazel run`.
std::string Absolute(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  std::string cwd;
  if (const char* d = std::getenv("BUILD_WORKING_DIRECTORY")) {
    cwd = d;
  } else {
    char buf[4096];
    cwd = getcwd(buf, sizeof buf) ? buf : ".";
  }
  return absl::StrCat(cwd, "/", path);
}

// The last non-empty line of the results block: the verdict.
std::string VerdictLine(const std::string& results) {
  std::vector<absl::string_view> lines =
      absl::StrSplit(results, '\n', absl::SkipWhitespace());
  return lines.empty() ? "" : std::string(lines.back());
}

// Writes the run's store directory; prints where it is.
int WriteStore(const std::string& root, const sim::SimConfig& config,
               const sim::RunResult& r, sim::RunRecord run,
               const report::WindowOptions& window) {
  const std::string& workload = config.workload.name;
  absl::StatusOr<std::string> dir =
      report::CreateRunDir(root, workload, absl::Now());
  if (!dir.ok()) {
    std::cout << "sim: cannot create the store: " << dir.status().message()
              << "\n";
    return 255;
  }
  const std::string history =
      sim::HistoryText(r.history, run.nemesis_ops, run.t0);
  for (auto [name, text] : {std::make_pair("history.txt", history),
                            std::make_pair("results.txt", r.results)}) {
    if (absl::Status s =
            report::WriteFileAtomically(absl::StrCat(*dir, "/", name), text);
        !s.ok()) {
      std::cout << "sim: " << s.message() << "\n";
      return 255;
    }
  }
  run.meta.workload = workload;
  run.meta.driver = "simulator";
  run.meta.seed = config.seed;
  // The wall clock, for the store's list of runs only: nothing the
  // simulation computes depends on it.
  run.meta.started = absl::Now();
  run.meta.command = sim::StoreCommand(config);
  run.meta.verdict_line = VerdictLine(r.results);
  run.meta.exit_code = r.exit_code;
  run.meta.results_text = r.results;
  run.meta.other_files = {"results.txt", "history.txt"};
  if (r.report.convergence) {
    run.results.extensions.push_back(
        {"convergence-ms",
         absl::StrCat(absl::ToDoubleMilliseconds(*r.report.convergence))});
  }
  for (const sim::Finding& f : r.report.findings)
    run.results.extensions.push_back({f.kind, f.detail});
  report::ReportOptions options;
  options.window = window;
  options.store_root = root;
  absl::StatusOr<report::WrittenReport> w =
      report::WriteRunReport(*dir, run, options);
  if (!w.ok()) {
    std::cout << "sim: report not written: " << w.status().message() << "\n";
    return 255;
  }
  std::cout << "\nmessages.svg: " << w->window.Describe() << "\n"
            << "Run:   " << *dir << "/index.html\n"
            << "Store: " << root << "/index.html\n";
  return 0;
}

std::string ProfileHelp() {
  return absl::StrCat(
      "base settings: ", absl::StrJoin(sim::ProfileNames(), ", "),
      " (default challenge)");
}

// What the command line decides: the run's config and what to do with it.
struct SimArgs {
  sim::SimConfig config = *sim::ProfileConfig("challenge");
  std::string profile = "challenge";
  bool trace = false;
  std::string store;  // absolute; "" = no store
  report::WindowOptions window;
};

// The simulator's own flags about its output: --store, the diagram's
// window, --profile, --trace.
void AddOutputFlags(sim::FlagTable& table, SimArgs& a) {
  table.Add({"--store", "", "DIR",
             "also write the run's store directory (index.html, "
             "messages.svg, timeline.html, history.edn, results.edn) under "
             "DIR, as the harness does",
             sim::FlagOrigin::kExtension, [&a](const std::string& v) {
               if (v.empty()) return std::string("must name a directory");
               a.store = Absolute(v);
               return std::string();
             }});
  table.Add({"--diagram-window", "", "FROM:TO",
             "messages.svg draws the messages sent in this span (seconds "
             "since the start; default: around the first failed check, else "
             "the first 3 s)",
             sim::FlagOrigin::kExtension, [&a](const std::string& v) {
               return report::ParseWindowFlag(v, &a.window);
             }});
  table.Add({"--diagram-messages", "", "N",
             "messages.svg draws at most N messages (default 800)",
             sim::FlagOrigin::kExtension, [&a](const std::string& v) {
               return report::ParseMaxMessagesFlag(v, &a.window);
             }});
  table.Add({"--profile", "", "NAME", ProfileHelp(),
             sim::FlagOrigin::kExtension, [&a](const std::string& v) {
               if (!sim::ProfileConfig(v)) {
                 return absl::StrCat("unknown profile; one of ",
                                     absl::StrJoin(sim::ProfileNames(), ", "));
               }
               a.profile = v;
               return std::string();
             }});
  table.Add({"--trace", "", "", "print every message, fault and node log line",
             sim::FlagOrigin::kExtension, [&a](const std::string& v) {
               a.trace = v == "true";
               return std::string();
             }});
}

// The node under test and the simulator's checks beyond Maelstrom's.
void AddNodeFlags(sim::FlagTable& table, sim::SimConfig& config) {
  table.Add({"--liveness-bound", "", "SECONDS",
             "after the heal every node's ReadValue() must be exact within "
             "this (default 10; "
             "0: off)",
             sim::FlagOrigin::kExtension, [&config](const std::string& v) {
               absl::optional<double> s = sim::ParseClojureNumber(v);
               if (!s || *s < 0)
                 return std::string("must be a non-negative number of seconds");
               config.liveness_bound =
                   absl::Milliseconds(static_cast<int64_t>(*s * 1000));
               return std::string();
             }});
  table.Add({"--strategy", "", "NAME",
             "the counter's strategy: own-keys or baseline",
             sim::FlagOrigin::kExtension, [&config](const std::string& v) {
               auto s = counter::ParseStrategy(v);
               if (!s) return std::string("must be own-keys or baseline");
               config.strategy = *s;
               return std::string();
             }});
  table.Add(
      {"--bug", "", "NAME",
       "a deliberately broken variant: none, stale-read, ack-before-durable, "
       "double-count-retry, forget-on-restart, merge-by-total (the "
       "counters); broken (the reference core of echo, unique-ids, "
       "broadcast, g-set)",
       sim::FlagOrigin::kExtension, [&config](const std::string& v) {
         config.broken_reference = v == "broken";
         if (config.broken_reference) return std::string();
         auto b = counter::ParseBug(v);
         if (!b) return std::string("unknown variant");
         config.bug = *b;
         return std::string();
       }});
  table.Add({"--dissemination", "", "NAME",
             "how our counter's nodes learn the others' totals: auto (push "
             "up to 5 nodes, relay above), push, relay, peer-keys or summary",
             sim::FlagOrigin::kExtension, [&config](const std::string& v) {
               auto d = counter::ParseDissemination(v);
               if (!d)
                 return std::string(
                     "must be auto, push, relay, peer-keys or summary");
               config.dissemination = *d;
               return std::string();
             }});
}

// Parses the command line into `a`: the profile first, then every flag in
// command-line order on top of it. An exit code when there is nothing to
// run (--help: 0; bad arguments: 254), else nullopt.
absl::optional<int> ParseArgs(const std::vector<std::string>& args,
                              SimArgs& a) {
  sim::SharedFlags shared(&a.config);
  sim::FlagTable table;
  sim::AddSharedFlags(table, shared);
  AddOutputFlags(table, a);
  AddNodeFlags(table, a.config);
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
  for (const auto& [spec, value] : cl.given) {
    if (spec->name == "--profile") {
      if (std::string why = spec->set(value); !why.empty()) {
        return BadArgs(absl::StrCat("--profile ", value, ": ", why));
      }
    }
  }
  a.config = *sim::ProfileConfig(a.profile);
  if (std::string why = sim::ApplyFlags(cl); !why.empty()) return BadArgs(why);
  if (std::string why = sim::FinishSharedFlags(shared, "."); !why.empty()) {
    return BadArgs(why);
  }
  const bool reference = sim::HasReferenceCore(a.config.workload.name);
  if (a.config.broken_reference && !reference) {
    return BadArgs(
        "--bug=broken is the reference cores' (echo, unique-ids, broadcast, "
        "g-set, kafka, txn-rw-register); the counters' variants have their "
        "own names");
  }
  if (reference && a.config.bug != counter::Bug::kNone) {
    return BadArgs(absl::StrCat(
        "--bug=", counter::BugName(a.config.bug), " is the counter's; -w ",
        a.config.workload.name, " runs a reference core: --bug=broken"));
  }
  return absl::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  SimArgs a;
  if (absl::optional<int> exit = ParseArgs({argv + 1, argv + argc}, a))
    return *exit;
  const sim::SimConfig& config = a.config;
  std::cout << "seed " << config.seed << "\n";
  std::vector<std::string> settings;
  for (const auto& [flag, value] : sim::ConfigFlags(config)) {
    settings.push_back(absl::StrCat("--", flag, "=", value));
  }
  std::cout << "profile " << config.profile << ": "
            << absl::StrJoin(settings, " ") << "\n\n";
  sim::RunRecord run;
  sim::RunResult r = sim::RunWorld(config, a.trace ? &std::cout : nullptr,
                                   nullptr, a.store.empty() ? nullptr : &run);
  if (a.trace) std::cout << "\n";
  std::cout << r.results;
  if (r.exit_code != 0) {
    std::cout << "\nrerun with: " << sim::ReplayCommand(config) << "\n";
    if (a.store.empty()) {
      std::cout << "look at it: " << sim::StoreCommand(config) << "\n";
    }
  }
  if (!a.store.empty()) {
    if (int code = WriteStore(a.store, config, r, std::move(run), a.window))
      return code;
  }
  return r.exit_code;
}
