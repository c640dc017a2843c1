// Judges a run's history the way Maelstrom v0.2.4 composes its checkers
// (core.clj maelstrom-test, checker/compose): the workload's own checker
// (Workload::Check, the :workload key), Jepsen's stats checker (checker.clj
// stats, wrapped by jepsen.tests.kafka stats-checker) and the availability
// checker (maelstrom checker.clj availability-checker), merged with
// checker.clj merge-valid (false beats :unknown beats true). Works on a
// History alone, so both drivers (simulator and real processes) feed it.
//
//   sim::Verdict v = sim::CheckHistory(workload, history, options, context);
//   v.validity == Validity::kTrue;       // Maelstrom's :valid?
//   v.workload.errors                    // why the workload checker objects
//   v.by_f["add"].Quantile(0.99)         // latency of ok adds
//   std::cout << sim::FormatResults(v, report);   // ends with the verdict line
//   return sim::ExitCode(v, report);              // Jepsen cli.clj's codes
//
// Stats: every :f that occurs (has a completion) needs at least one :ok,
// except :crash and :debug-topic-partitions (kafka's stats-checker). A
// history that is not a sequence of invoke/completion pairs per thread is an
// analysis error: every verdict is then :unknown (Jepsen's check-safe turns
// the checkers' exceptions into :unknown).
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
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/staleness.h"
#include "sim/maelstrom/validity.h"
#include "sim/maelstrom/workload.h"

namespace sim {

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
  // Only client invokes count (h/invokes): the nemesis's ops are :info
  // from the start (nemesis/combined.clj partition-package), never :invoke.
  absl::optional<Availability> availability;
};

struct Verdict {
  Validity validity = Validity::kUnknown;  // Maelstrom's top-level :valid?
  bool valid = false;                      // validity == kTrue
  // :workload: what the workload's checker said.
  WorkloadResult workload;
  // :stats (checker.clj stats): per :f, valid iff some :ok. by_f lists the
  // workload's fs() even when none occurred.
  Validity stats_validity = Validity::kTrue;
  std::vector<std::string> stats_errors;  // "add: no :ok among 12 ..."
  std::map<std::string, OpStats> by_f;
  int64_t completed_ops = 0;  // client completions, finals included
  int64_t ok_ops = 0;
  int64_t invocations = 0;  // client invokes (msgs-per-op, net/checker.clj)
  // :availability (maelstrom checker.clj).
  Validity availability_validity = Validity::kTrue;
  double ok_fraction = 1;  // oks / invokes, nemesis included
  // Why the analysis itself failed (:unknown): an inconsistent history,
  // then the workload checker's own (a bound it reached).
  std::vector<std::string> analysis_errors;
};

Verdict CheckHistory(const Workload& workload, const History& history,
                     const CheckOptions& options, const CheckContext& context);

// Something beyond Maelstrom's checks that went wrong (an EXTENSION).
struct Finding {
  std::string
      kind;  // "invalid-line", "liveness", "busy-loop", "stdout-flood", ...
  std::string detail;  // one line, names the node and time
};

// What the driver measured besides the history.
struct RunReport {
  int64_t messages = 0;         // every message sent (net.clj send!)
  int64_t server_messages = 0;  // no client ("c...") on either end
  // EXTENSIONS (beyond Maelstrom): empty/nullopt when not measured.
  absl::optional<absl::Duration> convergence;  // in-process probe (simulator)
  std::string convergence_note;
  // From Maelstrom's own traffic, as the workload measures it
  // (WorkloadResult::convergence_from_reads).
  absl::optional<absl::Duration> convergence_from_reads;
  std::string convergence_from_reads_note;
  // Read staleness (sim/maelstrom/staleness.h), as the workload measures it;
  // nullopt when not measured (a crashed run, a workload or history where
  // it is undefined).
  absl::optional<StalenessReport> staleness;
  // Under kv-garble: the most KV requests a second any node sent over a
  // garbled stretch of at least 1 s; nullopt without such a stretch.
  absl::optional<double> kv_rate_garbled;
  std::vector<Finding> findings;    // fail the run only under `strict`
  std::vector<std::string> notes;   // how this run differs from Maelstrom's
  std::vector<std::string> faults;  // "1.0-3.2s partition ...", injected faults
  bool strict = false;              // --strict: findings fail the run (exit 1)
  std::string harness_error;        // non-empty: the test crashed, exit 255
};

// Jepsen cli.clj: 0 valid, 1 invalid, 2 :unknown (analysis errors), 255 the
// test crashed (harness_error). Under `report.strict` any finding makes it 1.
int ExitCode(const Verdict& verdict, const RunReport& report);

// Maelstrom-like results map, the EXTENSIONS section, and the closing line:
// "Everything looks good! ヽ(‘ー`)ノ", "Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻" or
// "Errors occurred during analysis, but no anomalies found. ಠ~ಠ" (Jepsen
// core.clj log-results), or why the test crashed.
std::string FormatResults(const Verdict& verdict, const RunReport& report);

// ["a"
//  "b"] with every line after the first indented by `indent`, or nil: the
// results block's list of strings.
std::string EdnStrings(const std::vector<std::string>& items,
                       const std::string& indent);

}  // namespace sim

#endif  // SIM_MAELSTROM_CHECKER_H_
