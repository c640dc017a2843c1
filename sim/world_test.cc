#include "sim/world.h"

#include <sstream>

#include "gtest/gtest.h"
#include "sim/maelstrom/kv_service.h"

namespace sim {
namespace {

SimConfig Short(const char* profile, uint64_t seed) {
  SimConfig c = *ProfileConfig(profile);
  c.seed = seed;
  c.workload.time_limit = absl::Seconds(5);
  return c;
}

std::string FullOutput(const SimConfig& c) {
  std::ostringstream trace;
  RunResult r = RunWorld(c, &trace);
  return trace.str() + r.results;
}

TEST(WorldTest, SameSeedSameBytesDifferentSeedDifferentRun) {
  for (const char* profile : {"challenge", "chaos"}) {
    SimConfig c = Short(profile, 7);
    const std::string first = FullOutput(c);
    EXPECT_EQ(first, FullOutput(c)) << profile;
    EXPECT_GT(first.size(), 10000u);
    c.seed = 8;
    EXPECT_NE(first, FullOutput(c)) << profile;
  }
}

TEST(WorldTest, CorrectCounterPassesTheChallengeProfile) {
  RunResult r = RunWorld(Short("challenge", 3), nullptr);
  EXPECT_EQ(r.exit_code, 0) << r.results;
  EXPECT_EQ(r.verdict.workload.json["final-reads"].size(), 3u);
  EXPECT_GT(r.verdict.by_f["add"].ok, 50);
  EXPECT_TRUE(r.report.convergence.has_value()) << r.report.convergence_note;
  // Final reads start 10 s after the heal, which follows the time limit
  // (or comes up to one stagger gap, 2/rate, before it: Jepsen's TimeLimit
  // ends the phase once the next op would fall past the cutoff).
  EXPECT_GE(r.simulated_seconds, 15.0 - 2.0 / 100);
  EXPECT_NE(r.results.find("Everything looks good!"), std::string::npos);
}

TEST(WorldTest, EveryMessageIsCountedAndServerMessagesAreASubset) {
  RunResult r = RunWorld(Short("challenge", 4), nullptr);
  EXPECT_GT(r.report.server_messages, 0);
  EXPECT_LT(r.report.server_messages, r.report.messages);
  // Each client op is a request and a reply; inits likewise.
  EXPECT_GE(r.report.messages - r.report.server_messages,
            2 * r.verdict.completed_ops);
}

TEST(WorldTest, AStaleReadCounterIsCaught) {
  SimConfig c = Short("challenge", 1);
  c.bug = counter::Bug::kStaleRead;
  RunResult r = RunWorld(c, nullptr);
  EXPECT_EQ(r.exit_code, 1) << r.results;
  EXPECT_NE(r.results.find("Analysis invalid!"), std::string::npos);
}

TEST(WorldTest, ExactTotalReadsBothStrategiesLayouts) {
  KvStore own;
  own.values["\"counter/n0\""] = {{"total", 3}, {"tag", "a.1"}, {"n", 1}};
  own.values["\"counter/n1\""] = {{"total", 4}, {"tag", "b.2"}, {"n", 2}};
  // The summary repeats the own keys' totals; it must not count twice.
  own.values["\"counter/summary\""] = {{"n0", {1, 3}}, {"n1", {2, 4}}};
  own.values["\"sync/n0\""] = 99;
  EXPECT_EQ(ExactTotal(own), 7);
  KvStore shared;
  shared.values["\"counter\""] = 12;
  EXPECT_EQ(ExactTotal(shared), 12);
}

TEST(WorldTest, RestartedNodesGetFreshInits) {
  SimConfig c = Short("challenge", 2);
  c.crash = true;
  c.fault_interval = absl::Seconds(1);
  std::ostringstream trace;
  RunResult r = RunWorld(c, &trace);
  EXPECT_EQ(r.exit_code, 0) << r.results;
  const std::string t = trace.str();
  ASSERT_NE(t.find("nemesis: restart n"), std::string::npos);
  // Three initial inits plus at least one for a restart.
  size_t inits = 0;
  for (size_t at = t.find("\"type\":\"init\""); at != std::string::npos;
       at = t.find("\"type\":\"init\"", at + 1)) {
    ++inits;
  }
  EXPECT_GT(inits, 3u);
}

// A node that answers init, then answers every client request `delay` late
// (read_ok with `read_value`, add_ok), optionally never answering init.
class ScriptedCore : public counter::Core {
 public:
  ScriptedCore(absl::Duration delay, kvclient::Json read_value,
               bool answer_init)
      : delay_(delay),
        read_value_(std::move(read_value)),
        answer_init_(answer_init) {}
  void Step(const kvclient::Message& m, absl::Time now) override {
    kvclient::Json reply;
    if (m.body["type"] == "init") {
      id_ = m.body["node_id"].get<std::string>();
      if (!answer_init_) return;
      reply = {{"type", "init_ok"}};
    } else if (m.body["type"] == "add") {
      reply = {{"type", "add_ok"}};
    } else {
      reply = {{"type", "read_ok"}, {"value", read_value_}};
    }
    reply["in_reply_to"] = m.body["msg_id"];
    absl::Time at = m.body["type"] == "init" ? now : now + delay_;
    due_.push_back({at, kvclient::Message{id_, m.src, reply}});
  }
  void Tick(absl::Time) override {}
  counter::Ready TakeReady() override { return {}; }
  absl::optional<int64_t> ReadValue() const override { return absl::nullopt; }
  const std::string& node_id() const override { return id_; }
  const counter::NodeStats& stats() const override { return stats_; }

