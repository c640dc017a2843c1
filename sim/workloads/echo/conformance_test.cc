// Conformance: Maelstrom v0.2.4's echo workload (maelstrom
// src/maelstrom/workload/echo.clj: defrpc echo!, client, checker, workload;
// knossos 0.3.10 src/knossos/history.clj pairs, pair-index; jepsen
// generator.clj each-thread, soonest-op-map). Each test names the function
// it pins.
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "sim/jepsen/clojure_value.h"
#include "sim/jepsen/history_builder.h"
#include "sim/jepsen/op.h"
#include "sim/workloads/echo/checker.h"
#include "sim/workloads/echo/echo.h"
#include "sim/workloads/testing/scripted_run.h"

namespace workloads {
namespace echo {
namespace {

using kvclient::Json;
using sim::ClientStep;
using sim::EventType;
using sim::History;
using sim::Prng;
using sim::Validity;
using sim::jepsen::HistoryBuilder;
namespace jepsen = sim::jepsen;

std::unique_ptr<sim::Workload> Echo() { return *EchoSpec().make({}); }

// echo.clj defrpc echo!: {:type "echo", :echo s/Any} (+ msg_id, added by
// the interpreter).
TEST(EchoClientConformance, RequestCarriesTheValueAsEcho) {
  auto client = Echo()->NewClient();
  ClientStep s = client->Invoke(sim::Op("echo", "Please echo 7"));
  ASSERT_TRUE(s.request.has_value());
  EXPECT_EQ(*s.request,
            Json::parse(R"({"type":"echo","echo":"Please echo 7"})"));
}

// echo.clj client invoke!: (assoc op :type :ok, :value res), res the body.
TEST(EchoClientConformance, OkValueIsTheWholeReplyBody) {
  const Json reply = Json::parse(
      R"({"type":"echo_ok","echo":"Please echo 7","in_reply_to":3,"msg_id":1})");
  auto client = Echo()->NewClient();
  const sim::Op op("echo", "Please echo 7");
  ClientStep c = client->OnReply(op, reply);
  EXPECT_EQ(c.type, EventType::kOk);
  EXPECT_EQ(c.value, reply);
  EXPECT_TRUE(c.error.empty());
}

// client.clj recv-schema: a closed map; a malformed reply escapes
// with-errors (interpreter.clj: :info).
TEST(EchoClientConformance, ExtraKeysMakeTheReplyMalformed) {
  auto client = Echo()->NewClient();
  ClientStep c = client->OnReply(
      sim::Op("echo", "x"),
      Json::parse(R"({"type":"echo_ok","echo":"x","in_reply_to":3,"n":1})"));
  EXPECT_EQ(c.type, EventType::kInfo);
  EXPECT_NE(c.error.find("{:n disallowed-key}"), std::string::npos);
  EXPECT_FALSE(c.value.has_value());  // keeps the invoke's value
}

// echo.clj invoke!: (c/with-errors op #{} ...); not client/Reusable.
TEST(EchoClientConformance, WithErrorsNothingIdempotent) {
  auto echo = Echo();
  auto client = echo->NewClient();
  const sim::Op op("echo", "x");
  EXPECT_EQ(client->OnTimeout(op).type, EventType::kInfo);
  EXPECT_EQ(client->OnTimeout(op).error, "net-timeout");
  ClientStep definite = client->OnReply(
      op,
      Json::parse(R"({"type":"error","code":10,"text":"no","in_reply_to":3})"));
  EXPECT_EQ(definite.type, EventType::kFail);
  EXPECT_FALSE(definite.value.has_value());
  EXPECT_FALSE(echo->reusable_clients());
  EXPECT_FALSE(echo->has_final_phase());  // no :final-generator
  EXPECT_EQ(echo->fs(), std::vector<std::string>{"echo"});
}

// echo.clj workload: (str "Please echo " (rand-int 128)) per op.
TEST(EchoGeneratorConformance, PleaseEchoAUniformIntBelow128) {
  Prng prng(21);
  constexpr int kDraws = 128 * 200;
  std::vector<int> counts(128, 0);
  for (int i = 0; i < kDraws; ++i) {
    sim::Op op = DrawOp(prng);
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

// generator.clj each-thread + soonest-op-map: every free thread's copy
// offers an op at the same time; the tie goes to a uniformly random one.
TEST(EchoGeneratorConformance, EachThreadPicksAFreeThreadUniformly) {
  auto gen = Echo()->MainGenerator();
  Prng prng(5);
  sim::GenContext ctx;
  ctx.concurrency = 4;
  ctx.free_threads = {0, 2, 3};
  std::map<int, int> picks;
  constexpr int kDraws = 3000;
  for (int i = 0; i < kDraws; ++i) {
    sim::GenResult r = gen->Next(ctx, prng);
    ASSERT_EQ(r.kind, sim::GenResult::Kind::kOp);
    ++picks[r.op.thread];
  }
  EXPECT_EQ(picks.count(1), 0u);
  const double sd = std::sqrt(kDraws * (1.0 / 3) * (2.0 / 3));
  for (int t : {0, 2, 3}) EXPECT_NEAR(picks[t], kDraws / 3.0, 5 * sd) << t;
}

// The whole workload through the interpreter: a node that echoes is valid;
// one that alters the echo is invalid with one error per echo.
TEST(EchoWorkloadConformance, ThroughTheInterpreter) {
  auto echo = Echo();
  sim::WorkloadOptions o;
  o.name = "echo";
  o.concurrency = 2;
  o.rate = 10;
  o.time_limit = absl::Seconds(5);
  for (bool alter : {false, true}) {
    testing::ScriptedRun run(*echo, o, 1, 3);
    run.respond = [alter](const kvclient::Message& m) {
      std::string echoed = m.body["echo"].get<std::string>();
      if (alter) echoed += " (altered)";
      return absl::optional<testing::ScriptedRun::Reply>(
          {absl::Milliseconds(1), {{"type", "echo_ok"}, {"echo", echoed}}});
    };
    run.Run();
    ASSERT_GT(run.history().size(), 10u);
    sim::WorkloadResult r = run.Check();
    EXPECT_EQ(r.validity, alter ? Validity::kFalse : Validity::kTrue);
    EXPECT_EQ(r.errors.size(), alter ? run.history().size() / 2 : 0u);
  }
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
  EchoResult r = CheckEcho(b.Build(), b.Context(2));
  EXPECT_EQ(r.valid, Validity::kTrue);
  EXPECT_EQ(r.edn.Print(), "{:valid? true, :errors ()}");
}

// echo.clj checker: an altered echo is an error, printed as Maelstrom does
// (the reply body with its keys keywordized).
TEST(EchoCheckerConformance, AnAlteredEchoIsInvalid) {
  HistoryBuilder b;
  b.Invoke(0, "echo", "Please echo 15").Ok(0, "echo", EchoOk("not-right", 1));
  EchoResult r = CheckEcho(b.Build(), b.Context(1));
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
      .Error("net-timeout");
  EXPECT_EQ(CheckEcho(timeout.Build(), timeout.Context(1)).valid,
            Validity::kTrue);
  HistoryBuilder fail;
  fail.Invoke(0, "echo", "Please echo 3")
      .Fail(0, "echo", "Please echo 3")
      .Error("[:not-supported \"no\"]");
  EchoResult r = CheckEcho(fail.Build(), fail.Context(1));
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
  EchoResult r = CheckEcho(b.Build(), b.Context(1));
  EXPECT_EQ(r.errors.size(), 2u);
}

// pair-index builds a map: up to 8 entries it keeps insertion order (the
// completions' order), beyond that PersistentHashMap's (by the invoke
// records' hashes), which is how Maelstrom lists :errors.
TEST(EchoCheckerConformance, ErrorsInPairIndexMapOrder) {
  HistoryBuilder small;
  small.Invoke(0, "echo", "Please echo 1").Invoke(1, "echo", "Please echo 2");
  small.Ok(1, "echo", EchoOk("x", 1)).Ok(0, "echo", EchoOk("y", 1));
  EchoResult r = CheckEcho(small.Build(), small.Context(2));
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].invoke, 1u);  // completed first
  EXPECT_EQ(r.errors[1].invoke, 0u);
  HistoryBuilder big;
  for (int i = 0; i < 6; ++i) {
    big.Invoke(0, "echo", "Please echo " + std::to_string(i))
        .Ok(0, "echo", EchoOk("wrong", i + 1));
  }
  const History h = big.Build();
  const sim::CheckContext context = big.Context(1);
  jepsen::OpView ops(h, context);
  EchoResult many = CheckEcho(h, context);
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
}  // namespace workloads
