// Conformance: Maelstrom v0.2.4's echo workload (maelstrom
// src/maelstrom/workload/echo.clj: defrpc echo!, client, checker, workload;
// knossos 0.3.10 src/knossos/history.clj pairs, pair-index). Each test
// names the function it pins.
#include <cmath>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "sim/jepsen/history_builder.h"
#include "sim/workloads/echo/checker.h"
#include "sim/workloads/echo/client.h"
#include "sim/workloads/echo/generator.h"

namespace sim {
namespace echo {
namespace {

using jepsen::Completion;
using jepsen::GenOp;
using jepsen::HistoryBuilder;
using jepsen::Validity;
using kvclient::Json;

// echo.clj defrpc echo!: {:type "echo", :echo s/Any} + msg_id.
TEST(EchoClientConformance, RequestCarriesTheValueAsEcho) {
  EXPECT_EQ(
      RequestBody({"echo", "Please echo 7"}, 3),
      Json::parse(R"({"type":"echo","echo":"Please echo 7","msg_id":3})"));
}

// echo.clj client invoke!: (assoc op :type :ok, :value res), res the body.
TEST(EchoClientConformance, OkValueIsTheWholeReplyBody) {
  const Json reply = Json::parse(
      R"({"type":"echo_ok","echo":"Please echo 7","in_reply_to":3,"msg_id":1})");
  Completion c = Complete({"echo", "Please echo 7"}, reply);
  EXPECT_EQ(c.type, EventType::kOk);
  EXPECT_EQ(c.value, reply);
  EXPECT_TRUE(c.error.empty());
}

// client.clj recv-schema: a closed map; a malformed reply escapes
// with-errors (interpreter.clj: :info).
TEST(EchoClientConformance, ExtraKeysMakeTheReplyMalformed) {
  Completion c = Complete(
      {"echo", "x"},
      Json::parse(R"({"type":"echo_ok","echo":"x","in_reply_to":3,"n":1})"));
  EXPECT_EQ(c.type, EventType::kInfo);
  EXPECT_NE(c.error.find("{:n disallowed-key}"), std::string::npos);
  EXPECT_EQ(c.value, "x");
}

// echo.clj invoke!: (c/with-errors op #{} ...).
TEST(EchoClientConformance, WithErrorsNothingIdempotent) {
  EXPECT_EQ(CompleteTimeout({"echo", "x"}).type, EventType::kInfo);
  EXPECT_EQ(CompleteTimeout({"echo", "x"}).error, ":net-timeout");
  Completion definite = Complete(
      {"echo", "x"},
      Json::parse(R"({"type":"error","code":10,"text":"no","in_reply_to":3})"));
  EXPECT_EQ(definite.type, EventType::kFail);
  EXPECT_EQ(definite.value, "x");
  EXPECT_FALSE(kClientReusable);
}

// echo.clj workload: (str "Please echo " (rand-int 128)) per op.
TEST(EchoGeneratorConformance, PleaseEchoAUniformIntBelow128) {
  Prng prng(21);
  constexpr int kDraws = 128 * 200;
  std::vector<int> counts(128, 0);
  for (int i = 0; i < kDraws; ++i) {
    GenOp op = DrawOp(prng);
    ASSERT_EQ(op.f, "echo");
    const std::string s = op.value.get<std::string>();
    ASSERT_EQ(s.rfind("Please echo ", 0), 0u) << s;
    const int n = std::stoi(s.substr(12));
    ASSERT_GE(n, 0);
    ASSERT_LT(n, 128);
    ++counts[n];
    EXPECT_FALSE(op.final);
  }
  // Each bucket within 5 binomial standard deviations of 200.
  const double sd = std::sqrt(kDraws * (1.0 / 128) * (127.0 / 128));
  for (int n = 0; n < 128; ++n) EXPECT_NEAR(counts[n], 200, 5 * sd) << n;
}

Json EchoOk(const std::string& echo, int in_reply_to) {
  return {{"type", "echo_ok"}, {"echo", echo}, {"in_reply_to", in_reply_to}};
}

// echo.clj checker: every echoed value matches: {:valid? true, :errors ()}.
TEST(EchoCheckerConformance, MatchingEchoesAreValid) {
  HistoryBuilder b;
  b.Invoke(0, "echo", "Please echo 1")
      .Ok(0, "echo", EchoOk("Please echo 1", 1));
  b.Invoke(1, "echo", "Please echo 2")
      .Ok(1, "echo", EchoOk("Please echo 2", 1));
  EchoResult r = CheckEcho(b.Build(), HistoryBuilder::Context(2));
  EXPECT_EQ(r.valid, Validity::kTrue);
  EXPECT_EQ(r.edn.Print(), "{:valid? true, :errors ()}");
}

// echo.clj checker: an altered echo is an error, printed as Maelstrom does
// (the reply body with its keys keywordized).
TEST(EchoCheckerConformance, AnAlteredEchoIsInvalid) {
  HistoryBuilder b;
  b.Invoke(0, "echo", "Please echo 15").Ok(0, "echo", EchoOk("not-right", 1));
  EchoResult r = CheckEcho(b.Build(), HistoryBuilder::Context(1));
  EXPECT_EQ(r.valid, Validity::kFalse);
  EXPECT_EQ(r.edn.Print(),
            "{:valid? false, :errors ([\"Expected a message with :echo\" "
            "\"Please echo 15\" \"But received\" {:echo \"not-right\", "
            ":in_reply_to 1, :type \"echo_ok\"}])}");
}

// knossos history.clj pairs: an :info pairs with nothing, so a timeout is
// never an error; a :fail keeps the invoke's string, whose :echo is nil.
TEST(EchoCheckerConformance, FailsAreErrorsInfosAreNot) {
  HistoryBuilder timeout;
  timeout.Invoke(0, "echo", "Please echo 3")
      .Info(0, "echo", "Please echo 3")
      .Error(":net-timeout");
  EXPECT_EQ(CheckEcho(timeout.Build(), HistoryBuilder::Context(1)).valid,
            Validity::kTrue);
  HistoryBuilder fail;
  fail.Invoke(0, "echo", "Please echo 3")
      .Fail(0, "echo", "Please echo 3")
      .Error("[:not-supported \"no\"]");
  EchoResult r = CheckEcho(fail.Build(), HistoryBuilder::Context(1));
  EXPECT_EQ(r.valid, Validity::kFalse);
  EXPECT_EQ(r.edn.Print(),
            "{:valid? false, :errors ([\"Expected a message with :echo\" "
            "\"Please echo 3\" \"But received\" \"Please echo 3\"])}");
}

// (not= (:value invoke) (:echo (:value complete))): Clojure's =.
TEST(EchoCheckerConformance, EchoMustBeTheSameString) {
  HistoryBuilder b;
  b.Invoke(0, "echo", "Please echo 1")
      .Ok(0, "echo",
          {{"type", "echo_ok"},
           {"echo", Json::array({"Please echo 1"})},
           {"in_reply_to", 1}});
  b.Invoke(0, "echo", "Please echo 1")
      .Ok(0, "echo",
          {{"type", "echo_ok"}, {"echo", nullptr}, {"in_reply_to", 2}});
  EchoResult r = CheckEcho(b.Build(), HistoryBuilder::Context(1));
  EXPECT_EQ(r.errors.size(), 2u);
}

// pair-index builds a map: up to 8 entries it keeps insertion order (the
// completions' order), beyond that PersistentHashMap's (by the invoke
// records' hashes), which is how Maelstrom lists :errors.
TEST(EchoCheckerConformance, ErrorsInPairIndexMapOrder) {
  HistoryBuilder small;
  small.Invoke(0, "echo", "Please echo 1").Invoke(1, "echo", "Please echo 2");
  small.Ok(1, "echo", EchoOk("x", 1)).Ok(0, "echo", EchoOk("y", 1));
  EchoResult r = CheckEcho(small.Build(), HistoryBuilder::Context(2));
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].invoke, 1u);  // completed first
  EXPECT_EQ(r.errors[1].invoke, 0u);
  HistoryBuilder big;
  for (int i = 0; i < 6; ++i) {
    big.Invoke(0, "echo", "Please echo " + std::to_string(i))
        .Ok(0, "echo", EchoOk("wrong", i + 1));
  }
  const History h = big.Build();
  jepsen::OpView ops(h, HistoryBuilder::Context(1));
  EchoResult many = CheckEcho(h, HistoryBuilder::Context(1));
  ASSERT_EQ(many.errors.size(), 6u);
  for (size_t k = 1; k < many.errors.size(); ++k) {
    const auto rank = [&](size_t i) {
      return jepsen::HashMapRank(jepsen::OpRecordHash(ops, i, "echo"));
    };
    EXPECT_LT(rank(many.errors[k - 1].invoke), rank(many.errors[k].invoke));
  }
}

}  // namespace
}  // namespace echo
}  // namespace sim
