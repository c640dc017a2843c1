// Judges a recorded counter history the way Maelstrom's g-counter /
// pn-counter checker does (spec §5), and adds statistics. Works on a History
// alone, so the real-process harness can feed it too.
//
//   sim::CounterVerdict v = sim::CheckCounterHistory(history);
//   v.valid;                       // every final read acceptable, add & read ok once
//   v.acceptable == {{12, 12}, {14, 16}}   // D + subset sums of unsure deltas
//   std::cout << sim::FormatResults(v, report);
//
// Acceptable final values: D (sum of acknowledged deltas) plus the sum of any
// subset of the indeterminate adds' deltas (info, or never completed); a
// `fail` add certainly did not happen. Subset sums are computed exactly with
// a bitset over the (small) range of possible sums, and reported as
// intervals.
#ifndef SIM_CHECKER_H_
#define SIM_CHECKER_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "sim/history.h"

namespace sim {

// Closed intervals [lo, hi], sorted, disjoint, not adjacent.
using IntervalSet = std::vector<std::pair<int64_t, int64_t>>;

// Every value `base + sum(S)` for S a subset of `deltas`.
IntervalSet SubsetSums(int64_t base, const std::vector<int64_t>& deltas);
bool Contains(const IntervalSet& set, int64_t value);
std::string FormatIntervals(const IntervalSet& set);

struct OpStats {
  int64_t ok = 0, fail = 0, info = 0;
  std::vector<absl::Duration> ok_latencies;  // sorted
  absl::Duration Quantile(double q) const;   // of ok_latencies; 0 if none
};

struct CounterVerdict {
  bool valid = false;
  std::vector<std::string> errors;
  int64_t acknowledged_sum = 0;      // D
  int64_t indeterminate_adds = 0;
  IntervalSet acceptable;
  std::vector<int64_t> final_reads;  // successful ones, in thread order
  std::map<std::string, OpStats> by_f;  // "add", "read"
  int64_t completed_ops = 0;            // final reads included
  int64_t ok_ops = 0;
};

CounterVerdict CheckCounterHistory(const History& history);

// What the driver measured besides the history.
struct RunReport {
  int64_t messages = 0;         // every message sent
  int64_t server_messages = 0;  // no client on either end
  // EXTENSIONS (beyond Maelstrom): empty/nullopt when not measured.
  absl::optional<absl::Duration> convergence;  // last ok add → all nodes exact
  std::string convergence_note;   // why it was not measured / what happened
  std::string liveness_failure;   // non-empty: the run fails
  std::vector<std::string> invalid_lines;  // Maelstrom stops reading the node
  int64_t busy_loops = 0;          // tolerated busy loops (see SimConfig)
  std::string busy_loop_first;
  std::vector<std::string> faults;         // summary of injected faults
  std::string harness_error;      // non-empty: exit 255
};

// Overall: 0 valid, 1 invalid, 255 harness broke.
int ExitCode(const CounterVerdict& verdict, const RunReport& report);
// Maelstrom-like results block plus the closing line.
std::string FormatResults(const CounterVerdict& verdict,
                          const RunReport& report);

}  // namespace sim

#endif  // SIM_CHECKER_H_
