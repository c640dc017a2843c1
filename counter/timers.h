// Every deadline a node core waits for, in one table (quinn-proto's `Timer`
// table and `poll_timeout`). State transitions arm and clear timers; the
// driver is asked to wake the core at the earliest armed one, and nowhere
// else is a deadline recomputed, so what the core waits for and what wakes
// it cannot disagree.
//
//   TimerTable<Timer> timers;
//   timers.Set(Timer::kRefresh, now + absl::Milliseconds(500));
//   if (timers.Expired(Timer::kRefresh, now)) { ... timers.Clear(...) ... }
//   absl::optional<absl::Time> wake_at = timers.Earliest();
//
// `Timer` is an enum class whose last enumerator is kCount.
#ifndef COUNTER_TIMERS_H_
#define COUNTER_TIMERS_H_

#include <array>
#include <cstddef>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "kvclient/assert.h"

namespace counter {

template <typename Timer>
class TimerTable {
 public:
  static constexpr size_t kSize = static_cast<size_t>(Timer::kCount);

  void Set(Timer timer, absl::Time at) {
    MC_ASSERT(at != absl::InfinitePast() && at != absl::InfiniteFuture(),
              "a timer fires at a finite time: ", Index(timer));
    at_[Index(timer)] = at;
  }
  void Clear(Timer timer) { at_[Index(timer)].reset(); }
  // Set when `at` has a value, cleared otherwise.
  void Assign(Timer timer, absl::optional<absl::Time> at) {
    if (at.has_value()) {
      Set(timer, *at);
    } else {
      Clear(timer);
    }
  }

  bool Armed(Timer timer) const { return at_[Index(timer)].has_value(); }
  absl::optional<absl::Time> Get(Timer timer) const {
    return at_[Index(timer)];
  }
  // Armed and due: at <= now.
  bool Expired(Timer timer, absl::Time now) const {
    return Armed(timer) && *at_[Index(timer)] <= now;
  }

  // The earliest armed timer (what the driver must wake the core at), or
  // nullopt when nothing is armed.
  absl::optional<absl::Time> Earliest() const {
    absl::optional<absl::Time> earliest;
    for (const absl::optional<absl::Time>& at : at_) {
      if (at.has_value() && (!earliest.has_value() || *at < *earliest)) {
        earliest = at;
      }
    }
    return earliest;
  }

 private:
  static size_t Index(Timer timer) {
    size_t i = static_cast<size_t>(timer);
    MC_ASSERT(i < kSize, "timer ", i, " is outside the table of ", kSize);
    return i;
  }

  std::array<absl::optional<absl::Time>, kSize> at_;
};

}  // namespace counter

#endif  // COUNTER_TIMERS_H_
