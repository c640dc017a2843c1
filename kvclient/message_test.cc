#include "kvclient/message.h"

#include "gtest/gtest.h"

namespace kvclient {
namespace {

TEST(ParseMessage, RoundTripsAnEnvelope) {
  absl::StatusOr<Message> m = ParseMessage(
      R"({"id":4,"src":"c1","dest":"n0","body":{"type":"add","delta":3,"msg_id":7}})");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->src, "c1");
  EXPECT_EQ(m->dest, "n0");
  EXPECT_EQ(BodyType(m->body), "add");
  EXPECT_EQ(MsgId(m->body), 7);
  EXPECT_EQ(InReplyTo(m->body), absl::nullopt);
  EXPECT_EQ(
      EncodeMessage(*m),
      R"({"body":{"delta":3,"msg_id":7,"type":"add"},"dest":"n0","src":"c1"})");
  absl::StatusOr<Message> again = ParseMessage(EncodeMessage(*m));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *m);
}

TEST(ParseMessage, RejectsEachMalformedShapeWithAReason) {
  struct Case {
    const char* line;
    const char* why;
  };
  for (
      const Case& c : {
          Case{"", "not valid JSON"},
          Case{"{", "not valid JSON"},
          // The reason nlohmann gives goes along (the error reply says it).
          Case{
              R"({"src":"c1","dest":"n0","body":{"type":"read","x":"\ud800"}})",
              "surrogate U+D800..U+DBFF must be followed by"},
          Case{
              R"({"src":"c1","dest":"n0","body":{"type":"add","delta":1e400}})",
              "number overflow parsing '1e400'"},
          Case{"{\"src\":\"c1\",\"x\":\"\xff\"}", "ill-formed UTF-8 byte"},
          Case{"{\"src\":\"c\x01\"}", "control character U+0001"},
          Case{"[1,2]", "not a JSON object"},
          Case{"7", "not a JSON object"},
          Case{R"({"dest":"n0","body":{"type":"read"}})", "src"},
          Case{R"({"src":1,"dest":"n0","body":{"type":"read"}})", "src"},
          Case{R"({"src":"c1","body":{"type":"read"}})", "dest"},
          Case{R"({"src":"c1","dest":"n0"})", "body"},
          Case{R"({"src":"c1","dest":"n0","body":[]})", "body"},
          Case{R"({"src":"c1","dest":"n0","body":{}})", "type"},
          Case{R"({"src":"c1","dest":"n0","body":{"type":5}})", "type"},
          Case{
              R"({"src":"c1","dest":"n0","body":{"type":"read","msg_id":"1"}})",
              "msg_id"},
          Case{
              R"({"src":"c1","dest":"n0","body":{"type":"read","msg_id":1.5}})",
              "msg_id"},
          Case{
              R"({"src":"c1","dest":"n0","body":{"type":"x","in_reply_to":true}})",
              "in_reply_to"},
          Case{R"({"src":"c1","dest":"n0","body":{"type":"read"},"extra":1})",
               "extra"},
      }) {
    absl::StatusOr<Message> m = ParseMessage(c.line);
    ASSERT_FALSE(m.ok()) << c.line;
    EXPECT_NE(m.status().message().find(c.why), std::string::npos)
        << c.line << " → " << m.status();
  }
}

TEST(ParseMessage, ToleratesNulAndInvalidUtf8WithoutCrashing) {
  std::string nul("{\"src\":\"c1\",\0}", 14);
  EXPECT_FALSE(ParseMessage(nul).ok());
  EXPECT_FALSE(ParseMessage("{\"src\":\"c\xff\",\"dest\":\"n0\"}").ok());
}

TEST(EncodeMessage, ReplacesInvalidUtf8InsteadOfThrowing) {
  Message m{"n0", "c1", {{"type", "error"}, {"text", "bad \xff byte"}}};
  std::string line = EncodeMessage(m);
  EXPECT_NE(line.find("bad"), std::string::npos);
  EXPECT_TRUE(ParseMessage(line).ok());
}

TEST(IsInt64, AcceptsOnlyIntegersInRange) {
  EXPECT_TRUE(IsInt64(Json(5)));
  EXPECT_TRUE(IsInt64(Json(-5)));
  EXPECT_TRUE(IsInt64(Json::parse("9223372036854775807")));
  EXPECT_FALSE(IsInt64(Json::parse("9223372036854775808")));
  EXPECT_FALSE(IsInt64(Json(1.0)));
  EXPECT_FALSE(IsInt64(Json("1")));
  EXPECT_FALSE(IsInt64(Json(true)));
  EXPECT_FALSE(IsInt64(Json(nullptr)));
}

TEST(IsClientId, TellsClientsFromNodesAndServices) {
  EXPECT_TRUE(IsClientId("c1"));
  EXPECT_TRUE(IsClientId("c123"));
  EXPECT_FALSE(IsClientId("n1"));
  EXPECT_FALSE(IsClientId("c"));
  EXPECT_FALSE(IsClientId("seq-kv"));
  EXPECT_FALSE(IsClientId("cx"));
}

}  // namespace
}  // namespace kvclient
