// Maelstrom v0.2.4's txn-rw-register workload as a sim::Workload
// (sim/maelstrom/workload.h): maelstrom/workload/txn_rw_register.clj over
// Jepsen 0.3.7's jepsen/tests/cycle/wr.clj and Elle 0.2.2's rw-register
// analysis with :wfr-keys? true.
//
//   generator  generator.h TxnGenerator: {:f :txn, :value [[:r k nil]
//              [:w k v] ...]} (elle/txn.clj wr-txns).
//   final      none (so no heal, no recovery sleep, no final phase).
//   client     client.h TxnClient: txn! with with-errors (no idempotent :f);
//              Reusable (kept after an :info).
//   checker    checker.h CheckTxnRwRegister: Elle's rw-register check with
//              the run's --consistency-models, under Maelstrom's wrapper
//              that drops :cycle-search-timeout.
//   options    --key-count (absent: Elle's 10), --max-txn-length (4),
//              --max-writes-per-key (16), --consistency-models
//              (strict-serializable; split on "\s+,\s+" as core.clj does);
//              EXTENSION --min-txn-length (Elle's 1; Maelstrom has no such
//              flag).
//
//   const sim::WorkloadSpec& t =
//   workloads::txn_rw_register::TxnRwRegisterSpec();
//   std::unique_ptr<sim::Workload> w =
//       *t.make({{"--consistency-models", "read-committed"}});
#ifndef SIM_WORKLOADS_TXN_RW_REGISTER_TXN_RW_REGISTER_H_
#define SIM_WORKLOADS_TXN_RW_REGISTER_TXN_RW_REGISTER_H_

#include "sim/maelstrom/workload.h"

namespace workloads {
namespace txn_rw_register {

// The registry's entry: "txn-rw-register".
const sim::WorkloadSpec& TxnRwRegisterSpec();

}  // namespace txn_rw_register
}  // namespace workloads

#endif  // SIM_WORKLOADS_TXN_RW_REGISTER_TXN_RW_REGISTER_H_
