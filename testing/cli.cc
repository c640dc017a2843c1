#include "testing/cli.h"

#include <cmath>
#include <functional>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace harness {
namespace {

std::string Absolute(const std::string& path, const std::string& cwd) {
  if (path.empty() || path[0] == '/') return path;
  return absl::StrCat(cwd, "/", path);
}

absl::optional<absl::Duration> ParseSeconds(const std::string& v) {
  double s;
  if (!absl::SimpleAtod(v, &s) || !std::isfinite(s) || s < 0) return {};
  return absl::Milliseconds(std::llround(s * 1000));
}

absl::optional<NemesisKind> ParseNemesis(absl::string_view name) {
  for (NemesisKind k : {NemesisKind::kPartition, NemesisKind::kKill,
                        NemesisKind::kPause, NemesisKind::kKvCut}) {
    if (NemesisName(k) == name) return k;
  }
  return {};
}

// Each flag's setter returns an error message, or "" when the value is good.
using Setter = std::function<std::string(const std::string&, HarnessOptions&)>;

std::string SetPositiveInt(const std::string& v, int* out) {
  int n;
  if (!absl::SimpleAtoi(v, &n) || n <= 0) return "must be a positive integer";
  *out = n;
  return "";
}

std::string SetNemeses(const std::string& v, HarnessOptions& o) {
  o.nemeses.clear();
  for (absl::string_view part : absl::StrSplit(v, ',', absl::SkipWhitespace())) {
    absl::optional<NemesisKind> k = ParseNemesis(absl::StripAsciiWhitespace(part));
    if (!k) {
      return absl::StrCat("unknown nemesis \"", part,
                          "\"; expected partition (Maelstrom), or the "
                          "extensions kill, pause, kv-cut");
    }
    bool seen = false;
    for (NemesisKind e : o.nemeses) seen |= e == *k;
    if (!seen) o.nemeses.push_back(*k);
  }
  return "";
}

const std::map<std::string, Setter>& ValueFlags() {
  static const auto* flags = new std::map<std::string, Setter>{
      {"--workload", [](const std::string& v, HarnessOptions& o) -> std::string {
         if (v != "g-counter" && v != "pn-counter") {
           return "this harness runs g-counter or pn-counter";
         }
         o.workload = v;
         return "";
       }},
      {"--bin", [](const std::string& v, HarnessOptions& o) -> std::string {
         o.bin = v;
         return "";
       }},
      {"--node-count", [](const std::string& v, HarnessOptions& o) {
         return SetPositiveInt(v, &o.node_count);
       }},
      {"--concurrency", [](const std::string& v, HarnessOptions& o) -> std::string {
         // Jepsen also accepts "3n": three threads per node.
         if (absl::EndsWith(v, "n")) {
           int k;
           if (!absl::SimpleAtoi(v.substr(0, v.size() - 1), &k) || k <= 0) {
             return "must be a positive integer or Kn";
           }
           o.concurrency = -k;  // resolved against node_count later
           return "";
         }
         return SetPositiveInt(v, &o.concurrency);
       }},
      {"--rate", [](const std::string& v, HarnessOptions& o) -> std::string {
         double r;
         if (!absl::SimpleAtod(v, &r) || !std::isfinite(r) || r < 0) {
           return "can't be negative";
         }
         o.rate = r;
         return "";
       }},
      {"--time-limit", [](const std::string& v, HarnessOptions& o) -> std::string {
         auto d = ParseSeconds(v);
         if (!d || *d <= absl::ZeroDuration()) return "must be a positive number of seconds";
         o.time_limit = *d;
         return "";
       }},
      {"--latency", [](const std::string& v, HarnessOptions& o) -> std::string {
         int64_t ms;
         if (!absl::SimpleAtoi(v, &ms) || ms < 0) return "must be non-negative (ms)";
         o.latency = absl::Milliseconds(ms);
         return "";
       }},
      {"--latency-dist", [](const std::string& v, HarnessOptions& o) -> std::string {
         auto d = sim::ParseLatencyDist(v);
         if (!d) return "must be constant, uniform, or exponential";
         o.latency_dist = *d;
         return "";
       }},
      {"--nemesis", SetNemeses},
      {"--nemesis-interval", [](const std::string& v, HarnessOptions& o) -> std::string {
         auto d = ParseSeconds(v);
         if (!d || *d <= absl::ZeroDuration()) return "must be positive";
         o.nemesis_interval = *d;
         return "";
       }},
      {"--seed", [](const std::string& v, HarnessOptions& o) -> std::string {
         uint64_t s;
         if (!absl::SimpleAtoi(v, &s)) return "must be an unsigned integer";
         o.seed = s;
         return "";
       }},
      {"--store", [](const std::string& v, HarnessOptions& o) -> std::string {
         o.store_root = v;
         return "";
       }},
      {"--client-timeout", [](const std::string& v, HarnessOptions& o) -> std::string {
         auto d = ParseSeconds(v);
         if (!d || *d <= absl::ZeroDuration()) return "must be a positive number of seconds";
         o.client_timeout = *d;
         return "";
       }},
      {"--recovery-time", [](const std::string& v, HarnessOptions& o) -> std::string {
         auto d = ParseSeconds(v);
         if (!d) return "must be a non-negative number of seconds";
         o.final_sleep = *d;
         return "";
       }},
  };
  return *flags;
}

// Splits "--flag=value"; canonicalises "-w".
std::pair<std::string, absl::optional<std::string>> SplitFlag(const std::string& a) {
  if (a == "-w") return {"--workload", absl::nullopt};
  size_t eq = a.find('=');
  if (eq == std::string::npos) return {a, absl::nullopt};
  return {a.substr(0, eq), a.substr(eq + 1)};
}

ParsedArgs Error(std::string message) {
  ParsedArgs p;
  p.kind = ParsedArgs::kError;
  p.error = std::move(message);
  return p;
}

}  // namespace

