#include "sim/driver/flags.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <memory>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "kvclient/assert.h"
#include "kvclient/message.h"
#include "sim/workloads/registry.h"

namespace sim {

// ------------------------------------------------------------ value grammars

absl::optional<int64_t> ParseJavaLong(absl::string_view text) {
  absl::string_view digits = text;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-'))
    digits.remove_prefix(1);
  if (digits.empty()) return absl::nullopt;
  for (char c : digits) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)))
      return absl::nullopt;
  }
  int64_t value;
  std::string copy(text[0] == '+' ? text.substr(1) : text);
  if (!absl::SimpleAtoi(copy, &value)) return absl::nullopt;  // out of range
  return value;
}

namespace {

bool IsDecimal(absl::string_view text) {
  // [+-]? digits [. digits]? ([eE] [+-]? digits)?   (no "1.", no ".5")
  size_t i = 0;
  auto digits = [&]() {
    size_t start = i;
    while (i < text.size() &&
           absl::ascii_isdigit(static_cast<unsigned char>(text[i])))
      ++i;
    return i > start;
  };
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  if (!digits()) return false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == text.size();
}

}  // namespace

absl::optional<double> ParseClojureNumber(absl::string_view text) {
  std::vector<absl::string_view> ratio = absl::StrSplit(text, '/');
  if (ratio.size() == 2) {
    absl::optional<int64_t> num = ParseJavaLong(ratio[0]);
    absl::optional<int64_t> den = ParseJavaLong(ratio[1]);
    if (!num || !den || *den == 0 || ratio[1][0] == '+' || ratio[1][0] == '-') {
      return absl::nullopt;
    }
    return static_cast<double>(*num) / static_cast<double>(*den);
  }
  double value;
  if (!IsDecimal(text) || !absl::SimpleAtod(text, &value) ||
      !std::isfinite(value)) {
    return absl::nullopt;
  }
  return value;
}

namespace {

// Java's Double.parseDouble trims whitespace; the values that make sense
// here are finite decimals.
absl::optional<double> ParseJavaDouble(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  double value;
  if (!IsDecimal(text) || !absl::SimpleAtod(text, &value) ||
      !std::isfinite(value)) {
    return absl::nullopt;
  }
  return value;
}

absl::Duration Seconds(double s) {
  return absl::Milliseconds(std::llround(s * 1000));
}

// --------------------------------------------------------------- FlagTable

}  // namespace

void FlagTable::Add(FlagSpec spec) {
  MC_ASSERT(absl::StartsWith(spec.name, "--"),
            "long flags start with --: ", spec.name);
  MC_ASSERT(Find(spec.name) == nullptr,
            "each flag is defined once: ", spec.name);
  MC_ASSERT(spec.short_name.empty() || Find(spec.short_name) == nullptr,
            "each short flag is defined once: ", spec.short_name);
  MC_ASSERT(spec.set != nullptr, "every flag does something: ", spec.name);
  specs_.push_back(std::move(spec));
}

const FlagSpec* FlagTable::Find(absl::string_view name) const {
  for (const FlagSpec& s : specs_) {
    if (s.name == name || (!s.short_name.empty() && s.short_name == name))
      return &s;
  }
  return nullptr;
}

std::string FlagTable::Help() const {
  struct Group {
    const char* title;
    std::vector<FlagOrigin> origins;
  };
  const Group groups[] = {
      {"Maelstrom 0.2.4 and Jepsen 0.3.7 options (same names, value rules and "
       "defaults):",
       {FlagOrigin::kMaelstrom, FlagOrigin::kJepsen}},
      {"EXTENSIONS (not in Maelstrom; the output labels what they change):",
       {FlagOrigin::kExtension}},
      {"Accepted as Maelstrom/Jepsen accept them, but without effect here:",
       {FlagOrigin::kIgnored}},
  };
  std::string out;
  for (const Group& g : groups) {
    std::string lines;
    for (const FlagSpec& s : specs_) {
      bool in = false;
      for (FlagOrigin o : g.origins) in |= s.origin == o;
      if (!in) continue;
      std::string left =
          absl::StrCat(s.short_name.empty() ? "    " : s.short_name + ", ",
                       s.name, s.arg.empty() ? "" : " " + s.arg);
      absl::StrAppend(&lines, absl::StrFormat("  %-28s %s\n", left, s.help));
    }
    if (!lines.empty()) absl::StrAppend(&out, g.title, "\n", lines, "\n");
  }
  return out;
}

