// Jepsen's printed forms: process keys from the history alone, ops printed
// through the driver's Jepsen history, and the results block's cut.
#include "sim/elle/jepsen_op.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/maelstrom/jepsen_history.h"

namespace elle {
namespace {

using kvclient::Json;
using sim::EventType;

sim::HistoryEvent Event(int thread, EventType type, Json value = nullptr) {
  sim::HistoryEvent e;
  e.time = absl::UnixEpoch() + absl::Milliseconds(thread);
  e.thread = thread;
  e.type = type;
  e.f = "txn";
  e.value = std::move(value);
  return e;
}

// Grouping equals Jepsen's (generator/context.clj with-next-process): the
// numbers are Jepsen's when the concurrency is the highest thread + 1.
TEST(JepsenOp, ProcessKeysGroupLikeJepsensProcesses) {
  sim::History h = {Event(0, EventType::kInvoke), Event(1, EventType::kInvoke),
                    Event(0, EventType::kInfo),   Event(1, EventType::kOk),
                    Event(0, EventType::kInvoke), Event(0, EventType::kOk)};
  EXPECT_EQ(ProcessKeys(h), (std::vector<int64_t>{0, 1, 0, 1, 2, 2}));
  EXPECT_EQ(ProcessKeys(h), sim::ProcessIds(h, 2));
}

// With the driver's op printer, :index/:time/:process are the run's Jepsen
// history's and only :value is the workload's rendering.
TEST(JepsenOp, OpWithValueKeepsTheDriversFields) {
  sim::History h = {
      Event(0, EventType::kInvoke, Json::parse("[[\"r\",1,null]]")),
      Event(0, EventType::kOk, Json::parse("[[\"r\",1,3]]"))};
  h[1].time += absl::Milliseconds(1);
  const std::vector<int64_t> process = ProcessKeys(h);
  auto driver = [](size_t i) {
    sim::Edn op = sim::Edn::Map();
    op.Put("index", sim::Edn::Int(static_cast<int64_t>(i) + 7))
        .Put("time", sim::Edn::Int(42))
        .Put("process", sim::Edn::Int(5))
        .Put("value", sim::Edn::String("json"));
    return op;
  };
  sim::Edn op = OpWithValue(driver, h, process, 1, sim::Edn::Keyword("mine"));
  EXPECT_EQ(op.Print(), "{:index 8, :time 42, :process 5, :value :mine}");
  EXPECT_EQ(IntField(op, "process"), absl::optional<int64_t>(5));
  EXPECT_EQ(IntField(op, "value"), absl::nullopt);
  EXPECT_EQ(OpWithValue(nullptr, h, process, 1, sim::Edn::Int(1)).Print(),
            "{:index 1, :time 1000000, :type :ok, :process 0, :f :txn, "
            ":value 1}");
}

TEST(JepsenOp, ResultsBlockCutsOnlyWhatIsLong) {
  sim::Edn results = sim::Edn::Map();
  sim::Edn big = sim::Edn::Vector();
  for (int i = 0; i < 5000; ++i) big.Add(sim::Edn::Int(i));
  results.Put("valid?", sim::Edn::Bool(false))
      .Put("small", sim::Edn::Int(3))
      .Put("big", big);
  auto block = ResultsBlock(results, 100);
  ASSERT_EQ(block.size(), 2u);
  EXPECT_EQ(block[0], (std::pair<std::string, std::string>{"small", "3"}));
  EXPECT_EQ(block[1].first, "big");
  EXPECT_EQ(block[1].second.substr(0, 10), "[0 1 2 3 4");
  EXPECT_NE(block[1].second.find(" ... ;; 23 KB, whole in results.edn"),
            std::string::npos)
      << block[1].second;
}

}  // namespace
}  // namespace elle
