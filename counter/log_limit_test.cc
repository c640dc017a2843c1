#include "counter/log_limit.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace counter {
namespace {

enum class Kind { kA, kB, kCount };
absl::string_view KindName(Kind k) { return k == Kind::kA ? "a" : "b"; }

const absl::Time kT0 = absl::UnixEpoch();
absl::Time At(int ms) { return kT0 + absl::Milliseconds(ms); }

TEST(LogLimiter, KeepsTheFirstNPerWindowThenCountsPerKind) {
  LogLimiter<Kind> limiter(3, absl::Seconds(1), KindName);
  std::vector<std::string> out;
  int kept_a = 0, kept_b = 0;
  for (int i = 0; i < 100; ++i) {
    kept_a += limiter.Admit(Kind::kA, At(i), &out);
  }
  kept_b += limiter.Admit(Kind::kB, At(500), &out);
  EXPECT_EQ(kept_a, 3);
  EXPECT_EQ(kept_b, 1) << "kinds are limited separately";
  EXPECT_TRUE(out.empty());
  limiter.Report(At(999), &out);
  EXPECT_TRUE(out.empty()) << "the window is not over yet";
  limiter.Report(At(1000), &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0],
            "rate limit: dropped 97 more a lines of that 1s (keeps 3 of each "
            "kind per 1s)");
  EXPECT_EQ(limiter.dropped_total(), 97);
  out.clear();
  limiter.Report(At(5000), &out);
  EXPECT_TRUE(out.empty()) << "reported once";
}

TEST(LogLimiter, ANewWindowKeepsAgainAndReportsTheLastOneFirst) {
  LogLimiter<Kind> limiter(2, absl::Seconds(1), KindName);
  std::vector<std::string> out;
  for (int i = 0; i < 5; ++i) limiter.Admit(Kind::kB, At(0), &out);
  EXPECT_TRUE(limiter.Admit(Kind::kB, At(1500), &out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0],
            "rate limit: dropped 3 more b lines of that 1s (keeps 2 of each "
            "kind per 1s)");
  EXPECT_TRUE(limiter.Admit(Kind::kB, At(1600), &out));
  EXPECT_FALSE(limiter.Admit(Kind::kB, At(1700), &out));
}

// The point of it: a flood of one kind, 10,000 lines a second for a minute,
// leaves at most per_window + 1 lines a second.
TEST(LogLimiter, AFloodLeavesABoundedNumberOfLines) {
  LogLimiter<Kind> limiter(10, absl::Seconds(1), KindName);
  std::vector<std::string> out;
  size_t kept = 0;
  for (int ms = 0; ms < 60000; ++ms) {
    for (int j = 0; j < 10; ++j) kept += limiter.Admit(Kind::kA, At(ms), &out);
    limiter.Report(At(ms), &out);
  }
  EXPECT_LE(kept + out.size(), 60u * 11);
  EXPECT_GE(kept, 60u * 10);
}

}  // namespace
}  // namespace counter
