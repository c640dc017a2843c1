#include "sim/workloads/counter/staleness.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "kvclient/assert.h"

namespace workloads {
namespace counter {
namespace {

using sim::EventType;
using sim::HistoryEvent;
using sim::StalenessStats;

// The acknowledged sum as a step function: after ok add i completes at
// times[i], the sum is sums[i]. Non-decreasing for a grow-only counter.
struct AcknowledgedSum {
  std::vector<absl::Time> times;
  std::vector<int64_t> sums;

  // The first instant the sum exceeded `value`, or InfiniteFuture.
  absl::Time FirstAbove(int64_t value) const {
    auto it = std::upper_bound(sums.begin(), sums.end(), value);
    if (it == sums.end()) return absl::InfiniteFuture();
    return times[static_cast<size_t>(it - sums.begin())];
  }
};

struct Read {
  absl::Time invoked;
  int64_t value = 0;
};

bool InAnyWindow(absl::Time t, const TimeWindows& windows) {
  for (const auto& [start, end] : windows) {
    if (start <= t && t < end) return true;
  }
  return false;
}

absl::Duration Quantile(const std::vector<absl::Duration>& sorted, double q) {
  if (sorted.empty()) return absl::ZeroDuration();
  size_t i = static_cast<size_t>(std::ceil(q * sorted.size()));
  i = std::min(std::max<size_t>(i, 1), sorted.size()) - 1;
  return sorted[i];
}

StalenessStats Summarize(std::vector<absl::Duration> values) {
  std::sort(values.begin(), values.end());
  StalenessStats s;
  s.count = static_cast<int64_t>(values.size());
  for (absl::Duration d : values) s.stale += d > absl::ZeroDuration();
  s.p50 = Quantile(values, 0.50);
  s.p99 = Quantile(values, 0.99);
  s.max = values.empty() ? absl::ZeroDuration() : values.back();
  return s;
}

}  // namespace

StalenessReport MeasureStaleness(const History& history,
                                 const TimeWindows& partitions) {
  StalenessReport report;
  std::map<int, const HistoryEvent*> open;  // thread -> its invoke
  std::vector<std::pair<absl::Time, int64_t>> ok_adds;
  std::vector<Read> reads;
  for (const HistoryEvent& e : history) {
    if (e.type == EventType::kInvoke) {
      open[e.thread] = &e;
      continue;
    }
    auto it = open.find(e.thread);
    if (it == open.end()) continue;  // the checker reports this
    const HistoryEvent& invoke = *it->second;
    open.erase(it);
    if (e.type != EventType::kOk) continue;
    if (e.f == "add") {
      const int64_t delta = invoke.value.get<int64_t>();
      if (delta < 0) report.defined = false;
      ok_adds.emplace_back(e.time, delta);
    } else {
      reads.push_back(Read{invoke.time, e.value.get<int64_t>()});
    }
  }
  if (!report.defined) return report;

  std::stable_sort(
      ok_adds.begin(), ok_adds.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  AcknowledgedSum sum;
  int64_t running = 0;
  for (const auto& [time, delta] : ok_adds) {
    running += delta;
    MC_ASSERT(sum.sums.empty() || running >= sum.sums.back(),
              "a grow-only acknowledged sum never falls: ", running);
    sum.times.push_back(time);
    sum.sums.push_back(running);
  }

  std::vector<absl::Duration> all, during, outside;
  for (const Read& r : reads) {
    const absl::Time above = sum.FirstAbove(r.value);
    const absl::Duration staleness =
        above < r.invoked ? r.invoked - above : absl::ZeroDuration();
    all.push_back(staleness);
    (InAnyWindow(r.invoked, partitions) ? during : outside)
        .push_back(staleness);
  }
  report.all = Summarize(std::move(all));
  report.during_partitions = Summarize(std::move(during));
  report.outside_partitions = Summarize(std::move(outside));
  return report;
}

}  // namespace counter
}  // namespace workloads