bool CommandLine::Given(absl::string_view name) const {
  for (const auto& [spec, value] : given) {
    if (spec->name == name) return true;
  }
  return false;
}

CommandLine ParseCommandLine(const FlagTable& table,
                             const std::vector<std::string>& args) {
  CommandLine cl;
  auto fail = [&](std::string why) {
    if (cl.error.empty()) cl.error = std::move(why);
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      cl.positional.insert(cl.positional.end(), args.begin() + i + 1,
                           args.end());
      break;
    }
    if (a.size() < 2 || a[0] != '-') {  // tools.cli: an argument
      cl.positional.push_back(a);
      continue;
    }
    std::string name = a;
    absl::optional<std::string> attached;
    if (absl::StartsWith(a, "--")) {
      size_t eq = a.find('=');
      if (eq != std::string::npos) {
        name = a.substr(0, eq);
        attached = a.substr(eq + 1);
      }
    } else if (a.size() > 2) {  // "-wg-counter": a short flag and its value
      name = a.substr(0, 2);
      attached = a.substr(2);
    }
    const FlagSpec* spec = table.Find(name);
    if (spec == nullptr) {
      fail(absl::StrCat("Unknown option: \"", name, "\""));
      continue;
    }
    std::string value;
    if (spec->arg.empty()) {  // a switch
      value = attached.value_or("true");
      if (value != "true" && value != "false") {
        fail(absl::StrCat(spec->name,
                          " takes no value (or =true / =false), got \"", value,
                          "\""));
        continue;
      }
    } else if (attached.has_value()) {
      value = *attached;
    } else if (i + 1 < args.size()) {
      value = args[++i];  // whatever it looks like, as tools.cli does
    } else {
      fail(absl::StrCat("Missing required argument for \"", spec->name, " ",
                        spec->arg, "\""));
      continue;
    }
    if (spec->name == "--help") {
      cl.help = value == "true";
      continue;
    }
    cl.given.emplace_back(spec, value);
  }
  return cl;
}

std::string ApplyFlags(const CommandLine& command_line) {
  for (const auto& [spec, value] : command_line.given) {
    std::string why = spec->set(value);
    if (!why.empty()) return absl::StrCat(spec->name, " ", value, ": ", why);
  }
  return "";
}

// ------------------------------------------------------------ shared flags

