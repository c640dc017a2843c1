// Maelstrom v0.2.4's echo workload (src/maelstrom/workload/echo.clj) as a
// sim::Workload (sim/maelstrom/workload.h): Gossip Glomers challenge 1.
//
//   generator  (gen/each-thread (fn [] {:f :echo, :value (str "Please echo "
//              (rand-int 128))})): every op is an echo of "Please echo N",
//              N uniform in 0..127; each-thread's copies all offer an op
//              at the same instant, so the op goes to a free thread chosen
//              uniformly (generator.clj soonest-op-map's random tie-break).
//              No final generator.
//   client     defrpc echo!: {"type":"echo","echo":<value>} ->
//              {"type":"echo_ok","echo":<any>} (+ in_reply_to, optional
//              integer msg_id, nothing else); (c/with-errors op #{} ...);
//              the :ok value is THE WHOLE REPLY BODY. Not Reusable.
//   checker    checker.h (echo.clj checker).
//   options    none beyond the shared ones.
//
//   std::unique_ptr<sim::Workload> w = *workloads::echo::EchoSpec().make({});
#ifndef SIM_WORKLOADS_ECHO_ECHO_H_
#define SIM_WORKLOADS_ECHO_ECHO_H_

#include "sim/maelstrom/prng.h"
#include "sim/maelstrom/workload.h"

namespace workloads {
namespace echo {

// The registry's entry: "echo".
const sim::WorkloadSpec& EchoSpec();

// One op as the generator draws it: {:f :echo, :value "Please echo N"}.
sim::Op DrawOp(sim::Prng& prng);

}  // namespace echo
}  // namespace workloads

#endif  // SIM_WORKLOADS_ECHO_ECHO_H_
