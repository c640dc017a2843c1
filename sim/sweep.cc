#include "sim/sweep.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "counter/core.h"
#include "kvclient/assert.h"
#include "sim/world.h"

namespace sim {

SeedRange SeedsFromEnv(SeedRange fallback, const char* name) {
  const char* env = std::getenv(name);
  if (env == nullptr || *env == '\0') return fallback;
  std::vector<std::string> parts = absl::StrSplit(env, ':');
  SeedRange r;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &r.start) ||
      !absl::SimpleAtoi(parts[1], &r.count)) {
    std::cerr << name << " must be start:count, got \"" << env << "\"; using "
              << fallback.start << ":" << fallback.count << "\n";
    return fallback;
  }
  return r;
}

absl::optional<Shard> ShardFromEnv(std::string* error) {
  const char* total = std::getenv("TEST_TOTAL_SHARDS");
  const char* index = std::getenv("TEST_SHARD_INDEX");
  Shard shard;
  if (total == nullptr && index == nullptr) return shard;
  if (total == nullptr || index == nullptr ||
      !absl::SimpleAtoi(total, &shard.total) ||
      !absl::SimpleAtoi(index, &shard.index) || shard.total < 1 ||
      shard.index < 0 || shard.index >= shard.total) {
    *error = absl::StrCat("TEST_TOTAL_SHARDS=\"", total ? total : "(unset)",
                          "\" TEST_SHARD_INDEX=\"", index ? index : "(unset)",
                          "\": need 0 <= index < total");
    return absl::nullopt;
  }
  // Bazel fails a sharded test that does not touch this file: without it,
  // every shard would be taken to run the whole test.
  if (const char* status = std::getenv("TEST_SHARD_STATUS_FILE");
      status != nullptr && *status != '\0') {
    std::ofstream touch(status, std::ios::app);
    if (!touch) {
      *error = absl::StrCat("cannot write TEST_SHARD_STATUS_FILE ", status);
      return absl::nullopt;
    }
  }
  return shard;
}

SeedRange ShardSeeds(SeedRange all, Shard shard) {
  MC_ASSERT(shard.total >= 1 && shard.index >= 0 && shard.index < shard.total,
            "a shard index lies in [0, total)");
  // 128-bit products: count * index cannot overflow for any range.
  const auto edge = [&](int64_t i) {
    return static_cast<uint64_t>(static_cast<unsigned __int128>(all.count) *
                                 static_cast<uint64_t>(i) /
                                 static_cast<uint64_t>(shard.total));
  };
  const uint64_t from = edge(shard.index);
  const uint64_t to = edge(shard.index + 1);
  MC_ASSERT(from <= to && to <= all.count, "slices are ordered, inside all");
  return SeedRange{all.start + from, to - from};
}

SimConfig ShortVariant(const SimConfig& profile) {
  SimConfig c = profile;
  if (c.kill || c.pause) {
    // Maelstrom main's kill and pause: a client thread whose node is down
    // waits out its 5 s timeout, so a 5 s run could see no add
    // acknowledged at all (Jepsen's stats checker: invalid). Denser only.
    c.nemesis_interval = std::min(profile.nemesis_interval, absl::Seconds(1));
    return c;
  }
  c.workload.time_limit = profile.workload.time_limit / 4;
  c.nemesis_interval = std::min(profile.nemesis_interval, absl::Seconds(2));
  if (c.extension_faults()) {
    c.fault_interval = std::min(profile.FaultInterval(), absl::Seconds(1));
  }
  return c;
}

bool JudgedByMaelstromAlone(const SimConfig& config) { return config.pause; }

