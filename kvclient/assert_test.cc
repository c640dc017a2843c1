#include "kvclient/assert.h"

#include "gtest/gtest.h"

namespace {

TEST(AssertTest, HoldingConditionDoesNothingAndSkipsTheMessage) {
  int evaluated = 0;
  auto message = [&] {
    ++evaluated;
    return "never built";
  };
  MC_ASSERT(1 + 1 == 2, message());
  EXPECT_EQ(evaluated, 0);
}

TEST(AssertDeathTest, FailingConditionAbortsNamingConditionAndWhy) {
  const int queued = 7;
  EXPECT_DEATH(MC_ASSERT(queued <= 5, "queue bounded by admission: ", queued),
               "ASSERTION FAILED at .*assert_test.cc:[0-9]+: queued <= 5: "
               "queue bounded by admission: 7");
}

}  // namespace
