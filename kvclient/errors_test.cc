#include "kvclient/errors.h"

#include "gtest/gtest.h"

namespace kvclient {
namespace {

TEST(IsDefinite, FollowsMaelstromsTable) {
  for (int code : {1, 10, 11, 12, 14, 20, 21, 22, 30}) {
    EXPECT_TRUE(IsDefinite(code)) << code;
  }
  for (int code : {0, 13, 2, 99, -1}) EXPECT_FALSE(IsDefinite(code)) << code;
}

TEST(ErrorName, NamesKnownCodes) {
  EXPECT_EQ(ErrorName(22), "precondition-failed");
  EXPECT_EQ(ErrorName(0), "timeout");
  EXPECT_EQ(ErrorName(42), "unknown");
}

TEST(ErrorBody, BuildsAnErrorReply) {
  EXPECT_EQ(ErrorBody(ErrorCode::kMalformedRequest, 7, "bad"),
            Json::parse(
                R"({"type":"error","in_reply_to":7,"code":12,"text":"bad"})"));
  EXPECT_FALSE(
      ErrorBody(ErrorCode::kCrash, absl::nullopt, "x").contains("in_reply_to"));
}

}  // namespace
}  // namespace kvclient
