// TEST-ONLY reference nodes for the workloads beyond the counter: small,
// deterministic, in-process cores (counter::Core's contract: Step, Tick,
// TakeReady) that the simulator runs in virtual time, so each workload's
// checker is swept over seeds, and a deliberately broken variant of each
// that the sweeps' teeth must see rejected.
//
//   std::unique_ptr<counter::Core> n =
//       sim::MakeReferenceCore("broadcast", sim::ReferenceBug::kNone);
//   n->Step(init, now);  n->TakeReady().messages  // init_ok
//
//   echo        echo_ok with the request's echo       bug: appends " (altered)"
//   unique-ids  "<node>-<k>", k counting from 0        bug: bare k (repeats
//                                                      across nodes)
//   broadcast   every message is kept; each neighbour  bug: never gossips
//               (the topology's, all others before it) (a message stays on
//               gets what it has not acknowledged,     the node it was sent
//               every 200 ms, acknowledged by a        to)
//               gossip_ok: partitions only delay it
//   g-set       the whole set to every other node      bug: merges by
//               every 250 ms, merged by union          replacing its set
// A request a core does not serve gets error 10 (not supported). Bounded:
// at most kMaxElements messages or elements (an assertion: a sweep's runs
// are far below it).
#ifndef SIM_REFERENCE_CORES_H_
#define SIM_REFERENCE_CORES_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "counter/core.h"

namespace sim {

enum class ReferenceBug { kNone, kBroken };

inline constexpr size_t kMaxElements = 1 << 20;

// The workloads with a reference core: echo, unique-ids, broadcast, g-set.
bool HasReferenceCore(absl::string_view workload);

// nullptr when `workload` has none.
std::unique_ptr<counter::Core> MakeReferenceCore(absl::string_view workload,
                                                 ReferenceBug bug);

}  // namespace sim

#endif  // SIM_REFERENCE_CORES_H_
