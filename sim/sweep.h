// Runs one config over a range of seeds and summarizes, with the exact
// replay command of every failing seed. Used by the sweep and teeth tests.
//
//   sim::SeedRange seeds = sim::SeedsFromEnv({1, 100});   // SIM_SEEDS=500:50
//   sim::SweepResult r = sim::Sweep(*sim::ProfileConfig("chaos"), seeds);
//   r.failed.empty();  r.Summary() == "chaos seeds 1..100: 100 passed, 0 failed
//   ..."
#ifndef SIM_SWEEP_H_
#define SIM_SWEEP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/types/optional.h"
#include "sim/config.h"

namespace sim {

struct SeedRange {
  uint64_t start = 1;
  uint64_t count = 1;
};

// SIM_SEEDS=start:count overrides `fallback` (malformed values are ignored
// with a message on stderr).
SeedRange SeedsFromEnv(SeedRange fallback);

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
  double simulated_seconds = 0;
  double cpu_seconds = 0;
  std::string Summary() const;
};

// Runs every seed (or, with stop_at_first_failure, until one fails), with
// --strict: a seed fails on Maelstrom's verdict or on any EXTENSION finding.
SweepResult Sweep(const SimConfig& config, SeedRange seeds,
                  bool stop_at_first_failure = false);

}  // namespace sim

#endif  // SIM_SWEEP_H_