namespace {

// A one-way network delay that this config exceeds with probability at most
// 1e-6 per message (the sweeps deliver ~10^9 messages per CI run at most
// across all seeds, and the bound needs a handful of them to be slow at
// once).
absl::Duration LatencyAllowance(const SimConfig& c) {
  const NetworkOptions& n = c.network;
  absl::Duration d = n.latency;
  if (n.latency_dist == LatencyDist::kExponential) {
    d = n.latency * std::log(1e6);
  } else if (n.latency_dist == LatencyDist::kUniform) {
    d = n.latency * 2;  // uniform over [0, 2 x mean]
  }
  if (n.reorder_ppm > 0) d += n.reorder_max_delay;
  return d;
}

// Busy: every node gets adds (a third of the ops, half for pn-counter; the
// workload spreads threads over the nodes) at least twice per refresh
// interval on average, so its rounds never stretch (README: "Rounds that
// see no change double the interval").
bool IsBusy(const SimConfig& c, const counter::Options& node) {
  const double add_share = c.workload.name == "pn-counter" ? 0.5 : 1.0 / 3;
  const double adds_per_node_per_round =
      c.workload.rate * add_share / c.node_count() *
      absl::ToDoubleSeconds(node.refresh_interval);
  return adds_per_node_per_round >= 2;
}

}  // namespace

namespace {

// Hops an entry needs under the digit schedule: R = ceil(log_b N), b =
// fanout + 1 (at least 1).
int PushHops(int nodes, int fanout) {
  int hops = 1;
  for (int64_t reach = fanout + 1; reach < nodes; reach *= fanout + 1) ++hops;
  return hops;
}

// Push and relay dissemination (README "Dissemination"): each of R hops waits
// at most one push round, and a push lost to a partition just before the
// heal is noticed from the receiver's next heartbeat push (push_heartbeat);
// under faults a silent peer is read from seq-kv after the silence bound,
// in a fallback round stretched up to max_refresh, past one KV timeout.
absl::Duration PushConvergenceBound(const SimConfig& config,
                                    const counter::Options& node,
                                    absl::Duration rtt, bool faults) {
  const bool relay = config.dissemination == counter::Dissemination::kRelay ||
                     (config.dissemination == counter::Dissemination::kAuto &&
                      config.node_count() > node.push_fanout + 1);
  const int hops = relay ? 2 : PushHops(config.node_count(), node.push_fanout);
  const absl::Duration round = relay ? node.relay_interval : node.push_interval;
  absl::Duration bound =
      hops * (round + node.push_heartbeat) + node.sync_grace + 3 * rtt;
  // Relaying, a tree left deeper by a partition (a node whose parent was
  // cut off moved to the next live one) returns to the lowest id once its
  // probe is due and answered (relay_retry + relay_contact); until then
  // news takes up to two more hops.
  if (relay) {
    bound += node.relay_retry + node.relay_contact +
             2 * (round + node.push_heartbeat);
  }
  if (faults) {
    bound +=
        node.push_silence + node.max_refresh_interval + node.kv_timeout + rtt;
  }
  return bound;
}

}  // namespace

absl::Duration ConvergenceBound(const SimConfig& config) {
  const counter::Options node;  // the sweeps run the node's defaults
  const absl::Duration rtt = 2 * LatencyAllowance(config);
  const NetworkOptions& n = config.network;
  const bool faults = config.kill || config.pause ||
                      config.extension_faults() || n.loss_ppm > 0;
  const bool push =
      config.dissemination == counter::Dissemination::kPush ||
      config.dissemination == counter::Dissemination::kRelay ||
      (config.dissemination == counter::Dissemination::kAuto && node.auto_push);
  if (push) return PushConvergenceBound(config, node, rtt, faults);
  const bool summary =
      config.dissemination == counter::Dissemination::kSummary ||
      (config.dissemination == counter::Dissemination::kAuto &&
       config.node_count() >= node.summary_min_nodes);
  if (!faults && !summary && IsBusy(config, node)) {
    return node.refresh_interval + node.sync_grace + 3 * rtt;
  }
  absl::Duration bound =
      summary ? 2 * (node.max_refresh_interval + node.max_refresh_interval / 8 +
                     node.sync_grace) +
                    5 * rtt
              : node.max_refresh_interval + node.sync_grace + 3 * rtt;
  if (faults) bound += node.kv_timeout + rtt;
  return bound;
}

