#include "counter/backoff.h"

#include <algorithm>
#include <set>
#include <vector>

#include "gtest/gtest.h"

namespace counter {
namespace {

const BackoffPolicy kPolicy{absl::Milliseconds(100), absl::Seconds(1)};

// SplitMix64 from state 0 gives this well-known first output (the same
// constant sim/maelstrom/prng_test.cc pins for the simulator's generator).
TEST(SplitMix64At, IsSplitMix64) {
  EXPECT_EQ(SplitMix64At(0, 1), 0xE220A8397B1DCDAFULL);
  EXPECT_NE(SplitMix64At(0, 2), SplitMix64At(0, 1));
  for (uint64_t k = 1; k < 1000; ++k) {
    double u = JitterAt(42, k);
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

TEST(Backoff, FirstFailureIsFreeThenDoublesWithinHalfToFull) {
  Backoff backoff(kPolicy, 7);
  EXPECT_EQ(backoff.Fail(), absl::ZeroDuration());
  absl::Duration d = kPolicy.base;
  for (int failures = 2; failures <= 10; ++failures) {
    absl::Duration got = backoff.Fail();
    EXPECT_GE(got, d / 2) << failures << " failures";
    EXPECT_LE(got, d) << failures << " failures";
    EXPECT_EQ(backoff.delay(), got);
    EXPECT_EQ(backoff.failures(), failures);
    d = std::min(d * 2, kPolicy.cap);
  }
}

TEST(Backoff, NeverExceedsTheCapAndNeverFallsBelowHalfOfIt) {
  Backoff backoff(kPolicy, 99);
  for (int i = 0; i < 10; ++i) backoff.Fail();
  for (int i = 0; i < 1000; ++i) {
    absl::Duration got = backoff.Fail();
    EXPECT_LE(got, kPolicy.cap);
    EXPECT_GE(got, kPolicy.cap / 2);
  }
  EXPECT_EQ(backoff.failures(), 64) << "the count saturates";
}

TEST(Backoff, ASuccessResets) {
  Backoff backoff(kPolicy, 3);
  for (int i = 0; i < 5; ++i) backoff.Fail();
  EXPECT_GT(backoff.delay(), absl::ZeroDuration());
  backoff.Succeed();
  EXPECT_EQ(backoff.failures(), 0);
  EXPECT_EQ(backoff.delay(), absl::ZeroDuration());
  EXPECT_EQ(backoff.Fail(), absl::ZeroDuration());
  EXPECT_LE(backoff.Fail(), kPolicy.base);
}

// The jitter is the seed's: the same seed replays the same delays, other
// seeds spread out (nodes that fail together do not retry in step).
TEST(Backoff, JitterComesFromTheSeedOnly) {
  auto delays = [](uint64_t seed) {
    Backoff backoff(kPolicy, seed);
    std::vector<absl::Duration> out;
    for (int i = 0; i < 20; ++i) out.push_back(backoff.Fail());
    return out;
  };
  EXPECT_EQ(delays(5), delays(5));
  std::set<int64_t> capped;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    capped.insert(absl::ToInt64Microseconds(delays(seed).back()));
  }
  EXPECT_GE(capped.size(), 15u) << "20 seeds, nearly all different delays";
}

// What the node relies on for its request-rate bound: under failures in a
// row, one retry per delay gives at most about 2/cap per second once the
// delay has grown, and few requests while it grows.
TEST(Backoff, PersistentFailureBoundsTheRetryRate) {
  Backoff backoff(kPolicy, 11);
  absl::Duration elapsed;
  int retries = 0;
  while (elapsed < absl::Seconds(60)) {
    elapsed += backoff.Fail();
    ++retries;
  }
  EXPECT_LE(retries, 60 * 2 + 10) << "at most 2 per cap plus the ramp";
  EXPECT_GE(retries, 60) << "no more than the cap between retries";
}

}  // namespace
}  // namespace counter
