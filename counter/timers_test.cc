#include "counter/timers.h"

#include "gtest/gtest.h"

namespace counter {
namespace {

enum class T { kA, kB, kC, kCount };
const absl::Time kT0 = absl::UnixEpoch();

TEST(TimerTable, EarliestIsTheSoonestArmedTimer) {
  TimerTable<T> timers;
  EXPECT_EQ(timers.Earliest(), absl::nullopt) << "nothing armed";
  timers.Set(T::kB, kT0 + absl::Seconds(2));
  timers.Set(T::kC, kT0 + absl::Seconds(1));
  EXPECT_EQ(timers.Earliest(), kT0 + absl::Seconds(1));
  timers.Clear(T::kC);
  EXPECT_EQ(timers.Earliest(), kT0 + absl::Seconds(2));
  timers.Assign(T::kA, absl::nullopt);
  EXPECT_FALSE(timers.Armed(T::kA));
  timers.Assign(T::kA, kT0);
  EXPECT_EQ(timers.Get(T::kA), kT0);
  EXPECT_EQ(timers.Earliest(), kT0);
}

TEST(TimerTable, ExpiredMeansArmedAndAtOrBeforeNow) {
  TimerTable<T> timers;
  EXPECT_FALSE(timers.Expired(T::kA, kT0)) << "an unarmed timer never fires";
  timers.Set(T::kA, kT0 + absl::Seconds(1));
  EXPECT_FALSE(timers.Expired(T::kA, kT0 + absl::Milliseconds(999)));
  EXPECT_TRUE(timers.Expired(T::kA, kT0 + absl::Seconds(1)));
  EXPECT_TRUE(timers.Expired(T::kA, kT0 + absl::Seconds(5)));
}

TEST(TimerTableDeathTest, ATimerAtAnInfiniteTimeIsABug) {
  TimerTable<T> timers;
  EXPECT_DEATH(timers.Set(T::kA, absl::InfiniteFuture()),
               "a timer fires at a finite time");
}

}  // namespace
}  // namespace counter
