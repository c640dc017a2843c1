// Maelstrom v0.2.4's g-counter / pn-counter checker (workload/pn_counter.clj
// checker, which g_counter.clj reuses), as a pure function of the history,
// and what this project measures beyond it for counters (EXTENSIONS:
// convergence from Maelstrom's own reads, read staleness).
//
//   workloads::counter::CounterVerdict v = CheckCounterHistory(history);
//   v.validity == sim::Validity::kTrue;
//   v.acceptable == {{12, 12}, {14, 16}}   // D + subset sums of unsure deltas
//   sim::WorkloadResult r = CounterResult(history, context);  // the plug-in's
//
// Acceptable final values: D (sum of acknowledged deltas) plus the sum of any
// subset of the indeterminate adds' deltas (info, or never completed); a
// `fail` add certainly did not happen. Only OK final reads are checked.
#ifndef SIM_WORKLOADS_COUNTER_CHECKER_H_
#define SIM_WORKLOADS_COUNTER_CHECKER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/validity.h"
#include "sim/maelstrom/workload.h"

namespace workloads {
namespace counter {

// Closed intervals [lo, hi], sorted, disjoint, not adjacent.
using IntervalSet = std::vector<std::pair<int64_t, int64_t>>;

// Every value `base + sum(S)` for S a subset of `deltas`. The bitset is
// bounded by kMaxSubsetSumRange: nullopt beyond it (the analysis fails,
// :unknown, rather than exhausting memory).
inline constexpr int64_t kMaxSubsetSumRange = int64_t{1} << 28;
absl::optional<IntervalSet> SubsetSums(int64_t base,
                                       const std::vector<int64_t>& deltas);
bool Contains(const IntervalSet& set, int64_t value);
// "#{[3 3] [7 7]}", as the results block prints the acceptable set.
std::string FormatIntervals(const IntervalSet& set);
// "[[3 3] [7 7]]", as the report pages print it.
std::string FormatIntervalList(const IntervalSet& set);

// pn_counter.clj checker's findings.
struct CounterVerdict {
  sim::Validity validity = sim::Validity::kUnknown;  // :workload :valid?
  std::vector<std::string> errors;  // final reads outside `acceptable`
  int64_t acknowledged_sum = 0;     // D
  int64_t indeterminate_adds = 0;
  IntervalSet acceptable;
  std::vector<int64_t> final_reads;  // the OK ones, in thread order
  // Why the analysis failed (the subset sums' bound): :unknown.
  std::vector<std::string> analysis_errors;
};

// The history's invoke/completion pairing is the generic checker's to judge
// (sim::CheckHistory); here a completion without an invoke is skipped.
CounterVerdict CheckCounterHistory(const sim::History& history);

// Convergence as Maelstrom's own traffic shows it (an EXTENSION measure that
// sends nothing): the final total F is the value every OK final read agrees
// on (and must be acceptable); for each node, the first OK read from which
// on every OK read of that node returns F; the result is the latest of those
// reads' completions minus the last acknowledged add that changed the total
// (delta != 0). An upper bound: nodes are only observed when a client reads.
// Thread i talks to node i mod node_count. nullopt with `note` saying why.
absl::optional<absl::Duration> ConvergenceFromReads(
    const sim::History& history, int node_count, const CounterVerdict& verdict,
    std::string* note);

// Everything the counter workload's checker returns (Workload::Check): the
// verdict, results.edn's :workload map (errors as Jepsen's ops, final reads
// in history order), the results block and results.json's entries, the
// pages' extras (final reads and the acceptable set under the timeline's
// counts, final reads outside it flagged), convergence from reads and read
// staleness.
sim::WorkloadResult CounterResult(const sim::History& history,
                                  const sim::CheckContext& context);

}  // namespace counter
}  // namespace workloads

#endif  // SIM_WORKLOADS_COUNTER_CHECKER_H_
