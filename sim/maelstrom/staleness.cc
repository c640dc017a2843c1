#include "sim/maelstrom/staleness.h"

#include "absl/strings/str_format.h"

namespace sim {

std::string FormatStaleness(const StalenessStats& s) {
  return absl::StrFormat(
      "p50 %.0f ms, p99 %.0f ms, max %.0f ms over %d reads (%d stale)",
      absl::ToDoubleMilliseconds(s.p50), absl::ToDoubleMilliseconds(s.p99),
      absl::ToDoubleMilliseconds(s.max), s.count, s.stale);
}

}  // namespace sim
