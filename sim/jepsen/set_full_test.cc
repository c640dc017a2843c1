// Conformance: Jepsen 0.3.7's set-full (jepsen/src/jepsen/checker.clj
// set-full, set-full-element-results, set-full-results,
// frequency-distribution). The "JepsenTest..." cases are the histories of
// jepsen/test/jepsen/checker_test.clj set-full-test (op i at i ms, each
// process a thread) with the results Jepsen's own test expects; the
// printed maps follow Maelstrom v0.2.4 runs' results (key order included:
// the map is a PersistentHashMap).
#include "sim/jepsen/set_full.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/jepsen/clojure_value.h"
#include "sim/jepsen/history_builder.h"

namespace sim {
namespace jepsen {
namespace {

using kvclient::Json;
using B = HistoryBuilder;

SetFullResult Check(const B& b, SetFullOptions options = {}) {
  return CheckSetFull(b.Build(), b.Context(8), options);
}

std::vector<Json> Elements(const SetFullResult& r,
                           const std::vector<size_t>& which) {
  std::vector<Json> out;
  for (size_t k : which) out.push_back(r.elements[k].element);
  return out;
}

Quantiles All(int64_t v) {
  return {{0, v}, {0.5, v}, {0.95, v}, {0.99, v}, {1, v}};
}

// checker_test.clj's ops: a = (invoke-op 0 :add 0), a' = (ok-op 0 :add 0),
// r = (invoke-op 1 :read nil), r+ / r- = (ok-op 1 :read #{0}) / #{}.
B& a(B& b) { return b.Invoke(0, "add", 0); }
B& a_ok(B& b) { return b.Ok(0, "add", 0); }
B& r(B& b) { return b.Invoke(1, "read"); }
B& r_plus(B& b) { return b.Ok(1, "read", Json::array({0})); }
B& r_minus(B& b) { return b.Ok(1, "read", Json::array()); }

TEST(SetFullConformance, JepsenTestNeverRead) {
  B b;
  SetFullResult res = Check(b.Invoke(0, "add", 0).Ok(0, "add", 0));
  EXPECT_EQ(res.valid, Validity::kUnknown);
  EXPECT_EQ(res.elements.size(), 1u);
  EXPECT_EQ(Elements(res, res.never_read), std::vector<Json>{0});
  EXPECT_EQ(res.stable_count, 0);
  EXPECT_FALSE(res.stable_latencies.has_value());
  EXPECT_FALSE(res.lost_latencies.has_value());
  EXPECT_EQ(res.edn.Print(),
            "{:worst-stale (), :duplicated-count 0, :valid? :unknown, "
            ":lost-count 0, :lost (), :stable-count 0, :stale-count 0, "
            ":stale (), :never-read-count 1, :attempt-count 1, "
            ":never-read (0), :duplicated {}}");
}

TEST(SetFullConformance, JepsenTestNeverConfirmedNeverRead) {
  B b;
  a(b);
  r(b);
  r_minus(b);
  SetFullResult res = Check(b);
  EXPECT_EQ(res.valid, Validity::kUnknown);
  EXPECT_EQ(Elements(res, res.never_read), std::vector<Json>{0});
  EXPECT_EQ(res.lost_count, 0);
}

TEST(SetFullConformance, JepsenTestSuccessfulReadEitherConcurrentlyOrAfter) {
  using Step = B& (*)(B&);
  const std::vector<std::vector<Step>> orders = {
      {r, a, r_plus, a_ok},   // concurrent read before
      {r, a, a_ok, r_plus},   // concurrent read outside
      {a, r, r_plus, a_ok},   // concurrent read inside
      {a, r, a_ok, r_plus},   // concurrent read after
      {a, a_ok, r, r_plus}};  // subsequent read
  for (const auto& order : orders) {
    B b;
    for (Step step : order) step(b);
    SetFullResult res = Check(b);
    EXPECT_EQ(res.valid, Validity::kTrue);
    EXPECT_EQ(res.stable_count, 1);
    EXPECT_TRUE(res.stale.empty());
    EXPECT_EQ(res.stable_latencies, All(0));
    EXPECT_FALSE(res.lost_latencies.has_value());
  }
}

TEST(SetFullConformance, JepsenTestAbsentReadAfter) {
  B b;
  a(b);
  a_ok(b);
  r(b);
  r_minus(b);
  SetFullResult res = Check(b);
  EXPECT_EQ(res.valid, Validity::kFalse);
  EXPECT_EQ(Elements(res, res.lost), std::vector<Json>{0});
  EXPECT_EQ(res.lost_latencies, All(0));  // lost-time 0: never present
  EXPECT_FALSE(res.stable_latencies.has_value());
}

TEST(SetFullConformance, JepsenTestAbsentReadConcurrently) {
  using Step = B& (*)(B&);
  const std::vector<std::vector<Step>> orders = {{r, a, r_minus, a_ok},
                                                 {r, a, a_ok, r_minus},
                                                 {a, r, r_minus, a_ok},
                                                 {a, r, a_ok, r_minus}};
  for (const auto& order : orders) {
    B b;
    for (Step step : order) step(b);
    SetFullResult res = Check(b);
    EXPECT_EQ(res.valid, Validity::kUnknown);
    EXPECT_EQ(Elements(res, res.never_read), std::vector<Json>{0});
  }
}

TEST(SetFullConformance, JepsenTestWritePresentMissing) {
  // [a0 a1 r2 r2'1 a0' a1' r2 r2'01 r2 r2'0 r2 r2']
  B b;
  b.Invoke(0, "add", 0).Invoke(1, "add", 1);
  b.Invoke(2, "read").Ok(2, "read", Json::array({1}));
  b.Ok(0, "add", 0).Ok(1, "add", 1);
  b.Invoke(2, "read").Ok(2, "read", Json::array({0, 1}));
  b.Invoke(2, "read").Ok(2, "read", Json::array({0}));
  b.Invoke(2, "read").Ok(2, "read", Json::array());
  SetFullResult res = Check(b);
  EXPECT_EQ(res.valid, Validity::kFalse);
  EXPECT_EQ(Elements(res, res.lost), (std::vector<Json>{0, 1}));
  EXPECT_EQ(res.stable_count, 0);
  EXPECT_EQ(res.lost_latencies,
            (Quantiles{{0, 3}, {0.5, 4}, {0.95, 4}, {0.99, 4}, {1, 4}}));
}

TEST(SetFullConformance, JepsenTestWriteFlutterStableLost) {
  // t 0  1   2  3  4    5   6  7  8    9
  //  [a0 a0' a1 r2 r2'1 a1' r2 r3 r3'1 r2'0]
  B b;
  b.Invoke(0, "add", 0).Ok(0, "add", 0).Invoke(1, "add", 1);
  b.Invoke(2, "read").Ok(2, "read", Json::array({1})).Ok(1, "add", 1);
  b.Invoke(2, "read").Invoke(3, "read").Ok(3, "read", Json::array({1}));
  b.Ok(2, "read", Json::array({0}));
  SetFullResult res = Check(b);
  EXPECT_EQ(res.valid, Validity::kFalse);
  EXPECT_EQ(Elements(res, res.lost), std::vector<Json>{0});
  EXPECT_EQ(Elements(res, res.stale), std::vector<Json>{1});
  EXPECT_EQ(res.lost_latencies, All(5));
  EXPECT_EQ(res.stable_latencies, All(2));
  ASSERT_EQ(res.worst_stale.size(), 1u);
  const SetFullElement& one = res.elements[res.worst_stale[0]];
  EXPECT_EQ(one.known, 4);  // the read saw it before the add completed
  EXPECT_EQ(one.last_absent, 6);
  EXPECT_EQ(*one.stable_latency_ms, 2);
  // Jepsen's expected :worst-stale entry, as fipp prints its Op records.
  const std::string printed = res.edn.Print();
  EXPECT_NE(
      printed.find(
          ":worst-stale ({:element 1, :outcome :stable, :stable-latency 2, "
          ":lost-latency nil, :known #jepsen.history.Op{:index 4, :time "
          "4000000, :type :ok, :process 2, :f :read, :value [1]}, "
          ":last-absent #jepsen.history.Op{:index 6, :time 6000000, :type "
          ":invoke, :process 2, :f :read, :value nil}})"),
      std::string::npos)
      << printed;
}

// A Maelstrom broadcast run's :workload map, valid and quiet (e.g. a
// fly.io 3a run: every element read at once), printed in Maelstrom's order.
TEST(SetFullConformance, ResultsMapPrintsInMaelstromsKeyOrder) {
  B b;
  b.Invoke(0, "broadcast", 0).Ok(0, "broadcast", 0);
  b.Invoke(1, "broadcast", 1).Ok(1, "broadcast", 1);
  b.Invoke(0, "read").Ok(0, "read", Json::array({0, 1}));
  SetFullOptions broadcast;
  broadcast.add_f = "broadcast";
  EXPECT_EQ(Check(b, broadcast).edn.Print(),
            "{:worst-stale (), :duplicated-count 0, :valid? true, "
            ":lost-count 0, :lost (), :stable-count 2, :stale-count 0, "
            ":stale (), :never-read-count 0, :stable-latencies {0 0, 0.5 0, "
            "0.95 0, 0.99 0, 1 0}, :attempt-count 2, :never-read (), "
            ":duplicated {}}");
}

TEST(SetFullConformance, KeyOrderIsTheKeywordsHashOrder) {
  const std::vector<std::string> keys = {"valid?",
                                         "attempt-count",
                                         "stable-count",
                                         "lost-count",
                                         "lost",
                                         "never-read-count",
                                         "never-read",
                                         "stale-count",
                                         "stale",
                                         "worst-stale",
                                         "stable-latencies",
                                         "lost-latencies",
                                         "duplicated-count",
                                         "duplicated"};
  std::vector<int32_t> hashes;
  for (const std::string& k : keys) hashes.push_back(KeywordHash(k));
  // A run with stale, lost and never-read elements has every key.
  B b;
  b.Invoke(0, "add", 0).Ok(0, "add", 0);
  b.Invoke(0, "add", 1).Ok(0, "add", 1);
  b.Invoke(0, "add", 2).Ok(0, "add", 2);
  b.Invoke(1, "read").Ok(1, "read", Json::array({0}));
  b.Invoke(1, "read").Ok(1, "read", Json::array({1}));
  b.Invoke(0, "add", 3);
  SetFullResult res = Check(b);
  ASSERT_TRUE(res.lost_latencies.has_value());
  ASSERT_TRUE(res.stable_latencies.has_value());
  const std::string printed = res.edn.Print();
  size_t at = 0;  // every key, in hash order
  for (size_t i : MapIterationOrder(hashes)) {
    const size_t next = printed.find(":" + keys[i] + " ", at);
    ASSERT_NE(next, std::string::npos) << keys[i] << " in " << printed;
    at = next;
  }
}

// The edge cases the harness meets, each with Jepsen's verdict.

TEST(SetFullEdgeCases, AnElementNeverReadAfterItsAddIsNeverRead) {
  B b;
  b.Invoke(0, "add", 0).Ok(0, "add", 0);
  b.Invoke(1, "read").Ok(1, "read", Json::array({0}));
  b.Invoke(0, "add", 1).Ok(0, "add", 1);  // no read after it
  SetFullResult res = Check(b);
  EXPECT_EQ(res.valid, Validity::kTrue);  // 0 is stable; 1 is not lost
  EXPECT_EQ(Elements(res, res.never_read), std::vector<Json>{1});
}

TEST(SetFullEdgeCases, ReadThenLostIsInvalid) {
  B b;
  b.Invoke(0, "add", 5).Ok(0, "add", 5);
  b.Invoke(1, "read").Ok(1, "read", Json::array({5}));
  b.Invoke(1, "read").Ok(1, "read", Json::array());
  SetFullResult res = Check(b);
  EXPECT_EQ(res.valid, Validity::kFalse);
  EXPECT_EQ(Elements(res, res.lost), std::vector<Json>{5});
  // lost-time = time(last present invoke 2 ms) + 1 ns; known at 1 ms.
  EXPECT_EQ(res.lost_latencies, All(1));
}

TEST(SetFullEdgeCases, StaleReadsAreValidButCountedWithTheirLatency) {
  B b;
  b.Invoke(0, "add", 0).At(10).Ok(0, "add", 0);             // known at 10 ms
  b.At(20).Invoke(1, "read").Ok(1, "read", Json::array());  // 20 ms: stale
  b.At(400).Invoke(1, "read").Ok(1, "read", Json::array({0}));
  SetFullResult res = Check(b);
  EXPECT_EQ(res.valid, Validity::kTrue);
  EXPECT_EQ(Elements(res, res.stale), std::vector<Json>{0});
  EXPECT_EQ(res.stable_latencies, All(10));  // 20 ms + 1 ns - 10 ms
  SetFullOptions linearizable;
  linearizable.linearizable = true;
  EXPECT_EQ(Check(b, linearizable).valid, Validity::kFalse);
}

TEST(SetFullEdgeCases, InfoAddsMayAppearOrNot) {
  B b;
  b.Invoke(0, "add", 0).Info(0, "add", 0);  // indeterminate
  b.Invoke(0, "add", 1).Info(0, "add", 1);  // thread 0's next process
  b.Invoke(1, "read").Ok(1, "read", Json::array({1}));
  b.Invoke(1, "read").Ok(1, "read", Json::array({1}));
  SetFullResult res = Check(b);
  // 0 was never known (no :ok, never seen): missing it is not a loss.
  EXPECT_EQ(res.valid, Validity::kTrue);
  EXPECT_EQ(Elements(res, res.never_read), std::vector<Json>{0});
  EXPECT_EQ(res.stable_count, 1);  // 1, known from the first read
  EXPECT_EQ(res.elements[1].known, 5);
}

TEST(SetFullEdgeCases, DuplicatesInReadsAreNeverReported) {
  // Jepsen 0.3.7 tests (< count 1) for duplicates: never true.
  B b;
  b.Invoke(0, "add", 0).Ok(0, "add", 0);
  b.Invoke(1, "read").Ok(1, "read", Json::array({0, 0, 0}));
  SetFullResult res = Check(b);
  EXPECT_EQ(res.valid, Validity::kTrue);
  const std::string printed = res.edn.Print();
  EXPECT_NE(printed.find(":duplicated-count 0,"), std::string::npos);
  EXPECT_NE(printed.find(":duplicated {}"), std::string::npos);
}

TEST(SetFullEdgeCases, OnlyEqualIntegersCountAsPresent) {
  B b;
  b.Invoke(0, "add", 1).Ok(0, "add", 1);
  b.Invoke(1, "read").Ok(1, "read", Json::array({1.0, "1", Json::array({1})}));
  EXPECT_EQ(Check(b).valid, Validity::kFalse);  // (= 1 1.0) is false: lost
  B nulls;
  nulls.Invoke(0, "add", 1).Ok(0, "add", 1);
  nulls.Invoke(1, "read").Ok(1, "read", nullptr);  // [s/Any] accepts nil
  EXPECT_EQ(Check(nulls).valid, Validity::kFalse);
}

TEST(SetFullEdgeCases, ASecondAddOfAnElementStartsItOver) {
  B b;
  b.Invoke(0, "add", 0).Ok(0, "add", 0);
  b.Invoke(1, "read").Ok(1, "read", Json::array());  // would make it lost
  b.Invoke(0, "add", 0).Ok(0, "add", 0);             // (assoc elements v ...)
  b.Invoke(1, "read").Ok(1, "read", Json::array({0}));
  SetFullResult res = Check(b);
  EXPECT_EQ(res.valid, Validity::kTrue);
  EXPECT_EQ(res.elements.size(), 1u);
}

TEST(SetFullEdgeCases, ASecondAddForgetsWhatWasKnown) {
  B b;
  b.Invoke(0, "add", 0).Ok(0, "add", 0);
  b.Invoke(1, "read").Ok(1, "read", Json::array({0}));
  b.Invoke(0, "add", 0).Info(0, "add", 0);  // fresh state, never known
  b.Invoke(1, "read").Ok(1, "read", Json::array());
  SetFullResult res = Check(b);
  EXPECT_EQ(res.valid, Validity::kUnknown);  // not lost: never-read
  EXPECT_EQ(Elements(res, res.never_read), std::vector<Json>{0});
}

TEST(SetFullEdgeCases, ReadsCompletingOutOfOrderKeepTheLatestInvocation) {
  B b;
  b.Invoke(0, "add", 0).Ok(0, "add", 0);
  b.Invoke(1, "read");                                  // 2: slow read
  b.Invoke(2, "read").Ok(2, "read", Json::array({0}));  // 3-4: present
  b.Invoke(3, "read").Ok(3, "read", Json::array());     // 5-6: absent
  b.Ok(1, "read", Json::array());                       // 7: absent, inv 2
  SetFullResult res = Check(b);
  EXPECT_EQ(res.elements[0].last_absent, 5);  // not 2: the latest invoke
  EXPECT_EQ(res.valid, Validity::kFalse);
}

TEST(SetFullEdgeCases, NoElementsIsUnknown) {
  B b;
  b.Invoke(1, "read").Ok(1, "read", Json::array());
  SetFullResult res = Check(b);
  EXPECT_EQ(res.valid, Validity::kUnknown);
  EXPECT_NE(res.edn.Print().find(":attempt-count 0"), std::string::npos);
}

TEST(SetFullEdgeCases, WorstStaleIsTheEightSlowestLargerFirstOnTies) {
  B b;
  for (int k = 0; k < 10; ++k) b.Invoke(0, "add", k).Ok(0, "add", k);
  b.Invoke(1, "read").Ok(1, "read", Json::array());  // every one stale
  Json all = Json::array();
  for (int k = 0; k < 10; ++k) all.push_back(k);
  b.Invoke(1, "read").Ok(1, "read", all);
  SetFullResult res = Check(b);
  EXPECT_EQ(res.stale.size(), 10u);
  // Latency = 20 ms + 1 ns - (2k + 1) ms: element 0 is the slowest (19).
  std::vector<Json> worst;
  for (size_t k : res.worst_stale) worst.push_back(res.elements[k].element);
  EXPECT_EQ(worst, (std::vector<Json>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(*res.elements[0].stable_latency_ms, 19);
  // Equal latencies: reversed stable sort, so the larger element first.
  B tie;
  tie.Invoke(0, "add", 0)
      .Invoke(2, "add", 1)
      .Ok(0, "add", 0)
      .At(2)
      .Ok(2, "add", 1);
  tie.At(5).Invoke(1, "read").Ok(1, "read", Json::array());
  tie.Invoke(1, "read").Ok(1, "read", Json::array({0, 1}));
  SetFullResult t = Check(tie);
  ASSERT_EQ(t.worst_stale.size(), 2u);
  EXPECT_EQ(t.elements[t.worst_stale[0]].element, 1);
  EXPECT_EQ(t.elements[t.worst_stale[1]].element, 0);
}

TEST(SetFullEdgeCases, IncomparableElementsMakeJepsenThrow) {
  B b;
  b.Invoke(0, "add", 1).Ok(0, "add", 1);
  b.Invoke(0, "add", "x").Ok(0, "add", "x");
  SetFullResult res = Check(b);
  EXPECT_EQ(res.valid, Validity::kUnknown);
  EXPECT_FALSE(res.error.empty());
  EXPECT_EQ(res.edn.Print().rfind("{:valid? :unknown, :error ", 0), 0u);
}

TEST(FrequencyDistribution, IndexIsMinOfLastAndFloorOfNTimesP) {
  EXPECT_FALSE(FrequencyDistribution({}).has_value());
  EXPECT_EQ(FrequencyDistribution({5}), All(5));
  EXPECT_EQ(FrequencyDistribution({3, 1, 2}),  // 0.5: floor(1.5) = 1
            (Quantiles{{0, 1}, {0.5, 2}, {0.95, 3}, {0.99, 3}, {1, 3}}));
  std::vector<int64_t> hundred;
  for (int i = 100; i > 0; --i) hundred.push_back(i);  // sorted first
  EXPECT_EQ(FrequencyDistribution(hundred),
            (Quantiles{{0, 1}, {0.5, 51}, {0.95, 96}, {0.99, 100}, {1, 100}}));
}

}  // namespace
}  // namespace jepsen
}  // namespace sim
