// Maelstrom v0.2.4's unique-ids workload (src/maelstrom/workload/
// unique_ids.clj) as a sim::Workload (sim/maelstrom/workload.h): Gossip
// Glomers challenge 2.
//
//   generator  (gen/repeat {:f :generate}): every op {:f :generate, :value
//              nil}, round robin over the threads. No final generator.
//   client     defrpc generate!: {"type":"generate"} ->
//              {"type":"generate_ok","id":<any JSON>} (+ in_reply_to,
//              optional integer msg_id, nothing else); (c/with-errors op
//              #{} ...); the :ok value is the id. client/Reusable: after
//              an :info the thread keeps its client (and client id).
//   checker    Jepsen's (checker/unique-ids), sim/jepsen/unique_ids.h.
//   options    none beyond the shared ones (the challenge runs
//              --availability total --nemesis partition).
//
//   std::unique_ptr<sim::Workload> w =
//       *workloads::unique_ids::UniqueIdsSpec().make({});
#ifndef SIM_WORKLOADS_UNIQUE_IDS_UNIQUE_IDS_H_
#define SIM_WORKLOADS_UNIQUE_IDS_UNIQUE_IDS_H_

#include "sim/maelstrom/history.h"
#include "sim/maelstrom/workload.h"

namespace workloads {
namespace unique_ids {

// The registry's entry: "unique-ids".
const sim::WorkloadSpec& UniqueIdsSpec();

// The plug-in's verdict: Jepsen's unique-ids results, one error line per
// duplicated id shown, the completions that acknowledged them flagged.
sim::WorkloadResult UniqueIdsWorkloadResult(const sim::History& history);

}  // namespace unique_ids
}  // namespace workloads

#endif  // SIM_WORKLOADS_UNIQUE_IDS_UNIQUE_IDS_H_