namespace {

std::string WhyFailed(const RunResult& r) {
  std::vector<std::string> why = r.verdict.workload.errors;
  why.insert(why.end(), r.verdict.stats_errors.begin(),
             r.verdict.stats_errors.end());
  for (const std::string& e : r.verdict.analysis_errors) {
    why.push_back(absl::StrCat("analysis: ", e));
  }
  for (const Finding& f : r.report.findings) {
    why.push_back(absl::StrCat(f.kind, ": ", f.detail));
  }
  if (!r.report.harness_error.empty()) {
    why.push_back(absl::StrCat("harness: ", r.report.harness_error));
  }
  return absl::StrJoin(why, "; ");
}

// When the run's last fault ended: the heal, which the workload performs
// exactly final_sleep before it invokes the final reads (Jepsen's phases:
// heal, sleep, final reads). nullopt if the run never got there.
absl::optional<absl::Time> HealTime(const SimConfig& config,
                                    const History& history) {
  for (const HistoryEvent& e : history) {
    if (e.final && e.type == EventType::kInvoke) {
      return e.time - config.workload.final_sleep;
    }
  }
  return absl::nullopt;
}

// Convergence counted from the later of the last acknowledged add and the
// heal (faults may hold the nodes apart until then); nullopt, with `why`,
// when the run measured none although it acknowledged adds.
absl::optional<absl::Duration> ConvergenceAfterHeal(const SimConfig& config,
                                                    const RunResult& r,
                                                    std::string* why) {
  absl::optional<absl::Time> last_ok_add;
  for (const HistoryEvent& e : r.history) {
    if (e.type == EventType::kOk && e.f == "add") {
      last_ok_add = e.time;
    }
  }
  if (!last_ok_add.has_value()) return absl::ZeroDuration();  // nothing to do
  if (!r.report.convergence.has_value()) {
    *why =
        absl::StrCat("convergence not measured: ", r.report.convergence_note);
    return absl::nullopt;
  }
  const absl::Time converged = *last_ok_add + *r.report.convergence;
  absl::Time from = *last_ok_add;
  if (absl::optional<absl::Time> heal = HealTime(config, r.history)) {
    from = std::max(from, *heal);
  }
  return std::max(absl::ZeroDuration(), converged - from);
}

// Whether the run's only failure is Jepsen's stats checker finding no :ok
// for some :f (SweepOptions::tolerate_no_ok).
bool OnlyNoOk(const SimConfig& c, const RunResult& r) {
  if (r.verdict.stats_errors.empty() ||
      r.verdict.workload.validity != Validity::kTrue ||
      !r.verdict.analysis_errors.empty() || !r.report.harness_error.empty() ||
      r.verdict.availability_validity != Validity::kTrue) {
    return false;
  }
  if (c.strict && !r.report.findings.empty()) return false;
  for (const std::string& e : r.verdict.stats_errors) {
    if (!absl::StrContains(e, ": no :ok among ")) return false;
  }
  return true;
}

}  // namespace