namespace {

std::string PositiveSeconds(const std::string& v, absl::Duration* out) {
  absl::optional<double> s = ParseClojureNumber(v);
  if (!s || *s <= 0) return "must be a positive number of seconds";
  *out = Seconds(*s);
  return "";
}

std::string Fraction(const std::string& v, uint64_t* ppm) {
  absl::optional<double> f = ParseJavaDouble(v);
  if (!f || *f < 0 || *f > 1) return "must be a fraction between 0 and 1";
  *ppm = static_cast<uint64_t>(std::llround(*f * 1e6));
  return "";
}

// "g-counter and pn-counter", "a, b and c".
std::string WorkloadList() {
  std::vector<std::string> names;
  for (const WorkloadSpec* spec : workloads::All()) names.push_back(spec->name);
  if (names.size() <= 1) return absl::StrJoin(names, "");
  const std::string last = names.back();
  names.pop_back();
  return absl::StrCat(absl::StrJoin(names, ", "), " and ", last);
}

// -h and -w.
void AddWorkloadFlag(FlagTable& table, SharedFlags& shared) {
  SharedFlags* s = &shared;
  DriverConfig* c = shared.config;
  table.Add({"--help", "-h", "", "print this message and exit",
             FlagOrigin::kJepsen,
             [](const std::string&) { return std::string(); }});
  table.Add({"--workload", "-w", "NAME",
             absl::StrCat(workloads::Names(),
                          " (Maelstrom's default, lin-kv, is not emulated)"),
             FlagOrigin::kMaelstrom,
             [s, c](const std::string& v) -> std::string {
               if (workloads::Find(v) == nullptr) {
                 return absl::StrCat("this emulation runs the ", WorkloadList(),
                                     " workloads only");
               }
               c->workload.name = v;
               s->workload_given = true;
               return "";
             }});
}

// Jepsen cli.clj's nodes and concurrency, Maelstrom's --node-count.
void AddNodeFlags(FlagTable& table, SharedFlags& shared) {
  SharedFlags* s = &shared;
  table.Add({"--node-count", "", "NUM",
             "nodes n0..n(NUM-1); overrides --nodes (default: Jepsen's n1..n5)",
             FlagOrigin::kMaelstrom, [s](const std::string& v) -> std::string {
               absl::optional<int64_t> n = ParseJavaLong(v);
               if (!n || *n <= 0) return "Must be positive.";
               if (*n > kMaxNodes)
                 return absl::StrCat("at most ", kMaxNodes, " nodes here");
               s->node_count = static_cast<int>(*n);
               return "";
             }});
  table.Add({"--node", "-n", "HOSTNAME",
             "a node id; repeat for more (default n1..n5)", FlagOrigin::kJepsen,
             [s](const std::string& v) -> std::string {
               s->node.push_back(v);
               return "";
             }});
  table.Add({"--nodes", "", "NODE_LIST", "comma-separated node ids",
             FlagOrigin::kJepsen, [s](const std::string& v) -> std::string {
               // Jepsen: (str/split % #",\s*")
               std::vector<std::string> parts = absl::StrSplit(v, ',');
               for (size_t i = 1; i < parts.size(); ++i) {
                 parts[i] =
                     std::string(absl::StripLeadingAsciiWhitespace(parts[i]));
               }
               while (!parts.empty() && parts.back().empty()) parts.pop_back();
               s->nodes = parts;
               return "";
             }});
  table.Add({"--nodes-file", "", "FILENAME", "node ids, one per line",
             FlagOrigin::kJepsen, [s](const std::string& v) -> std::string {
               s->nodes_file = v;
               return "";
             }});
  table.Add({"--concurrency", "", "NUMBER",
             "client threads; Kn = K per node (default 1n); thread i talks to "
             "node i mod N",
             FlagOrigin::kJepsen, [s](const std::string& v) -> std::string {
               std::string digits =
                   absl::EndsWith(v, "n") ? v.substr(0, v.size() - 1) : v;
               if (digits.empty() || digits.find_first_not_of("0123456789") !=
                                         std::string::npos) {
                 return "Must be an integer, optionally followed by n.";
               }
               s->concurrency = v;
               return "";
             }});
}

// The clients' pace and the network's latency.
void AddClientFlags(FlagTable& table, SharedFlags& shared) {
  DriverConfig* c = shared.config;
  table.Add({"--rate", "", "RATE",
             "operations per second, all threads (default 5)",
             FlagOrigin::kMaelstrom, [c](const std::string& v) -> std::string {
               absl::optional<double> r = ParseJavaDouble(v);
               if (!r) return "must be a number";
               if (*r < 0) return "Can't be negative";
               c->workload.rate = *r;
               return "";
             }});
  table.Add(
      {"--time-limit", "", "SECONDS",
       "seconds of operations before the final phase, an integer (default 60)",
       FlagOrigin::kJepsen, [c](const std::string& v) -> std::string {
         absl::optional<int64_t> t = ParseJavaLong(v);
         if (!t) return "must be an integer (Long/parseLong)";
         if (*t <= 0) return "Must be positive";
         c->workload.time_limit = absl::Seconds(*t);
         return "";
       }});
  table.Add({"--latency", "", "MILLIS",
             "mean node<->node and node<->service latency, ms (default 0)",
             FlagOrigin::kMaelstrom, [c](const std::string& v) -> std::string {
               absl::optional<int64_t> ms = ParseJavaLong(v);
               if (!ms) return "must be an integer";
               if (*ms < 0) return "Must be non-negative";
               c->network.latency = absl::Milliseconds(*ms);
               return "";
             }});
  table.Add({"--latency-dist", "", "TYPE",
             "constant | uniform | exponential (default constant)",
             FlagOrigin::kMaelstrom, [c](const std::string& v) -> std::string {
               absl::optional<LatencyDist> d = ParseLatencyDist(v);
               if (!d) return "Must be constant, uniform, or exponential";
               c->network.latency_dist = *d;
               return "";
             }});
}

// Maelstrom's faults and --availability.
void AddNemesisFlags(FlagTable& table, SharedFlags& shared) {
  DriverConfig* c = shared.config;
  table.Add({"--nemesis", "", "FAULTS",
             "comma-separated: partition (Maelstrom); kill, pause (as "
             "Maelstrom main, unreleased); EXTENSIONS crash, stall, kv-cut, "
             "kv-garble (a node's KV replies garbled), none",
             FlagOrigin::kMaelstrom, [c](const std::string& v) -> std::string {
               DriverConfig faults;
               // Maelstrom: (str/split string #"\s*,\s*").
               for (absl::string_view part : absl::StrSplit(v, ',')) {
                 part = absl::StripAsciiWhitespace(part);
                 if (part == "partition") {
                   faults.partition = true;
                 } else if (part == "kill") {
                   faults.kill = true;
                 } else if (part == "pause") {
                   faults.pause = true;
                 } else if (part == "crash") {
                   faults.crash = true;
                 } else if (part == "stall") {
                   faults.stall = true;
                 } else if (part == "kv-cut") {
                   faults.kv_cut = true;
                 } else if (part == "kv-garble") {
                   faults.kv_garble = true;
                 } else if (part != "none") {
                   return absl::StrCat(
                       "unknown fault \"", part,
                       "\": Must be one of kill, partition, pause (Maelstrom), "
                       "or the EXTENSIONS crash, stall, kv-cut, kv-garble, "
                       "none");
                 }
               }
               c->partition = faults.partition;
               c->kill = faults.kill;
               c->pause = faults.pause;
               c->crash = faults.crash;
               c->stall = faults.stall;
               c->kv_cut = faults.kv_cut;
               c->kv_garble = faults.kv_garble;
               return "";
             }});
  table.Add({"--nemesis-interval", "", "SECONDS",
             "mean seconds between nemesis operations (default 10)",
             FlagOrigin::kMaelstrom, [c](const std::string& v) -> std::string {
               absl::optional<double> s = ParseClojureNumber(v);
               if (!s || *s <= 0) return "Must be positive";
               c->nemesis_interval = Seconds(*s);
               return "";
             }});
  table.Add({"--availability", "", "EXPECTED",
             "fraction of operations that must succeed (0..1) or total "
             "(default: unchecked)",
             FlagOrigin::kMaelstrom, [c](const std::string& v) -> std::string {
               if (v == "total") {
                 c->availability = Availability{true, 0};
                 return "";
               }
               absl::optional<double> a = ParseClojureNumber(v);
               if (!a || *a < 0 || *a > 1) {
                 return "must be either 'total' or a number between 0 and 1.";
               }
               c->availability = Availability{false, *a};
               return "";
             }});
}

// EXTENSIONS: the seed and the extra faults.
void AddExtensionFlags(FlagTable& table, SharedFlags& shared) {
  SharedFlags* s = &shared;
  DriverConfig* c = shared.config;
  table.Add({"--seed", "", "N",
             "seed of every random choice (printed with the results)",
             FlagOrigin::kExtension,
             [s, c](const std::string& v) -> std::string {
               uint64_t seed;
               if (!absl::SimpleAtoi(v, &seed))
                 return "must be an unsigned integer";
               c->seed = seed;
               s->seed_given = true;
               return "";
             }});
  table.Add({"--fault-interval", "", "SECONDS",
             "mean seconds between crash/stall/kv-cut/kv-garble steps "
             "(default: "
             "--nemesis-interval)",
             FlagOrigin::kExtension, [c](const std::string& v) -> std::string {
               absl::Duration d;
               std::string why = PositiveSeconds(v, &d);
               if (why.empty()) c->fault_interval = d;
               return why;
             }});
  table.Add({"--loss", "", "FRACTION",
             "node<->node/service messages lost at random (default 0)",
             FlagOrigin::kExtension, [c](const std::string& v) {
               return Fraction(v, &c->network.loss_ppm);
             }});
  table.Add({"--dup", "", "FRACTION", "... duplicated (default 0)",
             FlagOrigin::kExtension, [c](const std::string& v) {
               return Fraction(v, &c->network.duplicate_ppm);
             }});
  table.Add({"--reorder", "", "FRACTION",
             "... delayed up to 100 ms extra (default 0)",
             FlagOrigin::kExtension, [c](const std::string& v) {
               return Fraction(v, &c->network.reorder_ppm);
             }});
}

// EXTENSIONS: timing, the probe and --strict.
void AddExtensionCheckFlags(FlagTable& table, SharedFlags& shared) {
  DriverConfig* c = shared.config;
  table.Add({"--client-timeout", "", "SECONDS",
             "how long a client waits for a reply (default 5, Maelstrom's "
             "fixed value)",
             FlagOrigin::kExtension, [c](const std::string& v) {
               return PositiveSeconds(v, &c->workload.client_timeout);
             }});
  table.Add({"--recovery-time", "", "SECONDS",
             "sleep between the heal and the final reads (default 10, "
             "Maelstrom's fixed value)",
             FlagOrigin::kExtension, [c](const std::string& v) -> std::string {
               absl::optional<double> d = ParseClojureNumber(v);
               if (!d || *d < 0)
                 return "must be a non-negative number of seconds";
               c->workload.final_sleep = Seconds(*d);
               return "";
             }});
  table.Add({"--convergence-probe", "", "",
             "read every node every 100 ms between the heal and the final "
             "reads (CHANGES "
             "the run: Maelstrom sends nothing then)",
             FlagOrigin::kExtension, [c](const std::string& v) -> std::string {
               c->probe_interval =
                   v == "true" ? absl::Milliseconds(100) : absl::ZeroDuration();
               return "";
             }});
  table.Add({"--kv-rate-bound", "", "N",
             "with kv-garble: a node may send at most N KV requests a second "
             "while its KV replies are garbled (stretches of 1 s or more; a "
             "kv-rate finding otherwise; default 0: unchecked)",
             FlagOrigin::kExtension, [c](const std::string& v) -> std::string {
               absl::optional<double> n = ParseClojureNumber(v);
               if (!n || *n < 0) return "Must be a non-negative number";
               c->kv_rate_bound = *n;
               return "";
             }});
  table.Add({"--strict", "", "",
             "fail the run (exit 1) on any EXTENSION finding (invalid line, "
             "liveness, ...)",
             FlagOrigin::kExtension, [c](const std::string& v) -> std::string {
               c->strict = v == "true";
               return "";
             }});
}

}  // namespace

