// Runs one config over a range of seeds and summarizes, with the exact
// replay command of every failing seed. Used by the sweep and teeth tests.
//
//   sim::SeedRange seeds = sim::SeedsFromEnv({1, 100});   // SIM_SEEDS=500:50
//   sim::SweepResult r = sim::Sweep(*sim::ProfileConfig("chaos"), seeds);
//   r.failed.empty();  r.Summary() == "chaos seeds 1..100: 100 passed, 0 failed
//   ..."
//
// Sharding (Bazel's `shard_count`, also on a remote-execution cluster): each
// shard runs a contiguous slice of the range.
//
//   sim::Shard shard = *sim::ShardFromEnv(&error);  // TEST_SHARD_INDEX=1,
//                                                   // TEST_TOTAL_SHARDS=4
//   sim::ShardSeeds({1, 100}, shard)  == {26, 25}   // seeds 26..50
//
// The project's own sweeps also hold every run to its profile's convergence
// bound (ConvergenceBound, below), an EXTENSION beyond Maelstrom's checks.
#ifndef SIM_SWEEP_H_
#define SIM_SWEEP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "sim/config.h"

namespace sim {

struct SeedRange {
  uint64_t start = 1;
  uint64_t count = 1;
};

// SIM_SEEDS=start:count (or another variable, `name`) overrides `fallback`
// (malformed values are ignored with a message on stderr).
SeedRange SeedsFromEnv(SeedRange fallback, const char* name = "SIM_SEEDS");

// One of a test's shards: 0 <= index < total.
struct Shard {
  int64_t index = 0;
  int64_t total = 1;
};

// Bazel's test sharding protocol: TEST_TOTAL_SHARDS and TEST_SHARD_INDEX
// (both unset: shard 0 of 1), and TEST_SHARD_STATUS_FILE, which is touched
// to tell Bazel this test shards (else Bazel fails a sharded test). nullopt
// with `error` set when the variables are malformed or the file cannot be
// written.
absl::optional<Shard> ShardFromEnv(std::string* error);

// The shard's contiguous slice of `all`: shard i of n gets seeds
// [start + count*i/n, start + count*(i+1)/n). The slices cover `all`
// exactly once; a slice may be empty when there are more shards than seeds.
SeedRange ShardSeeds(SeedRange all, Shard shard);

// A shorter, denser run of a profile, so that a CI run covers many more
// seeds for the same CPU: a quarter of the time limit, partitions every
// 2 s instead of 10 s, EXTENSION faults every 1 s (if the profile has
// any), everything else (nodes, rate, faults, liveness bound) unchanged.
// With Maelstrom main's kill or pause the time limit stays (a client whose
// node is down waits out its 5 s timeout) and their ops come every 1 s.
// The profile's name stays; its replay command spells out the differences,
// e.g. "bazel run //sim -- --profile=chaos --seed=9 --time-limit=5
// --nemesis-interval=2 --fault-interval=1".
SimConfig ShortVariant(const SimConfig& profile);

// Whether sweeps of `config` can only hold a node to Maelstrom's own
// verdict: with Maelstrom main's --nemesis pause, a node paused for longer
// than the client timeout answers clients that gave up and were closed, and
// Maelstrom then never reads it again (net.clj validate-msg: "Invalid dest";
// the invalid-line finding), whatever the node does; a deaf node cannot
// converge either. Such sweeps run without --strict and without the
// convergence bound: every seed must still be valid.
bool JudgedByMaelstromAlone(const SimConfig& config);

// EXTENSION: the convergence bound the README documents for the node's
// defaults (counter::Options{}), in this config's conditions: after the
// later of the last acknowledged add and the heal, every node's in-process
// ReadValue() equals the exact total within
//
//   pushes (auto, or push):           R x (push_interval + push_heartbeat)
//     R = ceil(log_{fanout+1} N)        + sync_grace + 3 RTT (4.1 s at
//     hops; a push a partition          latency 0 for N <= 5), and under
//     dropped before the heal is         faults + push_silence + max_refresh
//     seen from the next heartbeat)      + kv_timeout + RTT
//   busy peer keys (< 5 nodes, no     refresh + sync_grace + 3 RTT
//     faults but partitions, which     (0.6 s at latency 0: challenge,
//     never cut seq-kv; >= 2 adds per   single, high-rate, pn)
//     node per refresh interval)
//   peer keys after a quiet spell:    max_refresh + sync_grace + 3 RTT
//   summary (>= 5 nodes, auto):       2 (max_refresh + 1/8 of it + grace)
//                                     + 5 RTT
//   + under EXTENSION faults that end at the heal (kill, pause, kv-cut,
//     loss): one kv_timeout and one RTT (a request lost just before the
//     heal times out, and the own key's fate is read)
//
// where RTT is a KV round trip allowance: 2 x the latency distribution's
// 1e-6 quantile (exponential: mean x ln 1e6 ~ 13.8 x mean; uniform: 2 x
// mean) plus the reorder delay when the profile reorders. E.g. chaos (5
// nodes, summary, exponential 10 ms, every fault): 8.56 s.
absl::Duration ConvergenceBound(const SimConfig& config);

struct SweepOptions {
  // Stop at the first failing seed (the teeth tests).
  bool stop_at_first_failure = false;
  // Judge every seed with --strict (every EXTENSION finding fails it); off
  // for the configs JudgedByMaelstromAlone.
  bool strict = true;
  // Maelstrom main's kill and pause: a client thread whose node is down (or
  // deaf) waits out its 5 s timeout, so now and then a run sees no :ok for
  // some :f at all, and Jepsen's stats checker calls it invalid whatever
  // the node does. With this set, a seed whose only failure is that (the
  // workload's checker valid, no harness error, no finding when strict)
  // is inconclusive: listed, neither passed nor failed.
  bool tolerate_no_ok = false;
  // A seed also fails when its nodes converge later than this (EXTENSION;
  // the convergence sweeps pass ConvergenceBound(config)).
  absl::optional<absl::Duration> convergence_bound;
};

struct SweepFailure {
  uint64_t seed = 0;
  int exit_code = 0;
  std::string why;     // the checker's errors / liveness / harness message
  std::string replay;  // "bazel run //sim -- --profile=... --seed=N ..."
  std::string store;   // "./dev sim ... --store=store": its report pages
};

struct SweepResult {
  std::string label;
  SeedRange seeds;
  int64_t passed = 0;
  std::vector<SweepFailure> failed;
  std::vector<uint64_t> inconclusive;  // see SweepOptions::tolerate_no_ok
  double simulated_seconds = 0;
  double cpu_seconds = 0;
  // Slowest convergence (after the later of the last acknowledged add and
  // the heal) over the seeds that measured one; -1 s if none did.
  absl::Duration slowest_convergence = absl::Seconds(-1);
  uint64_t slowest_convergence_seed = 0;
  absl::optional<absl::Duration> convergence_bound;
  // kv-garble (EXTENSION): the most KV requests a second any node sent over
  // a garbled stretch of 1 s or more, over the seeds (-1: none measured),
  // and the bound each seed is held to (0: none).
  double most_kv_rate_garbled = -1;
  uint64_t most_kv_rate_garbled_seed = 0;
  double kv_rate_bound = 0;
  std::string Summary() const;
};

// Runs every seed (or, with stop_at_first_failure, until one fails), with
// --strict: a seed fails on Maelstrom's verdict or on any EXTENSION finding.
SweepResult Sweep(const SimConfig& config, SeedRange seeds,
                  const SweepOptions& options);
SweepResult Sweep(const SimConfig& config, SeedRange seeds,
                  bool stop_at_first_failure = false);

}  // namespace sim

#endif  // SIM_SWEEP_H_
