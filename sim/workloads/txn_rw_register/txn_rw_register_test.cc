// Conformance for maelstrom/workload/txn_rw_register.clj (v0.2.4): the
// generator (elle/txn.clj wr-txns), the txn! defrpc reply schema
// (maelstrom/client.clj defrpc, recv-schema, with-errors), the checker
// wrapper (txn_rw_register.clj checker) and core.clj's
// --consistency-models parsing.
#include "sim/workloads/txn_rw_register/txn_rw_register.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/elle/test_history.h"
#include "sim/maelstrom/checker.h"
#include "sim/maelstrom/prng.h"
#include "sim/workloads/inline_run.h"
#include "sim/workloads/txn_rw_register/checker.h"
#include "sim/workloads/txn_rw_register/client.h"
#include "sim/workloads/txn_rw_register/generator.h"
#include "sim/workloads/txn_rw_register/reference.h"

namespace workloads {
namespace txn_rw_register {
namespace {

using kvclient::Json;
using sim::EventType;

// wr-txns: lengths in [min, max]; f uniform; writes 1, 2, ... per key; a
// key retires after max-writes-per-key writes; keys exponential (the last
// active key most likely).
TEST(TxnGenerator, WrTxnsShape) {
  TxnGenerator g({/*key_count=*/3, /*min=*/1, /*max=*/4,
                  /*max_writes_per_key=*/5});
  sim::Prng prng(7);
  std::map<int64_t, int64_t> last_write;
  std::map<size_t, int> lengths;
  int reads = 0, writes = 0;
  std::map<int64_t, int> key_uses;
  for (int i = 0; i < 20000; ++i) {
    const Json txn = g.Next(prng);
    ++lengths[txn.size()];
    for (const Json& mop : txn) {
      const int64_t k = mop[1].get<int64_t>();
      ++key_uses[k];
      if (mop[0] == "r") {
        ++reads;
        EXPECT_TRUE(mop[2].is_null());
        continue;
      }
      ++writes;
      const int64_t v = mop[2].get<int64_t>();
      EXPECT_EQ(v, last_write[k] + 1) << "writes per key are 1, 2, 3, ...";
      EXPECT_LE(v, 5);
      last_write[k] = v;
    }
  }
  EXPECT_EQ(lengths.size(), 4u);
  EXPECT_EQ(lengths.begin()->first, 1u);
  // A write to a retired key is drawn again (f included), so reads
  // outnumber writes when keys retire often.
  EXPECT_GT(reads, writes);
  EXPECT_GT(key_uses.size(), 100u) << "keys retire and fresh ones come";
  EXPECT_EQ(g.active_keys().size(), 3u);
}

// rand-key :exponential: with 3 active keys, 2/14, 4/14, 8/14.
TEST(TxnGenerator, ExponentialKeyDistribution) {
  TxnGenerator g({3, 1, 1, 1'000'000});
  sim::Prng prng(11);
  std::map<int64_t, int> uses;
  const int n = 140000;
  int reads = 0;
  for (int i = 0; i < n; ++i) {
    const Json txn = g.Next(prng);
    ++uses[txn[0][1].get<int64_t>()];
    reads += txn[0][0] == "r";
  }
  EXPECT_NEAR(reads, n / 2, n * 0.01);  // (rand-nth [:r :w])
  EXPECT_NEAR(uses[0], n * 2 / 14, n * 0.01);
  EXPECT_NEAR(uses[1], n * 4 / 14, n * 0.01);
  EXPECT_NEAR(uses[2], n * 8 / 14, n * 0.01);
}

TEST(TxnGenerator, ASeedReplaysTheSameTransactions) {
  TxnGenerator a({}), b({});
  sim::Prng pa(42), pb(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.Next(pa), b.Next(pb));
}

// txn! request body (defrpc assoc's :type; the interpreter adds :msg_id).
TEST(TxnClient, RequestBody) {
  TxnClient c;
  sim::ClientStep s =
      c.Invoke(sim::Op("txn", Json::parse(R"([["r",1,null],["w",2,3]])")));
  ASSERT_TRUE(s.request);
  EXPECT_EQ(*s.request,
            Json::parse(R"({"type":"txn","txn":[["r",1,null],["w",2,3]]})"));
}

// recv-schema of txn!: closed map, in_reply_to required, msg_id optional,
// micro-ops exactly [f k v] with f r or w.
TEST(TxnClient, ReplySchema) {
  auto check = [](const char* s) { return CheckTxnReply(Json::parse(s)); };
  EXPECT_EQ(check(R"({"type":"txn_ok","in_reply_to":1,"txn":[]})"), "");
  EXPECT_EQ(check(R"({"type":"txn_ok","in_reply_to":1,"msg_id":4,
                      "txn":[["r",1,2],["w","k",{"a":1}]]})"),
            "");
  EXPECT_NE(check(R"({"type":"txn_ok","txn":[]})"), "");  // no in_reply_to
  EXPECT_NE(check(R"({"type":"txn_ok","in_reply_to":1.5,"txn":[]})"), "");
  EXPECT_NE(check(R"({"type":"txn_ok","in_reply_to":1,"txn":[],"x":1})"), "");
  EXPECT_NE(check(R"({"type":"txn_ok","in_reply_to":1,"txn":[["r",1]]})"), "");
  EXPECT_NE(check(R"({"type":"txn_ok","in_reply_to":1,"txn":[["x",1,2]]})"),
            "");
  EXPECT_NE(check(R"({"type":"read_ok","in_reply_to":1,"txn":[]})"), "");
  EXPECT_NE(check(R"({"type":"txn_ok","in_reply_to":1,"msg_id":"a","txn":[]})"),
            "");
}

// with-errors (no idempotent :f): definite codes fail, others and timeouts
// are indeterminate; a malformed reply is :info via the interpreter.
TEST(TxnClient, Completions) {
  const sim::Op inv("txn", Json::parse(R"([["r",1,null]])"));
  TxnClient c;
  sim::ClientStep ok = c.OnReply(
      inv,
      Json::parse(R"({"type":"txn_ok","in_reply_to":1,"txn":[["r",1,7]]})"));
  EXPECT_EQ(ok.type, EventType::kOk);
  EXPECT_EQ(*ok.value, Json::parse(R"([["r",1,7]])"));
  sim::ClientStep conflict = c.OnReply(
      inv,
      Json::parse(R"({"type":"error","in_reply_to":1,"code":30,"text":"no"})"));
  EXPECT_EQ(conflict.type, EventType::kFail);
  EXPECT_FALSE(conflict.value) << "keeps the invocation";
  EXPECT_EQ(conflict.error, "[:txn-conflict \"no\"]");
  sim::ClientStep crash = c.OnReply(
      inv, Json::parse(R"({"type":"error","in_reply_to":1,"code":13})"));
  EXPECT_EQ(crash.type, EventType::kInfo);
  EXPECT_EQ(c.OnTimeout(inv).type, EventType::kInfo);
  EXPECT_EQ(c.OnTimeout(inv).error, "net-timeout");
  sim::ClientStep bad = c.OnReply(
      inv, Json::parse(R"({"type":"txn_ok","in_reply_to":1,"txn":[["r"]]})"));
  EXPECT_EQ(bad.type, EventType::kInfo);
  EXPECT_FALSE(bad.value);
  EXPECT_EQ(bad.error.rfind("indeterminate: Malformed RPC response", 0), 0u);
}

// core.clj --consistency-models parse-fn (str/split s #"\s+,\s+").
TEST(ConsistencyModelsFlag, SplitsOnlyAtSpacedCommas) {
  EXPECT_EQ(ParseConsistencyModels("read-committed"),
            elle::NameSet({"read-committed"}));
  EXPECT_EQ(ParseConsistencyModels("read-committed , serializable"),
            elle::NameSet({"read-committed", "serializable"}));
  EXPECT_EQ(ParseConsistencyModels("read-committed,serializable"),
            elle::NameSet({"read-committed,serializable"}));
}

TxnResult Check(const elle::TestHistory& t, elle::NameSet models) {
  TxnCheckOptions o;
  o.consistency_models = std::move(models);
  return CheckTxnRwRegister(t.history(), o);
}

// The wrapper's valid result: {:valid? true} plus the assoc'ed keys.
TEST(TxnChecker, ValidRunShape) {
  elle::TestHistory t;
  t.Ok(0, "rx_wx1");
  t.Ok(1, "rx1wx2");
  t.Ok(0, "rx2");
  TxnResult r = Check(t, {"strict-serializable"});
  EXPECT_EQ(r.valid, sim::Validity::kTrue);
  EXPECT_EQ(r.results.Print(),
            "{:valid? true, :anomaly-types (), :anomalies nil}");
}

// :empty-transaction-graph: Elle says :unknown, Maelstrom's wrapper false.
TEST(TxnChecker, EmptyTransactionGraphIsInvalid) {
  elle::TestHistory t;
  t.Ok(0, "wx1");
  TxnResult r = Check(t, {"read-committed"});
  EXPECT_EQ(r.elle.valid, sim::Validity::kUnknown);
  EXPECT_EQ(r.valid, sim::Validity::kFalse);
  EXPECT_EQ(r.results.Print(),
            "{:valid? false, :anomaly-types (:empty-transaction-graph), "
            ":anomalies {:empty-transaction-graph true}, :not #{}, "
            ":also-not #{}}");
}

// The wrapper drops :cycle-search-timeout from the types and the anomalies.
TEST(TxnChecker, CycleSearchTimeoutIsDropped) {
  elle::TestHistory t;
  t.Ok(0, "rx0wx1");
  t.Ok(1, "rx0wx2");  // G2-item (and lost-update): fine under read-committed
  TxnCheckOptions o;
  o.consistency_models = {"read-committed"};
  o.cycle.budget = 0;
  TxnResult r = CheckTxnRwRegister(t.history(), o);
  EXPECT_TRUE(r.elle.reportable_types.count("cycle-search-timeout"));
  EXPECT_EQ(r.valid, sim::Validity::kTrue);
  EXPECT_EQ(r.results.Print().find("cycle-search-timeout"), std::string::npos)
      << r.results.Print();
}

// The timeline's words for a txn: reads learned "=v", unlearned "=?".
TEST(TxnText, WordsMicroOps) {
  sim::HistoryEvent e;
  e.type = EventType::kInvoke;
  e.value = Json::parse(R"([["w",8,1],["r",8,null],["r",9,null]])");
  EXPECT_EQ(TxnText(e), "w8=1 r8=? r9=?");
  e.type = EventType::kOk;
  e.value = Json::parse(R"([["w",8,1],["r",8,1],["r",9,null]])");
  EXPECT_EQ(TxnText(e), "w8=1 r8=1 r9=nil");
  e.value = Json::parse(R"({"odd":1})");
  EXPECT_EQ(TxnText(e), R"({"odd":1})");
}

// The plug-in hands the pages each anomaly with the ops it names (at their
// completions, by role) and flags those ops on the timeline.
TEST(TxnPlugin, ReportsAnomaliesWithTheirOps) {
  elle::TestHistory g1a;
  g1a.Ok(0, "wy1");
  g1a.Fail(1, "wx1");   // positions 2, 3
  g1a.Ok(0, "rx1ry1");  // positions 4, 5
  auto w =
      TxnRwRegisterSpec().make({{"--consistency-models", "read-committed"}});
  ASSERT_TRUE(w.ok());
  const sim::WorkloadResult r = (*w)->Check(g1a.history(), sim::CheckContext{});
  ASSERT_EQ(r.report.anomalies.size(), 1u);
  const sim::AnomalyType& t = r.report.anomalies[0];
  EXPECT_EQ(t.name, "G1a");
  EXPECT_EQ(t.count, 1u);
  ASSERT_EQ(t.cases.size(), 1u);
  EXPECT_EQ(t.cases[0].text, "mop [:r \"x\" 1]");
  ASSERT_EQ(t.cases[0].ops.size(), 2u);
  EXPECT_EQ(t.cases[0].ops[0].role, "op");
  EXPECT_EQ(t.cases[0].ops[0].index, 5u);
  EXPECT_EQ(t.cases[0].ops[1].role, "writer");
  EXPECT_EQ(t.cases[0].ops[1].index, 3u);
  EXPECT_NE(t.cases[0].ops[1].label.find("fail txn wx=1"), std::string::npos)
      << t.cases[0].ops[1].label;
  ASSERT_EQ(r.report.flagged.size(), 2u);
  EXPECT_EQ(r.report.flagged[0].index, 3u);
  ASSERT_TRUE(r.report.value_text);
}

// Challenge 6c's teeth: a dirty read of an aborted txn (G1a) and of an
// intermediate write (G1b) fail read-committed; 6a/6b's read-uncommitted
// lets them pass.
TEST(TxnChecker, ReadCommittedTeeth) {
  elle::TestHistory g1a;
  g1a.Ok(0, "wy1");
  g1a.Fail(1, "wx1");
  g1a.Ok(0, "rx1ry1");
  EXPECT_EQ(Check(g1a, {"read-committed"}).anomaly_types,
            std::vector<std::string>({"G1a"}));
  EXPECT_EQ(Check(g1a, {"read-uncommitted"}).valid, sim::Validity::kTrue);

  elle::TestHistory g1b;
  g1b.Ok(0, "wx1wx2");
  g1b.Ok(1, "rx1");
  g1b.Ok(1, "rx2");
  EXPECT_EQ(Check(g1b, {"read-committed"}).anomaly_types,
            std::vector<std::string>({"G1b"}));
}

// The plug-in through Jepsen's interpreter against the reference store:
// challenge 6a's shape (one node, --concurrency 2n, --rate 1000), judged as
// Maelstrom's core.clj composes the checkers, under the given models.
sim::Verdict RunStore(ReferenceStore::Bug bug, const std::string& models,
                      uint64_t seed = 1) {
  std::unique_ptr<sim::Workload> workload =
      *TxnRwRegisterSpec().make({{"--consistency-models", models}});
  sim::WorkloadOptions o;
  o.name = "txn-rw-register";
  o.concurrency = 2;
  o.rate = 1000;
  o.time_limit = absl::Seconds(5);
  InlineRun run(o, *workload, {"n0"});
  ReferenceStore store(bug);
  const sim::History& h = run.Run(
      [&](const std::string&, const Json& request) -> absl::optional<Json> {
        return store.Handle(request);
      },
      seed);
  EXPECT_EQ(run.interpreter().harness_error(), "");
  EXPECT_FALSE(run.interpreter().heal_time()) << "no final phase, no heal";
  return sim::CheckHistory(*workload, h, sim::CheckOptions{},
                           sim::CheckContext{});
}

std::vector<std::string> Errors(const sim::Verdict& v) {
  return v.workload.errors;
}

TEST(TxnInterpreter, CorrectStoreIsStrictSerializable) {
  sim::Verdict v = RunStore(ReferenceStore::Bug::kNone, "strict-serializable");
  EXPECT_EQ(v.validity, sim::Validity::kTrue)
      << v.workload.report.results.Pretty();
  EXPECT_NEAR(v.by_f["txn"].ok, 5000, 500);
}

TEST(TxnInterpreter, EachBrokenStoreFailsItsModel) {
  using Bug = ReferenceStore::Bug;
  EXPECT_EQ(Errors(RunStore(Bug::kIgnoreOwnWrites, "serializable")),
            std::vector<std::string>({"txn-rw-register: anomaly :internal"}));
  EXPECT_EQ(RunStore(Bug::kIgnoreOwnWrites, "read-committed").validity,
            sim::Validity::kTrue)
      << "read-committed does not proscribe :internal";
  EXPECT_EQ(Errors(RunStore(Bug::kFirstWriteWins, "read-committed")),
            std::vector<std::string>({"txn-rw-register: anomaly :G1b"}));
  EXPECT_EQ(Errors(RunStore(Bug::kAbortButApply, "read-committed")),
            std::vector<std::string>({"txn-rw-register: anomaly :G1a"}));
  for (Bug bug : {Bug::kFirstWriteWins, Bug::kAbortButApply}) {
    EXPECT_EQ(RunStore(bug, "read-uncommitted").validity, sim::Validity::kTrue);
  }
  sim::Verdict stale = RunStore(Bug::kStaleReads, "serializable");
  EXPECT_EQ(stale.validity, sim::Validity::kFalse);
  EXPECT_EQ(RunStore(Bug::kStaleReads, "read-committed").validity,
            sim::Validity::kTrue)
      << stale.workload.report.results.Pretty();
}

}  // namespace
}  // namespace txn_rw_register
}  // namespace workloads
