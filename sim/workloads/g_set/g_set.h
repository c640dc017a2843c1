// Maelstrom v0.2.4's g-set workload (src/maelstrom/workload/g_set.clj) as a
// sim::Workload (sim/maelstrom/workload.h): a grow-only set (Maelstrom's
// CRDT tutorial; no Gossip Glomers challenge of its own).
//
//   generator  (gen/mix [(map (fn [x] {:f :add, :value x}) (range))
//              (repeat {:f :read})]): each op is, uniformly, the next add
//              (0, 1, 2, ... in the order handed out) or a read.
//   final      (gen/each-thread {:f :read}): one read per thread after the
//              heal and the recovery sleep, WITHOUT :final? (unlike
//              broadcast's).
//   client     add! {"type":"add","element":v} -> add_ok; read {"type":
//              "read"} -> {"type":"read_ok","value":[...]} (the key is
//              "value", not "elements"; null reads as empty); closed reply
//              maps. NO with-errors: an error reply, a timeout or a
//              malformed reply escapes to Jepsen's interpreter: :info
//              (never :fail), "indeterminate: ...". Not Reusable.
//   checker    Jepsen's (checker/set-full), :linearizable? false
//              (sim/jepsen/set_full.h).
//
//   std::unique_ptr<sim::Workload> w = *workloads::g_set::GSetSpec().make({});
#ifndef SIM_WORKLOADS_G_SET_G_SET_H_
#define SIM_WORKLOADS_G_SET_G_SET_H_

#include "sim/maelstrom/workload.h"

namespace workloads {
namespace g_set {

// The registry's entry: "g-set".
const sim::WorkloadSpec& GSetSpec();

}  // namespace g_set
}  // namespace workloads

#endif  // SIM_WORKLOADS_G_SET_G_SET_H_
