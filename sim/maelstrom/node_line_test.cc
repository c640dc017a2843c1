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

// ---------------------------------------------------------------------------
// JSON as cheshire 5.13.0 / jackson-core 2.17.0 read it (maelstrom
// project.clj; process.clj parse-msg calls cheshire.core/parse-string).

std::string Line(const std::string& body) {
  return R"({"src":"n1","dest":"n2","body":)" + body + "}";
}

// Pins jackson-core 2.17.0 ParserBase resetInt: an integer of any length up
// to StreamReadConstraints' 1000 digits is a BigInteger, which cheshire
// keeps and writes back digit for digit (process.clj stdin-thread
// generate-stream): a 401-digit integer leaves the node in the network.
TEST(JacksonConformance, IntegersBeyond64BitsAreBigIntegers) {
  const std::string digits401 = "1" + std::string(400, '7');
  for (const std::string& n :
       {digits401, "-" + digits401, std::string("18446744073709551616"),
        std::string("-9223372036854775809"), std::string(1000, '9')}) {
    absl::StatusOr<kvclient::Message> m =
        ParseNodeLine(Line(R"({"type":"gossip","n":)" + n + "}"));
    ASSERT_TRUE(m.ok()) << n.size() << " digits: " << m.status();
    EXPECT_TRUE(IsBigIntegerMarker(m->body["n"]));
    EXPECT_TRUE(IsClojureInteger(m->body["n"]));
    // Written to the destination node as it was sent.
    EXPECT_EQ(RestoreBigIntegers(m->body.dump()),
              R"({"n":)" + n + R"(,"type":"gossip"})");
  }
  // Integers that fit 64 bits stay numbers.
  for (const char* n : {"18446744073709551615", "-9223372036854775808", "0"}) {
    absl::StatusOr<kvclient::Message> m =
        ParseNodeLine(Line(std::string(R"({"n":)") + n + "}"));
    ASSERT_TRUE(m.ok()) << m.status();
    EXPECT_TRUE(m->body["n"].is_number_integer()) << n;
  }
  // A big msg_id is an Int too (recv-schema's s/Int): IsClojureInteger.
  EXPECT_FALSE(IsClojureInteger(kvclient::Json(1.0)));
  EXPECT_FALSE(IsClojureInteger(kvclient::Json("x")));
  EXPECT_FALSE(IsClojureInteger(kvclient::Json(nullptr)));
  // Big integers in arrays and nested maps; strings that look like numbers
  // and numbers after the first value are left alone.
  EXPECT_EQ(
      *JacksonNumbersAndSurrogates(
          R"([1,{"a":"123456789012345678901234"},-123456789012345678901234]x 99999999999999999999999)"),
      std::string(
          R"([1,{"a":"123456789012345678901234"},"\u0000bigint:-123456789012345678901234"]x 99999999999999999999999)"));
}

// Pins jackson-core 2.17.0 StreamReadConstraints: maxNumberLength 1000
// (digits; for a float, integer + fraction + exponent digits),
// maxStringLength 20,000,000 and maxNameLength 50,000 (UTF-16 units),
// maxNestingDepth 1000. Beyond them the parse fails and the node goes deaf.
TEST(JacksonConformance, StreamReadConstraintsDefaults) {
  auto status = [](const std::string& body) {
    return ParseNodeLine(Line(body)).status();
  };
  EXPECT_TRUE(status(R"({"n":-)" + std::string(1000, '9') + "}").ok());
  EXPECT_EQ(status(R"({"n":)" + std::string(1001, '9') + "}").message(),
            "Number value length (1001) exceeds the maximum allowed (1000, "
            "from `StreamReadConstraints.getMaxNumberLength()`)");
  EXPECT_TRUE(
      status(R"({"n":1.)" + std::string(997, '5') + "e-12}").ok());  // 1000
  EXPECT_FALSE(status(R"({"n":1.)" + std::string(998, '5') + "e-12}").ok());
  const std::string s20m(kMaxStringLength, 'a');
  EXPECT_TRUE(status(R"({"s":")" + s20m + R"("})").ok());
  EXPECT_EQ(status(R"({"s":")" + s20m + R"(b"})").message(),
            "String value length (20000001) exceeds the maximum allowed "
            "(20000000, from `StreamReadConstraints.getMaxStringLength()`)");
  // UTF-16 units: a supplementary character counts two.
  EXPECT_FALSE(status(R"({"s":")" + std::string(kMaxStringLength - 1, 'a') +
                      "\xF0\x9F\x98\x80\"}")
                   .ok());
  const std::string name(kMaxNameLength, 'k');
  EXPECT_TRUE(status(R"({")" + name + R"(":1})").ok());
  EXPECT_FALSE(status(R"({")" + name + R"(k":1})").ok());
  // A 5 MB string: far under the bound.
  EXPECT_TRUE(status(R"({"s":")" + std::string(5'000'000, 'x') + R"("})").ok());
}

// Pins jackson-core 2.17.0's lenient surrogates: a lone "\ud800" (or
// "\udc00") escape is a String char, not a parse error; Maelstrom writes it
// to a node through an OutputStreamWriter (process.clj stdin-thread), whose
// UTF-8 encoder replaces it with '?'. A proper pair is one character.
TEST(JacksonConformance, LoneSurrogatesAreAccepted) {
  for (const auto& [in, out] : std::vector<std::pair<std::string, std::string>>{
           {R"("a\ud800b")", "a?b"},
           {R"("\udc00")", "?"},
           {R"("\ud800\ud800")", "??"},
           {R"("\ud800\u0041")", "?A"},
           {R"("\udbff")", "?"},
           {R"("\ud83d\ude00")", "\xF0\x9F\x98\x80"},
           {R"("\\ud800")", "\\ud800"},  // an escaped backslash, no escape
       }) {
    absl::StatusOr<kvclient::Message> m =
        ParseNodeLine(Line(R"({"s":)" + in + "}"));
    ASSERT_TRUE(m.ok()) << in << ": " << m.status();
    EXPECT_EQ(m->body["s"], out) << in;
  }
}

}  // namespace
}  // namespace sim