void AddWorkloadFlags(FlagTable& table, DriverConfig* config,
                      const std::vector<const WorkloadSpec*>& specs) {
  for (const WorkloadSpec* spec : specs) {
    for (const WorkloadFlag& flag : spec->flags) {
      if (table.Find(flag.name) != nullptr) continue;  // shared by workloads
      table.Add({flag.name, "", flag.arg, flag.help, FlagOrigin::kMaelstrom,
                 [config, flag](const std::string& v) -> std::string {
                   std::string why = flag.check ? flag.check(v) : "";
                   if (why.empty()) config->workload.params[flag.name] = v;
                   return why;
                 }});
    }
  }
}

void AddSharedFlags(FlagTable& table, SharedFlags& shared) {
  AddWorkloadFlag(table, shared);
  AddNodeFlags(table, shared);
  AddClientFlags(table, shared);
  AddNemesisFlags(table, shared);
  AddWorkloadFlags(table, shared.config, workloads::All());
  AddExtensionFlags(table, shared);
  AddExtensionCheckFlags(table, shared);
}

void AddIgnoredFlags(FlagTable& table, std::vector<std::string>* ignored) {
  struct Ignored {
    const char* name;
    const char* arg;
    FlagOrigin source;  // for the note only
    const char* why;
  };
  for (const Ignored& f : std::vector<Ignored>{
           {"--consistency-models", "MODELS", FlagOrigin::kMaelstrom,
            "checked by the txn workloads only"},
           {"--key-count", "INT", FlagOrigin::kMaelstrom,
            "the append/kafka workloads only"},
           {"--max-txn-length", "INT", FlagOrigin::kMaelstrom,
            "the txn workloads only"},
           {"--max-writes-per-key", "INT", FlagOrigin::kMaelstrom,
            "the append/kafka workloads only"},
           {"--topology", "SPEC", FlagOrigin::kMaelstrom,
            "the broadcast workload only"},
           {"--username", "USER", FlagOrigin::kJepsen, "no SSH here"},
           {"--password", "PASS", FlagOrigin::kJepsen, "no SSH here"},
           {"--strict-host-key-checking", "", FlagOrigin::kJepsen,
            "no SSH here"},
           {"--no-ssh", "", FlagOrigin::kJepsen, "no SSH here"},
           {"--ssh-private-key", "FILE", FlagOrigin::kJepsen, "no SSH here"},
           {"--leave-db-running", "", FlagOrigin::kJepsen,
            "the nodes are always stopped at the end"},
           {"--logging-json", "", FlagOrigin::kJepsen, "the log is plain text"},
       }) {
    const std::string name = f.name;
    if (table.Find(name) != nullptr) continue;  // a workload's own now
    const std::string why = f.why;
    std::string help = absl::StrCat(
        f.source == FlagOrigin::kJepsen ? "Jepsen" : "Maelstrom", ": ", why);
    table.Add({name, "", f.arg, help, FlagOrigin::kIgnored,
               [name, why, ignored](const std::string& v) -> std::string {
                 // Maelstrom/Jepsen's value rules, where they have one.
                 if (name == "--key-count" || name == "--max-txn-length" ||
                     name == "--max-writes-per-key") {
                   absl::optional<int64_t> n = ParseJavaLong(v);
                   if (!n || *n <= 0) return "must be positive";
                 }
                 if (name == "--topology" &&
                     !(v == "line" || v == "grid" || v == "tree" ||
                       v == "tree2" || v == "tree3" || v == "tree4" ||
                       v == "total")) {
                   return "Must be one of grid, line, total, tree, tree2, "
                          "tree3, tree4";
                 }
                 if (ignored != nullptr) {
                   ignored->push_back(absl::StrCat(name, " ignored: ", why));
                 }
                 return "";
               }});
  }
}

