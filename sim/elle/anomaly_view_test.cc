// The run index's view of anomaly cases: Elle's lists of cases, kafka's
// {:count :errs} and single-case values, ops found at any depth and located
// at their completions.
#include "sim/elle/anomaly_view.h"

#include "gtest/gtest.h"
#include "sim/elle/jepsen_op.h"

namespace elle {
namespace {

using kvclient::Json;
using sim::Edn;
using sim::EventType;
using sim::HistoryEvent;

const absl::Time t0 = absl::UnixEpoch();

HistoryEvent Event(int thread, EventType type, absl::Duration at, Json value) {
  HistoryEvent e;
  e.time = t0 + at;
  e.thread = thread;
  e.client = "c" + std::to_string(thread);
  e.type = type;
  e.f = "txn";
  e.value = std::move(value);
  return e;
}

// 0 invoke t0, 1 invoke t1, 2 fail t0 (the writer), 3 ok t1 (the reader).
sim::History History() {
  return {Event(0, EventType::kInvoke, absl::Milliseconds(1), "w8=11"),
          Event(1, EventType::kInvoke, absl::Milliseconds(2), "r8=?"),
          Event(0, EventType::kFail, absl::Milliseconds(3), "w8=11"),
          Event(1, EventType::kOk, absl::Milliseconds(4), "r8=11")};
}

Edn Op(const sim::History& h, size_t i) {
  return JepsenOp(h[i], static_cast<int64_t>(i), h[i].thread, t0,
                  Edn::String(h[i].value.get<std::string>()));
}

OpLocator Locator(const sim::History& h) {
  return MakeLocator(h, nullptr,
                     [&h](size_t i) { return h[i].value.get<std::string>(); });
}

TEST(AnomalyView, ElleCasesNameTheirOpsByRoleAtTheirCompletions) {
  const sim::History h = History();
  Edn c = Edn::Map();
  c.Put("op", Op(h, 3))
      .Put("mop", Edn::Vector({Edn::Keyword("r"), Edn::Int(8), Edn::Int(11)}))
      .Put("writer", Op(h, 0));  // the invocation: located at its completion
  const sim::AnomalyType t =
      ViewAnomaly("G1a", Edn::List({c, c, c}), Locator(h), /*max_cases=*/2);
  EXPECT_EQ(t.name, "G1a");
  EXPECT_EQ(t.count, 3u);
  ASSERT_EQ(t.cases.size(), 2u);
  EXPECT_EQ(t.cases[0].text, "mop [:r 8 11]");
  ASSERT_EQ(t.cases[0].ops.size(), 2u);
  EXPECT_EQ(t.cases[0].ops[0].role, "op");
  EXPECT_EQ(t.cases[0].ops[0].index, 3u);
  EXPECT_EQ(t.cases[0].ops[0].label, "#3 process 1 ok txn r8=11 (t=0.004s)");
  EXPECT_EQ(t.cases[0].ops[1].role, "writer");
  EXPECT_EQ(t.cases[0].ops[1].index, 2u);
  const std::vector<sim::FlaggedOp> flagged = FlagAnomalies({t});
  ASSERT_EQ(flagged.size(), 2u);  // each op once, in history order
  EXPECT_EQ(flagged[0].index, 2u);
  EXPECT_EQ(flagged[0].what, "G1a: mop [:r 8 11]");
  EXPECT_EQ(flagged[0].note, "G1a (writer)");
  EXPECT_EQ(flagged[1].index, 3u);
}

// kafka's condense-error: {:count n, :errs (first cases)}; a cycle's ops in a
// list and inside its steps are named once, each op elsewhere as #index.
TEST(AnomalyView, KafkaErrsAndNestedOps) {
  const sim::History h = History();
  Edn step = Edn::Map();
  step.Put("type", Edn::Keyword("realtime"))
      .Put("a'", Op(h, 2))
      .Put("b", Op(h, 1));
  Edn c = Edn::Map();
  c.PutKey(Edn::String("5"), Edn::Int(3))
      .Put("cycle", Edn::Vector({Op(h, 2), Op(h, 3)}))
      .Put("steps", Edn::Vector({step}));
  Edn v = Edn::Map();
  v.Put("count", Edn::Int(40)).Put("errs", Edn::List({c}));
  const sim::AnomalyType t = ViewAnomaly("G1c-realtime", v, Locator(h));
  EXPECT_EQ(t.count, 40u);
  ASSERT_EQ(t.cases.size(), 1u);
  EXPECT_EQ(t.cases[0].text,
            "\"5\" 3, steps [{:type :realtime, :a' #2, :b #1}]");
  ASSERT_EQ(t.cases[0].ops.size(), 2u);  // #1's completion is #3
  EXPECT_EQ(t.cases[0].ops[0].role, "cycle");
  EXPECT_EQ(t.cases[0].ops[0].index, 2u);
  EXPECT_EQ(t.cases[0].ops[1].index, 3u);
}

TEST(AnomalyView, OneCaseValuesAndOpsNotInTheHistory) {
  const sim::History h = History();
  Edn unseen = Edn::Map();
  unseen.Put("time", Edn::Int(7)).Put("unseen", Edn::Int(2));
  sim::AnomalyType t = ViewAnomaly("unseen", unseen, Locator(h));
  EXPECT_EQ(t.count, 1u);
  ASSERT_EQ(t.cases.size(), 1u);
  EXPECT_EQ(t.cases[0].text, "time 7, unseen 2");
  EXPECT_TRUE(t.cases[0].ops.empty());
  Edn stray = Edn::Map();
  stray.Put("op", JepsenOp(h[3], 99, 1, t0, Edn::Nil()));
  t = ViewAnomaly("G1b", Edn::Vector({stray}), Locator(h));
  EXPECT_TRUE(t.cases[0].ops.empty());  // :index 99 is no op of ours
  const OpLocator wordy =
      MakeLocator(h, nullptr, [](size_t) { return std::string(200, 'x'); });
  Edn big = Edn::Map();
  big.Put("op", Op(h, 3));
  const std::string label =
      ViewAnomaly("poll-skip", big, wordy).cases[0].ops[0].label;
  EXPECT_EQ(label,
            "#3 process 1 ok txn " + std::string(120, 'x') + " ... (t=0.004s)");
  EXPECT_EQ(ViewAnomaly("empty-transaction-graph", Edn::Bool(true), Locator(h))
                .cases[0]
                .text,
            "true");
}

// With the driver's Jepsen ops (nemesis ops counted in :index), the index
// is looked up, not taken for a position.
TEST(AnomalyView, JepsenIndicesFromTheDriver) {
  const sim::History h = History();
  auto jepsen = [&h](size_t i) {
    return JepsenOp(h[i], static_cast<int64_t>(i) + 10, h[i].thread, t0,
                    Edn::Nil());
  };
  const OpLocator at = MakeLocator(h, jepsen, nullptr);
  EXPECT_EQ(at.position(13), absl::optional<size_t>(3));
  EXPECT_EQ(at.position(11), absl::optional<size_t>(3));  // invoke -> ok
  EXPECT_EQ(at.position(3), absl::nullopt);
}

}  // namespace
}  // namespace elle
