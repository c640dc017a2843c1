// Maelstrom's txn-rw-register checker (maelstrom/workload/txn_rw_register.clj
// `checker` wrapping jepsen/tests/cycle/wr.clj `checker`, i.e. Elle's
// rw-register `check` with :wfr-keys? true and the run's
// --consistency-models):
//   (let [res (check ...), types' (remove #{:cycle-search-timeout}
//                                         (:anomaly-types res))]
//     (assoc res :anomaly-types types'
//                :anomalies (dissoc (:anomalies res) :cycle-search-timeout)
//                :valid? (not (seq types'))))
// so the verdict is false whenever any reportable anomaly remains,
// :empty-transaction-graph included (where Elle alone says :unknown), and a
// timed-out cycle search never invalidates a run by itself.
//
//   TxnCheckOptions o;  o.jepsen_op = context.op;  // sim::CheckContext
//   o.consistency_models = {"read-committed"};
//   TxnResult r = CheckTxnRwRegister(history, o);
//   r.results.Print()  // {:valid? true, :anomaly-types (), :anomalies nil}
#ifndef SIM_WORKLOADS_TXN_RW_REGISTER_CHECKER_H_
#define SIM_WORKLOADS_TXN_RW_REGISTER_CHECKER_H_

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/elle/consistency_model.h"
#include "sim/elle/cycles.h"
#include "sim/elle/rw_register.h"
#include "sim/maelstrom/edn.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/validity.h"

namespace workloads {
namespace txn_rw_register {

struct TxnCheckOptions {
  // history[i] as the run's Jepsen history prints it (:index, :time,
  // :process; sim::CheckContext::op); empty: elle::OpWithValue's default.
  std::function<sim::Edn(size_t)> jepsen_op;
  // --consistency-models (maelstrom core.clj default [:strict-serializable])
  elle::NameSet consistency_models = {"strict-serializable"};
  elle::CycleOptions cycle;
};

struct TxnResult {
  sim::Validity valid = sim::Validity::kUnknown;
  sim::Edn results = sim::Edn::Map();  // the :workload results map
  std::vector<std::string> anomaly_types;
  elle::RwRegisterResult elle;  // Elle's own result, before the wrapper
};

TxnResult CheckTxnRwRegister(const sim::History& history,
                             const TxnCheckOptions& options);

// maelstrom core.clj --consistency-models parse-fn: (map keyword
// (str/split s #"\s+,\s+")): commas need whitespace on both sides, so
// "read-committed,serializable" is ONE (unknown) model. Maelstrom validates
// with friendly-model-name, which accepts any name; an unknown one fails at
// analysis (:valid? :unknown). Names are returned without the colon.
elle::NameSet ParseConsistencyModels(absl::string_view flag);

}  // namespace txn_rw_register
}  // namespace workloads

#endif  // SIM_WORKLOADS_TXN_RW_REGISTER_CHECKER_H_
