#include "sim/workloads/counter/staleness.h"

#include "gtest/gtest.h"

namespace workloads {
namespace counter {
namespace {

using sim::EventType;
using sim::FormatStaleness;
using sim::History;
using sim::HistoryEvent;
using sim::StalenessStats;

enum class CounterOp { kAdd, kRead };

absl::Time At(double seconds) {
  return absl::UnixEpoch() +
         absl::Milliseconds(static_cast<int64_t>(seconds * 1000));
}

// Builds histories one operation at a time: invoke at `start`, complete at
// `end`, on its own thread so operations may overlap.
class Ops {
 public:
  Ops& Add(double start, double end, int64_t delta,
           EventType outcome = EventType::kOk) {
    return Op(start, end, CounterOp::kAdd, delta, outcome);
  }
  Ops& Read(double start, double end, int64_t value,
            EventType outcome = EventType::kOk) {
    return Op(start, end, CounterOp::kRead, value, outcome);
  }
  const History& history() const { return h_; }

 private:
  Ops& Op(double start, double end, CounterOp f, int64_t value,
          EventType outcome) {
    HistoryEvent invoke;
    invoke.time = At(start);
    invoke.thread = next_thread_++;
    invoke.f = f == CounterOp::kAdd ? "add" : "read";
    if (f == CounterOp::kAdd) invoke.value = value;
    HistoryEvent done = invoke;
    done.time = At(end);
    done.type = outcome;
    if (f == CounterOp::kAdd || outcome == EventType::kOk) done.value = value;
    h_.push_back(invoke);
    h_.push_back(done);
    return *this;
  }
  History h_;
  int next_thread_ = 0;
};

TEST(StalenessTest, MeasuresFromTheFirstAcknowledgedSumAboveTheValueRead) {
  Ops ops;
  ops.Add(0.9, 1.0, 3).Add(1.4, 1.5, 2);
  ops.Read(2.0, 2.0, 3);  // the sum became 5 > 3 at 1.5 s
  ops.Read(2.0, 2.0, 5);  // current
  ops.Read(1.2, 1.2, 0);  // the sum became 3 > 0 at 1.0 s
  StalenessReport r = MeasureStaleness(ops.history(), {});
  ASSERT_TRUE(r.defined);
  EXPECT_EQ(r.all.count, 3);
  EXPECT_EQ(r.all.stale, 2);
  EXPECT_EQ(r.all.max, absl::Milliseconds(500));
  EXPECT_EQ(r.all.p50, absl::Milliseconds(200));
}

TEST(StalenessTest, AValueAboveTheAcknowledgedSumIsCurrent) {
  Ops ops;
  ops.Add(1.0, 3.0, 4);  // in flight when the read ran: counted by the node
  ops.Read(2.0, 2.0, 4);
  StalenessReport r = MeasureStaleness(ops.history(), {});
  EXPECT_EQ(r.all.count, 1);
  EXPECT_EQ(r.all.stale, 0);
  EXPECT_EQ(r.all.max, absl::ZeroDuration());
}

TEST(StalenessTest, OnlyAcknowledgedAddsRaiseTheSum) {
  Ops ops;
  ops.Add(0.0, 0.5, 7, EventType::kInfo);  // may or may not have happened
  ops.Add(0.0, 0.5, 9, EventType::kFail);  // did not happen
  ops.Read(3.0, 3.0, 0);
  StalenessReport r = MeasureStaleness(ops.history(), {});
  EXPECT_EQ(r.all.stale, 0);
}

TEST(StalenessTest, CountsTheInvocationTimeNotTheCompletion) {
  Ops ops;
  ops.Add(0.0, 1.0, 1);
  ops.Read(0.5, 4.0, 0);  // slow read, but invoked before the add landed
  StalenessReport r = MeasureStaleness(ops.history(), {});
  EXPECT_EQ(r.all.stale, 0);
}

TEST(StalenessTest, SplitsReadsInvokedDuringPartitions) {
  Ops ops;
  ops.Add(0.0, 1.0, 1);
  ops.Read(2.0, 2.0, 0);  // 1 s stale, during the partition
  ops.Read(6.0, 6.0, 0);  // 5 s stale, after it
  ops.Read(6.0, 6.0, 1);  // current, after it
  StalenessReport r = MeasureStaleness(ops.history(), {{At(1.5), At(5.0)}});
  EXPECT_EQ(r.during_partitions.count, 1);
  EXPECT_EQ(r.during_partitions.max, absl::Seconds(1));
  EXPECT_EQ(r.outside_partitions.count, 2);
  EXPECT_EQ(r.outside_partitions.max, absl::Seconds(5));
  EXPECT_EQ(r.outside_partitions.p50, absl::ZeroDuration());
  EXPECT_EQ(r.all.count, 3);
}

TEST(StalenessTest, P99IsTheNinetyNinthPercentileOfAllReads) {
  Ops ops;
  ops.Add(0.0, 0.0, 1);
  for (int i = 0; i < 99; ++i) ops.Read(1.0, 1.0, 1);  // current
  ops.Read(10.0, 10.0, 0);                             // 10 s stale
  StalenessReport r = MeasureStaleness(ops.history(), {});
  EXPECT_EQ(r.all.count, 100);
  EXPECT_EQ(r.all.p99, absl::ZeroDuration());
  EXPECT_EQ(r.all.max, absl::Seconds(10));
  ops.Read(10.0, 10.0, 0);
  EXPECT_EQ(MeasureStaleness(ops.history(), {}).all.p99, absl::Seconds(10));
}

TEST(StalenessTest, UndefinedForCountersWhoseSumCanFall) {
  Ops ops;
  ops.Add(0.0, 0.1, 5).Add(0.2, 0.3, -2);
  ops.Read(1.0, 1.0, 3);
  EXPECT_FALSE(MeasureStaleness(ops.history(), {}).defined);
}

TEST(StalenessTest, FormatsForPeople) {
  StalenessStats s;
  s.count = 1300;
  s.stale = 40;
  s.p50 = absl::Milliseconds(12);
  s.p99 = absl::Milliseconds(480);
  s.max = absl::Milliseconds(700);
  EXPECT_EQ(FormatStaleness(s),
            "p50 12 ms, p99 480 ms, max 700 ms over 1300 reads (40 stale)");
}

}  // namespace
}  // namespace counter
}  // namespace workloads
