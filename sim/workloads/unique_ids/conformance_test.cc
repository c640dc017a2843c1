// Conformance: Maelstrom v0.2.4's unique-ids workload (maelstrom
// src/maelstrom/workload/unique_ids.clj: defrpc generate!, client,
// workload). The checker itself is Jepsen's unique-ids, pinned in
// sim/jepsen/unique_ids_test.cc.
#include "gtest/gtest.h"
#include "sim/jepsen/history_builder.h"
#include "sim/workloads/unique_ids/checker.h"
#include "sim/workloads/unique_ids/client.h"
#include "sim/workloads/unique_ids/generator.h"

namespace sim {
namespace unique_ids {
namespace {

using jepsen::Completion;
using jepsen::HistoryBuilder;
using jepsen::Validity;
using kvclient::Json;

// unique_ids.clj defrpc generate!: {:type "generate"} + msg_id.
TEST(UniqueIdsClientConformance, RequestIsABareGenerate) {
  EXPECT_EQ(RequestBody(NextOp(), 9),
            Json::parse(R"({"type":"generate","msg_id":9})"));
}

// unique_ids.clj client invoke!: (assoc op :type :ok, :value (:id ...)):
// ids of any JSON type.
TEST(UniqueIdsClientConformance, OkValueIsTheId) {
  for (const char* id :
       {R"(7)", R"("n1-7")", R"(null)", R"([1,"a"])", R"({"a":1})", R"(1.5)"}) {
    Json reply = {
        {"type", "generate_ok"}, {"id", Json::parse(id)}, {"in_reply_to", 1}};
    Completion c = Complete(NextOp(), reply);
    EXPECT_EQ(c.type, EventType::kOk) << id;
    EXPECT_EQ(c.value, Json::parse(id));
  }
}

// generate_ok requires :id (s/Any, so null counts) and nothing else.
TEST(UniqueIdsClientConformance, MissingIdIsMalformed) {
  Completion c = Complete(
      NextOp(), Json::parse(R"({"type":"generate_ok","in_reply_to":1})"));
  EXPECT_EQ(c.type, EventType::kInfo);
  EXPECT_NE(c.error.find("{:id missing-required-key}"), std::string::npos);
}

// unique_ids.clj invoke!: (c/with-errors op #{} ...); client/Reusable.
TEST(UniqueIdsClientConformance, WithErrorsAndReusable) {
  EXPECT_EQ(CompleteTimeout(NextOp()).type, EventType::kInfo);
  Completion c = Complete(
      NextOp(),
      Json::parse(
          R"({"type":"error","code":11,"text":"later","in_reply_to":1})"));
  EXPECT_EQ(c.type, EventType::kFail);
  EXPECT_EQ(c.error, R"([:temporarily-unavailable "later"])");
  EXPECT_TRUE(kClientReusable);
}

// unique_ids.clj workload: (gen/repeat {:f :generate}).
TEST(UniqueIdsGeneratorConformance, AlwaysGenerateWithNilValue) {
  EXPECT_EQ(NextOp(), (jepsen::GenOp{"generate", nullptr, false}));
}

// unique_ids.clj workload: :checker (checker/unique-ids).
TEST(UniqueIdsCheckerConformance, IsJepsensUniqueIds) {
  HistoryBuilder b;
  b.Invoke(0, "generate").Ok(0, "generate", "n0-1");
  b.Invoke(1, "generate").Ok(1, "generate", "n0-1");
  jepsen::UniqueIdsResult r = CheckUniqueIds(b.Build());
  EXPECT_EQ(r.valid, Validity::kFalse);
  EXPECT_EQ(r.edn.Print(),
            "{:valid? false, :attempted-count 2, :acknowledged-count 2, "
            ":duplicated-count 1, :duplicated {\"n0-1\" 2}, "
            ":range [\"n0-1\" \"n0-1\"]}");
}

}  // namespace
}  // namespace unique_ids
}  // namespace sim
