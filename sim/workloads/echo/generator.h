// Maelstrom's echo generator (maelstrom workload/echo.clj workload):
//   (gen/each-thread (fn [] {:f :echo, :value (str "Please echo "
//                                                  (rand-int 128))}))
// Every op is an echo of "Please echo N", N uniform in 0..127, on every
// thread alike; there is no final generator.
//
//   sim::Prng prng(7);
//   DrawOp(prng) == GenOp{"echo", "Please echo 93"}   // some N
#ifndef SIM_WORKLOADS_ECHO_GENERATOR_H_
#define SIM_WORKLOADS_ECHO_GENERATOR_H_

#include "absl/strings/str_cat.h"
#include "sim/jepsen/gen_op.h"
#include "sim/prng.h"

namespace sim {
namespace echo {

inline jepsen::GenOp DrawOp(Prng& prng) {
  return {"echo", absl::StrCat("Please echo ", prng.Uniform(128))};
}

}  // namespace echo
}  // namespace sim

#endif  // SIM_WORKLOADS_ECHO_GENERATOR_H_