namespace {

// --nodes-file's lines (str/split (slurp f) #"\s*\n\s*"), trailing empty
// ones dropped; "" or why it cannot be read.
std::string ReadNodesFile(const std::string& file, const std::string& cwd,
                          std::vector<std::string>* lines) {
  std::string path = file;
  if (!path.empty() && path[0] != '/') path = absl::StrCat(cwd, "/", path);
  std::ifstream in(path);
  if (!in) return absl::StrCat("--nodes-file ", file, ": cannot read it");
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().size() > (1 << 20)) return "--nodes-file: over 1 MiB";
  *lines = absl::StrSplit(text.str(), '\n');
  for (std::string& l : *lines) l = std::string(absl::StripAsciiWhitespace(l));
  while (!lines->empty() && lines->back().empty()) lines->pop_back();
  return "";
}

// "" or why a node id cannot be used.
std::string CheckNodeIds(const std::vector<std::string>& nodes) {
  if (nodes.empty()) return "no nodes to test";
  if (static_cast<int>(nodes.size()) > kMaxNodes)
    return absl::StrCat("at most ", kMaxNodes, " nodes here");
  std::set<std::string> seen;
  for (const std::string& id : nodes) {
    if (id.empty()) return "a node id is empty";
    if (!seen.insert(id).second)
      return absl::StrCat("node ", id, " is listed twice");
    for (const std::string& service : ServiceNames()) {
      if (id == service)
        return absl::StrCat("node id ", id, " is a Maelstrom service's name");
    }
    if (kvclient::IsClientId(id)) {
      return absl::StrCat("node id ", id,
                          " looks like a Maelstrom client id (c<digits>)");
    }
  }
  return "";
}

