#include "sim/report/escape.h"

#include <string>

#include "gtest/gtest.h"

namespace report {
namespace {

TEST(SanitizeUtf8, ValidTextPassesThrough) {
  const std::string text = "plain, \t tab\nnewline\r, é ü 日本 𝄞 ヽ(‘ー`)ノ";
  EXPECT_EQ(SanitizeUtf8(text), text);
}

TEST(SanitizeUtf8, InvalidBytesBecomeReplacementCharacters) {
  EXPECT_EQ(SanitizeUtf8("a\xff"
                         "b"),
            "a\uFFFD"
            "b");
  EXPECT_EQ(SanitizeUtf8("\xc3"), "\uFFFD");            // truncated
  EXPECT_EQ(SanitizeUtf8("\xe6\x97"), "\uFFFD\uFFFD");  // truncated
  EXPECT_EQ(SanitizeUtf8("\xc0\xaf"), "\uFFFD\uFFFD");  // overlong '/'
  EXPECT_EQ(SanitizeUtf8("\xe0\x80\xaf"), "\uFFFD\uFFFD\uFFFD");  // overlong
  EXPECT_EQ(SanitizeUtf8("\xed\xa0\x80"), "\uFFFD\uFFFD\uFFFD");  // surrogate
  EXPECT_EQ(SanitizeUtf8("\xf4\x90\x80\x80"),
            "\uFFFD\uFFFD\uFFFD\uFFFD");        // > U+10FFFF
  EXPECT_EQ(SanitizeUtf8("\x80x"), "\uFFFDx");  // lone continuation
}

TEST(SanitizeUtf8, ControlCharactersBecomeVisibleAndXmlLegal) {
  EXPECT_EQ(SanitizeUtf8(std::string("a\0b", 3)), "a\u2400b");  // ␀
  EXPECT_EQ(SanitizeUtf8("\x01\x1b\x1f"), "\u2401\u241b\u241f");
  EXPECT_EQ(SanitizeUtf8("\x7f"), "\u2421");          // ␡
  EXPECT_EQ(SanitizeUtf8("\xc2\x85"), "\uFFFD");      // C1 NEL
  EXPECT_EQ(SanitizeUtf8("\xef\xbf\xbe"), "\uFFFD");  // U+FFFE
}

TEST(EscapeXml, EscapesMarkupAndQuotes) {
  EXPECT_EQ(
      EscapeXml("<a href=\"x\" title='y'>&amp;</a>"),
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  EXPECT_EQ(EscapeXml("</title><script>alert(1)</script>"),
            "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(EscapeXml("]]>\x01\xfe"), "]]&gt;\u2401\uFFFD");
}

TEST(UrlPath, PercentEncodesEverythingButUnreservedAndSlash) {
  EXPECT_EQ(UrlPath("node-logs/n0.log"), "node-logs/n0.log");
  EXPECT_EQ(UrlPath("node logs/a#b?c&d\"e"), "node%20logs/a%23b%3Fc%26d%22e");
  EXPECT_EQ(UrlPath("javascript:alert(1)"), "javascript%3Aalert%281%29");
  EXPECT_EQ(UrlPath("\xff"), "%FF");
}

TEST(Truncate, KeepsAtMostMaxCodePoints) {
  EXPECT_EQ(Truncate("abc", 3), "abc");
  EXPECT_EQ(Truncate("abcd", 3), "ab…");
  EXPECT_EQ(Truncate("日本語です", 3), "日本…");  // cuts between code points
  EXPECT_EQ(Truncate("abc", 0), "");
  EXPECT_EQ(Truncate("a\xff", 5), "a\uFFFD");
}

}  // namespace
}  // namespace report
