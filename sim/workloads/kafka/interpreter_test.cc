// The kafka plug-in (kafka.h) through Jepsen's interpreter against the
// reference log (reference.h): the generators, the client and the checker
// working together as maelstrom/workload/kafka.clj wires them, judged as
// Maelstrom's core.clj composes the checkers (sim::CheckHistory).
#include <map>
#include <memory>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "sim/maelstrom/checker.h"
#include "sim/workloads/inline_run.h"
#include "sim/workloads/kafka/kafka.h"
#include "sim/workloads/kafka/reference.h"

namespace workloads {
namespace kafka {
namespace {

using kvclient::Json;
using sim::EventType;
using sim::HistoryEvent;

struct KafkaRun {
  std::unique_ptr<sim::Workload> workload;
  std::unique_ptr<InlineRun> run;
  sim::History history;
  sim::Verdict verdict;
  std::map<std::string, int> requests;  // by type, final phase separately
  std::map<std::string, int> final_requests;
};

// Challenge 5a's shape: one node, --concurrency 2n, --rate 1000.
KafkaRun RunKafka(ReferenceLog::Bug bug, uint64_t seed,
                  absl::Duration time_limit) {
  KafkaRun r;
  r.workload = *KafkaSpec().make({});
  sim::WorkloadOptions o;
  o.name = "kafka";
  o.concurrency = 2;
  o.rate = 1000;
  o.time_limit = time_limit;
  r.run = std::make_unique<InlineRun>(o, *r.workload,
                                      std::vector<std::string>{"n0"});
  ReferenceLog log(bug);
  const InlineRun& run = *r.run;
  r.history = r.run->Run(
      [&](const std::string&, const Json& request) -> absl::optional<Json> {
        const std::string type(kvclient::BodyType(request));
        const bool final = run.interpreter().heal_time().has_value();
        ++(final ? r.final_requests : r.requests)[type];
        return log.Handle(request);
      },
      seed);
  EXPECT_EQ(r.run->interpreter().harness_error(), "");
  EXPECT_TRUE(r.run->interpreter().done());
  r.verdict = sim::CheckHistory(*r.workload, r.history, sim::CheckOptions{},
                                sim::CheckContext{});
  return r;
}

TEST(KafkaInterpreter, CorrectLogPassesWithCrashesAndFinalPolls) {
  KafkaRun r = RunKafka(ReferenceLog::Bug::kNone, 1, absl::Seconds(20));
  EXPECT_EQ(r.verdict.validity, sim::Validity::kTrue)
      << r.verdict.workload.report.results.Pretty();
  EXPECT_EQ(r.verdict.stats_validity, sim::Validity::kTrue)
      << "crashes never :ok: forgiven by kafka's stats-checker";
  // ~1000 ops/s for 20 s, crashes about every 15 s with 2 threads (the
  // first at once).
  EXPECT_NEAR(r.verdict.by_f["send"].count() + r.verdict.by_f["poll"].count(),
              20000, 2000);
  EXPECT_GE(r.verdict.by_f["crash"].info, 2);
  EXPECT_GT(r.verdict.by_f["assign"].ok, 100);
  // Final phase: each thread crashes, then assigns with
  // :seek-to-beginning? (no list_committed_offsets RPC), then polls.
  const sim::Interpreter& w = r.run->interpreter();
  ASSERT_TRUE(w.heal_time());
  std::map<int, std::vector<std::string>> finals;
  for (const HistoryEvent& e : r.history) {
    if (e.time < *w.heal_time() + absl::Seconds(10) ||
        e.type == EventType::kInvoke) {
      continue;
    }
    finals[e.thread].push_back(e.f);
    EXPECT_FALSE(e.final) << "kafka's final ops carry no :final?";
  }
  ASSERT_EQ(finals.size(), 2u);
  for (const auto& [thread, fs] : finals) {
    ASSERT_GE(fs.size(), 3u);
    EXPECT_EQ(fs[0], "crash");
    EXPECT_EQ(fs[1], "assign");
    EXPECT_EQ(fs[2], "poll");
  }
  EXPECT_EQ(r.final_requests.count("list_committed_offsets"), 0u);
  EXPECT_GT(r.final_requests["poll"], 0);
  EXPECT_GT(r.requests["list_committed_offsets"], 0);
  EXPECT_GT(r.requests["commit_offsets"], 0);
}

// A seed replays the same history.
TEST(KafkaInterpreter, Deterministic) {
  KafkaRun a = RunKafka(ReferenceLog::Bug::kNone, 7, absl::Seconds(3));
  KafkaRun b = RunKafka(ReferenceLog::Bug::kNone, 7, absl::Seconds(3));
  ASSERT_EQ(a.history.size(), b.history.size());
  for (size_t i = 0; i < a.history.size(); ++i) {
    ASSERT_EQ(a.history[i].value, b.history[i].value) << i;
    ASSERT_EQ(a.history[i].time, b.history[i].time) << i;
  }
}

std::set<std::string> BadTypes(const KafkaRun& r) {
  std::set<std::string> types;
  for (const std::string& e : r.verdict.workload.errors) types.insert(e);
  return types;
}

TEST(KafkaInterpreter, SkippedOffsetsAreCaught) {
  KafkaRun r = RunKafka(ReferenceLog::Bug::kSkipOffset, 2, absl::Seconds(10));
  EXPECT_EQ(r.verdict.validity, sim::Validity::kFalse);
  EXPECT_TRUE(BadTypes(r).count("kafka: :lost-write"))
      << r.verdict.workload.report.results.Pretty();
}

TEST(KafkaInterpreter, LostSendsAreCaught) {
  KafkaRun r = RunKafka(ReferenceLog::Bug::kLoseSends, 3, absl::Seconds(10));
  EXPECT_EQ(r.verdict.validity, sim::Validity::kFalse);
  EXPECT_TRUE(BadTypes(r).count("kafka: :inconsistent-offsets"))
      << r.verdict.workload.report.results.Pretty();
}

}  // namespace
}  // namespace kafka
}  // namespace workloads