// Jepsen cli.clj parse-concurrency: "3n" = 3 x nodes; absent = "1n".
std::string ResolveConcurrency(const absl::optional<std::string>& given,
                               int node_count, int* threads_out) {
  const std::string spec = given.value_or("1n");
  const bool per_node = absl::EndsWith(spec, "n");
  int64_t k;
  if (!absl::SimpleAtoi(per_node ? spec.substr(0, spec.size() - 1) : spec,
                        &k)) {
    return absl::StrCat("--concurrency ", spec,
                        " should be an integer optionally followed by n");
  }
  const int64_t threads = per_node ? k * node_count : k;
  if (threads <= 0)
    return "--concurrency must give at least one client thread here";
  if (threads > 100000)
    return "--concurrency: at most 100000 client threads here";
  *threads_out = static_cast<int>(threads);
  return "";
}

}  // namespace

std::string FinishSharedFlags(SharedFlags& shared, const std::string& cwd) {
  DriverConfig& c = *shared.config;
  // Maelstrom core.clj parse-node-count replaces :nodes...
  absl::optional<std::vector<std::string>> nodes = shared.nodes;
  if (shared.node_count) nodes = NodeIdsFromCount(*shared.node_count);
  // ... then Jepsen cli.clj parse-nodes merges.
  std::vector<std::string> all;
  if (shared.nodes_file) {
    std::string why = ReadNodesFile(*shared.nodes_file, cwd, &all);
    if (!why.empty()) return why;
  }
  if (nodes.has_value() || shared.nodes_file.has_value() ||
      !shared.node.empty()) {
    if (nodes) all.insert(all.end(), nodes->begin(), nodes->end());
    all.insert(all.end(), shared.node.begin(), shared.node.end());
    c.nodes = all;
  }
  if (std::string why = CheckNodeIds(c.nodes); !why.empty()) return why;
  if (std::string why = ResolveConcurrency(shared.concurrency, c.node_count(),
                                           &c.workload.concurrency);
      !why.empty()) {
    return why;
  }
  // The workload's factory has the last word on its options.
  absl::StatusOr<std::unique_ptr<Workload>> w =
      workloads::Make(c.workload.name, c.workload.params);
  if (!w.ok()) return std::string(w.status().message());
  return "";
}

}  // namespace sim
