// Read staleness (an EXTENSION: Maelstrom does not measure it): for every ok
// read, how long before the read was invoked the acknowledged sum first
// exceeded the value it returned, or 0 if the value was current. It shows
// what a dissemination strategy buys between the final reads, which are all
// Maelstrom checks.
//
//   acknowledged sum over time:  0 ──(add 3 ok at 1.0s)── 3 ──(add 2 ok
//   at 1.5s)── 5 read invoked at 2.0s returns 3  →  the sum first exceeded 3
//   at 1.5s: 0.5 s stale read invoked at 2.0s returns 5  →  current: 0 read
//   invoked at 1.2s returns 4  →  above the acknowledged sum (an add still
//                                      in flight was counted): 0
//
//   sim::StalenessReport s =
//       workloads::counter::MeasureStaleness(history, partitions);
//   s.all.p99;  s.during_partitions.count;
//
// Defined for grow-only counters, whose acknowledged sum never falls. For a
// pn-counter "first exceeded" has no useful meaning; MeasureStaleness then
// returns a report with `defined` false.
#ifndef SIM_WORKLOADS_COUNTER_STALENESS_H_
#define SIM_WORKLOADS_COUNTER_STALENESS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/staleness.h"

namespace workloads {
namespace counter {

using sim::History;
using sim::StalenessReport;
using sim::TimeWindows;

// Every ok read in `history` (final reads included) is measured against the
// acknowledged sum at its invocation. `partitions` need not be sorted.
StalenessReport MeasureStaleness(const History& history,
                                 const TimeWindows& partitions);

}  // namespace counter
}  // namespace workloads

#endif  // SIM_WORKLOADS_COUNTER_STALENESS_H_
