// Maelstrom's echo checker (maelstrom workload/echo.clj checker): every
// [invoke, completion] pair of knossos' history/pair-index whose
// completion's (:echo (:value complete)) is not = the invoke's :value is an
// error ["Expected a message with :echo" <sent> "But received" <value>].
//
//   EchoResult r = CheckEcho(history, context);
//   r.valid == false;
//   r.edn.Print() == "{:valid? false, :errors ([\"Expected a message with "
//       ":echo\" \"Please echo 5\" \"But received\" {:echo \"Please echo "
//       "6\", :in_reply_to 1, :type \"echo_ok\"}])}"
//
// pair-index pairs with knossos.history/pairs, not pairs+: an :info
// completion (a timeout, an indefinite error) pairs with nothing and is
// never an error; a :fail completion (a definite error) keeps the invoke's
// string as its value, whose :echo is nil, so it IS an error. :errors lists
// them in the order Clojure iterates the pair-index map: completion order
// while the map has at most 8 entries, else the hash order of the invoke
// Op records (PersistentHashMap).
#ifndef SIM_WORKLOADS_ECHO_CHECKER_H_
#define SIM_WORKLOADS_ECHO_CHECKER_H_

#include <cstddef>
#include <vector>

#include "sim/maelstrom/edn.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/validity.h"
#include "sim/maelstrom/workload.h"

namespace workloads {
namespace echo {

struct EchoError {
  size_t invoke = 0;  // History indices
  size_t completion = 0;
};

struct EchoResult {
  sim::Validity valid = sim::Validity::kTrue;
  std::vector<EchoError> errors;   // in :errors order
  sim::Edn edn = sim::Edn::Map();  // {:valid? ..., :errors (...)}
};

EchoResult CheckEcho(const sim::History& history,
                     const sim::CheckContext& context);

// The plug-in's verdict: CheckEcho, one error line and one flagged
// completion per mismatch.
sim::WorkloadResult EchoWorkloadResult(const sim::History& history,
                                       const sim::CheckContext& context);

}  // namespace echo
}  // namespace workloads

#endif  // SIM_WORKLOADS_ECHO_CHECKER_H_
