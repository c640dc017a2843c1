// Pins maelstrom v0.2.4 src/maelstrom/process.clj parse-msg (cheshire
// parse-string, keywordize-keys-1 on the top level and on :body) and
// src/maelstrom/net.clj Message / check-message (the closed schema). The
// registered-endpoint half (net.clj validate-msg) is pinned in
// sim/driver/driver_test.cc and testing/conformance_test.cc.
#include "sim/maelstrom/node_line.h"

#include <string>

#include "gtest/gtest.h"

namespace sim {
namespace {

struct Accepted {
  const char* why;
  std::string line;
  const char* src;
  const char* dest;
  const char* body;  // the keywordized body, as compact JSON
};

TEST(NodeLineTest, AcceptsWhatParseMsgAndCheckMessageAccept) {
  const std::string big = "123456789012345678901234567890";
  for (
      const Accepted& c : std::vector<Accepted>{
          {"a plain reply",
           R"({"src":"n1","dest":"c3","body":{"type":"read_ok","value":4}})",
           "n1", "c3", R"({"type":"read_ok","value":4})"},
          {"an integer id (replaced by Maelstrom's own)",
           R"({"id":7,"src":"n1","dest":"c3","body":{}})", "n1", "c3", "{}"},
          {"a negative id", R"({"id":-7,"src":"n1","dest":"c3","body":{}})",
           "n1", "c3", "{}"},
          {"an id too big for 64 bits is still an Int (BigInteger)",
           R"({"id":)" + big + R"(,"src":"n1","dest":"c3","body":{}})", "n1",
           "c3", "{}"},
          {"no body: (update m :body keywordize-keys-1) makes it {}",
           R"({"src":"n1","dest":"c3"})", "n1", "c3", "{}"},
          {"a null body is {}", R"({"src":"n1","dest":"c3","body":null})", "n1",
           "c3", "{}"},
          {"an empty-string body is {} (reduce over \"\")",
           R"({"src":"n1","dest":"c3","body":""})", "n1", "c3", "{}"},
          {"an array body of [k v] pairs is a map",
           R"({"src":"n1","dest":"c3","body":[["type","add_ok"],["in_reply_to",2]]})",
           "n1", "c3", R"({"in_reply_to":2,"type":"add_ok"})"},
          {"a top-level array of [k v] pairs is a map",
           R"([["src","n1"],["dest","c3"],["body",{"type":"x"}]])", "n1", "c3",
           R"({"type":"x"})"},
          {"anything after the first JSON value is never read",
           R"({"src":"n1","dest":"c3","body":{}} trailing {"junk")", "n1", "c3",
           "{}"},
          {"a repeated key: the last one wins",
           R"({"src":"n9","src":"n1","dest":"c3","body":{}})", "n1", "c3",
           "{}"},
          {"the body is Any: no type, odd field types",
           R"({"src":"n1","dest":"c3","body":{"msg_id":1.5,"in_reply_to":"x"}})",
           "n1", "c3", R"({"in_reply_to":"x","msg_id":1.5})"},
          {"an empty src is a String (validate-msg rejects it later)",
           R"({"src":"","dest":"c3","body":{}})", "", "c3", "{}"},
          {"surrounding whitespace",
           "  \t{\"src\":\"n1\",\"dest\":\"c3\",\"body\":{}}\t ", "n1", "c3",
           "{}"},
      }) {
    absl::StatusOr<kvclient::Message> m = ParseNodeLine(c.line);
    ASSERT_TRUE(m.ok()) << c.why << ": " << m.status();
    EXPECT_EQ(m->src, c.src) << c.why;
    EXPECT_EQ(m->dest, c.dest) << c.why;
    EXPECT_EQ(m->body.dump(), c.body) << c.why;
  }
}

struct Rejected {
  const char* why;
  std::string line;
  const char* reason;  // a substring of the error
};

TEST(NodeLineTest, RejectsWhatParseMsgOrCheckMessageReject) {
  for (const Rejected& c : std::vector<Rejected>{
           {"an empty line parses to nil, keywordized to {}", "",
            "not well-formed JSON"},
           {"whitespace only", "   ", "not well-formed JSON"},
           {"not JSON", "hello world", "not well-formed JSON"},
           {"truncated JSON", R"({"src":"n1","dest":)", "not well-formed JSON"},
           {"NaN is not JSON to Jackson",
            R"({"src":"n1","dest":"c3","body":{"v":NaN}})",
            "not well-formed JSON"},
           {"comments are not JSON to Jackson",
            R"(/*x*/{"src":"n1","dest":"c3"})", "not well-formed JSON"},
           {"single quotes", R"({'src':'n1','dest':'c3'})",
            "not well-formed JSON"},
           {"null keywordizes to {}: src and dest missing", "null",
            ":src missing-required-key"},
           {"a number cannot be reduced", "7", "Don't know how to create ISeq"},
           {"a non-empty string's Characters cannot be destructured",
            R"("abc")", "nth not supported"},
           {"an array of numbers cannot be destructured", "[1,2]",
            "nth not supported"},
           {"missing src", R"({"dest":"c3","body":{}})",
            ":src missing-required-key"},
           {"missing dest", R"({"src":"n1","body":{}})",
            ":dest missing-required-key"},
           {"a numeric src", R"({"src":1,"dest":"c3","body":{}})",
            ":src (not (instance?"},
           {"a null dest", R"({"src":"n1","dest":null,"body":{}})",
            ":dest (not (instance?"},
           {"the schema is closed",
            R"({"src":"n1","dest":"c3","body":{},"type":"x"})",
            ":type disallowed-key"},
           {"a float id", R"({"id":1.5,"src":"n1","dest":"c3","body":{}})",
            ":id (not"},
           {"1.0 is a Double, not an Int",
            R"({"id":1.0,"src":"n1","dest":"c3","body":{}})", ":id (not"},
           {"1e2 is a Double", R"({"id":1e2,"src":"n1","dest":"c3","body":{}})",
            ":id (not"},
           {"a string id", R"({"id":"1","src":"n1","dest":"c3","body":{}})",
            ":id (not"},
           {"a numeric body cannot be reduced",
            R"({"src":"n1","dest":"c3","body":5})",
            "Don't know how to create ISeq"},
           {"a string body's Characters cannot be destructured",
            R"({"src":"n1","dest":"c3","body":"abc"})", "nth not supported"},
           {"a boolean body", R"({"src":"n1","dest":"c3","body":true})",
            "Don't know how to create ISeq"},
           {"a pair with a non-string key makes a nil key, which the schema "
            "disallows",
            R"([["src","n1"],["dest","c3"],[1,2]])", "nil disallowed-key"},
           {"nesting beyond the bound",
            R"({"src":"n1","dest":"c3","body":{"a":)" + std::string(1001, '[') +
                std::string(1001, ']') + "}}",
            "nested deeper than 1000"},
       }) {
    absl::StatusOr<kvclient::Message> m = ParseNodeLine(c.line);
    ASSERT_FALSE(m.ok()) << c.why;
    EXPECT_NE(m.status().message().find(c.reason), std::string::npos)
        << c.why << ": " << m.status().message();
  }
}

TEST(NodeLineTest, NestingJustUnderTheBoundIsAccepted) {
  const std::string line = R"({"src":"n1","dest":"c3","body":{"a":)" +
                           std::string(kMaxNestingDepth - 2, '[') +
                           std::string(kMaxNestingDepth - 2, ']') + "}}";
  EXPECT_TRUE(ParseNodeLine(line).ok()) << ParseNodeLine(line).status();
}

// process.clj reads stdout through a UTF-8 decoder: ill-formed bytes become
// U+FFFD instead of failing the line.
TEST(NodeLineTest, IllFormedUtf8BecomesReplacementCharacters) {
  absl::StatusOr<kvclient::Message> m = ParseNodeLine(
      "{\"src\":\"n1\",\"dest\":\"c3\",\"body\":{\"text\":\"a\xff"
      "b\"}}");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->body["text"],
            "a\xEF\xBF\xBD"
            "b");
}

TEST(NodeLineTest, SanitizeUtf8ReplacesEachMaximalSubpart) {
  EXPECT_EQ(SanitizeUtf8("plain"), "plain");
  EXPECT_EQ(SanitizeUtf8("\xC3\xA9"), "\xC3\xA9");                  // é
  EXPECT_EQ(SanitizeUtf8("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");  // 😀
  EXPECT_EQ(SanitizeUtf8("\xFF"), "\xEF\xBF\xBD");
  EXPECT_EQ(SanitizeUtf8("\xE2\x82"), "\xEF\xBF\xBD");  // truncated €
  EXPECT_EQ(SanitizeUtf8("\xE2\x82x"), "\xEF\xBF\xBDx");
  EXPECT_EQ(SanitizeUtf8("\xED\xA0\x80"),  // a surrogate
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(SanitizeUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
}

}  // namespace
}  // namespace sim
