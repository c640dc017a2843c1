// Maelstrom's txn-rw-register client (maelstrom/workload/txn_rw_register.clj
// client and txn! defrpc, v0.2.4): the request body, the reply schema, and
// the completion.
//
//   TxnRequest(Json::parse(R"([["r",1,null],["w",2,3]])"))
//     == {"type":"txn","txn":[["r",1,null],["w",2,3]]}      // + msg_id
//   TxnCompletion(invocation, reply).type == sim::EventType::kOk
//
// Reply schema (client.clj recv-schema of txn!): a closed map
// {"type":"txn_ok", "txn":[mop...], "in_reply_to":int, "msg_id"?:int} where
// each mop is exactly ["r", k, v] or ["w", k, v] (any k and v). The ok op's
// value is the reply's txn, whatever it says (Maelstrom does not compare it
// with the request). Errors (client.clj with-errors, no idempotent :f): a
// definite error code -> :fail, any other error or a timeout -> :info; a
// reply failing the schema throws past with-errors -> :info
// "indeterminate: ...". Failed and indefinite ops keep the invocation.
#ifndef SIM_WORKLOADS_TXN_RW_REGISTER_CLIENT_H_
#define SIM_WORKLOADS_TXN_RW_REGISTER_CLIENT_H_

#include <string>

#include "kvclient/message.h"
#include "sim/maelstrom/history.h"

namespace txn_rw_register {

kvclient::Json TxnRequest(const kvclient::Json& txn);

// Why a reply fails txn!'s reply schema, or "".
std::string CheckTxnReply(const kvclient::Json& body);

struct Completion {
  sim::EventType type = sim::EventType::kOk;
  kvclient::Json value;
  std::string error;
};

// The completion of an invocation (its txn) given the reply body.
Completion TxnCompletion(const kvclient::Json& invocation,
                         const kvclient::Json& reply);
// ... or given that the request timed out (client.clj default-timeout 5 s).
Completion TxnTimeout(const kvclient::Json& invocation);

}  // namespace txn_rw_register

#endif  // SIM_WORKLOADS_TXN_RW_REGISTER_CLIENT_H_