SweepResult Sweep(const SimConfig& config, SeedRange seeds,
                  const SweepOptions& options) {
  SweepResult result;
  result.label = absl::StrCat(
      config.profile, config.bug == counter::Bug::kNone ? "" : " bug=",
      config.bug == counter::Bug::kNone ? "" : counter::BugName(config.bug));
  result.seeds = seeds;
  result.convergence_bound = options.convergence_bound;
  result.kv_rate_bound = config.kv_rate_bound;
  const std::clock_t cpu_start = std::clock();
  for (uint64_t i = 0; i < seeds.count; ++i) {
    SimConfig c = config;
    c.seed = seeds.start + i;
    // The project's own sweeps judge strictly: every EXTENSION finding
    // (liveness, busy loops, invalid lines) fails the seed.
    c.strict = options.strict;
    RunResult r = RunWorld(c, nullptr);
    result.simulated_seconds += r.simulated_seconds;
    if (r.report.kv_rate_garbled.has_value() &&
        *r.report.kv_rate_garbled > result.most_kv_rate_garbled) {
      result.most_kv_rate_garbled = *r.report.kv_rate_garbled;
      result.most_kv_rate_garbled_seed = c.seed;
    }
    std::string why = r.exit_code == 0 ? "" : WhyFailed(r);
    int exit_code = r.exit_code;
    std::string convergence_why;
    absl::optional<absl::Duration> convergence =
        ConvergenceAfterHeal(c, r, &convergence_why);
    if (convergence.has_value() && *convergence > result.slowest_convergence) {
      result.slowest_convergence = *convergence;
      result.slowest_convergence_seed = c.seed;
    }
    if (options.convergence_bound.has_value()) {
      if (!convergence.has_value()) {
        absl::StrAppend(&why, why.empty() ? "" : "; ",
                        "convergence-bound: ", convergence_why);
      } else if (*convergence > *options.convergence_bound) {
        absl::StrAppend(
            &why, why.empty() ? "" : "; ", "convergence-bound: converged ",
            absl::FormatDuration(*convergence),
            " after the later of the last acknowledged add and the heal, "
            "over the bound ",
            absl::FormatDuration(*options.convergence_bound));
      }
      // Like any --strict finding, a missed bound makes the run invalid.
      if (exit_code == 0 && !why.empty()) exit_code = 1;
    }
    if (exit_code == 0) {
      ++result.passed;
      continue;
    }
    if (options.tolerate_no_ok && OnlyNoOk(c, r) &&
        why.find("convergence-bound") == std::string::npos) {
      result.inconclusive.push_back(c.seed);
      continue;
    }
    result.failed.push_back(SweepFailure{c.seed, exit_code, why,
                                         ReplayCommand(c), StoreCommand(c)});
    if (options.stop_at_first_failure) break;
  }
  result.cpu_seconds =
      static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  return result;
}

SweepResult Sweep(const SimConfig& config, SeedRange seeds,
                  bool stop_at_first_failure) {
  SweepOptions options;
  options.stop_at_first_failure = stop_at_first_failure;
  return Sweep(config, seeds, options);
}

std::string SweepResult::Summary() const {
  std::string out = absl::StrFormat(
      "%s seeds %d..%d: %d passed, %d failed%s; %.0f simulated s in %.2f CPU "
      "s (%.0fx)",
      label, seeds.start, seeds.start + seeds.count - 1, passed, failed.size(),
      inconclusive.empty()
          ? ""
          : absl::StrCat(", ", inconclusive.size(),
                         " inconclusive (no :ok for an :f; seeds ",
                         absl::StrJoin(inconclusive, " "), ")"),
      simulated_seconds, cpu_seconds,
      cpu_seconds > 0 ? simulated_seconds / cpu_seconds : 0);
  if (slowest_convergence >= absl::ZeroDuration()) {
    absl::StrAppend(&out, "; slowest convergence ",
                    absl::FormatDuration(slowest_convergence), " (seed ",
                    slowest_convergence_seed, ")");
  }
  if (convergence_bound.has_value()) {
    absl::StrAppend(&out, ", bound ", absl::FormatDuration(*convergence_bound));
  }
  if (most_kv_rate_garbled >= 0) {
    absl::StrAppend(
        &out, absl::StrFormat("; most KV requests a node-second while garbled "
                              "%.1f (seed %d)",
                              most_kv_rate_garbled, most_kv_rate_garbled_seed));
    if (kv_rate_bound > 0) {
      absl::StrAppend(&out, absl::StrFormat(", bound %g", kv_rate_bound));
    }
  }
  for (const SweepFailure& f : failed) {
    std::string dev = f.replay;
    const std::string bazel = "bazel run //sim -- ";
    if (dev.rfind(bazel, 0) == 0) dev.replace(0, bazel.size(), "./dev sim ");
    absl::StrAppend(&out, "\n  seed ", f.seed, " (exit ", f.exit_code,
                    "): ", f.why, "\n    rerun with: ", dev,
                    "\n    or: ", f.replay, "\n    look at it: ", f.store);
  }
  return out;
}

}  // namespace sim
