// One command-line parser for both binaries (//sim and //testing:maelstrom),
// and the one place the flags they share are defined: Maelstrom v0.2.4's
// `test` options (core.clj opt-spec, test-opt-spec) and Jepsen 0.3.7's
// (cli.clj test-opt-spec), with their names, value rules and defaults, plus
// this project's EXTENSIONS, each marked as such in --help.
//
// Parsing follows clojure.tools.cli parse-opts as Jepsen's cli.clj run! uses
// it: `--flag value` or `--flag=value`; a short flag `-w value` or `-wvalue`;
// a flag that takes a value consumes the next argument whatever it looks
// like; anything else that starts with '-' and is not a known flag is an
// error (exit 254); other arguments, and everything after `--`, are
// positional (Maelstrom passes them to the node binary).
//
//   sim::DriverConfig config;                 // Maelstrom's defaults
//   sim::SharedFlags shared{&config};
//   sim::FlagTable table;
//   sim::AddSharedFlags(table, shared);
//   sim::CommandLine cl = sim::ParseCommandLine(table, {"--node-count", "3",
//                                                       "--concurrency",
//                                                       "2n"});
//   std::string error = sim::ApplyFlags(cl);            // "" when fine
//   error = sim::FinishSharedFlags(shared, "/home/me");  // nodes, concurrency
//   config.nodes == {"n0", "n1", "n2"};  config.workload.concurrency == 6
#ifndef SIM_DRIVER_FLAGS_H_
#define SIM_DRIVER_FLAGS_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "sim/driver/driver_config.h"
#include "sim/maelstrom/workload.h"

namespace sim {

enum class FlagOrigin {
  kMaelstrom,  // maelstrom core.clj opt-spec / test-opt-spec
  kJepsen,     // jepsen cli.clj test-opt-spec
  kExtension,  // this project's; not in Maelstrom
  kIgnored,    // accepted as Maelstrom/Jepsen accept it, but means nothing here
};

struct FlagSpec {
  std::string name;        // "--node-count"
  std::string short_name;  // "-w", or ""
  std::string arg;         // value placeholder ("NUM"); "" for a switch
  std::string help;        // one line; says the default
  FlagOrigin origin = FlagOrigin::kExtension;
  // Sets the value; returns why it is bad, or "". A switch receives "true"
  // (or the "=true"/"=false" it was given).
  std::function<std::string(const std::string& value)> set;
};

class FlagTable {
 public:
  void Add(FlagSpec spec);
  const FlagSpec* Find(absl::string_view name) const;  // long or short name
  const std::vector<FlagSpec>& specs() const { return specs_; }
  // The options, grouped: Maelstrom and Jepsen's, then EXTENSIONS, then
  // the accepted-but-ignored ones.
  std::string Help() const;

 private:
  std::vector<FlagSpec> specs_;
};

struct CommandLine {
  std::vector<std::pair<const FlagSpec*, std::string>> given;  // in order
  std::vector<std::string> positional;
  bool help = false;  // -h / --help (Jepsen prints the usage, exit 0)
  std::string error;  // the first error; non-empty means exit 254
  bool Given(absl::string_view name) const;
};

CommandLine ParseCommandLine(const FlagTable& table,
                             const std::vector<std::string>& args);
// Runs the setters in command-line order; "" or the first error, naming the
// flag and value ("--rate fast: must be a number").
std::string ApplyFlags(const CommandLine& command_line);

// What the shared flags write, and what FinishSharedFlags resolves.
struct SharedFlags {
  explicit SharedFlags(DriverConfig* c) : config(c) {}
  DriverConfig* config;
  absl::optional<int> node_count;                  // --node-count
  absl::optional<std::vector<std::string>> nodes;  // --nodes
  std::vector<std::string> node;                   // -n/--node, repeated
  absl::optional<std::string> nodes_file;          // --nodes-file
  absl::optional<std::string> concurrency;         // --concurrency
  bool workload_given = false;
  bool seed_given = false;
};

// The flags both binaries take: -w/--workload (the registry's names,
// sim/workloads/registry.h), --node-count, -n/--node, --nodes, --nodes-file,
// --concurrency, --rate, --time-limit, --latency, --latency-dist, --nemesis,
// --nemesis-interval, --availability, the workloads' own flags
// (AddWorkloadFlags); EXTENSIONS --seed, --fault-interval, --loss, --dup,
// --reorder, --client-timeout, --recovery-time, --convergence-probe,
// --strict.
void AddSharedFlags(FlagTable& table, SharedFlags& shared);
// The workloads' own flags (WorkloadSpec::flags, Maelstrom's names: every
// workload's, as Maelstrom accepts them all whatever -w says), each once;
// a value that passes its check goes to config->workload.params[name].
// AddSharedFlags adds the registry's (workloads::All()).
void AddWorkloadFlags(FlagTable& table, DriverConfig* config,
                      const std::vector<const WorkloadSpec*>& specs);
// Maelstrom and Jepsen flags that make no sense here (SSH, the knobs of
// workloads not emulated, --leave-db-running, --logging-json): accepted with
// their value rules, and noted in `ignored` ("--topology: broadcast only").
// A flag a workload already defined is skipped.
void AddIgnoredFlags(FlagTable& table, std::vector<std::string>* ignored);

// Jepsen cli.clj parse-nodes after Maelstrom core.clj parse-node-count:
// nodes = nodes-file ++ (--node-count's n0.. or --nodes) ++ --node values,
// where --node's default (n1..n5) is dropped when either of the others is
// given. Nothing given: config->nodes stays as it was (Jepsen's defaults for
// the harness, the profile's nodes in the simulator). Then parse-concurrency
// ("3n" = 3 x nodes; absent = "1n"). Relative --nodes-file paths resolve
// against `cwd`. Returns "" or why the result is unusable (duplicate or
// reserved node names: a service's name, or c<digits> which Maelstrom uses
// for clients; more than kMaxNodes nodes; a workload whose factory rejects
// its flags' values).
inline constexpr int kMaxNodes = 1000;
std::string FinishSharedFlags(SharedFlags& shared, const std::string& cwd);

// Value grammars, exposed for tests. Java's Long.parseLong: [+-]digits.
absl::optional<int64_t> ParseJavaLong(absl::string_view text);
// Clojure's read-string for a positive number: an integer, a decimal or a
// ratio "1/2".
absl::optional<double> ParseClojureNumber(absl::string_view text);

}  // namespace sim

#endif  // SIM_DRIVER_FLAGS_H_
