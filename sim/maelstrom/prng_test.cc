#include "sim/maelstrom/prng.h"

#include <map>
#include <vector>

#include "gtest/gtest.h"

namespace sim {
namespace {

TEST(PrngTest, SameSeedSameStream) {
  Prng a(7), b(7), c(8);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    differs |= x != c.Next();
  }
  EXPECT_TRUE(differs);
}

TEST(PrngTest, KnownFirstOutputsPinTheAlgorithm) {
  // SplitMix64 from 0 gives this well-known first output; if it changes,
  // every recorded replay seed changes meaning.
  uint64_t state = 0;
  EXPECT_EQ(SplitMix64(state), 0xE220A8397B1DCDAFULL);
  EXPECT_EQ(StableHash(""), 0xCBF29CE484222325ULL);
  EXPECT_EQ(StableHash("a"), 0xAF63DC4C8601EC8CULL);
}

TEST(PrngTest, UniformStaysInRangeAndHitsEveryValue) {
  Prng p(1);
  std::map<uint64_t, int> counts;
  for (int i = 0; i < 6000; ++i) {
    uint64_t v = p.Uniform(6);
    ASSERT_LT(v, 6u);
    counts[v]++;
  }
  ASSERT_EQ(counts.size(), 6u);
  for (const auto& [value, count] : counts) {
    EXPECT_GT(count, 850) << value;
    EXPECT_LT(count, 1150) << value;
  }
  EXPECT_EQ(p.Uniform(0), 0u);
  EXPECT_EQ(p.Uniform(1), 0u);
}

TEST(PrngTest, UniformIntIsInclusive) {
  Prng p(2);
  bool saw_lo = false, saw_hi = false;
  for (int i = 0; i < 1000; ++i) {
    int64_t v = p.UniformInt(-5, 4);
    ASSERT_GE(v, -5);
    ASSERT_LE(v, 4);
    saw_lo |= v == -5;
    saw_hi |= v == 4;
  }
  EXPECT_TRUE(saw_lo && saw_hi);
}

TEST(PrngTest, BernoulliMatchesRatio) {
  Prng p(3);
  int hits = 0;
  for (int i = 0; i < 10000; ++i) hits += p.Bernoulli(1, 4);
  EXPECT_GT(hits, 2300);
  EXPECT_LT(hits, 2700);
  EXPECT_FALSE(p.Bernoulli(0, 4));
  EXPECT_TRUE(p.Bernoulli(4, 4));
}

TEST(PrngTest, ForkDependsOnNameAndSeedNotOnDraws) {
  Prng a(9), b(9);
  for (int i = 0; i < 10; ++i) a.Next();
  EXPECT_EQ(a.Fork("net").Next(), b.Fork("net").Next());
  EXPECT_NE(a.Fork("net").Next(), a.Fork("kv").Next());
  EXPECT_NE(Prng(9).Fork("net").Next(), Prng(10).Fork("net").Next());
}

TEST(PrngTest, ExponentialHasRoughlyTheMean) {
  Prng p(4);
  absl::Duration total;
  for (int i = 0; i < 20000; ++i) {
    absl::Duration d = p.Exponential(absl::Milliseconds(10));
    ASSERT_GE(d, absl::ZeroDuration());
    total += d;
  }
  double mean_ms = absl::ToDoubleMilliseconds(total) / 20000;
  EXPECT_GT(mean_ms, 9.5);
  EXPECT_LT(mean_ms, 10.5);
}

TEST(PrngTest, UniformDurationBelowUpper) {
  Prng p(5);
  for (int i = 0; i < 1000; ++i) {
    absl::Duration d = p.UniformDuration(absl::Milliseconds(2));
    ASSERT_GE(d, absl::ZeroDuration());
    ASSERT_LT(d, absl::Milliseconds(2));
  }
  EXPECT_EQ(p.UniformDuration(absl::ZeroDuration()), absl::ZeroDuration());
}

}  // namespace
}  // namespace sim