absl::string_view NemesisName(NemesisKind kind) {
  switch (kind) {
    case NemesisKind::kPartition: return "partition";
    case NemesisKind::kKill: return "kill";
    case NemesisKind::kPause: return "pause";
    case NemesisKind::kKvCut: return "kv-cut";
  }
  return "?";
}

ParsedArgs ParseArgs(const std::vector<std::string>& args,
                     const std::string& user_cwd) {
  ParsedArgs p;
  HarnessOptions& o = p.options;
  if (args.empty()) return Error("expected a command: test (see --help)");
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h" || a == "help") {
      p.kind = ParsedArgs::kHelp;
      return p;
    }
    if (a == "--") break;
  }
  if (args[0] != "test") {
    return Error(absl::StrCat("unknown command \"", args[0],
                              "\"; this harness runs `test` (see --help)"));
  }
  bool seen_bin = false;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      o.bin_args.insert(o.bin_args.end(), args.begin() + i + 1, args.end());
      break;
    }
    if (a == "--log-stderr" || a == "--log-net-send" || a == "--log-net-recv") {
      bool& flag = a == "--log-stderr"     ? o.log_stderr
                   : a == "--log-net-send" ? o.log_net_send
                                           : o.log_net_recv;
      flag = true;
      continue;
    }
    if (a.size() < 2 || a[0] != '-') {  // Maelstrom: non-options go to the node
      o.bin_args.push_back(a);
      continue;
    }
    auto [name, inline_value] = SplitFlag(a);
    auto flag = ValueFlags().find(name);
    if (flag == ValueFlags().end()) {
      if (seen_bin) {  // extension: the node's own flags
        o.bin_args.push_back(a);
        continue;
      }
      return Error(absl::StrCat("unknown option ", a,
                                " (flags for the node binary go after --bin PATH "
                                "or after --)"));
    }
    std::string value;
    if (inline_value) {
      value = *inline_value;
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return Error(absl::StrCat(name, " needs a value"));
    }
    std::string why = flag->second(value, o);
    if (!why.empty()) {
      return Error(absl::StrCat(name, " ", value, ": ", why));
    }
    seen_bin |= name == "--bin";
  }
  if (o.bin.empty()) return Error("Expected a --bin PATH_TO_BINARY to test");
  o.bin = Absolute(o.bin, user_cwd);
  o.store_root = Absolute(o.store_root.empty() ? "store" : o.store_root, user_cwd);
  if (o.concurrency == 0) o.concurrency = o.node_count;
  if (o.concurrency < 0) o.concurrency = -o.concurrency * o.node_count;
  p.kind = ParsedArgs::kRun;
  return p;
}

std::string UsageText() {
  return R"(maelstrom: Maelstrom's g-counter test for real node binaries, without a JVM.

Usage:
  maelstrom test -w g-counter --bin PATH [options] [-- node args...]
  bazel run //testing:maelstrom -- test -w g-counter --bin PATH ...

Maelstrom options (same names and defaults as Maelstrom 0.2.4):
  -w, --workload NAME       g-counter | pn-counter            (default g-counter)
  --bin PATH                the node binary (relative paths: your cwd)
  --node-count N            nodes n0..n(N-1)                  (default 5)
  --concurrency N|Kn        client threads; thread i talks to node i mod N
                            (default 1n: one per node)
  --rate R                  operations per second, all threads (default 5)
  --time-limit S            seconds of operations before the final phase
                                                              (default 60)
  --latency MS              mean node<->node and node<->service latency (default 0)
  --latency-dist D          constant | uniform | exponential  (default constant)
  --nemesis LIST            comma-separated faults: partition (default none)
  --nemesis-interval S      mean seconds between nemesis operations (default 10)
  --log-stderr              echo the nodes' stderr, prefixed with the node id
  --log-net-send            print every message as it is sent
  --log-net-recv            print every message as it is delivered
Arguments that are not options, and everything after a bare --, are passed to
the node binary; so are unrecognised flags placed after --bin PATH.

EXTENSIONS (not in Maelstrom):
  --nemesis kill            SIGKILL one node, restart it later (fresh process,
                            same id, new init)
  --nemesis pause           SIGSTOP one node for 0.5-3 s, then SIGCONT
  --nemesis kv-cut          cut one node off from seq-kv (requests, replies or
                            both dropped) for a while
  --seed N                  seed of every random choice (printed; default random)
  --store DIR               where results go (default ./store)
  --recovery-time S         sleep between healing and the final reads
                            (default 10, Maelstrom's fixed value)
  --client-timeout S        how long a client waits for a reply (default 5,
                            Maelstrom's fixed value; shorter makes tests faster)

Exit status: 0 valid, 1 invalid, 2 analysis failed, 254 bad arguments,
255 the test broke (a node crashed, never answered init, ...).
)";
}

}  // namespace harness
