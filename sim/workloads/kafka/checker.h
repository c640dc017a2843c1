// Maelstrom's kafka checker: jepsen.tests.kafka/checker (Jepsen 0.3.7) as
// maelstrom.workload.kafka (v0.2.4) configures it (:sub-via #{:assign},
// :txn? false, no :ww-deps), as a pure function of the generic history.
//
//   KafkaCheckOptions o;  o.jepsen_op = context.op;  // sim::CheckContext
//   KafkaResult r = CheckKafka(history, o);
//   r.valid == sim::Validity::kFalse;
//   r.results.Pretty()   // {:valid? false, :worst-realtime-lag {...},
//                        //  :bad-error-types (:lost-write), ...}
//
// The history (per op, Jepsen's :value, keys as strings as Maelstrom's
// StringKeys generator writes them):
//   send    invoke [["send", "3", 7]]   ok [["send", "3", [12, 7]]]
//           fail/info keep the invocation's value
//   poll    invoke [["poll"]]           ok [["poll", {"3": [[11, 6], [12,
//   7]]}]] assign  ["3", "5"]                  crash  null
//
// Analyses (kafka.clj `analysis`), each an error type of the results:
//   :inconsistent-offsets  version-orders: two values at one offset of a key
//   :duplicate             duplicate-cases: a value at two offsets of a key
//   :G1a                   g1a-cases: an ok poll saw a failed send's value
//   :precommitted-read     precommitted-read-cases: an op saw its own send
//   :lost-write            lost-write-cases: a value below the highest
//                          offset any ok poll saw, that no ok poll saw
//   :int-poll-skip, :int-nonmonotonic-poll   within one poll
//   :int-send-skip, :int-nonmonotonic-send   within one op's sends
//   :poll-skip, :nonmonotonic-poll   between a process's successive polls
//                          (reset by assign)
//   :nonmonotonic-send     between a process's successive sends
//   :unseen                unseen: acknowledged sends no ok poll ever saw
//   cycle anomalies        cycles!: Elle over wr + realtime edges with
//                          :consistency-models [:strict-serializable]
//                          (e.g. :G1c-realtime: a poll saw a send invoked
//                          after the poll completed)
// :valid? is false iff some error type is outside allowed-error-types
// (:int-send-skip, :G0*, :PL-1-cycle-exists, :strong-PL-1-cycle-exists).
// A read value that no op sent makes Jepsen's analysis throw
// (:no-writer-of-value); the result is then check-safe's
// {:valid? :unknown, :error ...}.
#ifndef SIM_WORKLOADS_KAFKA_CHECKER_H_
#define SIM_WORKLOADS_KAFKA_CHECKER_H_

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "sim/elle/cycles.h"
#include "sim/elle/rw_register.h"
#include "sim/maelstrom/edn.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/validity.h"

namespace workloads {
namespace kafka {

struct KafkaCheckOptions {
  // history[i] as the run's Jepsen history prints it (:index, :time,
  // :process; sim::CheckContext::op); empty: elle::OpWithValue's default.
  std::function<sim::Edn(size_t)> jepsen_op;
  elle::CycleOptions cycle;
};

struct KafkaResult {
  sim::Validity valid = sim::Validity::kUnknown;
  // The results map (the :workload value of Maelstrom's results.edn).
  sim::Edn results = sim::Edn::Map();
  // Sorted error types found, and those that invalidate the run.
  std::vector<std::string> error_types, bad_error_types;
  std::string error;  // the analysis threw (then valid is :unknown)
  // Figures for the report.
  int64_t lost_writes = 0, unseen_messages = 0;
  double worst_realtime_lag_s = 0;
};

KafkaResult CheckKafka(const sim::History& history,
                       const KafkaCheckOptions& options);

// A kafka op's :value as Jepsen prints it: mop functions as keywords
// ([[:send "3" [12 7]]], [[:poll {"3" [[11 6]]}]]), everything else as JSON.
sim::Edn KafkaValueEdn(const kvclient::Json& value);

}  // namespace kafka
}  // namespace workloads

#endif  // SIM_WORKLOADS_KAFKA_CHECKER_H_
