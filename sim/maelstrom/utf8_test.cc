#include "sim/maelstrom/utf8.h"

#include "gtest/gtest.h"

namespace sim {
namespace {

TEST(Utf8SequenceLength, CountsOnlyValidSequences) {
  EXPECT_EQ(Utf8SequenceLength("a", 0), 1u);
  EXPECT_EQ(Utf8SequenceLength("é", 0), 2u);
  EXPECT_EQ(Utf8SequenceLength("𝄞", 0), 4u);
  EXPECT_EQ(Utf8SequenceLength("\xff", 0), 0u);
  EXPECT_EQ(Utf8SequenceLength("a", 1), 0u);  // past the end
}

TEST(DecodeUtf8, RejectsOverlongFormsSurrogatesAndTruncation) {
  uint32_t cp = 0;
  EXPECT_EQ(DecodeUtf8("\xc3\xa9", 0, &cp), 2u);
  EXPECT_EQ(cp, 0xE9u);
  EXPECT_EQ(DecodeUtf8("\xc0\xaf", 0, &cp), 0u);          // overlong '/'
  EXPECT_EQ(DecodeUtf8("\xed\xa0\x80", 0, &cp), 0u);      // U+D800
  EXPECT_EQ(DecodeUtf8("\xf4\x90\x80\x80", 0, &cp), 0u);  // > U+10FFFF
  EXPECT_EQ(DecodeUtf8("\xe2\x82", 0, &cp), 0u);          // truncated
}

}  // namespace
}  // namespace sim
