// Conformance: Maelstrom v0.2.4's g-set workload (maelstrom
// src/maelstrom/workload/g_set.clj: defrpc add!, read; client invoke!
// without with-errors; workload; jepsen generator/interpreter.clj for the
// errors that escape; checker/set-full).
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/jepsen/history_builder.h"
#include "sim/workloads/g_set/g_set.h"
#include "sim/workloads/testing/scripted_run.h"

namespace workloads {
namespace g_set {
namespace {

using kvclient::Json;
using sim::ClientStep;
using sim::EventType;
using sim::Prng;
using sim::Validity;
using sim::jepsen::HistoryBuilder;

std::unique_ptr<sim::Workload> Make() { return *GSetSpec().make({}); }
const sim::Op kRead("read", nullptr);

// defrpc add! {:type "add", :element s/Any}; read {:type "read"}.
TEST(GSetClientConformance, Requests) {
  auto client = Make()->NewClient();
  EXPECT_EQ(*client->Invoke(sim::Op("add", 4)).request,
            Json::parse(R"({"type":"add","element":4})"));
  EXPECT_EQ(*client->Invoke(kRead).request, Json::parse(R"({"type":"read"})"));
}

// defrpc read's reply {:type "read_ok", :value [s/Any]} (not "elements").
TEST(GSetClientConformance, ReadReplyCarriesValue) {
  auto client = Make()->NewClient();
  ClientStep ok = client->OnReply(
      kRead,
      Json::parse(R"({"type":"read_ok","value":[0,3],"in_reply_to":3})"));
  EXPECT_EQ(ok.type, EventType::kOk);
  EXPECT_EQ(ok.value, Json::parse("[0,3]"));
  ClientStep elements = client->OnReply(
      kRead,
      Json::parse(R"({"type":"read_ok","elements":[0,3],"in_reply_to":3})"));
  EXPECT_EQ(elements.type, EventType::kInfo);
  EXPECT_NE(elements.error.find(":value missing-required-key"),
            std::string::npos);
  ClientStep add = client->OnReply(
      sim::Op("add", 4), Json::parse(R"({"type":"add_ok","in_reply_to":2})"));
  EXPECT_EQ(add.type, EventType::kOk);
  EXPECT_FALSE(add.value.has_value());  // keeps 4
}

// invoke! has no with-errors: every failure is an :info from the
// interpreter ("indeterminate: ..."), never a :fail.
TEST(GSetClientConformance, NoWithErrors) {
  auto w = Make();
  auto client = w->NewClient();
  ClientStep timeout = client->OnTimeout(kRead);
  EXPECT_EQ(timeout.type, EventType::kInfo);
  EXPECT_EQ(timeout.error, "indeterminate: Client read timeout");
  ClientStep definite = client->OnReply(
      sim::Op("add", 1),
      Json::parse(R"({"type":"error","code":11,"text":"x","in_reply_to":2})"));
  EXPECT_EQ(definite.type, EventType::kInfo);
  EXPECT_EQ(definite.error.rfind("indeterminate: throw+: {:type :rpc-error", 0),
            0u);
  EXPECT_FALSE(w->reusable_clients());
}

// workload: (gen/mix [adds-of-(range) (repeat {:f :read})]); final
// (gen/each-thread {:f :read}): no :final? key.
TEST(GSetGeneratorConformance, HalfAddsOfConsecutiveIntegers) {
  auto w = Make();
  auto g = w->MainGenerator();
  Prng prng(8);
  sim::GenContext ctx;
  ctx.free_threads = {0};
  constexpr int kOps = 10000;
  int adds = 0;
  for (int i = 0; i < kOps; ++i) {
    sim::Op op = g->Next(ctx, prng).op;
    EXPECT_FALSE(op.final);
    if (op.f == "add") {
      EXPECT_EQ(op.value, adds++);
    } else {
      EXPECT_EQ(op.f, "read");
    }
  }
  EXPECT_NEAR(adds, kOps / 2, 5 * std::sqrt(kOps * 0.25));
  auto final = w->FinalGenerator();
  sim::Op first = final->Next(ctx, prng).op;
  EXPECT_EQ(first.f, "read");
  EXPECT_FALSE(first.final);
  EXPECT_EQ(final->Next(ctx, prng).kind, sim::GenResult::Kind::kExhausted);
}

// workload :checker (checker/set-full): a node that forgets (answers reads
// from a set that lost an acknowledged add) is invalid.
TEST(GSetCheckerConformance, ForgettingIsLosing) {
  HistoryBuilder b;
  b.Invoke(0, "add", 0).Ok(0, "add", 0);
  b.Invoke(0, "add", 1).Ok(0, "add", 1);
  b.Invoke(1, "read").Ok(1, "read", Json::array({0, 1}));
  b.Invoke(1, "read").Ok(1, "read", Json::array({1}));  // forgot 0
  sim::WorkloadResult r = Make()->Check(b.Build(), b.Context(2));
  EXPECT_EQ(r.validity, Validity::kFalse);
  EXPECT_NE(r.report.results.Print().find(":lost (0)"), std::string::npos);
  HistoryBuilder good;
  good.Invoke(0, "add", 0).Ok(0, "add", 0);
  good.Invoke(1, "read").Ok(1, "read", Json::array({0}));
  EXPECT_EQ(Make()->Check(good.Build(), good.Context(2)).validity,
            Validity::kTrue);
}

// The whole workload through the interpreter: a node that keeps every add
// is valid; one that forgets the oldest add now and then is not.
TEST(GSetWorkloadConformance, ThroughTheInterpreter) {
  auto w = Make();
  sim::WorkloadOptions o;
  o.name = "g-set";
  o.concurrency = 2;
  o.rate = 20;
  o.time_limit = absl::Seconds(3);
  for (bool forget : {false, true}) {
    testing::ScriptedRun run(*w, o, 2, 6);
    std::vector<Json> set;
    run.respond = [&](const kvclient::Message& m) {
      using Reply = testing::ScriptedRun::Reply;
      if (m.body["type"] == "add") {
        set.push_back(m.body["element"]);
        if (forget && set.size() % 4 == 0) set.erase(set.begin());
        return absl::optional<Reply>(
            {absl::Milliseconds(1), {{"type", "add_ok"}}});
      }
      return absl::optional<Reply>(
          {absl::Milliseconds(1), {{"type", "read_ok"}, {"value", set}}});
    };
    run.Run();
    sim::WorkloadResult r = run.Check();
    EXPECT_EQ(r.validity, forget ? Validity::kFalse : Validity::kTrue)
        << r.report.results.Print();
  }
}

}  // namespace
}  // namespace g_set
}  // namespace workloads
