// Jepsen's :valid? values and how checkers merge them (checker.clj
// merge-valid: false dominates :unknown, which dominates true).
//
//   sim::MergeValid(Validity::kTrue, Validity::kUnknown) == kUnknown
//   sim::ValidityName(Validity::kUnknown) == ":unknown"
#ifndef SIM_MAELSTROM_VALIDITY_H_
#define SIM_MAELSTROM_VALIDITY_H_

namespace sim {

enum class Validity { kTrue, kFalse, kUnknown };

inline Validity MergeValid(Validity a, Validity b) {
  if (a == Validity::kFalse || b == Validity::kFalse) return Validity::kFalse;
  if (a == Validity::kUnknown || b == Validity::kUnknown)
    return Validity::kUnknown;
  return Validity::kTrue;
}

// "true", "false", ":unknown".
inline const char* ValidityName(Validity v) {
  switch (v) {
    case Validity::kTrue: return "true";
    case Validity::kFalse: return "false";
    case Validity::kUnknown: return ":unknown";
  }
  return ":unknown";
}

}  // namespace sim

#endif  // SIM_MAELSTROM_VALIDITY_H_
