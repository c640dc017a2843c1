// Conformance of the shared driver and the harness's command line with
// Maelstrom v0.2.4 and Jepsen 0.3.7, one test per behaviour, each naming the
// source file and function it pins (docs/maelstrom-fidelity.md lists
// them). The library tests go further: sim/maelstrom/node_line_test.cc (the
// line schema table), sim/driver/driver_test.cc, sim/maelstrom/checker_test.cc,
// sim/driver/flags_test.cc, testing/cli_test.cc; the e2e cases in
// harness_test.sh run real processes.
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/driver/driver.h"
#include "sim/maelstrom/checker.h"
#include "sim/maelstrom/network.h"
#include "sim/maelstrom/node_line.h"
#include "sim/workloads/registry.h"
#include "testing/cli.h"

namespace harness {
namespace {

using kvclient::Json;
using kvclient::Message;

// A node set that answers at once and records what it was given.
class RecordingHost : public sim::NodeHost {
 public:
  void Attach(sim::Driver* d) { driver_ = d; }
  void Deliver(int node, const Message& m, int64_t id,
               absl::Time now) override {
    ids.push_back(id);
    const std::string type = m.body.value("type", "");
    Json body = {{"in_reply_to", m.body.value("msg_id", 0)}};
    if (type == "init") {
      body["type"] = "init_ok";
    } else if (type == "add") {
      total += m.body["delta"].get<int64_t>();
      body["type"] = "add_ok";
    } else if (type == "read") {
      body["type"] = "read_ok";
      body["value"] = total;
    } else {
      return;
    }
    Message reply{driver_->node_id(node), m.src, body};
    if (extra) extra(node, m, now);
    driver_->OnNodeLine(node, kvclient::EncodeMessage(reply), now);
  }
  void Kill(int, absl::Time) override {}
  bool Restart(int, absl::Time) override { return true; }
  void Pause(int, absl::Time) override {}
  void Resume(int, absl::Time) override {}

  std::function<void(int, const Message&, absl::Time)> extra;
  std::vector<int64_t> ids;
  int64_t total = 0;

