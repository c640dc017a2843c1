// Conformance: Maelstrom v0.2.4's g-set workload (maelstrom
// src/maelstrom/workload/g_set.clj: defrpc add!, read; client invoke!
// without with-errors; workload; jepsen generator/interpreter.clj for the
// errors that escape; checker/set-full).
#include <cmath>
#include <string>

#include "gtest/gtest.h"
#include "sim/jepsen/history_builder.h"
#include "sim/workloads/g_set/checker.h"
#include "sim/workloads/g_set/client.h"
#include "sim/workloads/g_set/generator.h"

namespace sim {
namespace g_set {
namespace {

using jepsen::Completion;
using jepsen::GenOp;
using jepsen::HistoryBuilder;
using jepsen::Validity;
using kvclient::Json;

// defrpc add! {:type "add", :element s/Any}; read {:type "read"}.
TEST(GSetClientConformance, Requests) {
  EXPECT_EQ(RequestBody({"add", 4}, 2),
            Json::parse(R"({"type":"add","element":4,"msg_id":2})"));
  EXPECT_EQ(RequestBody({"read", nullptr}, 3),
            Json::parse(R"({"type":"read","msg_id":3})"));
}

// defrpc read's reply {:type "read_ok", :value [s/Any]} (not "elements").
TEST(GSetClientConformance, ReadReplyCarriesValue) {
  Completion ok = Complete(
      {"read", nullptr},
      Json::parse(R"({"type":"read_ok","value":[0,3],"in_reply_to":3})"));
  EXPECT_EQ(ok.type, EventType::kOk);
  EXPECT_EQ(ok.value, Json::parse("[0,3]"));
  Completion elements = Complete(
      {"read", nullptr},
      Json::parse(R"({"type":"read_ok","elements":[0,3],"in_reply_to":3})"));
  EXPECT_EQ(elements.type, EventType::kInfo);
  EXPECT_NE(elements.error.find(":value missing-required-key"),
            std::string::npos);
  Completion add =
      Complete({"add", 4}, Json::parse(R"({"type":"add_ok","in_reply_to":2})"));
  EXPECT_EQ(add.type, EventType::kOk);
  EXPECT_EQ(add.value, 4);
}

// invoke! has no with-errors: every failure is an :info from the
// interpreter ("indeterminate: ..."), never a :fail.
TEST(GSetClientConformance, NoWithErrors) {
  Completion timeout = CompleteTimeout({"read", nullptr});
  EXPECT_EQ(timeout.type, EventType::kInfo);
  EXPECT_EQ(timeout.error, R"("indeterminate: Client read timeout")");
  Completion definite = Complete(
      {"add", 1},
      Json::parse(R"({"type":"error","code":11,"text":"x","in_reply_to":2})"));
  EXPECT_EQ(definite.type, EventType::kInfo);
  EXPECT_EQ(
      definite.error.rfind(R"("indeterminate: throw+: {:type :rpc-error)", 0),
      0u);
  EXPECT_FALSE(kClientReusable);
}

// workload: (gen/mix [adds-of-(range) (repeat {:f :read})]); final
// (gen/each-thread {:f :read}): no :final? key.
TEST(GSetGeneratorConformance, HalfAddsOfConsecutiveIntegers) {
  Generator g;
  Prng prng(8);
  constexpr int kOps = 10000;
  int adds = 0;
  for (int i = 0; i < kOps; ++i) {
    GenOp op = g.Next(prng);
    if (op.f == "add") {
      EXPECT_EQ(op.value, adds++);
    } else {
      EXPECT_EQ(op, (GenOp{"read", nullptr, false}));
    }
  }
  EXPECT_NEAR(adds, kOps / 2, 5 * std::sqrt(kOps * 0.25));
  EXPECT_EQ(FinalOp(), (GenOp{"read", nullptr, false}));
}

// workload :checker (checker/set-full): a node that forgets (answers reads
// from a set that lost an acknowledged add) is invalid.
TEST(GSetCheckerConformance, ForgettingIsLosing) {
  HistoryBuilder b;
  b.Invoke(0, "add", 0).Ok(0, "add", 0);
  b.Invoke(0, "add", 1).Ok(0, "add", 1);
  b.Invoke(1, "read").Ok(1, "read", Json::array({0, 1}));
  b.Invoke(1, "read").Ok(1, "read", Json::array({1}));  // forgot 0
  jepsen::SetFullResult r = CheckGSet(b.Build(), HistoryBuilder::Context(2));
  EXPECT_EQ(r.valid, Validity::kFalse);
  EXPECT_NE(r.edn.Print().find(":lost (0)"), std::string::npos);
  HistoryBuilder good;
  good.Invoke(0, "add", 0).Ok(0, "add", 0);
  good.Invoke(1, "read").Ok(1, "read", Json::array({0}));
  EXPECT_EQ(CheckGSet(good.Build(), HistoryBuilder::Context(2)).valid,
            Validity::kTrue);
}

}  // namespace
}  // namespace g_set
}  // namespace sim