 protected:
  struct Due {
    absl::Time at;
    kvclient::Message message;
  };
  absl::Duration delay_;
  kvclient::Json read_value_;
  bool answer_init_;
  std::string id_;
  std::vector<Due> due_;
  counter::NodeStats stats_;
};

// ScriptedCore whose TakeReady releases what is due by the last Step/Tick.
class TimedCore : public ScriptedCore {
 public:
  using ScriptedCore::ScriptedCore;
  void Step(const kvclient::Message& m, absl::Time now) override {
    ScriptedCore::Step(m, now);
    now_ = now;
  }
  void Tick(absl::Time now) override { now_ = now; }
  counter::Ready TakeReady() override {
    counter::Ready ready;
    std::vector<Due> later;
    for (Due& d : due_) {
      if (d.at <= now_) {
        ready.messages.push_back(d.message);
      } else {
        later.push_back(d);
        if (!ready.wake_at || d.at < *ready.wake_at) ready.wake_at = d.at;
      }
    }
    due_ = later;
    return ready;
  }

 private:
  absl::Time now_;
};

CoreFactory Scripted(absl::Duration delay, kvclient::Json read_value,
                     bool answer_init = true) {
  return [=](const counter::Options&) -> std::unique_ptr<counter::Core> {
    return std::make_unique<TimedCore>(delay, read_value, answer_init);
  };
}

// Pins maelstrom net.clj validate-msg ("Invalid dest") and process.clj
// io-thread: a reply to a client that gave up is a finding, and the node is
// deaf from then on; the verdict is what the checker sees (here: no
// operation ever succeeded, which Jepsen's stats checker rejects).
TEST(WorldJudgementTest, AReplyAfterTheClientGaveUpMakesTheNodeDeaf) {
  SimConfig c = Short("challenge", 1);
  // Past the first timeouts (5 s), so that threads invoke again and close
  // their old clients (Jepsen's ClientWorker) before the 6 s replies land.
  c.workload.time_limit = absl::Seconds(8);
  RunResult r = RunWorld(c, nullptr, Scripted(absl::Seconds(6), 0));
  ASSERT_FALSE(r.report.findings.empty());
  EXPECT_EQ(r.report.findings[0].kind, "invalid-line");
  EXPECT_NE(r.report.findings[0].detail.find("Invalid dest"), std::string::npos)
      << r.report.findings[0].detail;
  EXPECT_EQ(r.verdict.stats_validity, Validity::kFalse);
  EXPECT_EQ(r.exit_code, 1) << r.results;
}

TEST(WorldJudgementTest, ANonIntegerReadValueIsMalformed) {
  SimConfig c = Short("challenge", 1);
  RunResult r = RunWorld(c, nullptr, Scripted(absl::ZeroDuration(), 3.0));
  EXPECT_EQ(r.exit_code, 1) << r.results;
  EXPECT_EQ(r.verdict.by_f["read"].ok, 0);
  EXPECT_NE(r.results.find("read: no :ok among"), std::string::npos)
      << r.results;
}

TEST(WorldJudgementTest, ANodeThatNeverAnswersInitBreaksTheHarness) {
  SimConfig c = Short("challenge", 1);
  RunResult r = RunWorld(c, nullptr, Scripted(absl::ZeroDuration(), 0, false));
  EXPECT_EQ(r.exit_code, 255) << r.results;
  EXPECT_NE(r.report.harness_error.find("did not answer init"),
            std::string::npos);
}

TEST(WorldJudgementTest, AnOverCountingNodeIsInvalid) {
  // Acknowledges every add but always reads a huge value.
  SimConfig c = Short("challenge", 1);
  RunResult r = RunWorld(c, nullptr, Scripted(absl::ZeroDuration(), 1000000));
  EXPECT_EQ(r.exit_code, 1) << r.results;
  EXPECT_NE(r.verdict.workload.errors[0].find("final read 1000000"),
            std::string::npos);
}

// A correct node by construction: every instance shares one true total.
// With `spin_at`, its first Tick at or after that time asks to be woken at
// that same instant for 1 ms of virtual time (a CPU spin).
class SharedTotalCore : public counter::Core {
 public:
  SharedTotalCore(std::shared_ptr<int64_t> total,
                  absl::optional<absl::Time> spin_at)
      : total_(std::move(total)), spin_at_(spin_at) {}
  void Step(const kvclient::Message& m, absl::Time now) override {
    now_ = now;
    kvclient::Json reply = {{"in_reply_to", m.body["msg_id"]}};
    const std::string type = m.body["type"];
    if (type == "init") {
      id_ = m.body["node_id"].get<std::string>();
      reply["type"] = "init_ok";
    } else if (type == "add") {
      *total_ += m.body["delta"].get<int64_t>();
      reply["type"] = "add_ok";
    } else {
      reply["type"] = "read_ok";
      reply["value"] = *total_;
    }
    out_.push_back(kvclient::Message{id_, m.src, reply});
  }
  void Tick(absl::Time now) override { now_ = now; }
  counter::Ready TakeReady() override {
    counter::Ready ready;
    ready.messages.swap(out_);
    if (spin_at_ && now_ >= *spin_at_ &&
        now_ < *spin_at_ + absl::Milliseconds(1)) {
      ready.wake_at = now_;  // "wake me now", doing nothing: a spin
    } else if (spin_at_ && now_ < *spin_at_) {
      ready.wake_at = *spin_at_;
    }
    return ready;
  }
  absl::optional<int64_t> ReadValue() const override { return *total_; }
  const std::string& node_id() const override { return id_; }
  const counter::NodeStats& stats() const override { return stats_; }

