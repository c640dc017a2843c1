// Read staleness (an EXTENSION: Maelstrom does not measure it), as data: for
// every ok read, how long before the read was invoked the value it returned
// had already been superseded by acknowledged writes (0 if it was current).
// A workload that defines it measures it (sim/workloads/counter/staleness.h
// for the grow-only counter); the driver reports it, the bench and the
// results show it.
//
//   sim::StalenessReport s = ...;   // WorkloadResult::staleness
//   s.all.p99;  s.during_partitions.count;
//   sim::FormatStaleness(s.all)
//     == "p50 0 ms, p99 480 ms, max 700 ms over 1300 reads (40 stale)"
#ifndef SIM_MAELSTROM_STALENESS_H_
#define SIM_MAELSTROM_STALENESS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace sim {

struct StalenessStats {
  int64_t count = 0;  // ok reads measured
  int64_t stale = 0;  // of which staleness > 0
  absl::Duration p50 = absl::ZeroDuration();
  absl::Duration p99 = absl::ZeroDuration();
  absl::Duration max = absl::ZeroDuration();
};

struct StalenessReport {
  bool defined = true;  // false when the workload cannot define it
  StalenessStats all;
  StalenessStats during_partitions;  // read invoked while a partition held
  StalenessStats outside_partitions;
};

// Half-open windows [start, end) during which a partition was in force.
using TimeWindows = std::vector<std::pair<absl::Time, absl::Time>>;

// "p50 12 ms, p99 480 ms, max 700 ms over 1300 reads (40 stale)".
std::string FormatStaleness(const StalenessStats& stats);

}  // namespace sim

#endif  // SIM_MAELSTROM_STALENESS_H_
