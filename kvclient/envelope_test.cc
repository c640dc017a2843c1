#include "kvclient/envelope.h"

#include <string>

#include "gtest/gtest.h"

namespace kvclient {
namespace {

std::string Line(const std::string& body, const std::string& src = "\"c1\"") {
  return "{\"src\":" + src + ",\"dest\":\"n1\",\"body\":" + body + "}";
}

// Each line nlohmann refuses, yet it names its sender and msg_id 7.
TEST(ScanEnvelope, ToleratesWhatMakesALineInvalidJson) {
  const std::string nul(1, '\0');
  for (const std::string& body : {
           std::string(R"({"type":"read","msg_id":7,"x":"\ud800"})"),
           std::string(R"({"type":"read","msg_id":7,"x":"\udc00\ud800x"})"),
           std::string(
               "{\"type\":\"read\",\"msg_id\":7,\"x\":\"\xff\xfe\xc0\"}"),
           std::string(
               "{\"type\":\"read\",\"msg_id\":7,\"x\":\"\xed\xa0\x80\"}"),
           std::string("{\"type\":\"read\",\"msg_id\":7,\"x\":\"a") + nul +
               "b\"}",
           std::string("{\"type\":\"read\",") + nul + "\"msg_id\":7}",
           std::string(R"({"type":"add","msg_id":7,"delta":1e400})"),
           std::string(R"({"type":"add","msg_id":7,"delta":1)") +
               std::string(400, '0') + "}",
           std::string(
               R"({"type":"read","x":[[[{"y":"\ud800"}]]],"msg_id":7})"),
       }) {
    absl::optional<Envelope> e = ScanEnvelope(Line(body));
    ASSERT_TRUE(e.has_value()) << body;
    EXPECT_EQ(e->src, "c1") << body;
    EXPECT_EQ(e->dest, "n1") << body;
    EXPECT_TRUE(e->body_is_object) << body;
    EXPECT_FALSE(e->has_in_reply_to) << body;
    EXPECT_EQ(e->msg_id_text, "7") << body;
  }
}

TEST(ScanEnvelope, ABrokenStructureNamesNothing) {
  for (const std::string& line : {
           std::string(
               R"({"src":"c1","dest":"n1","body":{"type":"read","msg_id":7)"),
           std::string(
               R"({"src":"c1","dest":"n1","body":{"msg_id":7}}{"a":1})"),
           std::string(R"({"src":"c1" "dest":"n1","body":{"msg_id":7}})"),
           std::string(R"({"src":"c1","body":{"msg_id":7,}})"),
           std::string(R"({"src":"c1","body":{"msg_id":7}})") + "x",
           std::string(R"([{"src":"c1","body":{"msg_id":7}}])"),
           std::string(R"("read")"),
           std::string(""),
           std::string(10000, '{'),
           std::string(R"({"src":"c1","body":{"msg_id":7,"x":"unterminated}})"),
       }) {
    EXPECT_FALSE(ScanEnvelope(line).has_value()) << line;
  }
}

TEST(ScanEnvelope, ASenderThatIsNotValidUtf8CannotBeAddressed) {
  for (const std::string& src :
       {std::string("\"c\xff\""), std::string(R"("c\ud800")"),
        std::string("\"c\x01\""), std::string("7"), std::string("null")}) {
    absl::optional<Envelope> e =
        ScanEnvelope(Line(R"({"type":"read","msg_id":7})", src));
    ASSERT_TRUE(e.has_value()) << src;
    EXPECT_FALSE(e->src.has_value()) << src;
    EXPECT_EQ(e->msg_id_text, "7");
  }
  absl::optional<Envelope> escaped =
      ScanEnvelope(Line(R"({"msg_id":7})", R"("c\u00e9\ud83d\ude00\n")"));
  ASSERT_TRUE(escaped.has_value());
  EXPECT_EQ(escaped->src, "c\xc3\xa9\xf0\x9f\x98\x80\n");
}

TEST(ScanEnvelope, MsgIdAsWrittenRepliesAndRepeatedKeys) {
  absl::optional<Envelope> e =
      ScanEnvelope(Line(R"({"msg_id":9223372036854775808,"type":"read"})"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->msg_id_text, "9223372036854775808");
  e = ScanEnvelope(Line(R"({"msg_id":"7"})"));
  EXPECT_EQ(e->msg_id_text, "\"7\"");
  e = ScanEnvelope(Line(R"({"type":"read_ok","in_reply_to":3,"msg_id":4})"));
  EXPECT_TRUE(e->has_in_reply_to);
  e = ScanEnvelope(Line(R"({"msg_id":1,"msg_id":2})"));
  EXPECT_EQ(e->msg_id_text, "2") << "the last one counts, as in nlohmann";
  e = ScanEnvelope(Line("[7]"));
  EXPECT_FALSE(e->body_is_object);
  e = ScanEnvelope(R"({"body":{"msg_id":7}})");
  ASSERT_TRUE(e.has_value());
  EXPECT_FALSE(e->src.has_value());
}

TEST(ReplyableMsgId, ExactIntegersOf64BitsOnly) {
  EXPECT_EQ(ReplyableMsgId("7"), Json(7));
  EXPECT_EQ(ReplyableMsgId("-3"), Json(-3));
  EXPECT_EQ(ReplyableMsgId("0"), Json(0));
  EXPECT_EQ(ReplyableMsgId("-0"), Json(0));  // JSON's -0: the integer 0
  EXPECT_EQ(ReplyableMsgId("9223372036854775807"),
            Json(int64_t{9223372036854775807}));
  absl::optional<Json> big = ReplyableMsgId("9223372036854775808");
  ASSERT_TRUE(big.has_value());
  EXPECT_TRUE(big->is_number_unsigned());
  EXPECT_EQ(big->dump(), "9223372036854775808");
  EXPECT_EQ(ReplyableMsgId("18446744073709551615")->dump(),
            "18446744073709551615");
  for (const char* no :
       {"18446744073709551616", "-9223372036854775809", "7.5", "7.0", "1e3",
        "\"7\"", "null", "true", "", "-", "+7",
        // Not JSON numbers (the codec fuzzer: "0000000000000000000").
        "007", "00", "-01", "0000000000000000000"}) {
    EXPECT_FALSE(ReplyableMsgId(no).has_value()) << no;
  }
}

}  // namespace
}  // namespace kvclient
