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
  EXPECT_EQ(rpcs.Complete(b), absl::nullopt) << "a duplicate reply matches nothing";
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
  EXPECT_EQ(rpcs.Expire(kT0 + absl::Seconds(5)), std::vector<std::string>{"late"});
  EXPECT_EQ(rpcs.Complete(late), absl::nullopt) << "a reply after expiry is late";
  EXPECT_EQ(rpcs.NextDeadline(), absl::nullopt);
}

}  // namespace
}  // namespace kvclient
