#include "kvclient/rpc.h"

#include <string>

#include "gtest/gtest.h"

namespace kvclient {
namespace {

const absl::Time kT0 = absl::UnixEpoch();

TEST(RpcTracker, MatchesRepliesOnceAndIgnoresUnknownIds) {
  RpcTracker<std::string> rpcs;
  int64_t a = rpcs.Start(kT0 + absl::Seconds(1), "a");
  int64_t b = rpcs.Start(kT0 + absl::Seconds(1), "b");
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 2);
  EXPECT_EQ(rpcs.Complete(b), "b");
  EXPECT_EQ(rpcs.Complete(b), absl::nullopt)
      << "a duplicate reply matches nothing";
  EXPECT_EQ(rpcs.Complete(99), absl::nullopt);
  EXPECT_EQ(rpcs.size(), 1u);
}

TEST(RpcTracker, ExpiresInMsgIdOrderAndForgetsExpired) {
  RpcTracker<std::string> rpcs;
  int64_t late = rpcs.Start(kT0 + absl::Seconds(2), "late");
  rpcs.Start(kT0 + absl::Seconds(1), "early");
  rpcs.Start(kT0 + absl::Seconds(1), "early2");
  EXPECT_EQ(rpcs.NextDeadline(), kT0 + absl::Seconds(1));
  EXPECT_TRUE(rpcs.Expire(kT0 + absl::Milliseconds(999)).empty());
  EXPECT_EQ(rpcs.Expire(kT0 + absl::Seconds(1)),
            (std::vector<std::string>{"early", "early2"}));
  EXPECT_EQ(rpcs.NextDeadline(), kT0 + absl::Seconds(2));
  EXPECT_EQ(rpcs.Expire(kT0 + absl::Seconds(5)),
            std::vector<std::string>{"late"});
  EXPECT_EQ(rpcs.Complete(late), absl::nullopt)
      << "a reply after expiry is late";
  EXPECT_EQ(rpcs.NextDeadline(), absl::nullopt);
}

TEST(RpcTracker, NumbersFromTheFirstMsgIdItIsGiven) {
  RpcTracker<std::string> rpcs(1 + (int64_t{7} << 20), 4);
  EXPECT_EQ(rpcs.Start(kT0, "a"), 1 + (int64_t{7} << 20));
  EXPECT_EQ(rpcs.Start(kT0, "b"), 2 + (int64_t{7} << 20));
  EXPECT_EQ(rpcs.capacity(), 4u);
}

TEST(RpcTracker, IsFullAtItsCapacityAndFreesSlotsOnReplyOrExpiry) {
  RpcTracker<std::string> rpcs(1, 2);
  int64_t a = rpcs.Start(kT0 + absl::Seconds(1), "a");
  rpcs.Start(kT0 + absl::Seconds(2), "b");
  EXPECT_TRUE(rpcs.full());
  rpcs.Complete(a);
  EXPECT_FALSE(rpcs.full());
  rpcs.Start(kT0 + absl::Seconds(3), "c");
  EXPECT_TRUE(rpcs.full());
  rpcs.Expire(kT0 + absl::Seconds(2));
  EXPECT_EQ(rpcs.size(), 1u);
  std::vector<std::string> left;
  rpcs.ForEach([&](int64_t, const std::string& what) { left.push_back(what); });
  EXPECT_EQ(left, std::vector<std::string>{"c"});
}

TEST(RpcTrackerDeathTest, StartingBeyondTheCapacityIsACallerBug) {
  RpcTracker<std::string> rpcs(1, 1);
  rpcs.Start(kT0, "a");
  EXPECT_DEATH(rpcs.Start(kT0, "b"),
               "RPC table full \\(1 requests in flight\\)");
}

}  // namespace
}  // namespace kvclient
