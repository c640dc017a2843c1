#include "testing/plots.h"

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace harness {
namespace {

using sim::EventType;
using sim::HistoryEvent;

HistoryEvent Event(double t, int thread, EventType type, const char* f) {
  HistoryEvent e;
  e.time =
      absl::UnixEpoch() + absl::Milliseconds(static_cast<int64_t>(t * 1000));
  e.thread = thread;
  e.type = type;
  e.f = f;
  return e;
}

TEST(PlotsTest, LatencyPointsRateBucketsAndShading) {
  const char* kAdd = "add";
  const char* kRead = "read";
  sim::History h = {
      Event(0.1, 0, EventType::kInvoke, kAdd),
      Event(0.3, 0, EventType::kOk, kAdd),
      Event(1.2, 1, EventType::kInvoke, kRead),
      Event(6.2, 1, EventType::kInfo, kRead),
  };
  std::vector<sim::FaultWindow> faults = {{absl::UnixEpoch() + absl::Seconds(1),
                                           absl::UnixEpoch() + absl::Seconds(2),
                                           "partition",
                                           "partition n0 ignores [n1]",
                                           {}}};
  PlotFiles p = MakePlots(h, {"add", "read"}, absl::UnixEpoch(),
                          absl::UnixEpoch() + absl::Seconds(7), faults);
  // Block 0 (add ok) holds the add: invoked at 0.1 s, 200 ms.
  std::vector<std::string> blocks = absl::StrSplit(p.latency_data, "\n\n\n");
  ASSERT_GE(blocks.size(), 6u);
  EXPECT_TRUE(absl::StrContains(blocks[0], "0.100000 200.000")) << blocks[0];
  EXPECT_TRUE(absl::StrContains(blocks[4], "1.200000 5000.000")) << blocks[4];
  EXPECT_TRUE(absl::StrContains(blocks[1], "NaN NaN"));  // empty series kept
  // Second 0 has one add ok; second 6 one read info (column 6 of 7).
  EXPECT_TRUE(absl::StrContains(p.rate_data, "\n0 1 0 0 0 0 0\n"))
      << p.rate_data;
  EXPECT_TRUE(absl::StrContains(p.rate_data, "\n6 0 0 0 0 1 0\n"))
      << p.rate_data;
  EXPECT_TRUE(absl::StrContains(p.script, "rect from 1.000, graph 0 to 2.000"));
  EXPECT_TRUE(absl::StrContains(p.script, "latency-raw.png"));
  EXPECT_TRUE(absl::StrContains(p.script, "title \"read fail\""));
  EXPECT_TRUE(absl::StrContains(p.script, "rate.png"));
}

}  // namespace
}  // namespace harness