 private:
  sim::Driver* driver_ = nullptr;
};

struct Ran {
  sim::DriverResult result;
  std::string journal;
  int exit_code = 0;
};

sim::DriverConfig Config() {
  sim::DriverConfig c;
  c.nodes = sim::NodeIdsFromCount(2);
  c.workload.concurrency = 2;
  c.workload.rate = 40;
  c.workload.time_limit = absl::Seconds(2);
  c.workload.final_sleep = absl::Seconds(1);
  return c;
}

Ran RunTest(const sim::DriverConfig& config, RecordingHost& host) {
  std::ostringstream journal;
  sim::Driver driver(config, host, {&journal, nullptr});
  host.Attach(&driver);
  absl::Time now = absl::UnixEpoch();
  driver.Start(now);
  while (!driver.done()) {
    now = std::max(now, driver.NextWakeAt());
    driver.Advance(now);
  }
  Ran o;
  o.result = driver.Finish(now);
  o.journal = journal.str();
  o.exit_code = sim::ExitCode(o.result.verdict, o.result.report);
  return o;
}

// ---------------------------------------------------------------- routing

// Pins maelstrom src/maelstrom/net.clj latency-for and util.clj client?:
// a message with an id starting with 'c' on either end has no latency.
TEST(ConformanceRouting, ClientMessagesHaveNoLatency_NetLatencyFor) {
  sim::NetworkOptions o;
  o.latency = absl::Milliseconds(50);
  sim::Network net(o);
  sim::Prng prng(1);
  EXPECT_EQ(net.OnSend({"c7", "n1", {}}, prng)[0], absl::ZeroDuration());
  EXPECT_EQ(net.OnSend({"n1", "cat", {}}, prng)[0],
            absl::ZeroDuration());  // 'c' is enough
  EXPECT_EQ(net.OnSend({"n1", "seq-kv", {}}, prng)[0], absl::Milliseconds(50));
  EXPECT_EQ(net.OnSend({"a", "b", {}}, prng)[0], absl::Milliseconds(50));
}

// Pins maelstrom net.clj recv!: the partition is checked when the receiver
// takes the message off its queue, by (src, dest), whatever the ids are.
TEST(ConformanceRouting, PartitionsDropAtDelivery_NetRecv) {
  sim::Network net({});
  const Message m{"alpha", "beta", {}};
  EXPECT_FALSE(net.DropAtDelivery(m));
  net.SetGrudge({{"beta", {"alpha"}}});  // after the send, before delivery
  EXPECT_TRUE(net.DropAtDelivery(m));
  EXPECT_FALSE(net.DropAtDelivery({"beta", "alpha", {}}));
}

// Pins maelstrom net.clj send! (:next-message-id from -1, inc before use)
// and process.clj stdin-thread (the node receives the message with its id).
TEST(ConformanceRouting, MessageIdsStartAtZero_NetSend) {
  RecordingHost host;
  RunTest(Config(), host);
  ASSERT_GE(host.ids.size(), 2u);
  EXPECT_EQ(host.ids[0], 0);  // the first init
  EXPECT_EQ(host.ids[1], 1);
  for (size_t i = 1; i < host.ids.size(); ++i)
    EXPECT_GT(host.ids[i], host.ids[i - 1]);
}

// Pins maelstrom net.clj validate-msg: src AND dest must be registered;
// another node's id is a registered src.
TEST(ConformanceRouting, SourceAndDestMustBeRegistered_NetValidateMsg) {
  for (const auto& [src, dest, deaf] :
       std::vector<std::tuple<std::string, std::string, bool>>{
           {"n1", "n0", false},  // foreign but registered src
           {"n0", "seq-kv", false},
           {"n0", "lww-kv", false},
           {"n0", "lin-tso", false},
           {"nX", "n1", true},    // unregistered src
           {"n0", "n9", true},    // unregistered dest
           {"n0", "c999", true},  // a client that is not open
       }) {
    RecordingHost host;
    bool sent = false;
    sim::Driver* d = nullptr;
    host.extra = [&, src = src, dest = dest](int node, const Message& m,
                                             absl::Time now) {
      if (node != 0 || sent || m.body.value("type", "") != "read") return;
      sent = true;
      d->OnNodeLine(
          0, kvclient::EncodeMessage({src, dest, {{"type", "gossip"}}}), now);
    };
    std::ostringstream journal;
    sim::Driver driver(Config(), host, {&journal, nullptr});
    d = &driver;
    host.Attach(&driver);
    absl::Time now = absl::UnixEpoch();
    driver.Start(now);
    while (!driver.done()) {
      now = std::max(now, driver.NextWakeAt());
      driver.Advance(now);
    }
    ASSERT_TRUE(sent);
    EXPECT_EQ(driver.node_deaf(0), deaf) << src << " -> " << dest;
  }
}

// Pins maelstrom client.clj recv!: a reply to another msg_id is skipped by
// the client; it is no error and no finding.
TEST(ConformanceRouting, RepliesToOtherRequestsAreSkipped_ClientRecv) {
  RecordingHost host;
  sim::Driver* d = nullptr;
  bool sent = false;
  host.extra = [&](int node, const Message& m, absl::Time now) {
    if (sent || m.body.value("type", "") != "read") return;
    sent = true;
    Json stray = {{"type", "read_ok"}, {"value", 1}, {"in_reply_to", 99999}};
    d->OnNodeLine(
        node, kvclient::EncodeMessage({d->node_id(node), m.src, stray}), now);
  };
  std::ostringstream journal;
  sim::Driver driver(Config(), host, {&journal, nullptr});
  d = &driver;
  host.Attach(&driver);
  absl::Time now = absl::UnixEpoch();
  driver.Start(now);
  while (!driver.done()) {
    now = std::max(now, driver.NextWakeAt());
    driver.Advance(now);
  }
  sim::DriverResult r = driver.Finish(now);
  ASSERT_TRUE(sent);
  EXPECT_TRUE(r.report.findings.empty());
  EXPECT_TRUE(r.verdict.valid);
  EXPECT_TRUE(absl::StrContains(journal.str(), " skip #"));
}

// Pins maelstrom net/checker.clj: msgs-per-op is messages sent over client
// invocations (the nemesis's excluded); :servers counts messages with no
// client on either end.
TEST(ConformanceRouting, MessageStatistics_NetChecker) {
  RecordingHost host;
  Ran o = RunTest(Config(), host);
  const sim::Verdict& v = o.result.verdict;
  // The recording nodes never talk to each other or to services.
  EXPECT_EQ(o.result.report.server_messages, 0);
  // Each init and each operation: one request and one reply.
  EXPECT_EQ(o.result.report.messages, 2 * (2 + v.invocations));
  EXPECT_NE(sim::FormatResults(v, o.result.report).find(":msgs-per-op 2."),
            std::string::npos);
}

// ----------------------------------------------------------------- schema

// Pins maelstrom process.clj parse-msg and net.clj Message through the
// driver: odd but valid lines are accepted, an invalid one makes the node
// deaf and the test goes on (process.clj io-thread).
TEST(ConformanceSchema, ParseMsgAndTheMessageSchema_ProcessParseMsg) {
  EXPECT_TRUE(sim::ParseNodeLine(R"({"src":"n0","dest":"c1"})").ok());
  EXPECT_TRUE(
      sim::ParseNodeLine(R"({"src":"n0","dest":"c1","body":{}} junk)").ok());
  EXPECT_TRUE(sim::ParseNodeLine(
                  R"({"id":12345678901234567890123,"src":"n0","dest":"c1"})")
                  .ok());
  EXPECT_FALSE(
      sim::ParseNodeLine(R"({"src":"n0","dest":"c1","body":{},"x":1})").ok());
  EXPECT_FALSE(sim::ParseNodeLine(R"({"src":"n0","dest":"c1","id":1.5})").ok());
  EXPECT_FALSE(sim::ParseNodeLine("").ok());
}

// ---------------------------------------------------------------- verdict

sim::History TwoOps(sim::EventType add_outcome, int64_t final_value) {
  sim::History h;
  auto op = [&h](int thread, const char* f, int64_t v, sim::EventType t,
                 bool final) {
    sim::HistoryEvent e;
    e.thread = thread;
    e.f = f;
    if (e.f == "add") e.value = v;  // a read invokes with :value nil
    e.final = final;
    h.push_back(e);
    e.type = t;
    e.value = v;
    h.push_back(e);
  };
  op(0, "add", 2, add_outcome, false);
  op(1, "read", final_value, sim::EventType::kOk, true);
  return h;
}

// The g-counter's checkers, composed as the driver composes them.
sim::Verdict CheckCounterHistory(const sim::History& h) {
  std::unique_ptr<sim::Workload> w = *workloads::Make("g-counter", {});
  return sim::CheckHistory(*w, h, sim::CheckOptions{}, sim::CheckContext{});
}

// Pins jepsen cli.clj single-test-cmd (0 valid, 1 invalid, 2 :unknown),
// run! (255 when the test throws) and core.clj log-results (the lines).
TEST(ConformanceVerdict, ExitCodesAndVerdictLines_CliSingleTestCmd) {
  sim::RunReport r;
  sim::Verdict ok = CheckCounterHistory(TwoOps(sim::EventType::kOk, 2));
  EXPECT_EQ(sim::ExitCode(ok, r), 0);
  EXPECT_TRUE(absl::EndsWith(sim::FormatResults(ok, r),
                             "Everything looks good! ヽ(‘ー`)ノ\n"));
  sim::Verdict bad = CheckCounterHistory(TwoOps(sim::EventType::kOk, 5));
  EXPECT_EQ(sim::ExitCode(bad, r), 1);
  EXPECT_TRUE(absl::EndsWith(sim::FormatResults(bad, r),
                             "Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻\n"));
  sim::History broken = TwoOps(sim::EventType::kOk, 2);
  broken.erase(broken.begin());  // a completion without its invoke
  sim::Verdict unknown = CheckCounterHistory(broken);
  EXPECT_EQ(sim::ExitCode(unknown, r), 2);
  EXPECT_TRUE(absl::EndsWith(
      sim::FormatResults(unknown, r),
      "Errors occurred during analysis, but no anomalies found. ಠ~ಠ\n"));
  r.harness_error = "n0 crashed";
  EXPECT_EQ(sim::ExitCode(ok, r), 255);
}

// Pins jepsen checker.clj stats (every :f that occurs needs an :ok) and
// maelstrom workload/pn_counter.clj checker (OK final reads in the set).
TEST(ConformanceVerdict, StatsAndWorkloadCheckers_CheckerStats) {
  sim::Verdict info_adds =
      CheckCounterHistory(TwoOps(sim::EventType::kInfo, 2));
  EXPECT_EQ(info_adds.workload.validity,
            sim::Validity::kTrue);                             // 2 is possible
  EXPECT_EQ(info_adds.stats_validity, sim::Validity::kFalse);  // no :ok add
  EXPECT_FALSE(info_adds.valid);
}

// Findings beyond Maelstrom change nothing by default; --strict fails.
TEST(ConformanceVerdict, FindingsAreExtensions) {
  sim::Verdict ok = CheckCounterHistory(TwoOps(sim::EventType::kOk, 2));
  sim::RunReport r;
  r.findings.push_back({"invalid-line", "n1 wrote garbage"});
  EXPECT_EQ(sim::ExitCode(ok, r), 0);
  r.strict = true;
  EXPECT_EQ(sim::ExitCode(ok, r), 1);
}

// -------------------------------------------------------------------- CLI

// Pins maelstrom core.clj test-opt-spec / opt-spec / add-args and jepsen
// cli.clj test-opt-spec / parse-nodes / parse-concurrency / run!.
TEST(ConformanceCli, MaelstromsCommandLine_CoreOptSpec) {
  ParsedArgs p = ParseArgs({"test", "-w", "g-counter", "--bin", "/n",
                            "--concurrency", "3n", "arg1", "--", "--flag"},
                           "/");
  ASSERT_EQ(p.kind, ParsedArgs::kRun) << p.error;
  EXPECT_EQ(p.options.driver.nodes,
            (std::vector<std::string>{"n1", "n2", "n3", "n4", "n5"}));
  EXPECT_EQ(p.options.driver.workload.concurrency, 15);
  EXPECT_EQ(p.options.bin_args, (std::vector<std::string>{"arg1", "--flag"}));
  EXPECT_EQ(
      ParseArgs({"test", "-w", "g-counter", "--bin", "/n", "--flag"}, "/").kind,
      ParsedArgs::kError);
  EXPECT_EQ(
      ParseArgs({"test", "-w", "g-counter", "--bin", "/n", "--node-count", "3"},
                "/")
          .options.driver.nodes,
      (std::vector<std::string>{"n0", "n1", "n2"}));
}

}  // namespace
}  // namespace harness
