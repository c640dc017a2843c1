// Conformance and teeth for elle/rw_register.clj `check` + elle/txn.clj
// `result-map` (Elle 0.2.2). Each TEST names the Elle function it follows
// and, where it ports one, the `testing` block of Elle's
// test/elle/rw_register_test.clj checker-test (histories there have no
// invocations; here every op is invoked then completed, as Maelstrom
// records them, so :index values are the completions' positions).
#include "sim/elle/rw_register.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/elle/jepsen_op.h"
#include "sim/elle/test_history.h"
#include "sim/maelstrom/jepsen_history.h"

namespace elle {
namespace {

using sim::EventType;

struct Checked {
  RwRegisterResult result;
  std::string edn;  // the whole result map
  // The printed cases of one anomaly type ("" if absent).
  std::string Cases(const std::string& type) const {
    NameSet only = {type};
    const std::string m = result.anomalies.ToEdn(&only).Print();
    const std::string prefix = "{:" + type + " ";
    if (m.size() < prefix.size() + 1) return "";
    return m.substr(prefix.size(), m.size() - prefix.size() - 1);
  }
  std::vector<std::string> Types() const {
    return {result.reportable_types.begin(), result.reportable_types.end()};
  }
};

Checked Check(const TestHistory& t, RwRegisterOptions o) {
  const std::vector<int64_t> process = sim::ProcessIds(t.history(), 10);
  absl::StatusOr<TxnHistory> h =
      TxnHistory::FromHistory(t.history(), process, "txn");
  EXPECT_TRUE(h.ok()) << h.status();
  OpPrinter print = [&](int64_t i) {
    return JepsenOp(t.history()[i], i, process[i], t.t0(),
                    TxnEdn(t.history()[i].value));
  };
  Checked c{CheckRwRegister(*h, o, print), ""};
  c.edn = ResultMapEdn(c.result).Print();
  return c;
}

RwRegisterOptions Models(NameSet models) {
  RwRegisterOptions o;
  o.consistency_models = std::move(models);
  return o;
}

// Printed ops of the test histories: index, time (1 ms per event), process.
std::string OkOp(int index, int process, const std::string& value) {
  return "{:index " + std::to_string(index) + ", :time " +
         std::to_string(index * 1000000) + ", :type :ok, :process " +
         std::to_string(process) + ", :f :txn, :value " + value + "}";
}

// checker-test "G1c": T1 and T2 each read the other's write.
TEST(RwRegisterCheck, G1cIsCaughtByReadCommittedNotReadUncommitted) {
  TestHistory t;
  t.Ok(0, "wx1ry1");
  t.Ok(0, "wy1rx1");
  const std::string t1 = OkOp(1, 0, "[[:w \"x\" 1] [:r \"y\" 1]]");
  const std::string t2 = OkOp(3, 0, "[[:w \"y\" 1] [:r \"x\" 1]]");
  const std::string g1c =
      "[{:cycle [" + t1 + " " + t2 + " " + t1 +
      "], :steps [{:type :wr, :key \"x\", :value 1, :a-mop-index 0, "
      ":b-mop-index 1} {:type :wr, :key \"y\", :value 1, :a-mop-index 0, "
      ":b-mop-index 1}], :type :G1c}]";

  Checked rc = Check(t, Models({"read-committed"}));
  EXPECT_EQ(rc.result.valid, Validity::kFalse);
  EXPECT_EQ(rc.Types(), std::vector<std::string>({"G1c"}));
  EXPECT_EQ(rc.Cases("G1c"), g1c);
  EXPECT_EQ(rc.result.boundary.not_models, NameSet({"read-committed"}));

  EXPECT_EQ(Check(t, Models({"read-uncommitted"})).edn, "{:valid? true}");

  // "a serializable checker will catch this, because serializability
  // proscribes both G1 and G2"
  Checked ser = Check(t, Models({"serializable"}));
  EXPECT_EQ(ser.result.valid, Validity::kFalse);
  EXPECT_EQ(ser.Cases("G1c"), g1c);

  // Nothing asked for: nothing prohibited, nothing reportable.
  RwRegisterOptions none = Models({});
  none.anomalies = {"G2"};
  EXPECT_EQ(Check(t, none).edn, "{:valid? true}");
}

// checker-test "G1a": T2 sees T1's failed write.
TEST(RwRegisterCheck, G1aAbortedRead) {
  TestHistory t;
  t.Ok(0, "rx1");
  t.Fail(1, "wx1");
  RwRegisterOptions o = Models({});
  o.anomalies = {"G1"};
  Checked c = Check(t, o);
  EXPECT_EQ(c.result.valid, Validity::kFalse);
  EXPECT_EQ(c.Types(),
            std::vector<std::string>({"G1a", "empty-transaction-graph"}));
  EXPECT_EQ(c.Cases("G1a"),
            "({:op " + OkOp(1, 0, "[[:r \"x\" 1]]") +
                ", :mop [:r \"x\" 1], :writer {:index 3, :time 3000000, "
                ":type :fail, :process 1, :f :txn, :value [[:w \"x\" 1]]}})");
  EXPECT_EQ(c.result.boundary.not_models, NameSet({"read-committed"}));
}

// checker-test "G1b": T2 sees T1's intermediate write.
TEST(RwRegisterCheck, G1bIntermediateRead) {
  TestHistory t;
  t.Ok(0, "wx1wx2");
  t.Ok(0, "rx1");
  RwRegisterOptions g0 = Models({});
  g0.anomalies = {"G0"};
  // "G0 checker won't catch this. The txn graph is empty though."
  Checked only_g0 = Check(t, g0);
  EXPECT_EQ(only_g0.result.valid, Validity::kUnknown);
  EXPECT_EQ(only_g0.Types(),
            std::vector<std::string>({"empty-transaction-graph"}));

  Checked rr = Check(t, Models({"repeatable-read"}));
  EXPECT_EQ(rr.result.valid, Validity::kFalse);
  EXPECT_EQ(rr.Types(),
            std::vector<std::string>({"G1b", "empty-transaction-graph"}));
  EXPECT_EQ(rr.Cases("G1b"), "({:op " + OkOp(3, 0, "[[:r \"x\" 1]]") +
                                 ", :mop [:r \"x\" 1], "
                                 ":writer " +
                                 OkOp(1, 0, "[[:w \"x\" 1] [:w \"x\" 2]]") +
                                 "})");
  EXPECT_EQ(rr.result.boundary.not_models, NameSet({"read-committed"}));
}

// checker-test "internal" (rw_register.clj op-internal-case).
TEST(RwRegisterCheck, InternalInconsistency) {
  TestHistory t;
  t.Ok(0, "rx1rx2");
  RwRegisterOptions o = Models({});
  o.anomalies = {"internal"};
  Checked c = Check(t, o);
  EXPECT_EQ(c.result.valid, Validity::kFalse);
  EXPECT_EQ(c.Types(),
            std::vector<std::string>({"empty-transaction-graph", "internal"}));
  EXPECT_EQ(c.Cases("internal"), "({:op " +
                                     OkOp(1, 0, "[[:r \"x\" 1] [:r \"x\" 2]]") +
                                     ", :mop [:r \"x\" 2], :expected 1})");
  EXPECT_EQ(c.result.boundary.not_models, NameSet({"read-atomic"}));
  // A read of its own earlier write is fine (internal-cases-test "good").
  TestHistory good;
  good.Ok(0, "ry2wx2rx2wx1rx1");
  EXPECT_EQ(Check(good, o).Cases("internal"), "");
}

// Read committed does not proscribe :internal (consistency_model.clj), so
// a txn that ignores its own write is invisible to challenge 6c's checker.
TEST(RwRegisterCheck, InternalIsNotReportableUnderReadCommitted) {
  TestHistory t;
  t.Ok(0, "wx1rx_");
  Checked rc = Check(t, Models({"read-committed"}));
  EXPECT_NE(rc.Cases("internal"), "");  // found ...
  EXPECT_EQ(rc.Types(),                 // ... but not reportable
            std::vector<std::string>({"empty-transaction-graph"}));
  EXPECT_EQ(rc.result.valid, Validity::kUnknown);
  Checked ss = Check(t, Models({"strict-serializable"}));
  EXPECT_EQ(ss.result.valid, Validity::kFalse);
  EXPECT_EQ(ss.Types(),
            std::vector<std::string>({"empty-transaction-graph", "internal"}));
}

// checker-test "initial state": nil precedes every value, so reading x=nil
// and y=1 where one txn wrote y=1 and x=2 is a G-single.
TEST(RwRegisterCheck, InitialStateGSingle) {
  TestHistory t;
  t.Invoke(0, "rx_ry1");
  t.Invoke(1, "wy1wx2");
  t.Complete(1, EventType::kOk);
  t.Complete(0, EventType::kOk);
  Checked c = Check(t, Models({"serializable"}));
  EXPECT_EQ(c.result.valid, Validity::kFalse);
  EXPECT_EQ(c.Types(), std::vector<std::string>({"G-single-item"}));
  const std::string t1 = OkOp(3, 0, "[[:r \"x\" nil] [:r \"y\" 1]]");
  const std::string t2 = OkOp(2, 1, "[[:w \"y\" 1] [:w \"x\" 2]]");
  EXPECT_EQ(c.Cases("G-single-item"),
            "[{:cycle [" + t1 + " " + t2 + " " + t1 +
                "], :steps [{:key \"x\", :value nil, :value' 2, :type :rw, "
                ":a-mop-index 0, :b-mop-index 1} {:type :wr, :key \"y\", "
                ":value 1, :a-mop-index 0, :b-mop-index 1}], :type "
                ":G-single-item}]");
  EXPECT_EQ(c.result.boundary.not_models,
            NameSet({"consistent-view", "repeatable-read"}));
}

// checker-test "wfr" (rw_register.clj wfr-version-graphs): only writes-
// follow-reads orders y: 1 < 2.
TEST(RwRegisterCheck, WritesFollowReadsVersionOrder) {
  TestHistory t;
  t.Ok(0, "ry1wx1wy2");
  t.Ok(0, "rx1ry1");
  RwRegisterOptions no_wfr = Models({"serializable"});
  no_wfr.wfr_keys = false;
  EXPECT_EQ(Check(t, no_wfr).edn, "{:valid? true}");
  Checked c = Check(t, Models({"serializable"}));
  EXPECT_EQ(c.Types(), std::vector<std::string>({"G-single-item"}));
  const std::string t1 = OkOp(1, 0, "[[:r \"y\" 1] [:w \"x\" 1] [:w \"y\" 2]]");
  const std::string t2 = OkOp(3, 0, "[[:r \"x\" 1] [:r \"y\" 1]]");
  EXPECT_EQ(c.Cases("G-single-item"),
            "[{:cycle [" + t2 + " " + t1 + " " + t2 +
                "], :steps [{:key \"y\", :value 1, :value' 2, :type :rw, "
                ":a-mop-index 1, :b-mop-index 2} {:type :wr, :key \"x\", "
                ":value 1, :a-mop-index 1, :b-mop-index 0}], :type "
                ":G-single-item}]");
}

// lost-update-test (elle/txn.clj lost-update-cases), and what Maelstrom's
// wfr-keys adds to it: the G2-item cycle the two rw edges make.
TEST(RwRegisterCheck, LostUpdate) {
  TestHistory t;
  t.Ok(0, "rx0wx1");
  t.Ok(1, "rx0wx2");
  const std::string t1 = OkOp(1, 0, "[[:r \"x\" 0] [:w \"x\" 1]]");
  const std::string t2 = OkOp(3, 1, "[[:r \"x\" 0] [:w \"x\" 2]]");
  RwRegisterOptions no_wfr;
  no_wfr.wfr_keys = false;
  Checked c = Check(t, no_wfr);
  EXPECT_EQ(c.result.valid, Validity::kFalse);
  EXPECT_EQ(c.Types(), std::vector<std::string>({"lost-update"}));
  EXPECT_EQ(c.Cases("lost-update"),
            "[{:key \"x\", :value 0, :txns [" + t1 + " " + t2 + "]}]");
  EXPECT_EQ(c.result.boundary.not_models,
            NameSet({"cursor-stability", "update-atomic"}));

  Checked wfr = Check(t, RwRegisterOptions());
  EXPECT_EQ(wfr.Types(), std::vector<std::string>({"G2-item", "lost-update"}));
  EXPECT_EQ(wfr.Cases("G2-item"),
            "[{:cycle [" + t1 + " " + t2 + " " + t1 +
                "], :steps [{:key \"x\", :value 0, :value' 2, :type :rw, "
                ":a-mop-index 0, :b-mop-index 1} {:key \"x\", :value 0, "
                ":value' 1, :type :rw, :a-mop-index 0, :b-mop-index 1}], "
                ":type :G2-item}]");
  // Read committed allows both.
  EXPECT_EQ(Check(t, Models({"read-committed"})).edn, "{:valid? true}");
}

// checker-test "cyclic version order", with Maelstrom's wfr-keys as the
// second source: x goes 1 -> 2 in T1 and 2 -> 1 in T2 (each reads the
// other's write).
TEST(RwRegisterCheck, CyclicVersions) {
  TestHistory t;
  t.Ok(0, "rx1wx2");
  t.Ok(1, "rx2wx1");
  Checked c = Check(t, Models({"read-uncommitted"}));
  EXPECT_EQ(c.result.valid, Validity::kFalse);
  EXPECT_EQ(c.Cases("cyclic-versions"),
            "[{:key \"x\", :scc #{1 2}, :sources [:initial-state :wfr-keys]}]");
  EXPECT_EQ(c.result.boundary.not_models, NameSet({"read-uncommitted"}));
}

// G0 as Maelstrom sees it: wfr makes every ww edge also a wr edge (the
// reader of v1 wrote v2), so the cycle search explains the write cycle as
// G1c (the wr explainer comes first, elle.core CombinedExplainer), and
// read-uncommitted fails on PL-1-cycle-exists (txn.clj cycle-exists-cases).
TEST(RwRegisterCheck, WriteCycleUnderReadUncommitted) {
  TestHistory t;
  t.Ok(0, "wx1ry1wy2");
  t.Ok(1, "rx1wx2wy1");
  Checked c = Check(t, Models({"read-uncommitted"}));
  EXPECT_EQ(c.edn,
            "{:valid? false, :anomaly-types (:PL-1-cycle-exists), :anomalies "
            "{:PL-1-cycle-exists [{:type :PL-1-cycle-exists, :not "
            ":read-uncommitted, :subgraph [:union :ww :wwp], :scc-size 2, "
            ":scc #{1 3}}]}, :not #{:read-uncommitted}, :also-not "
            "#{:causal-cerone :consistent-view :cursor-stability "
            ":forward-consistent-view :monotonic-atomic-view "
            ":monotonic-snapshot-read :monotonic-view "
            ":parallel-snapshot-isolation :prefix :read-atomic :read-committed "
            ":repeatable-read :serializable :snapshot-isolation "
            ":strong-read-committed :strong-read-uncommitted "
            ":strong-serializable :strong-session-read-committed "
            ":strong-session-read-uncommitted :strong-session-serializable "
            ":strong-session-snapshot-isolation :strong-snapshot-isolation "
            ":update-atomic :update-serializable}}");
  EXPECT_NE(c.Cases("G1c"), "");  // found, but not reportable here
}

// elle.core/realtime-graph: a read of a value whose writer was invoked only
// after the read completed is G1c-realtime under strict serializability,
// and fine for plain serializability (no realtime graph).
TEST(RwRegisterCheck, FutureReadIsG1cRealtime) {
  TestHistory t;
  t.Ok(0, "rx1");
  t.Ok(1, "wx1");
  Checked ss = Check(t, Models({"strict-serializable"}));
  EXPECT_EQ(ss.result.valid, Validity::kFalse);
  EXPECT_EQ(ss.Types(), std::vector<std::string>({"G1c-realtime"}));
  const std::string r = OkOp(1, 0, "[[:r \"x\" 1]]");
  const std::string w = OkOp(3, 1, "[[:w \"x\" 1]]");
  EXPECT_EQ(ss.Cases("G1c-realtime"),
            "[{:cycle [" + r + " " + w + " " + r +
                "], :steps [{:type :realtime, :a' " + r +
                ", :b {:index 2, :time 2000000, :type :invoke, :process 1, "
                ":f :txn, :value [[:w \"x\" 1]]}} {:type :wr, :key \"x\", "
                ":value 1, :a-mop-index 0, :b-mop-index 0}], :type "
                ":G1c-realtime}]");
  EXPECT_EQ(ss.result.boundary.not_models, NameSet({"strong-read-committed"}));
  EXPECT_EQ(Check(t, Models({"serializable"})).edn, "{:valid? true}");
}

// elle/txn.clj cycles: no dependency at all -> :empty-transaction-graph,
// which makes Elle's verdict :unknown.
TEST(RwRegisterCheck, EmptyTransactionGraph) {
  TestHistory t;
  t.Ok(0, "wx1");
  Checked c = Check(t, Models({"serializable"}));
  EXPECT_EQ(c.edn,
            "{:valid? :unknown, :anomaly-types (:empty-transaction-graph), "
            ":anomalies {:empty-transaction-graph true}, :not #{}, :also-not "
            "#{}}");
}

// elle/txn.clj assert-type-sanity: keys of two types make Elle throw; the
// verdict is then Jepsen check-safe's :unknown.
TEST(RwRegisterCheck, MixedKeyTypesAreAnError) {
  TestHistory t;
  t.Ok(0, "wx1");
  sim::History h = t.history();
  h[1].value = kvclient::Json::parse(R"([["w", 5, 1]])");
  const std::vector<int64_t> process = sim::ProcessIds(h, 1);
  auto txns = TxnHistory::FromHistory(h, process, "txn");
  ASSERT_TRUE(txns.ok());
  RwRegisterResult r = CheckRwRegister(*txns, RwRegisterOptions(),
                                       [](int64_t) { return sim::Edn::Nil(); });
  EXPECT_EQ(r.valid, Validity::kUnknown);
  EXPECT_NE(r.error.find("mix of different types for transaction keys"),
            std::string::npos)
      << r.error;
}

// rw_register.clj wr-graph: a read value with two writers is an error.
TEST(RwRegisterCheck, ValueWrittenTwiceIsAnError) {
  TestHistory t;
  t.Ok(0, "wx1");
  t.Ok(1, "wx1");
  t.Ok(2, "rx1");
  Checked c = Check(t, RwRegisterOptions());
  EXPECT_EQ(c.result.valid, Validity::kUnknown);
  EXPECT_NE(c.result.error.find("had value 1 written by more than one op"),
            std::string::npos)
      << c.result.error;
}

// An unknown model: Maelstrom's CLI accepts any name (core.clj validates
// with friendly-model-name, which returns its argument); Elle then throws
// "Unknown consistency model" and the verdict is :unknown.
TEST(RwRegisterCheck, UnknownModelIsAnError) {
  TestHistory t;
  t.Ok(0, "wx1");
  Checked c = Check(t, Models({"read-committed,serializable"}));
  EXPECT_EQ(c.result.valid, Validity::kUnknown);
  EXPECT_NE(c.edn.find("Unknown consistency model"), std::string::npos);
}

// txn.clj cycle-cases-in-scc, timeout branch: with no search budget the SCC
// reports :cycle-search-timeout and a fallback cycle (explained and
// classified like any other), beside the cycle-exists cases. The first
// search is G-single-item (depth 0 in anomaly-depths, before G1c); G0 is
// skipped, PL-1 being possible (cycle-exists-cases->impossible-...).
TEST(RwRegisterCheck, SearchBudgetExhaustedReportsTimeoutAndFallback) {
  TestHistory t;
  t.Ok(0, "wx1ry1");
  t.Ok(0, "wy1rx1");
  RwRegisterOptions o = Models({"read-committed"});
  o.cycle.budget = 0;
  Checked c = Check(t, o);
  EXPECT_EQ(c.result.valid, Validity::kFalse);
  EXPECT_EQ(c.Types(),
            std::vector<std::string>({"G1c", "cycle-search-timeout"}));
  EXPECT_EQ(c.Cases("cycle-search-timeout"),
            "[{:type :cycle-search-timeout, :anomaly-spec-type "
            ":G-single-item, "
            ":does-not-contain (), :scc-size 2}]");
  EXPECT_NE(c.Cases("G1c"), "");  // the fallback cycle
}

}  // namespace
}  // namespace elle
