#include "testing/cli.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sim/driver/flags.h"
#include "sim/workloads/registry.h"

namespace harness {
namespace {

std::string Absolute(const std::string& path, const std::string& cwd) {
  if (path.empty() || path[0] == '/') return path;
  return absl::StrCat(cwd, "/", path);
}

ParsedArgs Error(std::string message) {
  ParsedArgs p;
  p.kind = ParsedArgs::kError;
  p.error = std::move(message);
  return p;
}

void AddOutputFlags(sim::FlagTable& table, HarnessOptions& o);

// The whole `test` flag table: shared, harness-only, ignored.
void AddHarnessFlags(sim::FlagTable& table, sim::SharedFlags& shared,
                     HarnessOptions& o) {
  sim::AddSharedFlags(table, shared);
  table.Add(
      {"--bin", "", "FILE", "the node binary (relative: your cwd); required",
       sim::FlagOrigin::kMaelstrom, [&o](const std::string& v) -> std::string {
         o.bin = v;
         return "";
       }});
  table.Add({"--log-stderr", "", "",
             "echo the nodes' stderr, prefixed with the node id",
             sim::FlagOrigin::kMaelstrom,
             [&o](const std::string& v) -> std::string {
               o.log_stderr = v == "true";
               return "";
             }});
  table.Add({"--log-net-send", "", "", "print every message as it is sent",
             sim::FlagOrigin::kMaelstrom,
             [&o](const std::string& v) -> std::string {
               o.log_net_send = v == "true";
               return "";
             }});
  table.Add({"--log-net-recv", "", "", "print every message as it is delivered",
             sim::FlagOrigin::kMaelstrom,
             [&o](const std::string& v) -> std::string {
               o.log_net_recv = v == "true";
               return "";
             }});
  table.Add({"--test-count", "", "NUMBER",
             "run the test this many times; stop at the first that is not "
             "valid (default 1)",
             sim::FlagOrigin::kJepsen,
             [&o](const std::string& v) -> std::string {
               absl::optional<int64_t> n = sim::ParseJavaLong(v);
               if (!n || *n <= 0) return "Must be positive";
               if (*n > 10000) return "at most 10000 here";
               o.test_count = static_cast<int>(*n);
               return "";
             }});
  table.Add({"--max-line-bytes", "", "BYTES",
             "a node's stdout line longer than this stops the run as a "
             "harness error, exit 255 (default 1073741824, 1 GiB; Maelstrom "
             "reads lines of any length)",
             sim::FlagOrigin::kExtension,
             [&o](const std::string& v) -> std::string {
               absl::optional<int64_t> n = sim::ParseJavaLong(v);
               if (!n || *n < 1024) return "Must be at least 1024";
               if (*n > (int64_t{1} << 40)) return "at most 2^40 here";
               o.max_line_bytes = static_cast<size_t>(*n);
               return "";
             }});
  AddOutputFlags(table, o);
  sim::AddIgnoredFlags(table, &o.ignored);
}

// Where the results go and what messages.svg draws.
void AddOutputFlags(sim::FlagTable& table, HarnessOptions& o) {
  table.Add({"--store", "", "DIR", "where results go (default ./store)",
             sim::FlagOrigin::kExtension,
             [&o](const std::string& v) -> std::string {
               o.store_root = v;
               return "";
             }});
  table.Add({"--diagram-window", "", "FROM:TO",
             "messages.svg draws the messages sent in this span (seconds "
             "since the start; default: around the first failed check, else "
             "the first 3 s)",
             sim::FlagOrigin::kExtension, [&o](const std::string& v) {
               return report::ParseWindowFlag(v, &o.diagram);
             }});
  table.Add({"--diagram-messages", "", "N",
             "messages.svg draws at most N messages (default 800)",
             sim::FlagOrigin::kExtension, [&o](const std::string& v) {
               return report::ParseMaxMessagesFlag(v, &o.diagram);
             }});
}

// Jepsen cli.clj serve-cmd: -b/--host, -p/--port; and --store.
void AddServeFlags(sim::FlagTable& table, ServeOptions& o) {
  table.Add({"--help", "-h", "", "print this message and exit",
             sim::FlagOrigin::kJepsen,
             [](const std::string&) { return std::string(); }});
  table.Add({"--host", "-b", "HOST",
             "hostname or address to bind to (default localhost; Jepsen's "
             "is 0.0.0.0: pass -b 0.0.0.0 to serve other machines)",
             sim::FlagOrigin::kJepsen,
             [&o](const std::string& v) -> std::string {
               if (v.empty()) return "Must not be empty";
               o.host = v;
               return "";
             }});
  table.Add({"--port", "-p", "NUMBER",
             "port number to bind to (default 8080; 0, an EXTENSION: any "
             "free port, printed)",
             sim::FlagOrigin::kJepsen,
             [&o](const std::string& v) -> std::string {
               absl::optional<int64_t> n = sim::ParseJavaLong(v);
               if (!n) return "Must be a number";
               if (*n < 0) return "Must be positive";
               if (*n > 65535) return "Must be at most 65535";
               o.port = static_cast<int>(*n);
               return "";
             }});
  table.Add({"--store", "", "DIR",
             "the store to serve (relative: your cwd; default ./store, "
             "where `maelstrom test` writes)",
             sim::FlagOrigin::kExtension,
             [&o](const std::string& v) -> std::string {
               if (v.empty()) return "Must not be empty";
               o.store_root = v;
               return "";
             }});
}

ParsedArgs ParseServeArgs(const std::vector<std::string>& args,
                          const std::string& user_cwd) {
  ParsedArgs p;
  sim::FlagTable table;
  AddServeFlags(table, p.serve);
  sim::CommandLine cl = sim::ParseCommandLine(
      table, std::vector<std::string>(args.begin() + 1, args.end()));
  if (cl.help) {
    p.kind = ParsedArgs::kHelp;
    p.help = ServeUsageText();
    return p;
  }
  if (!cl.error.empty()) return Error(cl.error);
  if (!cl.positional.empty()) {
    return Error(absl::StrCat("serve takes no arguments, got \"",
                              cl.positional[0], "\""));
  }
  if (std::string why = sim::ApplyFlags(cl); !why.empty()) return Error(why);
  p.serve.store_root = Absolute(
      p.serve.store_root.empty() ? "store" : p.serve.store_root, user_cwd);
  p.kind = ParsedArgs::kServe;
  return p;
}

}  // namespace

ParsedArgs ParseArgs(const std::vector<std::string>& args,
                     const std::string& user_cwd) {
  ParsedArgs p;
  HarnessOptions& o = p.options;
  if (args.empty()) {
    return Error("expected a command: test or serve (see --help)");
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    p.kind = ParsedArgs::kHelp;
    p.help = UsageText();
    return p;
  }
  if (args[0] == "serve") return ParseServeArgs(args, user_cwd);
  if (args[0] != "test") {
    // Jepsen cli.clj run!: an unknown command prints the commands, exit 254.
    return Error(absl::StrCat("unknown command \"", args[0],
                              "\"; the commands are test and serve (see "
                              "--help)"));
  }
  sim::SharedFlags shared(&o.driver);
  sim::FlagTable table;
  AddHarnessFlags(table, shared, o);
  sim::CommandLine cl = sim::ParseCommandLine(
      table, std::vector<std::string>(args.begin() + 1, args.end()));
  if (cl.help) {
    p.kind = ParsedArgs::kHelp;
    p.help = UsageText();
    return p;
  }
  if (!cl.error.empty()) {
    return Error(absl::StrCat(
        cl.error,
        " (as in Maelstrom, arguments for the node binary go after "
        "-- or are plain arguments)"));
  }
  if (std::string why = sim::ApplyFlags(cl); !why.empty()) return Error(why);
  if (std::string why = sim::FinishSharedFlags(shared, user_cwd);
      !why.empty()) {
    return Error(why);
  }
  // Maelstrom core.clj test-opt-spec: --bin is :missing "Expected a --bin
  // PATH_TO_BINARY to test"; -w defaults to lin-kv, which is not here.
  if (o.bin.empty()) return Error("Expected a --bin PATH_TO_BINARY to test");
  if (!shared.workload_given) {
    return Error(
        absl::StrCat("-w/--workload is required here: Maelstrom's default "
                     "workload is lin-kv, which this harness does not "
                     "emulate (use -w ",
                     workloads::Names(), ")"));
  }
  o.workload = o.driver.workload.name;
  o.seed_given = shared.seed_given;
  o.bin_args = cl.positional;
  o.bin = Absolute(o.bin, user_cwd);
  o.store_root =
      Absolute(o.store_root.empty() ? "store" : o.store_root, user_cwd);
  p.kind = ParsedArgs::kRun;
  return p;
}

std::string UsageText() {
  HarnessOptions o;
  sim::SharedFlags shared(&o.driver);
  sim::FlagTable table;
  AddHarnessFlags(table, shared, o);
  std::string workload_lines;
  for (const sim::WorkloadSpec* spec : workloads::All()) {
    absl::StrAppend(&workload_lines,
                    absl::StrFormat("  %-12s %s\n", spec->name, spec->summary));
  }
  return absl::StrCat(
      "maelstrom: Maelstrom 0.2.4's tests for real node binaries, without a "
      "JVM.\n"
      "Same flags, traffic, verdict line and exit codes as Maelstrom; "
      "anything\n"
      "beyond it is an EXTENSION, labelled as such.\n\n"
      "Usage:\n"
      "  maelstrom test -w WORKLOAD --bin PATH [options] [node args...] [-- "
      "node args...]\n"
      "  maelstrom serve [--host HOST] [--port PORT] [--store DIR]   (see "
      "serve --help)\n"
      "  bazel run //testing:maelstrom -- test -w echo --bin PATH ...\n\n"
      "Workloads (-w):\n",
      workload_lines, "\nOptions of test:\n", table.Help(),
      "Arguments that are not options, and everything after a bare --, are "
      "passed to\n"
      "the node binary (an unknown --flag is an error, as in Maelstrom).\n\n"
      "Exit status (Jepsen): 0 valid, 1 invalid (or, with --strict, an "
      "EXTENSION\n"
      "finding), 2 analysis errors (:unknown), 254 bad arguments, 255 the test "
      "broke\n"
      "(a node crashed or never answered init).\n");
}

std::string ServeUsageText() {
  ServeOptions o;
  sim::FlagTable table;
  AddServeFlags(table, o);
  return absl::StrCat(
      "maelstrom serve: Maelstrom's web server (Jepsen's `serve`) over the "
      "store, read-only:\n"
      "the store's index.html at /, every run's pages and files at their "
      "path in the\n"
      "store (also under Jepsen's /files/), a listing for directories "
      "without an index.\n\n"
      "Usage:\n"
      "  maelstrom serve [--host HOST] [--port PORT] [--store DIR]\n"
      "  bazel run //testing:maelstrom -- serve --port 8080\n\n",
      table.Help(),
      "Runs until Ctrl-C (or SIGTERM), then exits 0. Exit 254: bad "
      "arguments;\n"
      "255: no store directory there, or the address cannot be bound.\n");
}

}  // namespace harness
