// The History as Jepsen's ops (jepsen.history 0.1.4 Op record: field order
// index time type process f value, extra keys after; fipp 0.6.26 prints a
// record as #jepsen.history.Op{...}; defrecord's hasheq in Clojure 1.12
// core_deftype.clj emit-defrecord; interpreter.clj's process changes).
#include "sim/jepsen/op.h"

#include "gtest/gtest.h"
#include "sim/jepsen/history_builder.h"
#include "sim/maelstrom/jepsen_history.h"

namespace sim {
namespace jepsen {
namespace {

using kvclient::Json;
using B = HistoryBuilder;

TEST(OpView, ProcessesMoveOnAfterInfoAndCompletionsFindTheirInvoke) {
  B b;
  b.Invoke(0, "add", 1).Info(0, "add", 1);
  b.Invoke(1, "read")
      .Invoke(0, "add", 2)
      .Ok(1, "read", Json::array())
      .Ok(0, "add", 2);
  const History h = b.Build();
  const CheckContext context = b.Context(3);
  OpView ops(h, context);
  EXPECT_EQ(ops.process(0), 0);
  EXPECT_EQ(ops.process(1), 0);  // the :info itself is still process 0
  EXPECT_EQ(ops.process(3), 3);  // thread 0's next op: process 0 + 3
  EXPECT_EQ(ops.invocation(1), 0);
  EXPECT_EQ(ops.invocation(4), 2);
  EXPECT_EQ(ops.invocation(5), 3);
  EXPECT_EQ(ops.invocation(2), -1);
  EXPECT_EQ(ops.time(5), 5000000);
}

TEST(OpRecord, PrintsAsFippPrintsARecord) {
  B b;
  b.Invoke(2, "read").Final().Ok(2, "read", Json::array({1, 2})).Final();
  const History h = b.Build();
  const CheckContext context = b.Context(5);
  OpView ops(h, context);
  EXPECT_EQ(OpRecordEdn(ops, 0, "read").Print(),
            "#jepsen.history.Op{:index 0, :time 0, :type :invoke, :process 2, "
            ":f :read, :value nil, :final? true}");
  EXPECT_EQ(
      OpRecordEdn(ops, 1, "read").Print(),
      "#jepsen.history.Op{:index 1, :time 1000000, :type :ok, :process 2, "
      ":f :read, :value [1 2], :final? true}");
}

TEST(OpRecord, HashIsTheRecordTypeHashXorTheEntriesHash) {
  B b;
  b.Invoke(0, "echo", "Please echo 5").Invoke(0, "echo", "Please echo 5");
  const History h = b.Build();
  const CheckContext context = b.Context(1);
  OpView ops(h, context);
  const int32_t h0 = OpRecordHash(ops, 0, "echo");
  const std::vector<int32_t> entries = {
      MapEntryHash(KeywordHash("index"), LongHash(0)),
      MapEntryHash(KeywordHash("time"), LongHash(0)),
      MapEntryHash(KeywordHash("type"), KeywordHash("invoke")),
      MapEntryHash(KeywordHash("process"), LongHash(0)),
      MapEntryHash(KeywordHash("f"), KeywordHash("echo")),
      MapEntryHash(KeywordHash("value"), StringHash("Please echo 5"))};
  EXPECT_EQ(h0, SymbolHash("jepsen.history.Op") ^ UnorderedHash(entries));
  EXPECT_NE(h0, OpRecordHash(ops, 1, "echo"));  // index and time differ
}

// Jepsen's :index counts the nemesis's ops (jepsen_history.h): the view
// takes :index, :time and :process from CheckContext::op.
TEST(OpView, IndexTimeAndProcessComeFromTheContextsOpMaps) {
  B b;
  b.Invoke(0, "add", 1).Ok(0, "add", 1);
  const History h = b.Build();
  FaultWindow partition;
  partition.start = B::t0();
  partition.kind = "partition";
  const std::vector<FaultWindow> faults = {partition};
  const JepsenHistory jepsen(h, 1, B::t0(), faults);
  CheckContext context;
  context.op = [&jepsen](size_t i) { return jepsen.Op(i); };
  OpView ops(h, context);
  EXPECT_EQ(ops.index(0), 0);  // at equal times client events go first
  EXPECT_EQ(ops.index(1), 3);  // after the nemesis' invoke and info
  EXPECT_EQ(OpRecordEdn(ops, 1, "add").Print(),
            "#jepsen.history.Op{:index 3, :time 1000000, :type :ok, "
            ":process 0, :f :add, :value 1}");
  CheckContext plain;  // no op maps: positions, thread ids
  OpView bare(h, plain);
  EXPECT_EQ(bare.index(1), 1);
  EXPECT_EQ(bare.time(1), 1000000);
}

}  // namespace
}  // namespace jepsen
}  // namespace sim
