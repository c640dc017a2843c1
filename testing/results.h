// What one harness run found, and its results.json: Maelstrom's result keys
// (valid? — true, false or "unknown" — workload, stats, availability, net)
// plus the exit code and an "extensions" object for what Maelstrom does not
// measure (findings, convergence, faults, notes).
//
//   Outcome o = harness.Run();
//   ResultsJson(o, /*seed=*/42)["net"]["all"]["msgs-per-op"] == 3.1
//   ResultsJson(o, 42)["extensions"]["convergence-from-reads-ms"] == 150.8 (or
//   null)
//   ResultsJson(o, 42)["extensions"]["read-staleness"]["all"]["p99-ms"] == 480
//   (read-staleness is null when not measured)
#ifndef TESTING_RESULTS_H_
#define TESTING_RESULTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "kvclient/message.h"
#include "sim/maelstrom/checker.h"

namespace harness {

struct Outcome {
  sim::Verdict verdict;
  sim::RunReport report;
  int exit_code = 255;             // sim::ExitCode: 0, 1, 2 or 255
  double harness_cpu_seconds = 0;  // user + system of the harness process
};

kvclient::Json ResultsJson(const Outcome& outcome, uint64_t seed);

}  // namespace harness

#endif  // TESTING_RESULTS_H_
