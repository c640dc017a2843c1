// history.edn and results.edn in the shapes Jepsen 0.3.7 and Maelstrom
// v0.2.4 write them, so tools that read Maelstrom's store read ours.
//
// history.edn: the Jepsen history (sim/maelstrom/jepsen_history.h), one
// prn'ed op per line, nemesis ops merged in by time.
//
// results.edn (Maelstrom core.clj checker/compose, pretty-printed):
//   {:perf {:latency-graph {:valid? true}, :rate-graph {:valid? true}, :valid?
//   true},
//    :timeline {:valid? true},
//    :exceptions {:valid? true},
//    :stats {:valid? true, :count 2000, :ok-count 1990, :fail-count 0,
//    :info-count 10,
//            :by-f {:add {...}, :read {...}}},
//    :availability {:valid? true, :ok-fraction 0.995},
//    :net {:all {:send-count 6000, :recv-count 5990, :msg-count 6000,
//    :msgs-per-op 2.99},
//          :clients {...}, :servers {..., :msgs-per-op 0.93}, :valid? true},
//    :workload {:valid? true, :errors nil, :final-reads (152 152 152),
//               :acceptable ([152 152])},        ; the g-counter's
//    :extensions {...},       ; EXTENSION: only when run.results.extensions is
//    set :valid? true}
// :stats and :availability are computed from run.history exactly as the
// Clojure checkers do (see the .cc); :net from run.results.net; :workload is
// what the workload's checker returned (run.results.workload.results).
#ifndef SIM_REPORT_JEPSEN_EDN_H_
#define SIM_REPORT_JEPSEN_EDN_H_

#include <string>

#include "sim/maelstrom/edn.h"
#include "sim/maelstrom/run_record.h"
#include "sim/report/analysis.h"

namespace report {

std::string HistoryEdn(const RunAnalysis& analysis);
std::string ResultsEdn(const sim::RunRecord& run);

// The results map itself (ResultsEdn pretty-prints it), for tests and for
// drivers that want one figure.
sim::Edn ResultsMap(const sim::RunRecord& run);

}  // namespace report

#endif  // SIM_REPORT_JEPSEN_EDN_H_
