#include "sim/maelstrom/edn.h"

#include <cmath>
#include <string>

#include "gtest/gtest.h"
#include "sim/maelstrom/edn_reader.h"

namespace sim {
namespace {

TEST(Edn, PrintsLikeClojurePrn) {
  Edn op = Edn::Map();
  op.Put("index", Edn::Int(0))
      .Put("type", Edn::Keyword("invoke"))
      .Put("value", Edn::Nil())
      .Put("final?", Edn::Bool(true))
      .Put("seq", Edn::List({Edn::Int(1), Edn::Int(-2)}))
      .Put("vec", Edn::Vector({Edn::Int(3), Edn::String("x")}));
  EXPECT_EQ(op.Print(),
            "{:index 0, :type :invoke, :value nil, :final? true, :seq (1 -2), "
            ":vec [3 \"x\"]}");
  EXPECT_EQ(Edn::Map().Print(), "{}");
  EXPECT_EQ(Edn::List().Print(), "()");
}

TEST(Edn, DoublesReadBackExactlyAndLookLikeClojure) {
  EXPECT_EQ(Edn::Double(1).Print(), "1.0");
  EXPECT_EQ(Edn::Double(0.1).Print(), "0.1");
  EXPECT_EQ(Edn::Double(2.5e-7).Print(), "2.5e-07");
  EXPECT_EQ(Edn::Double(NAN).Print(), "##NaN");
  EXPECT_EQ(Edn::Double(-INFINITY).Print(), "##-Inf");
  // (float 2/3) prints as 0.6666667 in Clojure: a float's shortest digits.
  EXPECT_EQ(Edn::Float(2.0f / 3.0f).Print(), "0.6666667");
  EXPECT_EQ(Edn::Float(3.0f).Print(), "3.0");
  for (double d : {1.0 / 3, 123456.789, 1e300, -0.0001}) {
    absl::StatusOr<EdnValue> v = ReadEdn(Edn::Double(d).Print());
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_EQ(v->number, d);
  }
}

TEST(Edn, StringsEscapeEverythingAReaderNeeds) {
  EXPECT_EQ(Edn::String("a\"b\\c\nd\te\rf").Print(), R"("a\"b\\c\nd\te\rf")");
  EXPECT_EQ(Edn::String(std::string("\x01\x7f\0", 3)).Print(),
            R"("\u0001\u007f\u0000")");
  EXPECT_EQ(Edn::String("\b\f").Print(), R"("\b\f")");
  EXPECT_EQ(Edn::String("bad \xff utf8 \xc3").Print(),
            "\"bad \uFFFD utf8 \uFFFD\"");
  EXPECT_EQ(Edn::String("ok é 日本 ヽ(‘ー`)ノ").Print(),
            "\"ok é 日本 ヽ(‘ー`)ノ\"");
}

TEST(Edn, HostileStringsRoundTripThroughAReader) {
  const std::string hostile[] = {
      "\"}]) ; not a comment",
      "#{:not :a-set}",
      "\\u0041 is not an escape here",
      std::string("nul\0inside", 10),
      "\x1b[31mred\x1b[0m",
      "line1\nline2\r\n",
      "é\xc2\x85 C1",
  };
  for (const std::string& s : hostile) {
    Edn m = Edn::Map();
    m.Put("error", Edn::String(s)).Put("after", Edn::Int(7));
    absl::StatusOr<EdnValue> v = ReadEdn(m.Print());
    ASSERT_TRUE(v.ok()) << v.status() << " for " << m.Print();
    EXPECT_EQ(v->Get("error").text, s);
    EXPECT_EQ(v->Get("after").integer, 7);
  }
}

TEST(Edn, KeywordsAreSanitized) {
  EXPECT_EQ(Edn::Keyword("start-partition").Print(), ":start-partition");
  EXPECT_EQ(Edn::Keyword("kv cut/{x}").Print(), ":kv-cut--x-");
  EXPECT_EQ(Edn::Keyword("").Print(), ":_");
  EXPECT_EQ(Edn::Keyword("1st").Print(), ":_1st");
  absl::StatusOr<EdnValue> v = ReadEdn(Edn::Keyword("a b\"c").Print());
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->kind, EdnValue::Kind::kKeyword);
}

TEST(Edn, PrettyPutsMapEntriesOnTheirOwnLinesAndReadsBackTheSame) {
  Edn inner = Edn::Map();
  inner.Put("valid?", Edn::Bool(true)).Put("count", Edn::Int(3));
  Edn outer = Edn::Map();
  outer.Put("stats", std::move(inner)).Put("valid?", Edn::Bool(false));
  EXPECT_EQ(outer.Pretty(),
            "{:stats {:valid? true,\n"
            "         :count 3},\n"
            " :valid? false}");
  absl::StatusOr<EdnValue> pretty = ReadEdn(outer.Pretty());
  absl::StatusOr<EdnValue> flat = ReadEdn(outer.Print());
  ASSERT_TRUE(pretty.ok() && flat.ok());
  EXPECT_EQ(pretty->Get("stats").Get("count").integer, 3);
  EXPECT_EQ(flat->Get("stats").Get("count").integer, 3);
  EXPECT_FALSE(pretty->Get("valid?").boolean);
}

TEST(EdnReader, RejectsMalformedInput) {
  EXPECT_FALSE(ReadEdn("{:a 1").ok());
  EXPECT_FALSE(ReadEdn("{:a}").ok());
  EXPECT_FALSE(ReadEdn("\"unterminated").ok());
  EXPECT_FALSE(ReadEdn("\"raw \x01 control\"").ok());
  EXPECT_FALSE(ReadEdn("\"bad \\q escape\"").ok());
  EXPECT_FALSE(ReadEdn("1 2").ok());
  EXPECT_TRUE(ReadEdn("#{1 2}").ok());
}

// A JSON value as Maelstrom holds it once parsed (cheshire, keys
// keywordized): how any workload's :value prints.
TEST(EdnTest, FromJsonAsMaelstromParsesIt) {
  EXPECT_EQ(Edn::FromJson(nullptr).Print(), "nil");
  EXPECT_EQ(Edn::FromJson(kvclient::Json::parse(
                              R"({"a":[1,null,"x"],"b":{"c":true},"d":1.5})"))
                .Print(),
            "{:a [1 nil \"x\"], :b {:c true}, :d 1.5}");
  EXPECT_EQ(Edn::FromJson(kvclient::Json(int64_t{-3})).Print(), "-3");
}

// Jepsen's checkers' results: maps keyed by numbers and strings (set-full
// :stable-latencies {0 3, 0.5 4}, unique-ids :duplicated {"n1-7" 2}), fipp's
// records (#jepsen.history.Op{...}) and Java-printed numbers.
TEST(EdnTest, AnyMapKeyTaggedLiteralsAndRawElements) {
  Edn m = Edn::Map();
  m.PutKey(Edn::Int(0), Edn::Int(3))
      .PutKey(Edn::Double(0.5), Edn::Int(4))
      .PutKey(Edn::String("n1-7"), Edn::Int(2))
      .PutKey(Edn::Keyword("k"), Edn::Raw("1.0E-4"));
  EXPECT_EQ(m.Print(), "{0 3, 0.5 4, \"n1-7\" 2, :k 1.0E-4}");
  ASSERT_NE(m.Find("k"), nullptr);  // a keyword key stays a keyword
  EXPECT_EQ(m.Find("n1-7"), nullptr);
  EXPECT_EQ(m.entries()[3].first, "k");
  Edn op = Edn::Map();
  op.Put("index", Edn::Int(4)).Put("f", Edn::Keyword("add"));
  EXPECT_EQ(op.Find("index")->int_value(), 4);
  Edn outer = Edn::Map();
  outer.Put("known", Edn::Tagged("jepsen.history.Op", op));
  EXPECT_EQ(outer.Print(), "{:known #jepsen.history.Op{:index 4, :f :add}}");
  EXPECT_EQ(outer.Pretty(),
            "{:known #jepsen.history.Op{:index 4,\n"
            "                           :f :add}}");
  absl::StatusOr<EdnValue> back = ReadEdn(m.Print());
  ASSERT_TRUE(back.ok()) << back.status();
}

}  // namespace
}  // namespace sim
