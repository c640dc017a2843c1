#include "sim/maelstrom/event_queue.h"

#include <string>

#include "gtest/gtest.h"

namespace sim {
namespace {

TEST(EventQueueTest, OrdersByTimeThenInsertion) {
  EventQueue<std::string> q;
  absl::Time t0 = q.now();
  EXPECT_EQ(t0, absl::UnixEpoch());
  q.Schedule(t0 + absl::Seconds(1), "b");
  q.Schedule(t0 + absl::Seconds(2), "d");
  q.Schedule(t0 + absl::Seconds(1), "c");
  q.Schedule(t0, "a");
  std::string order;
  while (auto e = q.Pop()) order += e->event;
  EXPECT_EQ(order, "abcd");
  EXPECT_EQ(q.now(), t0 + absl::Seconds(2));
}

TEST(EventQueueTest, PastEventsRunNowAndClockNeverGoesBack) {
  EventQueue<int> q;
  q.Schedule(absl::UnixEpoch() + absl::Seconds(5), 1);
  ASSERT_TRUE(q.Pop().has_value());
  q.Schedule(absl::UnixEpoch(), 2);
  EXPECT_EQ(*q.NextTime(), absl::UnixEpoch() + absl::Seconds(5));
  auto e = q.Pop();
  EXPECT_EQ(e->event, 2);
  EXPECT_EQ(q.now(), absl::UnixEpoch() + absl::Seconds(5));
  EXPECT_FALSE(q.Pop().has_value());
}

}  // namespace
}  // namespace sim
