// Maelstrom's txn-rw-register client (maelstrom/workload/txn_rw_register.clj
// client and txn! defrpc, v0.2.4): the request body, the reply schema, and
// the completion.
//
//   TxnClient c;
//   c.Invoke({"txn", [["r",1,null],["w",2,3]]})
//     -> Send {"type":"txn","txn":[["r",1,null],["w",2,3]]}   // + msg_id
//   c.OnReply(op, {"type":"txn_ok","txn":[["r",1,5],["w",2,3]],
//                  "in_reply_to":1})  -> Ok([["r",1,5],["w",2,3]])
//
// Reply schema (client.clj recv-schema of txn!): a closed map
// {"type":"txn_ok", "txn":[mop...], "in_reply_to":int, "msg_id"?:int} where
// each mop is exactly ["r", k, v] or ["w", k, v] (any k and v). The ok op's
// value is the reply's txn, whatever it says (Maelstrom does not compare it
// with the request). Errors (sim::WithErrors, no idempotent :f): a
// definite error code -> :fail, any other error or a timeout -> :info; a
// reply failing the schema throws past with-errors -> :info
// "indeterminate: ...". Failed and indefinite ops keep the invocation.
// The client is Reusable (kept after an :info): it holds no state.
#ifndef SIM_WORKLOADS_TXN_RW_REGISTER_CLIENT_H_
#define SIM_WORKLOADS_TXN_RW_REGISTER_CLIENT_H_

#include <string>

#include "kvclient/message.h"
#include "sim/maelstrom/workload.h"

namespace workloads {
namespace txn_rw_register {

// An op's value as the timeline words it: "w8=1 r8=1 r9=nil" for an ok
// txn; a read the op has not learned (invoke, fail, info) is "r8=?". A
// value of another shape as JSON.
std::string TxnText(const sim::HistoryEvent& e);

// Why a reply fails txn!'s reply schema, or "".
std::string CheckTxnReply(const kvclient::Json& body);

class TxnClient : public sim::Client {
 public:
  sim::ClientStep Invoke(const sim::Op& op) override;
  sim::ClientStep OnReply(const sim::Op& op,
                          const kvclient::Json& body) override;
  sim::ClientStep OnTimeout(const sim::Op& op) override;
};

}  // namespace txn_rw_register
}  // namespace workloads

#endif  // SIM_WORKLOADS_TXN_RW_REGISTER_CLIENT_H_
