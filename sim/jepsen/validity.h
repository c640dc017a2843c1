// Jepsen's :valid? values and how they merge (jepsen checker.clj
// valid-priorities, merge-valid: false beats :unknown beats true).
//
//   MergeValid(Validity::kTrue, Validity::kUnknown) == Validity::kUnknown
//   ValidityEdn(Validity::kUnknown).Print() == ":unknown"
#ifndef SIM_JEPSEN_VALIDITY_H_
#define SIM_JEPSEN_VALIDITY_H_

#include "sim/maelstrom/edn.h"

namespace sim {
namespace jepsen {

enum class Validity { kTrue, kFalse, kUnknown };

inline Validity MergeValid(Validity a, Validity b) {
  if (a == Validity::kFalse || b == Validity::kFalse) return Validity::kFalse;
  if (a == Validity::kUnknown || b == Validity::kUnknown) {
    return Validity::kUnknown;
  }
  return Validity::kTrue;
}

inline Edn ValidityEdn(Validity v) {
  switch (v) {
    case Validity::kTrue: return Edn::Bool(true);
    case Validity::kFalse: return Edn::Bool(false);
    case Validity::kUnknown: return Edn::Keyword("unknown");
  }
  return Edn::Keyword("unknown");
}

}  // namespace jepsen
}  // namespace sim

#endif  // SIM_JEPSEN_VALIDITY_H_