 private:
  std::shared_ptr<int64_t> total_;
  absl::optional<absl::Time> spin_at_;
  absl::Time now_;
  std::string id_;
  std::vector<kvclient::Message> out_;
  counter::NodeStats stats_;
};

CoreFactory SharedTotal(absl::optional<absl::Time> spin_at = absl::nullopt) {
  auto total = std::make_shared<int64_t>(0);
  return [=](const counter::Options&) -> std::unique_ptr<counter::Core> {
    return std::make_unique<SharedTotalCore>(total, spin_at);
  };
}

// A busy loop is an EXTENSION finding: Maelstrom would not notice a
// spinning process, so the verdict stays the checker's; --strict fails it.
TEST(WorldFindingsTest, ABusyLoopIsAFindingThatOnlyStrictFails) {
  SimConfig c = Short("challenge", 1);
  const absl::Time spin = absl::UnixEpoch() + absl::Seconds(2);
  RunResult r = RunWorld(c, nullptr, SharedTotal(spin));
  EXPECT_EQ(r.exit_code, 0) << r.results;
  ASSERT_EQ(r.report.findings.size(), 1u) << r.results;
  EXPECT_EQ(r.report.findings[0].kind, "busy-loop");
  EXPECT_NE(r.results.find("EXTENSION findings: 1"), std::string::npos)
      << r.results;

  c.strict = true;
  RunResult strict = RunWorld(c, nullptr, SharedTotal(spin));
  EXPECT_EQ(strict.exit_code, 1) << strict.results;
  EXPECT_NE(
      strict.results.find("--strict: this run fails on 1 EXTENSION finding(s), "
                          "first: busy-loop"),
      std::string::npos)
      << strict.results;
}

// The liveness bound (EXTENSION) is judged from the in-process ReadValue():
// a bound shorter than the counter's refresh interval cannot be met.
TEST(WorldFindingsTest, AMissedLivenessBoundIsAFindingThatOnlyStrictFails) {
  SimConfig c = Short("challenge", 2);
  c.liveness_bound = absl::Milliseconds(1);
  RunResult r = RunWorld(c, nullptr);
  EXPECT_EQ(r.exit_code, 0) << r.results;
  ASSERT_EQ(r.report.findings.size(), 1u) << r.results;
  EXPECT_EQ(r.report.findings[0].kind, "liveness");
  EXPECT_NE(
      r.report.findings[0].detail.find("not converged 1ms after the heal"),
      std::string::npos)
      << r.report.findings[0].detail;
  c.strict = true;
  EXPECT_EQ(RunWorld(c, nullptr).exit_code, 1);
}

// Bound: a paused node's inbox holds at most max_inbox messages; past it
// the run fails (exit 255) instead of growing.
TEST(WorldFindingsTest, PauseInboxesAreBounded) {
  SimConfig c = Short("challenge", 3);
  c.pause = true;
  c.fault_interval = absl::Seconds(1);
  c.workload.concurrency = 9;  // three clients wait on each paused node
  c.max_inbox = 1;
  RunResult r = RunWorld(c, nullptr);
  EXPECT_EQ(r.exit_code, 255) << r.results;
  EXPECT_NE(r.report.harness_error.find("pause inbox is over 1 messages"),
            std::string::npos)
      << r.report.harness_error;
  c.max_inbox = size_t{1} << 20;
  EXPECT_EQ(RunWorld(c, nullptr).exit_code, 0);
}

// In the simulator, convergence comes from ReadValue() and sends nothing;
// the estimate from Maelstrom's own reads is reported next to it.
TEST(WorldFindingsTest, ConvergenceIsMeasuredWithoutExtraMessages) {
  SimConfig c = Short("challenge", 5);
  RunResult r = RunWorld(c, nullptr);
  ASSERT_TRUE(r.report.convergence.has_value()) << r.report.convergence_note;
  EXPECT_LT(*r.report.convergence, absl::Seconds(1));
  ASSERT_TRUE(r.report.convergence_from_reads.has_value())
      << r.report.convergence_from_reads_note;
  EXPECT_GE(*r.report.convergence_from_reads, *r.report.convergence);
}

}  // namespace
}  // namespace sim
