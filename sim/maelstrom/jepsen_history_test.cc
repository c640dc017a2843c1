#include "sim/maelstrom/jepsen_history.h"

#include <string>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace sim {
namespace {

const absl::Time kT0 = absl::UnixEpoch();

HistoryEvent Event(double ms, int thread, EventType type, const char* f,
                   kvclient::Json value, bool final = false,
                   std::string error = "") {
  HistoryEvent e;
  e.time = kT0 + absl::Microseconds(static_cast<int64_t>(ms * 1000));
  e.thread = thread;
  e.type = type;
  e.f = f;
  e.value = std::move(value);
  e.final = final;
  e.error = std::move(error);
  return e;
}

// Pins jepsen src/jepsen/generator/context.clj with-next-process (called by
// generator/interpreter.clj on an :info completion): the thread's process
// becomes process + (count of integer threads) = + concurrency.
TEST(ProcessIds, AnInfoMovesTheThreadToProcessPlusConcurrency) {
  const History h = {
      Event(0, 0, EventType::kInvoke, "add", 1),
      Event(0, 1, EventType::kInvoke, "read", nullptr),
      Event(1, 0, EventType::kInfo, "add", 1),  // process 0 -> 2 afterwards
      Event(1, 1, EventType::kOk, "read", 0),
      Event(2, 0, EventType::kInvoke, "read", nullptr),
      Event(3, 0, EventType::kInfo, "read", nullptr),  // 2 -> 4
      Event(4, 0, EventType::kInvoke, "read", nullptr),
      Event(4, 1, EventType::kInvoke, "read", nullptr),
  };
  EXPECT_EQ(ProcessIds(h, 2), (std::vector<int64_t>{0, 1, 0, 1, 2, 2, 4, 1}));
  EXPECT_EQ(ProcessIds(h, 5), (std::vector<int64_t>{0, 1, 0, 1, 5, 5, 10, 1}));
}

// Pins jepsen store.clj write-history! (one prn'ed op per line) and the Op
// record's key order, with any workload's values (strings, vectors, maps
// with keyword keys), :final? carried to the completion, and the nemesis's
// ops merged in by time, client events first at equal times.
TEST(JepsenHistory, MergesNemesisOpsAndPrintsAnyValue) {
  const History h = {
      Event(0, 0, EventType::kInvoke, "echo", "Please echo 7"),
      Event(1, 0, EventType::kOk, "echo", {{"echo", "Please echo 7"}}),
      Event(1, 1, EventType::kInvoke, "txn",
            kvclient::Json::array({kvclient::Json::array({"r", 1, nullptr})})),
      Event(5000, 1, EventType::kInfo, "txn", nullptr, false, "net-timeout"),
      Event(6000, 0, EventType::kInvoke, "read", nullptr, true),
      Event(6001, 0, EventType::kOk, "read", kvclient::Json::array({1, 2})),
  };
  FaultWindow f;
  f.start = kT0 + absl::Milliseconds(1);
  f.kind = "partition";
  f.description = "n0 ignores [n1]";
  const std::vector<FaultWindow> faults = {f};
  const JepsenHistory jepsen(h, 2, kT0, faults);
  const std::vector<std::string> lines =
      absl::StrSplit(jepsen.HistoryEdn(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_EQ(lines[1],
            "{:index 1, :time 1000000, :type :ok, :process 0, :f :echo, "
            ":value {:echo \"Please echo 7\"}}");
  EXPECT_EQ(lines[2],
            "{:index 2, :time 1000000, :type :invoke, :process 1, :f :txn, "
            ":value [[\"r\" 1 nil]]}");
  EXPECT_EQ(lines[3],
            "{:index 3, :time 1000000, :type :info, :process :nemesis, :f "
            ":start-partition, :value nil}");
  EXPECT_EQ(lines[5],
            "{:index 5, :time 5000000000, :type :info, :process 1, :f :txn, "
            ":value nil, :error \"net-timeout\"}");
  EXPECT_EQ(lines[7],
            "{:index 7, :time 6001000000, :type :ok, :process 0, :f :read, "
            ":value [1 2], :final? true}");
  EXPECT_EQ(jepsen.Index(5), 7);
  EXPECT_EQ(jepsen.Op(5).Print(), lines[7]);
}

// Pins jepsen generator/interpreter.clj (a nemesis op is journaled as its
// invocation and its completion, process :nemesis) and nemesis/combined.clj
// db-nemesis (the invocation's :value is the node spec, the completion's
// the {node result} map of c/on-nodes): Maelstrom main's kill and start as
// history.edn shows them; the windows of those faults add no ops.
TEST(JepsenHistory, MaelstromNemesisOpsKeepTheirValues) {
  const History h = {
      Event(0, 0, EventType::kInvoke, "add", 1),
      Event(2, 0, EventType::kOk, "add", 1),
  };
  NemesisOpRecord kill;
  kill.invoked = kill.completed = kT0 + absl::Milliseconds(1);
  kill.f = "kill";
  kill.value = Edn::Keyword("majority");
  kill.result = Edn::Map();
  kill.result.PutKey(Edn::String("n2"), Edn::Keyword("killed"));
  kill.result.PutKey(Edn::String("n0"), Edn::Keyword("killed"));
  NemesisOpRecord start;
  start.invoked = start.completed = kT0 + absl::Milliseconds(2);
  start.f = "start";
  start.value = Edn::Keyword("all");
  start.result = Edn::Map();
  start.result.PutKey(Edn::String("n0"), Edn::Keyword("started"));
  const std::vector<NemesisOpRecord> ops = {kill, start};
  FaultWindow window;  // n2's kill, drawn on the timeline only
  window.start = kill.invoked;
  window.end = start.invoked;
  window.kind = "kill";
  window.derived_ops = false;
  const std::vector<FaultWindow> faults = {window};
  const JepsenHistory jepsen(h, 1, kT0, faults, &ops);
  const std::vector<std::string> lines =
      absl::StrSplit(jepsen.HistoryEdn(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[1],
            "{:index 1, :time 1000000, :type :info, :process :nemesis, :f "
            ":kill, :value :majority}");
  EXPECT_EQ(lines[2],
            "{:index 2, :time 1000000, :type :info, :process :nemesis, :f "
            ":kill, :value {\"n2\" :killed, \"n0\" :killed}}");
  EXPECT_EQ(lines[3],
            "{:index 3, :time 2000000, :type :ok, :process 0, :f :add, "
            ":value 1}");
  EXPECT_EQ(lines[5],
            "{:index 5, :time 2000000, :type :info, :process :nemesis, :f "
            ":start, :value {\"n0\" :started}}");
  EXPECT_EQ(jepsen.Index(1), 3);
  // history.txt: the same ops, in the same order, with their values.
  const std::vector<std::string> text =
      absl::StrSplit(HistoryText(h, ops, kT0), '\n', absl::SkipEmpty());
  ASSERT_EQ(text.size(), 6u);
  EXPECT_EQ(text[1], "0.001000s nemesis info kill :majority");
  EXPECT_EQ(text[2],
            "0.001000s nemesis info kill {\"n2\" :killed, \"n0\" :killed}");
  EXPECT_EQ(text[3], "0.002000s thread=0 client= ok add 1");
  EXPECT_EQ(text[5], "0.002000s nemesis info start {\"n0\" :started}");
}

}  // namespace
}  // namespace sim
