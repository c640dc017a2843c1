// Conformance: Maelstrom v0.2.4's unique-ids workload (maelstrom
// src/maelstrom/workload/unique_ids.clj: defrpc generate!, client,
// workload). The checker itself is Jepsen's unique-ids, pinned in
// sim/jepsen/unique_ids_test.cc.
#include <memory>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "sim/jepsen/history_builder.h"
#include "sim/workloads/testing/scripted_run.h"
#include "sim/workloads/unique_ids/unique_ids.h"

namespace workloads {
namespace unique_ids {
namespace {

using kvclient::Json;
using sim::ClientStep;
using sim::EventType;
using sim::Validity;
using sim::jepsen::HistoryBuilder;

std::unique_ptr<sim::Workload> Make() { return *UniqueIdsSpec().make({}); }
const sim::Op kGenerate("generate", nullptr);

// unique_ids.clj defrpc generate!: {:type "generate"} (+ msg_id).
TEST(UniqueIdsClientConformance, RequestIsABareGenerate) {
  ClientStep s = Make()->NewClient()->Invoke(kGenerate);
  ASSERT_TRUE(s.request.has_value());
  EXPECT_EQ(*s.request, Json::parse(R"({"type":"generate"})"));
}

// unique_ids.clj client invoke!: (assoc op :type :ok, :value (:id ...)):
// ids of any JSON type.
TEST(UniqueIdsClientConformance, OkValueIsTheId) {
  auto client = Make()->NewClient();
  for (const char* id :
       {R"(7)", R"("n1-7")", R"(null)", R"([1,"a"])", R"({"a":1})", R"(1.5)"}) {
    Json reply = {
        {"type", "generate_ok"}, {"id", Json::parse(id)}, {"in_reply_to", 1}};
    ClientStep c = client->OnReply(kGenerate, reply);
    EXPECT_EQ(c.type, EventType::kOk) << id;
    EXPECT_EQ(c.value, Json::parse(id));
  }
}

// generate_ok requires :id (s/Any, so null counts) and nothing else.
TEST(UniqueIdsClientConformance, MissingIdIsMalformed) {
  ClientStep c = Make()->NewClient()->OnReply(
      kGenerate, Json::parse(R"({"type":"generate_ok","in_reply_to":1})"));
  EXPECT_EQ(c.type, EventType::kInfo);
  EXPECT_NE(c.error.find("{:id missing-required-key}"), std::string::npos);
}

// unique_ids.clj invoke!: (c/with-errors op #{} ...); client/Reusable; no
// :final-generator.
TEST(UniqueIdsClientConformance, WithErrorsAndReusable) {
  auto w = Make();
  auto client = w->NewClient();
  EXPECT_EQ(client->OnTimeout(kGenerate).type, EventType::kInfo);
  ClientStep c = client->OnReply(
      kGenerate,
      Json::parse(
          R"({"type":"error","code":11,"text":"later","in_reply_to":1})"));
  EXPECT_EQ(c.type, EventType::kFail);
  EXPECT_EQ(c.error, R"([:temporarily-unavailable "later"])");
  EXPECT_TRUE(w->reusable_clients());
  EXPECT_FALSE(w->has_final_phase());
}

// unique_ids.clj workload: (gen/repeat {:f :generate}).
TEST(UniqueIdsGeneratorConformance, AlwaysGenerateWithNilValue) {
  auto gen = Make()->MainGenerator();
  sim::Prng prng(1);
  sim::GenContext ctx;
  ctx.free_threads = {0};
  for (int i = 0; i < 10; ++i) {
    sim::GenResult r = gen->Next(ctx, prng);
    ASSERT_EQ(r.kind, sim::GenResult::Kind::kOp);
    EXPECT_EQ(r.op.f, "generate");
    EXPECT_TRUE(r.op.value.is_null());
    EXPECT_FALSE(r.op.final);
    EXPECT_EQ(r.op.thread, -1);  // round robin
  }
}

// unique_ids.clj workload: :checker (checker/unique-ids), as the
// workload's :workload results.
TEST(UniqueIdsCheckerConformance, IsJepsensUniqueIds) {
  HistoryBuilder b;
  b.Invoke(0, "generate").Ok(0, "generate", "n0-1");
  b.Invoke(1, "generate").Ok(1, "generate", "n0-1");
  sim::WorkloadResult r = Make()->Check(b.Build(), b.Context(2));
  EXPECT_EQ(r.validity, Validity::kFalse);
  EXPECT_EQ(r.report.results.Print(),
            "{:valid? false, :attempted-count 2, :acknowledged-count 2, "
            ":duplicated-count 1, :duplicated {\"n0-1\" 2}, "
            ":range [\"n0-1\" \"n0-1\"]}");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], "id \"n0-1\" acknowledged 2 times");
  ASSERT_EQ(r.report.flagged.size(), 1u);
  EXPECT_EQ(r.report.flagged[0].index, 3u);  // the second acknowledgement
}

// The whole workload through the interpreter: per-node counters with the
// node's name are unique; bare counters repeat across nodes.
TEST(UniqueIdsWorkloadConformance, ThroughTheInterpreter) {
  auto w = Make();
  sim::WorkloadOptions o;
  o.name = "unique-ids";
  o.concurrency = 6;
  o.rate = 100;
  o.time_limit = absl::Seconds(3);
  for (bool bare : {false, true}) {
    testing::ScriptedRun run(*w, o, 3, 9);
    std::map<std::string, int> next;
    run.respond = [&](const kvclient::Message& m) {
      const int n = next[m.dest]++;
      Json id = bare ? Json(n) : Json(m.dest + "-" + std::to_string(n));
      return absl::optional<testing::ScriptedRun::Reply>(
          {absl::Milliseconds(2), {{"type", "generate_ok"}, {"id", id}}});
    };
    run.Run();
    sim::WorkloadResult r = run.Check();
    EXPECT_EQ(r.validity, bare ? Validity::kFalse : Validity::kTrue);
    EXPECT_EQ(r.report.results.Find("attempted-count")->int_value(),
              static_cast<int64_t>(run.history().size() / 2));
  }
}

}  // namespace
}  // namespace unique_ids
}  // namespace workloads
