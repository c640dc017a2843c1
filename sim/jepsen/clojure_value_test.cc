// Pins Clojure 1.12's semantics for cheshire-parsed JSON values (clojure
// src/jvm/clojure/lang/Murmur3.java, Util.java hasheq/compare/hashCombine,
// Numbers.java hasheq/compare/equal, Keyword.java, Symbol.java,
// APersistentVector.java compareTo, PersistentHashMap.java iteration).
// Hash values are Clojure's own outputs: (hash x) as printed by a JVM
// Clojure (published test vectors of Clojure ports, e.g. "(hash :a) ;;
// -2123407586"), and the k0..k8 map order printed by Clojure 1.11.1 (also
// in sim/clojure_print_test.cc).
#include "sim/jepsen/clojure_value.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace sim {
namespace jepsen {
namespace {

using kvclient::Json;

TEST(ClojureHash, ScalarsMatchClojure) {
  EXPECT_EQ(LongHash(1), 1392991556);
  EXPECT_EQ(LongHash(-1), 1651860712);
  EXPECT_EQ(LongHash(0), 0);
  EXPECT_EQ(LongHash(42), 1871679806);
  EXPECT_EQ(LongHash(-100), 16143486);
  EXPECT_EQ(LongHash(std::numeric_limits<int64_t>::max()), -2106506049);
  EXPECT_EQ(DoubleHash(1.0), 1072693248);
  EXPECT_EQ(DoubleHash(-1.5), -1074266112);
  EXPECT_EQ(DoubleHash(3.14), 300063655);
  EXPECT_EQ(DoubleHash(0.0), 0);
  EXPECT_EQ(DoubleHash(-0.0), 0);  // Numbers.hasheq: -0.0 matches 0.0
  EXPECT_EQ(KeywordHash("a"), -2123407586);
  EXPECT_EQ(KeywordHash("foo"), 1268894036);
  EXPECT_EQ(SymbolHash("foo"), -1385541733);
  EXPECT_EQ(StringHash("hello"), 1715862179);
  EXPECT_EQ(StringHash(""), 0);
}

TEST(ClojureHash, JsonValuesHashAsCheshireParsesThem) {
  EXPECT_EQ(JsonHash(Json(nullptr)), 0);
  EXPECT_EQ(JsonHash(Json(true)), 1231);
  EXPECT_EQ(JsonHash(Json(false)), 1237);
  EXPECT_EQ(JsonHash(Json(42)), 1871679806);
  EXPECT_EQ(JsonHash(Json(42u)), 1871679806);  // unsigned parse, same Long
  EXPECT_EQ(JsonHash(Json(1.0)), 1072693248);  // a Double, not the Long 1
  EXPECT_EQ(JsonHash(Json("hello")), 1715862179);
  EXPECT_EQ(JsonHash(Json::array()), -2017569654);  // (hash [])
  EXPECT_EQ(JsonHash(Json::object()), -15128758);   // (hash {})
  EXPECT_EQ(JsonHash(Json::array({1})), -1381383523);
  EXPECT_EQ(JsonHash(Json::array({1, 2, 3})), 736442005);
  // (hash [:a :b]) and (hash {1 :one, 2 :two}) from the primitives.
  EXPECT_EQ(OrderedHash({KeywordHash("a"), KeywordHash("b")}), -781497396);
  EXPECT_EQ(UnorderedHash({MapEntryHash(LongHash(1), KeywordHash("one")),
                           MapEntryHash(LongHash(2), KeywordHash("two"))}),
            -1594271398);
}

TEST(ClojureHash, BigIntegersHashLikeJava) {
  // 2^63 + 5 parses as a BigInteger: BigInteger.hashCode of mag {2^31, 5}.
  const uint64_t big = (uint64_t{1} << 63) + 5;
  EXPECT_EQ(JsonHash(Json(big)), static_cast<int32_t>(0x80000000u * 31u + 5u));
}

TEST(ClojureHash, MapsOfMoreThanEightEntriesIterateInHashOrder) {
  // (keys (zipmap (map #(str "k" %) (range 9)) (range 9))), Clojure 1.11.1.
  std::vector<int32_t> hashes;
  for (int i = 0; i < 9; ++i)
    hashes.push_back(StringHash("k" + std::to_string(i)));
  EXPECT_EQ(MapIterationOrder(hashes),
            (std::vector<size_t>{8, 7, 6, 5, 3, 1, 4, 2, 0}));
  hashes.pop_back();  // eight entries: an array map keeps insertion order
  EXPECT_EQ(MapIterationOrder(hashes),
            (std::vector<size_t>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(ClojureEquality, IntegersAndDoublesNeverEqual) {
  EXPECT_TRUE(JsonEqual(Json(1), Json(1u)));
  EXPECT_FALSE(JsonEqual(Json(1), Json(1.0)));
  EXPECT_TRUE(JsonEqual(Json(0.0), Json(-0.0)));
  EXPECT_FALSE(JsonEqual(Json("1"), Json(1)));
  EXPECT_FALSE(JsonEqual(Json::array({1}), Json::array({1.0})));
  EXPECT_TRUE(JsonEqual(Json::parse(R"({"a":[1,"x"]})"),
                        Json::parse(R"({"a":[1,"x"]})")));
  EXPECT_NE(EqualityKey(Json("a")), EqualityKey(Json::array({"a"})));
  EXPECT_NE(EqualityKey(Json::array({"a,", "b"})),
            EqualityKey(Json::array({"a", ",b"})));
}

TEST(ClojureCompare, FollowsUtilCompare) {
  EXPECT_EQ(JsonCompare(Json(1), Json(2)), -1);
  EXPECT_EQ(JsonCompare(Json(2.5), Json(2)), 1);
  EXPECT_EQ(JsonCompare(Json(1), Json(1.0)), 0);  // Numbers.compare
  EXPECT_EQ(JsonCompare(Json(nullptr), Json("x")), -1);
  EXPECT_EQ(JsonCompare(Json(3), Json(nullptr)), 1);
  EXPECT_LT(*JsonCompare(Json("10000"), Json("9")), 0);  // lexicographic
  EXPECT_EQ(JsonCompare(Json(false), Json(true)), -1);
  // Vectors: count first, then element-wise.
  EXPECT_EQ(JsonCompare(Json::array({9}), Json::array({1, 1})), -1);
  EXPECT_EQ(JsonCompare(Json::array({1, 2}), Json::array({1, 3})), -1);
  const uint64_t big = (uint64_t{1} << 63) + 5;
  EXPECT_EQ(JsonCompare(Json(big), Json(std::numeric_limits<int64_t>::max())),
            1);
  // ClassCastException.
  EXPECT_FALSE(JsonCompare(Json(1), Json("1")).has_value());
  EXPECT_FALSE(JsonCompare(Json("1"), Json(1)).has_value());
  EXPECT_FALSE(JsonCompare(Json(true), Json(1)).has_value());
  EXPECT_FALSE(JsonCompare(Json::object(), Json::object()).has_value());
  EXPECT_FALSE(JsonCompare(Json::array({1}), Json::array({"a"})).has_value());
}

TEST(ClojureCompare, StringsCompareByUtf16CodeUnits) {
  // U+FF61 sorts before U+1F600 by code point (and UTF-8 bytes), but after
  // it in Java's String.compareTo: 0xFF61 > its first surrogate, 0xD83D.
  EXPECT_EQ(JsonCompare(Json("\xef\xbd\xa1"), Json("\xf0\x9f\x98\x80")), 1);
}

TEST(ClojureCompare, SortOrderIsStableOrFailsLikeJava) {
  const Json a(3), b(1), c(2.0), d(1.0), s("x");
  EXPECT_EQ(*SortOrder({&a, &b, &c, &d}),
            (std::vector<size_t>{1, 3, 2, 0}));  // 1 and 1.0 keep their order
  EXPECT_FALSE(SortOrder({&a, &s}).has_value());
  EXPECT_EQ(*SortOrder({}), std::vector<size_t>{});
}

TEST(ClojurePrint, JsonPrintsAsFippPrintsIt) {
  EXPECT_EQ(
      JsonToEdn(Json::parse(R"([null,true,12,-3,"s",1.0,1e10,0.001])")).Print(),
      R"([nil true 12 -3 "s" 1.0 1.0E10 0.001])");
  EXPECT_EQ(JsonToEdn(Json::parse("18446744073709551615")).Print(),
            "18446744073709551615");  // a BigInteger: plain digits
  EXPECT_EQ(JsonToEdn(Json::parse(R"({"b":1,"a":[2]})")).Print(),
            R"({"a" [2], "b" 1})");
  EXPECT_EQ(JsonToEdn(Json::parse(R"({"type":"echo_ok","in_reply_to":1})"),
                      Keys::kKeywordsAtTop)
                .Print(),
            R"({:in_reply_to 1, :type "echo_ok"})");
  // Nine keys: hash order (the k0..k8 oracle above).
  Json nine = Json::object();
  for (int i = 0; i < 9; ++i) nine["k" + std::to_string(i)] = i;
  EXPECT_EQ(JsonToEdn(nine).Print(),
            R"({"k8" 8, "k7" 7, "k6" 6, "k5" 5, "k3" 3, "k1" 1, "k4" 4, )"
            R"("k2" 2, "k0" 0})");
}

}  // namespace
}  // namespace jepsen
}  // namespace sim
