// TEST-ONLY: a correct single-node transactional register store (challenge
// 6a) and deliberately broken variants, as a pure request -> reply
// function: the reference node the package's tests, its checker bench and
// the simulator's sweeps run the workload against.
//
//   ReferenceStore s;                                   // correct
//   s.Handle({{"type","txn"},{"txn",[["w",1,2],["r",1,null]]}})
//     == {"type":"txn_ok","txn":[["w",1,2],["r",1,2]]}
//
// Each txn runs atomically against one map, micro-ops in order, a read
// seeing the transaction's own earlier writes: strict serializable.
// Broken variants (the checker's teeth, as
// testing/fixtures/txn_rw_register.py):
//   kIgnoreOwnWrites  reads see the map as it was when the txn began
//                     (Elle's :internal; not proscribed by read-committed).
//   kFirstWriteWins   of several writes to a key in one txn only the first
//                     is stored: readers see an intermediate write (G1b).
//   kAbortButApply    every 10th txn that writes is applied but answered
//                     with error 30 txn-conflict (definite): G1a.
//   kStaleReads       a read of a key some other txn among the last 8
//                     wrote sees the committed version before that write
//                     (G-single, G2: fails serializable, passes
//                     read-committed).
#ifndef SIM_WORKLOADS_TXN_RW_REGISTER_REFERENCE_H_
#define SIM_WORKLOADS_TXN_RW_REGISTER_REFERENCE_H_

#include <cstdint>
#include <map>
#include <string>

#include "kvclient/message.h"

namespace workloads {
namespace txn_rw_register {

class ReferenceStore {
 public:
  enum class Bug {
    kNone,
    kIgnoreOwnWrites,
    kFirstWriteWins,
    kAbortButApply,
    kStaleReads
  };
  explicit ReferenceStore(Bug bug = Bug::kNone) : bug_(bug) {}

  // The reply body (without in_reply_to) to a client request body; an
  // error 10 (not supported) for anything else.
  kvclient::Json Handle(const kvclient::Json& request);

 private:
  Bug bug_;
  int64_t writers_ = 0;
  int64_t txns_ = 0;
  std::map<std::string, kvclient::Json> store_;  // key as JSON text
  // kStaleReads: per key, the last txn that wrote it and the committed
  // value before that txn.
  struct LastWrite {
    int64_t txn = 0;
    kvclient::Json before;
  };
  std::map<std::string, LastWrite> last_write_;
};

}  // namespace txn_rw_register
}  // namespace workloads

#endif  // SIM_WORKLOADS_TXN_RW_REGISTER_REFERENCE_H_
