// Judges a recorded counter history the way Maelstrom v0.2.4 composes its
// checkers (core.clj maelstrom-test, checker/compose): the workload checker
// (workload/pn_counter.clj checker, shared by g-counter), Jepsen's stats
// checker (checker.clj stats, wrapped by kafka stats-checker) and the
// availability checker (maelstrom checker.clj availability-checker), merged
// with checker.clj merge-valid (false beats :unknown beats true). Works on a
// History alone, so both drivers (simulator and real processes) feed it.
//
//   sim::CounterVerdict v = sim::CheckCounterHistory(history);
//   v.validity == Validity::kTrue;   // Maelstrom's :valid?
//   v.acceptable == {{12, 12}, {14, 16}}   // D + subset sums of unsure deltas
//   std::cout << sim::FormatResults(v, report);   // ends with the verdict line
//   return sim::ExitCode(v, report);              // Jepsen cli.clj's codes
//
// Acceptable final values: D (sum of acknowledged deltas) plus the sum of any
// subset of the indeterminate adds' deltas (info, or never completed); a
// `fail` add certainly did not happen. Only OK final reads are checked.
// Stats: every :f that occurs (has a completion) needs at least one :ok.
//
// What Maelstrom does not check (EXTENSIONS: convergence, liveness, invalid
// lines, busy loops, stdout floods ...) is reported as findings in the
// RunReport; they never change Maelstrom's :valid?, and change the exit code
// only under --strict (RunReport::strict).
#ifndef SIM_MAELSTROM_CHECKER_H_
#define SIM_MAELSTROM_CHECKER_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/staleness.h"

namespace sim {

// Jepsen's :valid? values.
enum class Validity { kTrue, kFalse, kUnknown };
// checker.clj merge-valid: false dominates :unknown, which dominates true.
Validity MergeValid(Validity a, Validity b);
const char* ValidityName(Validity v);  // "true", "false", ":unknown"

// Closed intervals [lo, hi], sorted, disjoint, not adjacent.
using IntervalSet = std::vector<std::pair<int64_t, int64_t>>;

// Every value `base + sum(S)` for S a subset of `deltas`. The bitset is
// bounded by kMaxSubsetSumRange: nullopt beyond it (the analysis fails,
// :unknown, rather than exhausting memory).
inline constexpr int64_t kMaxSubsetSumRange = int64_t{1} << 28;
absl::optional<IntervalSet> SubsetSums(int64_t base,
                                       const std::vector<int64_t>& deltas);
bool Contains(const IntervalSet& set, int64_t value);
std::string FormatIntervals(const IntervalSet& set);

struct OpStats {
  int64_t ok = 0, fail = 0, info = 0;
  int64_t count() const { return ok + fail + info; }
  std::vector<absl::Duration> ok_latencies;  // sorted
  absl::Duration Quantile(double q) const;   // of ok_latencies; 0 if none
};

// Maelstrom's --availability: nullopt (no check), "total", or a fraction.
struct Availability {
  bool total = false;
  double fraction = 0;
};

struct CheckOptions {
  absl::optional<Availability> availability;
  // Nemesis operations in the Jepsen history (each an invoke + an info):
  // they count in the availability checker's invoke count.
  int64_t nemesis_ops = 0;
};

struct CounterVerdict {
  Validity validity = Validity::kUnknown;  // Maelstrom's top-level :valid?
  bool valid = false;                      // validity == kTrue
  // :workload (pn_counter.clj checker).
  Validity workload_validity = Validity::kUnknown;
  std::vector<std::string> errors;  // final reads outside `acceptable`
  int64_t acknowledged_sum = 0;     // D
  int64_t indeterminate_adds = 0;
  IntervalSet acceptable;
  std::vector<int64_t> final_reads;  // the OK ones, in thread order
  // :stats (checker.clj stats): per :f that occurs, valid iff some :ok.
  Validity stats_validity = Validity::kTrue;
  std::vector<std::string> stats_errors;  // "add: no :ok among 12"
  std::map<std::string, OpStats> by_f;    // "add", "read"
  int64_t completed_ops = 0;              // client completions, finals included
  int64_t ok_ops = 0;
  int64_t invocations = 0;  // client invokes (msgs-per-op, net/checker.clj)
  // :availability (maelstrom checker.clj).
  Validity availability_validity = Validity::kTrue;
  double ok_fraction = 1;  // oks / invokes, nemesis included
  // Why the analysis itself failed (:unknown): an inconsistent history, or
  // a bound. Jepsen's check-safe turns such an exception into :unknown.
  std::vector<std::string> analysis_errors;
};

CounterVerdict CheckCounterHistory(const History& history,
                                   const CheckOptions& options = {});

// Convergence as Maelstrom's own traffic shows it (an EXTENSION measure that
// sends nothing): the final total F is the value every OK final read agrees
// on (and must be acceptable); for each node, the first OK read from which
// on every OK read of that node returns F; the result is the latest of those
// reads' completions minus the last acknowledged add that changed the total
// (delta != 0). An upper bound: nodes are only observed when a client reads.
// Thread i talks to node i mod node_count. nullopt with `note` saying why.
absl::optional<absl::Duration> ConvergenceFromReads(
    const History& history, int node_count, const CounterVerdict& verdict,
    std::string* note);

// Something beyond Maelstrom's checks that went wrong (an EXTENSION).
struct Finding {
  std::string
      kind;  // "invalid-line", "liveness", "busy-loop", "stdout-flood", ...
  std::string detail;  // one line, names the node and time
};

// A fault window, for the results and the plots.
struct FaultSpan {
  absl::Time start;
  absl::Time end;           // InfiniteFuture while active
  std::string kind;         // "partition", "kill", "pause", "kv-cut"
  std::string description;  // "partition n0 ignores [n1 n2], ..."
};

// What the driver measured besides the history.
struct RunReport {
  int64_t messages = 0;         // every message sent (net.clj send!)
  int64_t server_messages = 0;  // no client ("c...") on either end
  // EXTENSIONS (beyond Maelstrom): empty/nullopt when not measured.
  absl::optional<absl::Duration> convergence;  // in-process probe (simulator)
  std::string convergence_note;
  absl::optional<absl::Duration>
      convergence_from_reads;  // see ConvergenceFromReads
  std::string convergence_from_reads_note;
  // Read staleness (sim/maelstrom/staleness.h); nullopt when not measured (a
  // crashed run, or a pn-counter history, where it is undefined).
  absl::optional<StalenessReport> staleness;
  std::vector<Finding> findings;    // fail the run only under `strict`
  std::vector<std::string> notes;   // how this run differs from Maelstrom's
  std::vector<std::string> faults;  // "1.0-3.2s partition ...", injected faults
  bool strict = false;              // --strict: findings fail the run (exit 1)
  std::string harness_error;        // non-empty: the test crashed, exit 255
};

// Jepsen cli.clj: 0 valid, 1 invalid, 2 :unknown (analysis errors), 255 the
// test crashed (harness_error). Under `report.strict` any finding makes it 1.
int ExitCode(const CounterVerdict& verdict, const RunReport& report);

// Maelstrom-like results map, the EXTENSIONS section, and the closing line:
// "Everything looks good! ヽ(‘ー`)ノ", "Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻" or
// "Errors occurred during analysis, but no anomalies found. ಠ~ಠ" (Jepsen
// core.clj log-results), or why the test crashed.
std::string FormatResults(const CounterVerdict& verdict,
                          const RunReport& report);

}  // namespace sim

#endif  // SIM_MAELSTROM_CHECKER_H_
