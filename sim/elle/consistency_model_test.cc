// Conformance: elle/consistency_model.clj, pinned by Elle 0.2.2's own
// test/elle/consistency_model_test.clj (each TEST names the deftest and
// `testing` block it ports).
#include "sim/elle/consistency_model.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace elle {
namespace {

NameSet Friendly(const NameSet& canonical) {
  NameSet out;
  for (const auto& m : canonical) out.insert(FriendlyModelName(m));
  return out;
}

// consistency_model_test.clj all-anomalies-test: implication & severity order.
TEST(ConsistencyModel, AllAnomaliesInDepthOrder) {
  const std::vector<std::string> expected = {
      "G-MSR",
      "G-SI",
      "G-SIb",
      "G-cursor",
      "G-monotonic",
      "G-single-item",
      "G-update",
      "G0",
      "G1b",
      "GSIa",
      "PL-1-cycle-exists",
      "PL-2-cycle-exists",
      "PL-2.99-cycle-exists",
      "PL-3-cycle-exists",
      "PL-SI-cycle-exists",
      "PL-SS-cycle-exists",
      "cyclic-versions",
      "dirty-update",
      "duplicate-elements",
      "future-read",
      "incompatible-order",
      "internal",
      "lost-update",
      "predicate-read-miss",
      "strong-PL-1-cycle-exists",
      "strong-PL-2-cycle-exists",
      "strong-session-PL-1-cycle-exists",
      "strong-session-PL-2-cycle-exists",
      "strong-session-serializable-cycle-exists",
      "strong-session-snapshot-isolation-cycle-exists",
      "strong-snapshot-isolation-cycle-exists",
      "G-nonadjacent-item",
      "G-single-item-process",
      "G1a",
      "G1c",
      "write-skew",
      "G-nonadjacent-item-process",
      "G-single",
      "G-single-item-realtime",
      "G1",
      "G2-item",
      "G-nonadjacent",
      "G-nonadjacent-item-realtime",
      "GSIb",
      "G2",
      "GSI",
      "G0-process",
      "G1c-process",
      "G-single-process",
      "G1-process",
      "G2-item-process",
      "G-nonadjacent-process",
      "G2-process",
      "G0-realtime",
      "G1c-realtime",
      "G-single-realtime",
      "G1-realtime",
      "G2-item-realtime",
      "G-nonadjacent-realtime",
      "G2-realtime",
  };
  EXPECT_EQ(AllAnomalies(), expected);
}

// all-implied-anomalies-test
TEST(ConsistencyModel, AllImpliedAnomaliesOfAnUnlinkedAnomalyIsItself) {
  EXPECT_EQ(AllImpliedAnomalies({"G-SI"}), NameSet({"G-SI"}));
}

// weakest-models-test
TEST(ConsistencyModel, WeakestModels) {
  EXPECT_EQ(Friendly(WeakestModels({})), NameSet());
  EXPECT_EQ(Friendly(WeakestModels({"serializable", "strict-serializable"})),
            NameSet({"serializable"}));
  EXPECT_EQ(Friendly(WeakestModels({"repeatable-read", "read-committed",
                                    "sequential", "read-your-writes"})),
            NameSet({"read-your-writes", "read-committed"}));
  EXPECT_EQ(Friendly(WeakestModels({"serializable", "read-atomic"})),
            NameSet({"read-atomic"}));
}

// strongest-models-test
TEST(ConsistencyModel, StrongestModels) {
  EXPECT_EQ(Friendly(StrongestModels({})), NameSet());
  EXPECT_EQ(Friendly(StrongestModels({"serializable", "strong-serializable",
                                      "strict-serializable"})),
            NameSet({"strong-serializable"}));
  EXPECT_EQ(Friendly(StrongestModels({"repeatable-read", "read-committed",
                                      "sequential", "read-your-writes"})),
            NameSet({"repeatable-read", "sequential"}));
  EXPECT_EQ(Friendly(StrongestModels({"serializable", "read-atomic"})),
            NameSet({"serializable"}));
}

// anomalies-prohibited-by-test "read committed"
TEST(ConsistencyModel, AnomaliesProhibitedByReadCommitted) {
  EXPECT_EQ(
      AnomaliesProhibitedBy({"read-committed"}),
      NameSet({"dirty-update", "G1a", "G1b", "G1c", "G1", "G0",
               "PL-1-cycle-exists", "PL-2-cycle-exists", "cyclic-versions",
               "duplicate-elements", "incompatible-order", "future-read"}));
}

// The unknown-model case of anomalies-prohibited-by-test: validate first.
TEST(ConsistencyModel, UnknownModelsAreNotKnown) {
  EXPECT_FALSE(IsKnownModel("stricct-snappshot-isolation"));
  EXPECT_TRUE(IsKnownModel("read-uncommitted"));
  EXPECT_TRUE(IsKnownModel("PL-2"));
  EXPECT_TRUE(IsKnownModel("linearizable"));
}

// anomaly->impossible-models-test
TEST(ConsistencyModel, AnomaliesToImpossibleModels) {
  EXPECT_EQ(Friendly(AnomaliesToImpossibleModels({"G-single"})),
            NameSet({"consistent-view", "forward-consistent-view",
                     "strong-serializable", "serializable",
                     "snapshot-isolation", "strong-session-serializable",
                     "strong-session-snapshot-isolation",
                     "strong-snapshot-isolation", "update-serializable"}));
  EXPECT_EQ(Friendly(AnomaliesToImpossibleModels({"G-SI"})),
            NameSet({"snapshot-isolation", "serializable",
                     "strong-serializable", "strong-session-serializable",
                     "strong-session-snapshot-isolation",
                     "strong-snapshot-isolation"}));
  EXPECT_EQ(Friendly(AnomaliesToImpossibleModels({"dirty-update"})),
            NameSet({"read-committed",
                     "monotonic-atomic-view",
                     "snapshot-isolation",
                     "repeatable-read",
                     "update-atomic",
                     "serializable",
                     "strong-serializable",
                     "update-serializable",
                     "cursor-stability",
                     "forward-consistent-view",
                     "consistent-view",
                     "monotonic-view",
                     "monotonic-snapshot-read",
                     "causal-cerone",
                     "parallel-snapshot-isolation",
                     "prefix",
                     "read-atomic",
                     "strong-session-read-committed",
                     "strong-session-serializable",
                     "strong-session-snapshot-isolation",
                     "strong-read-committed",
                     "strong-snapshot-isolation"}));
  EXPECT_EQ(
      Friendly(AnomaliesToImpossibleModels({"internal"})),
      NameSet(
          {"causal-cerone", "parallel-snapshot-isolation", "prefix",
           "read-atomic", "update-atomic", "serializable", "snapshot-isolation",
           "strong-serializable", "strong-session-serializable",
           "strong-session-snapshot-isolation", "strong-snapshot-isolation"}));
}

// friendly-boundary-test
TEST(ConsistencyModel, FriendlyBoundary) {
  Boundary empty = FriendlyBoundary({});
  EXPECT_EQ(empty.not_models, NameSet());
  EXPECT_EQ(empty.also_not, NameSet());

  Boundary cv = FriendlyBoundary({"cyclic-versions"});
  EXPECT_EQ(cv.not_models, NameSet({"read-uncommitted"}));
  EXPECT_EQ(cv.also_not, NameSet({"read-committed",
                                  "snapshot-isolation",
                                  "causal-cerone",
                                  "consistent-view",
                                  "cursor-stability",
                                  "forward-consistent-view",
                                  "monotonic-atomic-view",
                                  "monotonic-snapshot-read",
                                  "monotonic-view",
                                  "parallel-snapshot-isolation",
                                  "prefix",
                                  "read-atomic",
                                  "repeatable-read",
                                  "update-atomic",
                                  "serializable",
                                  "strong-read-committed",
                                  "strong-read-uncommitted",
                                  "strong-serializable",
                                  "strong-session-read-committed",
                                  "strong-session-read-uncommitted",
                                  "strong-session-serializable",
                                  "strong-session-snapshot-isolation",
                                  "strong-snapshot-isolation",
                                  "update-serializable"}));

  Boundary internal = FriendlyBoundary({"internal"});
  EXPECT_EQ(internal.not_models, NameSet({"read-atomic"}));
  EXPECT_EQ(internal.also_not,
            NameSet({"causal-cerone", "parallel-snapshot-isolation", "prefix",
                     "update-atomic", "serializable", "snapshot-isolation",
                     "strong-serializable", "strong-session-serializable",
                     "strong-session-snapshot-isolation",
                     "strong-snapshot-isolation"}));

  Boundary g1a = FriendlyBoundary({"G1a"});
  EXPECT_EQ(g1a.not_models, NameSet({"read-committed"}));
  EXPECT_EQ(g1a.also_not, NameSet({"read-atomic",
                                   "update-atomic",
                                   "causal-cerone",
                                   "consistent-view",
                                   "cursor-stability",
                                   "forward-consistent-view",
                                   "monotonic-atomic-view",
                                   "monotonic-snapshot-read",
                                   "monotonic-view",
                                   "parallel-snapshot-isolation",
                                   "prefix",
                                   "repeatable-read",
                                   "serializable",
                                   "snapshot-isolation",
                                   "strong-read-committed",
                                   "strong-snapshot-isolation",
                                   "strong-serializable",
                                   "strong-session-read-committed",
                                   "strong-session-serializable",
                                   "strong-session-snapshot-isolation",
                                   "update-serializable"}));

  Boundary gs = FriendlyBoundary({"G-single"});
  EXPECT_EQ(gs.not_models, NameSet({"consistent-view"}));
  EXPECT_EQ(gs.also_not,
            NameSet({"snapshot-isolation", "serializable",
                     "strong-serializable", "strong-session-snapshot-isolation",
                     "strong-snapshot-isolation", "strong-session-serializable",
                     "forward-consistent-view", "update-serializable"}));

  Boundary g2i = FriendlyBoundary({"G2", "internal"});
  EXPECT_EQ(g2i.not_models, NameSet({"read-atomic"}));
  EXPECT_EQ(
      g2i.also_not,
      NameSet({"update-atomic", "causal-cerone", "parallel-snapshot-isolation",
               "prefix", "serializable", "snapshot-isolation",
               "strong-serializable", "strong-session-serializable",
               "strong-session-snapshot-isolation",
               "strong-snapshot-isolation"}));

  EXPECT_EQ(FriendlyBoundary({"lost-update"}).not_models,
            NameSet({"update-atomic", "cursor-stability"}));

  Boundary gsr = FriendlyBoundary({"G-single-realtime"});
  EXPECT_EQ(gsr.not_models, NameSet({"strong-snapshot-isolation"}));
  EXPECT_EQ(gsr.also_not, NameSet({"strong-serializable"}));
}

// all-impossible-models-test
TEST(ConsistencyModel, AllImpossibleModels) {
  EXPECT_EQ(AllImpossibleModels({"strong-session-serializable"}),
            NameSet({"strong-session-serializable", "PL-SS"}));
}

// The models Maelstrom's challenges name (6a/6b read-uncommitted, 6c
// read-committed, the default strict-serializable) and what they proscribe.
TEST(ConsistencyModel, ChallengeModels) {
  EXPECT_EQ(AnomaliesProhibitedBy({"read-uncommitted"}),
            NameSet({"G0", "PL-1-cycle-exists", "cyclic-versions",
                     "duplicate-elements"}));
  const NameSet ss = AnomaliesProhibitedBy({"strict-serializable"});
  for (const char* a :
       {"G0", "G1a", "G1b", "G1c", "G-single-item", "G2-item", "internal",
        "lost-update", "G1c-realtime", "G2-realtime", "PL-SS-cycle-exists"}) {
    EXPECT_TRUE(ss.count(a)) << a;
  }
  EXPECT_FALSE(AnomaliesProhibitedBy({"read-committed"}).count("internal"));
}

}  // namespace
}  // namespace elle
