// What the run's pages show of a checker's anomalies (sim::AnomalyType on
// the run index, sim::FlaggedOp on the timeline), read from the results map
// the checker printed, so kafka's error types and Elle's anomaly types take
// the same path:
//
//   OpLocator at = MakeLocator(history, context.op, text);
//   sim::AnomalyType g1a = ViewAnomaly("G1a", *anomalies.Find("G1a"), at);
//   g1a.count == 7;  g1a.cases[0].text == "mop [:r 8 11]";
//   g1a.cases[0].ops[1].role == "writer";
//   g1a.cases[0].ops[1].label ==
//       "#46 process 0 fail txn w8=10 w8=11 (t=0.219s)"
//   report.flagged = FlagAnomalies({g1a});
//
// A type's value is a list of cases (Elle), a map {:count n, :errs cases}
// (kafka's condense-error), or one case (kafka's :unseen). An op is any map
// with :index, :type and :f (Jepsen's op as the checker printed it); a case
// names every op it holds, at any depth, under the nearest map key.
#ifndef SIM_ELLE_ANOMALY_VIEW_H_
#define SIM_ELLE_ANOMALY_VIEW_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/types/optional.h"
#include "sim/maelstrom/edn.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/run_record.h"

namespace elle {

struct OpLocator {
  // Jepsen's :index -> the op's history position (its completion when it
  // is an invocation that completed); nullopt when no op has that index.
  std::function<absl::optional<size_t>(int64_t)> position;
  // The op at a history position, its value as the pages word it.
  std::function<std::string(size_t)> value_text;
};

// `jepsen_op` is sim::CheckContext::op (Jepsen's :index counts nemesis
// ops); null: :index is the position (what JepsenOp prints). Linear in the
// history; call it only when there is something to show.
OpLocator MakeLocator(const sim::History& history,
                      const std::function<sim::Edn(size_t)>& jepsen_op,
                      const std::function<std::string(size_t)>& value_text);

// At most `max_cases` cases, each text cut at 300 characters, each op's
// value at 120.
sim::AnomalyType ViewAnomaly(const std::string& name, const sim::Edn& value,
                             const OpLocator& at, size_t max_cases = 10);

// The timeline's marks: every op the shown cases name, once, in history
// order; `what` is "<type>: <case text>", the note the type.
std::vector<sim::FlaggedOp> FlagAnomalies(
    const std::vector<sim::AnomalyType>& anomalies);

}  // namespace elle

#endif  // SIM_ELLE_ANOMALY_VIEW_H_
