// Maelstrom v0.2.4's g-counter and pn-counter workloads as a sim::Workload
// (sim/maelstrom/workload.h): workload/g_counter.clj and pn_counter.clj.
//
//   generator  (gen/mix [add (repeat read)]) with add = {:f :add, :value
//              (- (rand-int 10) 5)}: pn-counter 1/2 add with delta -5..4,
//              1/2 read; g-counter filters out negative adds (gen/filter),
//              asking the mix again: 1/3 add with delta 0..4, 2/3 read.
//   final      (gen/each-thread {:f :read, :final? true}): one final read
//              per thread.
//   client     add! {:delta v} -> add_ok; read -> read_ok {:value int}, with
//              Maelstrom's strict reply checks (kvclient::CheckCounterReply);
//              no with-errors: every error reply, timeout or malformed
//              reply is an :info (the exception path of Jepsen's
//              interpreter), error "error <code>: <text>", "timeout" or
//              "malformed reply: <why>".
//   checker    checker.h (pn_counter.clj checker).
//   options    none beyond -w (Maelstrom has none for them).
//
//   const sim::WorkloadSpec& g = workloads::counter::GCounterSpec();
//   std::unique_ptr<sim::Workload> w = *g.make({});
#ifndef SIM_WORKLOADS_COUNTER_COUNTER_H_
#define SIM_WORKLOADS_COUNTER_COUNTER_H_

#include <cstdint>

#include "kvclient/counter_ops.h"
#include "sim/maelstrom/prng.h"
#include "sim/maelstrom/workload.h"

namespace workloads {
namespace counter {

// The registry's entries: "g-counter" and "pn-counter".
const sim::WorkloadSpec& GCounterSpec();
const sim::WorkloadSpec& PnCounterSpec();

// One client operation as the generator draws it (g-counter's filter over
// pn-counter's mix). Exposed for tests.
struct DrawnOp {
  kvclient::CounterOp f = kvclient::CounterOp::kRead;
  int64_t delta = 0;  // kAdd only
};
DrawnOp DrawCounterOp(bool pn_counter, sim::Prng& prng);

}  // namespace counter
}  // namespace workloads

#endif  // SIM_WORKLOADS_COUNTER_COUNTER_H_
