// Maelstrom v0.2.4's broadcast workload (src/maelstrom/workload/
// broadcast.clj) as a sim::Workload (sim/maelstrom/workload.h): Gossip
// Glomers challenges 3a-3e.
//
//   options    --topology grid|line|total|tree|tree2|tree3|tree4 (core.clj
//              opt-spec, default grid; topology.h builds each).
//   setup      client setup!: one setup client per node sends that node
//              {"type":"topology","topology":{node: [neighbours]}} (the same
//              map to every node) and needs {"type":"topology_ok"}; no
//              with-errors: an error, a malformed reply or a timeout aborts
//              the test (exit 255).
//   generator  (gen/mix [(map (fn [x] {:f :broadcast, :value x}) (range))
//              (repeat {:f :read})]): each op is, uniformly, the next
//              broadcast (0, 1, 2, ... in the order handed out, across all
//              threads) or a read.
//   final      (gen/each-thread {:f :read, :final? true}) after the heal
//              and the recovery sleep.
//   client     broadcast! {"type":"broadcast","message":v} -> broadcast_ok;
//              read {"type":"read"} -> {"type":"read_ok","messages":[...]}
//              (null reads as empty); closed reply maps; (c/with-errors op
//              #{:read} ...): a read that times out or errs is :fail. The
//              broadcast's :ok keeps its value; a read's :ok value is the
//              messages. Not Reusable.
//   checker    Jepsen's set-full over the history with :broadcast renamed
//              :add (sim/jepsen/set_full.h), :linearizable? false.
//
//   std::unique_ptr<sim::Workload> w =
//       *workloads::broadcast::BroadcastSpec().make({{"--topology", "tree4"}});
#ifndef SIM_WORKLOADS_BROADCAST_BROADCAST_H_
#define SIM_WORKLOADS_BROADCAST_BROADCAST_H_

#include "sim/maelstrom/workload.h"

namespace workloads {
namespace broadcast {

// The registry's entry: "broadcast", with its --topology flag.
const sim::WorkloadSpec& BroadcastSpec();

}  // namespace broadcast
}  // namespace workloads

#endif  // SIM_WORKLOADS_BROADCAST_BROADCAST_H_
