// An operation as a Jepsen generator emits it: {:f :echo, :value "..."},
// plus :final? true for the ops of a final generator that mark them so
// (broadcast's, not g-set's). The interpreter adds :type :invoke, :process
// and :time; the client turns it into a request.
//
//   GenOp op{"broadcast", 17};  // {:f :broadcast, :value 17}
#ifndef SIM_JEPSEN_GEN_OP_H_
#define SIM_JEPSEN_GEN_OP_H_

#include <string>

#include "kvclient/message.h"

namespace sim {
namespace jepsen {

struct GenOp {
  std::string f;
  kvclient::Json value;  // null = nil
  bool final = false;    // the op map carries :final? true
};

inline bool operator==(const GenOp& a, const GenOp& b) {
  return a.f == b.f && a.value == b.value && a.final == b.final;
}

}  // namespace jepsen
}  // namespace sim

#endif  // SIM_JEPSEN_GEN_OP_H_
