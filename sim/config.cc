#include "sim/config.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "kvclient/assert.h"

namespace sim {
namespace {

void SetNodes(SimConfig& c, int count) {
  c.nodes = NodeIdsFromCount(count);
  c.workload.concurrency = count;  // --concurrency 1n
}

void ChallengeDefaults(SimConfig& c) {
  SetNodes(c, 3);
  c.workload.rate = 100;
  c.workload.time_limit = absl::Seconds(20);
  c.partition = true;
}

void ChaosFaults(SimConfig& c) {
  c.network.latency = absl::Milliseconds(10);
  c.network.latency_dist = LatencyDist::kExponential;
  c.network.loss_ppm = 10000;       // 1%
  c.network.duplicate_ppm = 10000;  // 1%
  c.network.reorder_ppm = 50000;    // 5%, up to 100 ms extra
  c.partition = true;
  c.crash = c.stall = c.kv_cut = true;
  c.fault_interval = absl::Seconds(3);
}

// Issue 20: seq-kv answers one node badly (errors, wrong types, missing
// fields, garbled values) for stretches of up to 10 s, on a network with
// latency (so a node that does not back off loops at a finite rate instead
// of livelocking the simulator), and every node must keep its KV requests
// under 20 a second meanwhile.
void KvGarbleFaults(SimConfig& c) {
  c.network.latency = absl::Milliseconds(5);
  c.network.latency_dist = LatencyDist::kUniform;
  c.kv_garble = true;
  c.fault_interval = absl::Seconds(5);
  c.kv_rate_bound = 20;
}

std::string Seconds(absl::Duration d) {
  return absl::StrFormat("%g", absl::ToDoubleSeconds(d));
}

std::string Fraction(uint64_t ppm) {
  return absl::StrFormat("%g", static_cast<double>(ppm) / 1e6);
}

std::string Nemeses(const SimConfig& c) {
  std::vector<std::string> parts;
  if (c.partition) parts.push_back("partition");
  if (c.kill) parts.push_back("kill");
  if (c.pause) parts.push_back("pause");
  if (c.crash) parts.push_back("crash");
  if (c.stall) parts.push_back("stall");
  if (c.kv_cut) parts.push_back("kv-cut");
  if (c.kv_garble) parts.push_back("kv-garble");
  return parts.empty() ? "none" : absl::StrJoin(parts, ",");
}

}  // namespace

std::vector<std::string> ProfileNames() {
  return {"challenge",
          "kill",
          "kill-pause",
          "chaos",
          "chaos-peer-keys",
          "chaos-summary",
          "single",
          "large",
          "high-rate",
          "pn",
          "pn-chaos",
          "kv-garble",
          "kv-garble-summary",
          "relay"};
}

absl::optional<SimConfig> ProfileConfig(const std::string& name) {
  SimConfig c;
  c.profile = name;
  ChallengeDefaults(c);
  if (name == "challenge") {
  } else if (name == "kill" || name == "kill-pause") {
    // Maelstrom main's kill (and pause) too, every 3 s on average, and
    // three client threads per node: a thread whose node is down waits out
    // its 5 s timeout, and with one thread per node a run could see no add
    // acknowledged at all (Jepsen's stats checker: invalid, for any node).
    c.kill = true;
    c.pause = name == "kill-pause";
    c.nemesis_interval = absl::Seconds(3);
    c.workload.concurrency = 3 * c.node_count();
  } else if (name == "chaos") {
    SetNodes(c, 5);
    ChaosFaults(c);
  } else if (name == "chaos-peer-keys") {  // chaos pushes (auto)
    SetNodes(c, 5);
    ChaosFaults(c);
    c.dissemination = counter::Dissemination::kPeerKeys;
  } else if (name == "chaos-summary") {
    SetNodes(c, 5);
    ChaosFaults(c);
    c.dissemination = counter::Dissemination::kSummary;
  } else if (name == "pn-chaos") {  // versions, not totals, order entries
    SetNodes(c, 5);
    c.workload.name = "pn-counter";
    ChaosFaults(c);
  } else if (name == "single") {
    SetNodes(c, 1);
  } else if (name == "large") {
    SetNodes(c, 25);
    c.workload.time_limit = absl::Seconds(10);
    ChaosFaults(c);
  } else if (name == "high-rate") {
    c.workload.rate = 1000;
    c.workload.time_limit = absl::Seconds(10);
  } else if (name == "pn") {
    c.workload.name = "pn-counter";
  } else if (name == "kv-garble") {
    KvGarbleFaults(c);
  } else if (name == "relay") {  // auto relays above 5 nodes (issue 23)
    SetNodes(c, 10);
    c.workload.rate = 300;
    ChaosFaults(c);
  } else if (name == "kv-garble-summary") {  // rounds read and cas the summary
    SetNodes(c, 5);
    KvGarbleFaults(c);
    c.dissemination = counter::Dissemination::kSummary;
  } else {
    return absl::nullopt;
  }
  return c;
}

std::vector<std::pair<std::string, std::string>> ConfigFlags(
    const SimConfig& c) {
  const NetworkOptions& n = c.network;
  const bool counted = c.nodes == NodeIdsFromCount(c.node_count());
  std::string availability = "nil";
  if (c.availability) {
    availability = c.availability->total
                       ? "total"
                       : absl::StrFormat("%g", c.availability->fraction);
  }
  std::vector<std::pair<std::string, std::string>> flags = {
      {"workload", c.workload.name},
      {counted ? "node-count" : "nodes",
       counted ? absl::StrCat(c.node_count()) : absl::StrJoin(c.nodes, ",")},
      {"concurrency", absl::StrCat(c.workload.concurrency)},
      {"rate", absl::StrFormat("%g", c.workload.rate)},
      {"time-limit", Seconds(c.workload.time_limit)},
      {"latency", absl::StrCat(absl::ToInt64Milliseconds(n.latency))},
      {"latency-dist", std::string(LatencyDistName(n.latency_dist))},
      {"nemesis", Nemeses(c)},
      {"nemesis-interval", Seconds(c.nemesis_interval)},
      {"fault-interval", Seconds(c.FaultInterval())},
      {"availability", availability},
      {"loss", Fraction(n.loss_ppm)},
      {"dup", Fraction(n.duplicate_ppm)},
      {"reorder", Fraction(n.reorder_ppm)},
      {"client-timeout", Seconds(c.workload.client_timeout)},
      {"recovery-time", Seconds(c.workload.final_sleep)},
      {"convergence-probe",
       c.probe_interval > absl::ZeroDuration() ? "true" : "false"},
      {"strict", c.strict ? "true" : "false"},
      {"kv-rate-bound", absl::StrFormat("%g", c.kv_rate_bound)},
      {"liveness-bound", Seconds(c.liveness_bound)},
      {"strategy", std::string(counter::StrategyName(c.strategy))},
      {"bug", c.broken_reference ? std::string("broken")
                                 : std::string(counter::BugName(c.bug))},
      {"dissemination",
       std::string(counter::DisseminationName(c.dissemination))},
  };
  // The workload's own flags (broadcast's --topology), last: no profile
  // sets one, so a replay spells each out.
  for (const auto& [name, value] : c.workload.params)
    flags.emplace_back(name.substr(2), value);  // "--topology" -> "topology"
  return flags;
}

std::string ReplayCommand(const SimConfig& config) {
  std::string out = absl::StrCat(
      "bazel run //sim -- --profile=", config.profile, " --seed=", config.seed);
  absl::optional<SimConfig> base = ProfileConfig(config.profile);
  auto mine = ConfigFlags(config);
  auto theirs = base ? ConfigFlags(*base) : decltype(mine){};
  for (size_t i = 0; i < mine.size(); ++i) {
    if (i >= theirs.size() || mine[i] != theirs[i]) {
      absl::StrAppend(&out, " --", mine[i].first, "=", mine[i].second);
    }
  }
  return out;
}

std::string StoreCommand(const SimConfig& config) {
  std::string replay = ReplayCommand(config);
  const absl::string_view prefix = "bazel run //sim -- ";
  MC_ASSERT(absl::StartsWith(replay, prefix), "ReplayCommand runs //sim");
  return absl::StrCat("./dev sim ", replay.substr(prefix.size()),
                      " --store=store");
}

}  // namespace sim
