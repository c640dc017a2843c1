#include "sim/checker.h"

#include "gtest/gtest.h"

namespace sim {
namespace {

using kvclient::CounterOp;

class HistoryBuilder {
 public:
  HistoryBuilder& Op(int thread, CounterOp f, int64_t value, EventType outcome,
                     bool final_read = false, int64_t read_value = 0) {
    HistoryEvent invoke;
    invoke.time = now_;
    invoke.thread = thread;
    invoke.f = f;
    invoke.value = f == CounterOp::kAdd ? value : 0;
    invoke.final_read = final_read;
    h_.push_back(invoke);
    now_ += absl::Milliseconds(10);
    HistoryEvent done = invoke;
    done.time = now_;
    done.type = outcome;
    done.value = f == CounterOp::kAdd ? value : read_value;
    h_.push_back(done);
    return *this;
  }
  HistoryBuilder& Add(int64_t delta, EventType outcome = EventType::kOk) {
    return Op(0, CounterOp::kAdd, delta, outcome);
  }
  HistoryBuilder& Final(int thread, int64_t value) {
    return Op(thread, CounterOp::kRead, 0, EventType::kOk, true, value);
  }
  const History& history() const { return h_; }

 private:
  absl::Time now_ = absl::UnixEpoch();
  History h_;
};

TEST(SubsetSumsTest, ExactIntervals) {
  EXPECT_EQ(SubsetSums(10, {}), (IntervalSet{{10, 10}}));
  EXPECT_EQ(SubsetSums(10, {4}), (IntervalSet{{10, 10}, {14, 14}}));
  EXPECT_EQ(SubsetSums(0, {3, 4}), (IntervalSet{{0, 0}, {3, 4}, {7, 7}}));
  EXPECT_EQ(SubsetSums(0, {0, 0}), (IntervalSet{{0, 0}}));
  EXPECT_EQ(SubsetSums(5, {-5, 2}), (IntervalSet{{0, 0}, {2, 2}, {5, 5}, {7, 7}}));
  EXPECT_EQ(SubsetSums(0, {1, 1, 1, 1}), (IntervalSet{{0, 4}}));
}

TEST(CheckerTest, ValidWhenFinalReadsAreDPlusSomeUnsureAdds) {
  HistoryBuilder b;
  b.Add(3).Add(4, EventType::kInfo).Add(2, EventType::kFail)
      .Op(1, CounterOp::kRead, 0, EventType::kOk, false, 3)
      .Final(0, 3).Final(1, 7);
  CounterVerdict v = CheckCounterHistory(b.history());
  EXPECT_TRUE(v.valid) << v.errors[0];
  EXPECT_EQ(v.acknowledged_sum, 3);
  EXPECT_EQ(v.acceptable, (IntervalSet{{3, 3}, {7, 7}}));
  EXPECT_EQ(v.final_reads, (std::vector<int64_t>{3, 7}));
  EXPECT_EQ(v.by_f["add"].ok, 1);
  EXPECT_EQ(v.by_f["add"].info, 1);
  EXPECT_EQ(v.by_f["add"].fail, 1);
  EXPECT_EQ(v.completed_ops, 6);
}

TEST(CheckerTest, LostOrDoubleCountedAddIsInvalid) {
  for (int64_t bad : {2, 5, 9}) {  // 5 = counts the failed add
    HistoryBuilder b;
    b.Add(3).Add(4, EventType::kInfo).Add(2, EventType::kFail).Final(0, bad);
    CounterVerdict v = CheckCounterHistory(b.history());
    EXPECT_FALSE(v.valid) << bad;
    ASSERT_EQ(v.errors.size(), 1u);
    EXPECT_NE(v.errors[0].find("is not in #{[3 3] [7 7]}"), std::string::npos)
        << v.errors[0];
  }
}

TEST(CheckerTest, AddAndReadMustEachSucceedOnce) {
  HistoryBuilder only_reads;
  only_reads.Final(0, 0);
  CounterVerdict v = CheckCounterHistory(only_reads.history());
  EXPECT_FALSE(v.valid);
  EXPECT_EQ(v.errors, std::vector<std::string>{"no add ever succeeded"});
  HistoryBuilder only_adds;
  only_adds.Add(1);
  v = CheckCounterHistory(only_adds.history());
  EXPECT_EQ(v.errors, std::vector<std::string>{"no read ever succeeded"});
}

TEST(CheckerTest, UncompletedAddIsIndeterminate) {
  History h = HistoryBuilder().Add(1).Final(0, 1).history();
  HistoryEvent dangling;
  dangling.thread = 7;
  dangling.f = CounterOp::kAdd;
  dangling.value = 4;
  h.push_back(dangling);
  CounterVerdict v = CheckCounterHistory(h);
  EXPECT_EQ(v.acceptable, (IntervalSet{{1, 1}, {5, 5}}));
  EXPECT_TRUE(v.valid);
}

TEST(CheckerTest, ResultsBlockAndExitCodes) {
  CounterVerdict v = CheckCounterHistory(HistoryBuilder().Add(1).Final(0, 1).history());
  RunReport r;
  r.messages = 10;
  r.server_messages = 4;
  std::string text = FormatResults(v, r);
  EXPECT_NE(text.find(":msgs-per-op 5.000"), std::string::npos) << text;
  EXPECT_NE(text.find("Everything looks good! ヽ(‘ー`)ノ"), std::string::npos);
  EXPECT_EQ(ExitCode(v, r), 0);
  r.liveness_failure = "n1 reads 3, exact total is 4";
  EXPECT_EQ(ExitCode(v, r), 1);
  EXPECT_NE(FormatResults(v, r).find("Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻"),
            std::string::npos);
  r.harness_error = "n0 did not answer init";
  EXPECT_EQ(ExitCode(v, r), 255);
}

TEST(CheckerTest, LatencyQuantiles) {
  OpStats s;
  for (int i = 1; i <= 100; ++i) s.ok_latencies.push_back(absl::Milliseconds(i));
  EXPECT_EQ(s.Quantile(0.5), absl::Milliseconds(50));
  EXPECT_EQ(s.Quantile(0.99), absl::Milliseconds(99));
  EXPECT_EQ(s.Quantile(1.0), absl::Milliseconds(100));
}

}  // namespace
}  // namespace sim
