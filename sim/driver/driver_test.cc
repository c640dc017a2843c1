// The shared driver against a scripted in-memory host. Pins maelstrom
// v0.2.4 src/maelstrom/net.clj validate-msg (src and dest must be registered
// endpoints), process.clj stdout-thread (a bad line makes the node deaf,
// the test goes on), core.clj maelstrom-test (after the heal nothing is
// sent until the final reads: gen/sleep 10), and the driver's own bounds.
#include "sim/driver/driver.h"

#include <functional>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace sim {
namespace {

using kvclient::Json;
using kvclient::Message;

// Nodes that answer at once through OnNodeLine, with a shared true total
// (a correct counter by construction). `rewrite` may replace a reply line.
class ScriptedHost : public NodeHost {
 public:
  void Attach(Driver* driver) { driver_ = driver; }

  void Deliver(int node, const Message& m, int64_t, absl::Time now) override {
    ++delivered;
    delivered_to_nodes_at.push_back(now);
    const std::string type = m.body.value("type", "");
    Json reply = {{"in_reply_to", m.body.value("msg_id", 0)}};
    if (type == "init") {
      reply["type"] = "init_ok";
    } else if (type == "add") {
      total += m.body["delta"].get<int64_t>();
      reply["type"] = "add_ok";
    } else if (type == "read") {
      reply["type"] = "read_ok";
      reply["value"] = total;
    } else {
      if (!kvclient::IsClientId(m.src))
        service_replies.push_back(m.src + " " + m.body.dump());
      return;
    }
    const std::string src = driver_->node_id(node);
    std::string line =
        Json{{"src", src}, {"dest", m.src}, {"body", reply}}.dump();
    if (rewrite) line = rewrite(node, type, line);
    if (!line.empty()) driver_->OnNodeLine(node, line, now);
  }
  void Kill(int node, absl::Time now) override {
    Event(now, absl::StrCat("kill ", node));
  }
  bool Restart(int node, absl::Time now) override {
    Event(now, absl::StrCat("restart ", node));
    return true;
  }
  void Pause(int node, absl::Time now) override {
    Event(now, absl::StrCat("pause ", node));
  }
  void Resume(int node, absl::Time now) override {
    Event(now, absl::StrCat("resume ", node));
  }
  void Event(absl::Time now, std::string what) {
    events.push_back(what);
    event_times.push_back(now);
  }

  std::function<std::string(int node, const std::string& type,
                            const std::string& line)>
      rewrite;
  int64_t total = 0;
  int64_t delivered = 0;
  std::vector<std::string> service_replies;  // "<service> <body>"
  std::vector<absl::Time> delivered_to_nodes_at;
  std::vector<std::string> events;
  std::vector<absl::Time> event_times;

 private:
  Driver* driver_ = nullptr;
};

DriverConfig Small() {
  DriverConfig c;
  c.nodes = NodeIdsFromCount(3);
  c.workload.concurrency = 3;
  c.workload.rate = 50;
  c.workload.time_limit = absl::Seconds(3);
  c.workload.final_sleep = absl::Seconds(2);
  c.seed = 3;
  return c;
}

struct Ran {
  DriverResult result;
  std::string journal;
  std::string notes;
  int exit_code = 0;
  absl::Time end;
};

Ran RunDriver(
    const DriverConfig& config, ScriptedHost& host,
    const std::function<void(Driver&, absl::Time)>& each_step = nullptr,
    sim::RunRecord* record = nullptr) {
  std::ostringstream journal, notes;
  Driver driver(config, host, {&journal, &notes, false, false, record});
  host.Attach(&driver);
  absl::Time now = absl::UnixEpoch();
  driver.Start(now);
  while (!driver.done()) {
    const absl::Time next = driver.NextWakeAt();
    if (next == absl::InfiniteFuture()) break;
    now = std::max(now, next);
    driver.Advance(now);
    if (each_step) each_step(driver, now);
  }
  Ran run;
  run.result = driver.Finish(now);
  run.journal = journal.str();
  run.notes = notes.str();
  run.exit_code = ExitCode(run.result.verdict, run.result.report);
  run.end = now;
  return run;
}

TEST(DriverTest, ACorrectNodeSetPasses) {
  ScriptedHost host;
  Ran run = RunDriver(Small(), host);
  EXPECT_EQ(run.exit_code, 0)
      << FormatResults(run.result.verdict, run.result.report);
  EXPECT_GT(run.result.verdict.by_f["add"].ok, 10);
  EXPECT_EQ(run.result.verdict.workload.json["final-reads"].size(), 3u);
  EXPECT_TRUE(run.result.report.findings.empty());
  EXPECT_TRUE(run.result.report.convergence_from_reads.has_value())
      << run.result.report.convergence_from_reads_note;
  // Read staleness (an EXTENSION) covers every ok read, finals included,
  // split by whether a partition held when the read was invoked.
  const auto& staleness = run.result.report.staleness;
  ASSERT_TRUE(staleness.has_value());
  EXPECT_EQ(staleness->all.count, run.result.verdict.by_f["read"].ok);
  EXPECT_EQ(
      staleness->during_partitions.count + staleness->outside_partitions.count,
      staleness->all.count);
  EXPECT_TRUE(absl::StrContains(run.journal, "send #0 c0 -> n0"))
      << run.journal.substr(0, 300);
}

// Pins maelstrom core.clj maelstrom-test: (gen/phases ... (gen/sleep 10)
// (gen/clients final)): between the heal and the final reads Maelstrom sends
// the nodes nothing. (The harness used to read every node every 100 ms.)
TEST(DriverTest, NothingReachesTheNodesBetweenTheHealAndTheFinalReads) {
  ScriptedHost host;
  DriverConfig c = Small();
  absl::optional<absl::Time> heal;
  Ran run =
      RunDriver(c, host, [&](Driver& d, absl::Time) { heal = d.heal_time(); });
  ASSERT_TRUE(heal.has_value());
  int64_t during_sleep = 0;
  for (absl::Time t : host.delivered_to_nodes_at) {
    during_sleep += t > *heal && t < *heal + c.workload.final_sleep;
  }
  EXPECT_EQ(during_sleep, 0);
  EXPECT_EQ(run.exit_code, 0);

  // The EXTENSION probe does send reads then, and says so.
  ScriptedHost probed;
  c.probe_interval = absl::Milliseconds(100);
  Ran with_probe = RunDriver(c, probed);
  EXPECT_GT(probed.delivered, host.delivered);
  ASSERT_FALSE(with_probe.result.report.notes.empty());
  EXPECT_TRUE(
      absl::StrContains(absl::StrJoin(with_probe.result.report.notes, "\n"),
                        "this run's traffic is not Maelstrom's"));
}

// Pins maelstrom net.clj validate-msg: (assert (get queues (:src m))
// "Invalid source ...") -- a node that writes an unregistered src goes
// deaf; process.clj io-thread catches it and never reads that stdout again.
TEST(DriverTest, AnUnregisteredSourceMakesTheNodeDeaf) {
  ScriptedHost host;
  bool forged = false;
  host.rewrite = [&](int node, const std::string& type,
                     const std::string& line) {
    if (node != 1 || type != "read" || forged) return line;
    forged = true;
    std::string bad = line;
    bad.replace(bad.find("\"src\":\"n1\""), 10, "\"src\":\"n9\"");
    return bad;
  };
  Ran run = RunDriver(Small(), host);
  ASSERT_TRUE(forged);
  ASSERT_EQ(run.result.report.findings.size(), 1u) << run.notes;
  EXPECT_EQ(run.result.report.findings[0].kind, "invalid-line");
  EXPECT_TRUE(absl::StrContains(
      run.result.report.findings[0].detail,
      "Invalid source for message (net.clj validate-msg): \"n9\""))
      << run.result.report.findings[0].detail;
  // n1 is deaf: its later replies never arrive, so its clients' operations
  // are :info, and its final read is not checked. The verdict is the
  // checker's (Maelstrom's), unchanged by the finding...
  EXPECT_GT(run.result.verdict.by_f["read"].info, 0);
  EXPECT_EQ(run.result.verdict.workload.json["final-reads"].size(), 2u);
  EXPECT_EQ(run.exit_code, 0)
      << FormatResults(run.result.verdict, run.result.report);
  // ... unless --strict.
  run.result.report.strict = true;
  EXPECT_EQ(ExitCode(run.result.verdict, run.result.report), 1);
}

// Pins maelstrom net.clj validate-msg: a registered src that is not the
// writer's own id (another node's) is accepted.
TEST(DriverTest, ARegisteredForeignSourceIsAccepted) {
  ScriptedHost host;
  host.rewrite = [&](int node, const std::string& type,
                     const std::string& line) {
    if (node != 1 || type != "read") return line;
    std::string other = line;
    other.replace(other.find("\"src\":\"n1\""), 10, "\"src\":\"n2\"");
    return other;
  };
  Ran run = RunDriver(Small(), host);
  EXPECT_TRUE(run.result.report.findings.empty()) << run.notes;
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(run.journal, "n2 -> c")) << "sent as written";
}

// Pins maelstrom net.clj validate-msg "Invalid dest": a message to a node
// that does not exist, or to a client that is not open.
TEST(DriverTest, AnUnregisteredDestMakesTheNodeDeaf) {
  for (const char* dest : {"n99", "c123456", "kv"}) {
    ScriptedHost host;
    bool sent = false;
    host.rewrite = [&](int node, const std::string& type,
                       const std::string& line) {
      if (node != 0 || type != "add" || sent) return line;
      sent = true;
      return std::string(R"({"src":"n0","dest":")") + dest +
             R"(","body":{"type":"gossip"}})";
    };
    Ran run = RunDriver(Small(), host);
    ASSERT_EQ(run.result.report.findings.size(), 1u) << dest;
    EXPECT_TRUE(
        absl::StrContains(run.result.report.findings[0].detail,
                          absl::StrCat("Invalid dest for message (net.clj "
                                       "validate-msg): \"",
                                       dest, "\"")))
        << run.result.report.findings[0].detail;
  }
}

// Pins maelstrom process.clj parse-msg through the driver: a line that is
// not a message makes the node deaf; an odd but valid one does not.
TEST(DriverTest, LinesAreJudgedByMaelstromsSchema) {
  ScriptedHost host;
  host.rewrite = [&](int node, const std::string& type,
                     const std::string& line) {
    if (type == "init") return line;
    if (node == 0) return line + " this trailing text is never read";
    if (node == 2 && type == "add") return std::string("add_ok!");
    return line;
  };
  Ran run = RunDriver(Small(), host);
  ASSERT_EQ(run.result.report.findings.size(), 1u);
  EXPECT_TRUE(absl::StrContains(run.result.report.findings[0].detail, "n2 at"));
  EXPECT_TRUE(absl::StrContains(run.result.report.findings[0].detail,
                                "not well-formed JSON"));
  EXPECT_EQ(run.exit_code, 0);
}

int64_t CountLines(const std::string& text, absl::string_view word) {
  int64_t n = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n'))
    n += absl::StrContains(line, word);
  return n;
}

// DriverOutput::record, what sim/report draws: the same messages as the
// journal, each with its fate; the fault windows with their nodes; the lines
// that made a node deaf; the history and Jepsen's time origin.
TEST(DriverTest, TheRecordIsTheJournalAsData) {
  DriverConfig c = Small();
  c.partition = true;
  c.kill = true;
  c.nemesis_interval = absl::Seconds(1);
  c.fault_interval = absl::Milliseconds(700);
  ScriptedHost host;
  sim::RunRecord run;
  absl::Time start = absl::InfinitePast();
  Ran ran = RunDriver(
      c, host,
      [&](Driver& d, absl::Time) {
        if (d.interpreter().main_started())
          start = d.interpreter().start_time();
      },
      &run);
  ASSERT_EQ(ran.exit_code, 0) << ran.notes;
  EXPECT_EQ(static_cast<int64_t>(run.messages.size()),
            CountLines(ran.journal, " send #"));
  int64_t delivered = 0, down = 0, other = 0;
  for (const sim::MessageRecord& m : run.messages) {
    ASSERT_TRUE(m.end.has_value() || m.fate == sim::Fate::kInFlight);
    if (m.end) {
      EXPECT_GE(*m.end, m.sent);
    }
    delivered += m.fate == sim::Fate::kDelivered;
    down += m.fate == sim::Fate::kReceiverDown;
    other +=
        m.fate != sim::Fate::kDelivered && m.fate != sim::Fate::kReceiverDown;
  }
  EXPECT_GT(delivered, 100);
  EXPECT_EQ(down, CountLines(ran.journal, " drop #"));
  EXPECT_GT(down, 0) << "clients write to killed nodes";
  EXPECT_EQ(other, 0);
  ASSERT_EQ(run.faults.size(), ran.result.report.faults.size());
  bool kill_on_a_node = false;
  for (const sim::FaultWindow& f : run.faults) {
    EXPECT_LE(f.start, f.end);
    if (f.kind == "kill") {
      ASSERT_EQ(f.nodes.size(), 1u) << f.description;
      EXPECT_TRUE(absl::StrContains(f.description, f.nodes[0]));
      kill_on_a_node = true;
    } else {
      EXPECT_TRUE(f.nodes.empty()) << "a partition acts on the network";
    }
  }
  EXPECT_TRUE(kill_on_a_node);
  EXPECT_EQ(run.t0, start);
  EXPECT_EQ(run.history.size(), ran.result.history.size());
  EXPECT_EQ(run.concurrency, c.workload.concurrency);
  EXPECT_EQ(run.meta.node_ids, c.nodes);
  EXPECT_EQ(run.results.workload.results.Print(),
            ran.result.verdict.workload.report.results.Print());
  EXPECT_EQ(run.results.workload.summary,
            ran.result.verdict.workload.report.summary);
  EXPECT_EQ(run.results.net.all.send_count,
            static_cast<int64_t>(run.messages.size()));
  EXPECT_TRUE(run.invalid_lines.empty());

  // A line that is not a message: recorded raw, with the node and why.
  ScriptedHost bad;
  bad.rewrite = [](int node, const std::string& type, const std::string& line) {
    return node == 2 && type == "add" ? std::string("add_ok!") : line;
  };
  sim::RunRecord bad_run;
  RunDriver(Small(), bad, nullptr, &bad_run);
  ASSERT_EQ(bad_run.invalid_lines.size(), 1u);
  EXPECT_EQ(bad_run.invalid_lines[0].node, "n2");
  EXPECT_EQ(bad_run.invalid_lines[0].line, "add_ok!");
  EXPECT_TRUE(absl::StrContains(bad_run.invalid_lines[0].why, "parse-msg"));
}

TEST(DriverTest, TheRecordIsBoundedLikeTheJournal) {
  DriverConfig c = Small();
  c.journal_max_lines = 50;
  ScriptedHost host;
  sim::RunRecord run;
  Ran ran = RunDriver(c, host, nullptr, &run);
  EXPECT_EQ(run.messages.size(), 50u);
  EXPECT_TRUE(absl::StrContains(absl::StrJoin(ran.result.report.notes, "\n"),
                                "are not in the report's message record"));
}

TEST(DriverTest, SameSeedSameJournal) {
  DriverConfig c = Small();
  c.partition = true;
  c.nemesis_interval = absl::Seconds(1);
  c.network.latency = absl::Milliseconds(5);
  c.network.latency_dist = LatencyDist::kExponential;
  ScriptedHost a, b, d;
  const std::string first = RunDriver(c, a).journal;
  EXPECT_EQ(first, RunDriver(c, b).journal);
  c.seed = 4;
  EXPECT_NE(first, RunDriver(c, d).journal);
}

// The partition nemesis steps only in the main phase; the EXTENSION faults
// start one fault interval after it, each with its own PRNG fork, so
// turning them on does not change the partitions.
TEST(DriverTest, NemesisGatingAndIndependentSchedules) {
  DriverConfig c = Small();
  c.partition = true;
  c.nemesis_interval = absl::Seconds(1);
  ScriptedHost plain;
  Ran partitions = RunDriver(c, plain);
  c.stall = true;
  c.crash = true;
  c.fault_interval = absl::Milliseconds(700);
  ScriptedHost faulty;
  Ran both = RunDriver(c, faulty);
  auto partition_lines = [](const std::string& notes) {
    std::string out;
    // The main phase's steps (the heal's undo comes when the in-flight
    // operations are done, which the other faults may delay).
    for (absl::string_view line : absl::StrSplit(notes, '\n')) {
      if (absl::StrContains(line, "(final generator)")) continue;
      double t = 0;
      if (!absl::StartsWith(line, "[") ||
          !absl::SimpleAtod(line.substr(1, line.find('s') - 1), &t) ||
          t >= 3.0) {
        continue;
      }
      if (absl::StrContains(line, "nemesis: partition") ||
          absl::StrContains(line, "nemesis: heal")) {
        absl::StrAppend(&out, line, "\n");
      }
    }
    return out;
  };
  EXPECT_FALSE(partition_lines(partitions.notes).empty());
  EXPECT_EQ(partition_lines(partitions.notes), partition_lines(both.notes));
  ASSERT_FALSE(faulty.events.empty());
  // No extension fault before one fault interval into the main phase, and
  // no partition step after the time limit (3 s after the main phase began,
  // which is right after the inits at t=0).
  for (absl::string_view line : absl::StrSplit(both.notes, '\n')) {
    if (!absl::StrContains(line, "nemesis: ")) continue;
    double t = 0;
    ASSERT_TRUE(absl::SimpleAtod(line.substr(1, line.find('s') - 1), &t))
        << line;
    if (absl::StrContains(line, "crash ") ||
        absl::StrContains(line, "stall ")) {
      EXPECT_GE(t, 0.7) << line;
    }
    if (absl::StrContains(line, "nemesis: partition")) {
      EXPECT_LT(t, 3.0) << line;
    }
  }
  EXPECT_EQ(both.exit_code, 0)
      << FormatResults(both.result.verdict, both.result.report);
}

// Pins maelstrom src/maelstrom/service.clj default-services (all four are
// started for every test) with the models of PersistentTSO and LWWKV.
TEST(DriverTest, DriverServesAllFourServices) {
  ScriptedHost host;
  host.rewrite = [](int node, const std::string& type,
                    const std::string& line) {
    if (type != "init" || node != 0) return line;
    // The init_ok, then one request to each service (msg_ids 1..4).
    std::string out = line;
    int id = 0;
    for (const char* service : {"seq-kv", "lin-kv", "lww-kv"}) {
      absl::StrAppend(&out, "\n",
                      Json{{"src", "n0"},
                           {"dest", service},
                           {"body",
                            {{"type", "write"},
                             {"key", "k"},
                             {"value", 1},
                             {"msg_id", ++id}}}}
                          .dump());
    }
    absl::StrAppend(&out, "\n",
                    Json{{"src", "n0"},
                         {"dest", "lin-tso"},
                         {"body", {{"type", "ts"}, {"msg_id", ++id}}}}
                        .dump());
    return out;
  };
  DriverConfig c = Small();
  std::ostringstream journal, notes;
  Driver driver(c, host, {&journal, &notes});
  host.Attach(&driver);
  // Lines are handed over one at a time, as the harness reads them.
  auto inner = host.rewrite;
  host.rewrite = [&](int node, const std::string& type,
                     const std::string& line) {
    std::vector<std::string> lines =
        absl::StrSplit(inner(node, type, line), '\n');
    for (size_t i = 1; i < lines.size(); ++i) {
      driver.OnNodeLine(node, lines[i], absl::UnixEpoch());
    }
    return lines[0];
  };
  driver.Start(absl::UnixEpoch());
  driver.Advance(absl::UnixEpoch());
  EXPECT_EQ(absl::StrJoin(host.service_replies, "\n"),
            "seq-kv {\"in_reply_to\":1,\"type\":\"write_ok\"}\n"
            "lin-kv {\"in_reply_to\":2,\"type\":\"write_ok\"}\n"
            "lww-kv {\"in_reply_to\":3,\"type\":\"write_ok\"}\n"
            "lin-tso {\"in_reply_to\":4,\"ts\":0,\"type\":\"ts_ok\"}");
}

// Pins jepsen generator/context.clj busy-thread: every dispatched op, the
// nemesis's included, moves next-thread-index, so the partition nemesis
// changes which thread (and node) gets the following client ops. With
// instant replies every thread is always free: without a nemesis the threads
// go 0 1 2 0, 0 1 2 0, ... (index 3 is the nemesis's slot and wraps to 0).
TEST(DriverTest, PartitionOpsTakeRoundRobinTurns) {
  auto threads = [](const Ran& run) {
    std::vector<int> out;
    for (const HistoryEvent& e : run.result.history) {
      if (e.type == EventType::kInvoke && !e.final) out.push_back(e.thread);
    }
    return out;
  };
  DriverConfig c = Small();
  ScriptedHost quiet_host;
  const std::vector<int> quiet = threads(RunDriver(c, quiet_host));
  ASSERT_GT(quiet.size(), 20u);
  for (size_t i = 0; i < quiet.size(); ++i) {
    const int expected[] = {0, 1, 2, 0};
    EXPECT_EQ(quiet[i], expected[i % 4]) << "op " << i;
  }
  c.partition = true;
  c.nemesis_interval = absl::Milliseconds(500);
  ScriptedHost nemesis_host;
  const std::vector<int> with_nemesis = threads(RunDriver(c, nemesis_host));
  // The workload's random stream is its own: the same ops at the same
  // times, but dealt to other threads once the nemesis has taken turns.
  ASSERT_GT(with_nemesis.size(), 20u);
  EXPECT_NE(std::vector<int>(quiet.begin(), quiet.begin() + 20),
            std::vector<int>(with_nemesis.begin(), with_nemesis.begin() + 20));
}

// Bound: the journal stops at journal_max_lines with one line saying so;
// every message is still counted.
TEST(DriverTest, TheJournalIsBounded) {
  DriverConfig c = Small();
  c.journal_max_lines = 50;
  ScriptedHost host;
  Ran run = RunDriver(c, host);
  int lines = 0;
  for (char ch : run.journal) lines += ch == '\n';
  EXPECT_EQ(lines, 50);
  EXPECT_TRUE(absl::StrContains(run.journal, "[journal truncated at 50 lines"));
  EXPECT_GT(run.result.report.messages, 100);
  EXPECT_EQ(run.exit_code, 0);
}

// Bound: more than max_in_flight messages at once fails the run (exit 255)
// instead of growing without limit.
TEST(DriverTest, InFlightMessagesAreBounded) {
  DriverConfig c = Small();
  c.max_in_flight = 20;
  c.network.latency = absl::Seconds(1);
  ScriptedHost host;
  // Every read makes the node gossip 30 messages to its peers.
  host.rewrite = [&](int node, const std::string& type, const std::string&) {
    if (type == "init") {
      return Json{{"src", absl::StrCat("n", node)},
                  {"dest", "c" + std::to_string(node)},
                  {"body", {{"type", "init_ok"}, {"in_reply_to", 1}}}}
          .dump();
    }
    return std::string();
  };
  std::ostringstream journal, notes;
  Driver driver(c, host, {&journal, &notes});
  host.Attach(&driver);
  absl::Time now = absl::UnixEpoch();
  driver.Start(now);
  driver.Advance(now);
  for (int i = 0; i < 30 && driver.harness_error().empty(); ++i) {
    driver.OnNodeLine(0, R"({"src":"n0","dest":"n1","body":{"type":"gossip"}})",
                      now);
  }
  EXPECT_EQ(driver.in_flight(), 20);
  EXPECT_TRUE(
      absl::StrContains(driver.harness_error(), "over 20 messages in flight"));
  DriverResult r = driver.Finish(now);
  EXPECT_EQ(ExitCode(r.verdict, r.report), 255);
}

// Bound: at most kMaxFindings findings are kept; the rest are counted.
TEST(DriverTest, FindingsAreBounded) {
  ScriptedHost host;
  Driver driver(Small(), host, {});
  host.Attach(&driver);
  for (size_t i = 0; i < Driver::kMaxFindings + 5; ++i)
    driver.AddFinding("x", "y");
  DriverResult r = driver.Finish(absl::UnixEpoch());
  ASSERT_EQ(r.report.findings.size(), Driver::kMaxFindings + 1);
  EXPECT_EQ(r.report.findings.back().detail, "5 further findings not kept");
}

// Bound: at most max_fault_spans fault windows are recorded; the faults
// themselves still happen.
TEST(DriverTest, FaultSpansAreBounded) {
  DriverConfig c = Small();
  c.partition = true;
  c.nemesis_interval = absl::Milliseconds(100);
  c.max_fault_spans = 2;
  ScriptedHost host;
  Ran run = RunDriver(c, host);
  EXPECT_EQ(run.result.report.faults.size(), 2u);
  int steps = 0;
  for (absl::string_view line : absl::StrSplit(run.notes, '\n')) {
    steps += absl::StrContains(line, "nemesis: partition");
  }
  EXPECT_GT(steps, 2);
}

// A node that never answers init fails the test (exit 255), as db.clj's
// setup! throws after its 10 s wait.
TEST(DriverTest, NoInitOkIsACrash) {
  ScriptedHost host;
  host.rewrite = [](int, const std::string&, const std::string&) {
    return std::string();
  };
  Ran run = RunDriver(Small(), host);
  EXPECT_EQ(run.exit_code, 255);
  EXPECT_TRUE(absl::StrContains(run.result.report.harness_error,
                                "did not answer init"));
  EXPECT_EQ(run.end, absl::UnixEpoch() + absl::Seconds(10));
}

// Pins Maelstrom main's --nemesis kill,pause (jepsen-io/maelstrom PR #102;
// jepsen 0.3.7 nemesis/combined.clj db-package, db-nemesis, and
// core.clj maelstrom-test's final generator): the ops Jepsen's history
// holds (:kill/:pause with a node spec, :start/:resume with :all, each
// completion {node result} for the nodes db-nodes picked), alternating per
// flip-flop, the first at the main phase's start, none after the time
// limit, and the final :resume :all and :start :all at the heal; the host
// kills, restarts, pauses and resumes exactly the nodes the ops name; each
// restart sends init again from a new client.
TEST(DriverTest, MaelstromKillAndPauseAsMaelstromMain) {
  DriverConfig c = Small();
  c.kill = c.pause = true;
  c.nemesis_interval = absl::Milliseconds(300);
  c.workload.time_limit = absl::Seconds(5);
  ScriptedHost host;
  sim::RunRecord record;
  Ran run = RunDriver(c, host, nullptr, &record);
  EXPECT_EQ(run.exit_code, 0)
      << FormatResults(run.result.verdict, run.result.report);
  const std::vector<NemesisOpRecord>& ops = record.nemesis_ops;
  ASSERT_GE(ops.size(), 10u);
  EXPECT_EQ(ops.front().invoked, record.t0);
  const size_t n = ops.size();
  EXPECT_EQ(ops[n - 2].f, "resume");
  EXPECT_EQ(ops[n - 2].value.Print(), ":all");
  EXPECT_EQ(ops[n - 1].f, "start");
  EXPECT_EQ(ops[n - 1].value.Print(), ":all");
  EXPECT_GE(ops[n - 1].invoked, record.t0 + c.workload.time_limit);
  bool killed = false, paused = false;
  int64_t killed_nodes = 0, started_nodes = 0, paused_nodes = 0;
  auto count = [](const std::string& text, const std::string& what) {
    int64_t k = 0;
    for (size_t at = text.find(what); at != std::string::npos;
         at = text.find(what, at + 1))
      ++k;
    return k;
  };
  const std::set<std::string> specs = {
      "nil", ":one", ":minority-third", ":minority", ":majority", ":all"};
  for (size_t i = 0; i < n; ++i) {
    const NemesisOpRecord& op = ops[i];
    const std::string value = op.value.Print();
    const std::string result = op.result.Print();
    SCOPED_TRACE(
        absl::StrCat("op ", i, ": ", op.f, " ", value, " -> ", result));
    EXPECT_EQ(op.completed, op.invoked);
    if (i < n - 2) {
      EXPECT_LT(op.invoked, record.t0 + c.workload.time_limit);
    }
    if (op.f == "kill") {
      EXPECT_FALSE(killed);
      killed = true;
      EXPECT_EQ(specs.count(value), 1u);
      killed_nodes += count(result, ":killed");
    } else if (op.f == "start") {
      EXPECT_TRUE(killed || i == n - 1);
      killed = false;
      EXPECT_EQ(value, ":all");
      started_nodes += count(result, ":started");
      EXPECT_EQ(count(result, ":started") + count(result, ":already-running"),
                3);
    } else if (op.f == "pause") {
      EXPECT_FALSE(paused);
      paused = true;
      EXPECT_EQ(specs.count(value), 1u);
      paused_nodes += count(result, ":paused");
    } else {
      ASSERT_EQ(op.f, "resume");
      EXPECT_TRUE(paused || i == n - 2);
      paused = false;
      EXPECT_EQ(value, ":all");
    }
  }
  EXPECT_GT(killed_nodes, 0);
  EXPECT_EQ(started_nodes, killed_nodes) << "every killed node restarted";
  int64_t host_kills = 0, host_restarts = 0, host_pauses = 0;
  for (const std::string& e : host.events) {
    host_kills += absl::StartsWith(e, "kill ");
    host_restarts += absl::StartsWith(e, "restart ");
    host_pauses += absl::StartsWith(e, "pause ");
  }
  EXPECT_EQ(host_kills, killed_nodes);
  EXPECT_EQ(host_restarts, started_nodes);
  EXPECT_EQ(host_pauses, paused_nodes);
  // The restarts' inits come from new clients: c0..c2 sent the first
  // inits and c3..c5 are the setup clients.
  int64_t restart_inits = 0;
  for (absl::string_view line : absl::StrSplit(run.journal, '\n')) {
    if (!absl::StrContains(line, " send ") ||
        !absl::StrContains(line, "\"type\":\"init\""))
      continue;
    const std::string client(line.substr(line.find('#')));
    restart_inits += !absl::StrContains(client, " c0 ") &&
                     !absl::StrContains(client, " c1 ") &&
                     !absl::StrContains(client, " c2 ");
  }
  EXPECT_EQ(restart_inits, started_nodes);
  // The fault windows of Maelstrom's nemesis are no extra history ops.
  for (const FaultWindow& w : record.faults) EXPECT_FALSE(w.derived_ops);
}

// Pins Maelstrom main's kill (PR #102): "Killing a node doesn't unregister
// it from the network ... Its queue stays put instead, messages pile up
// undelivered, and the restart installs a fresh one." A message sent to a
// node before its restart is never delivered, even when it would arrive
// after the restart; messages sent after it are.
TEST(DriverTest, MessagesToAKilledNodeAreGoneWithItsQueue) {
  DriverConfig c = Small();
  c.nodes = {"n0"};
  c.workload.concurrency = 4;
  c.workload.client_timeout = absl::Milliseconds(100);
  c.kill = true;
  c.nemesis_interval = absl::Milliseconds(100);
  c.network.latency = absl::Milliseconds(100);
  ScriptedHost host;
  // On every add, the node also sends itself a gossip, 100 ms in flight.
  Driver* driver = nullptr;
  host.rewrite = [&](int node, const std::string& type,
                     const std::string& line) {
    if (type == "add") {
      driver->OnNodeLine(
          node,
          Json{{"src", "n0"}, {"dest", "n0"}, {"body", {{"type", "gossip"}}}}
              .dump(),
          host.delivered_to_nodes_at.back());
    }
    return line;
  };
  std::ostringstream journal, notes;
  sim::RunRecord record;
  Driver d(c, host, {&journal, &notes, false, false, &record});
  driver = &d;
  host.Attach(&d);
  absl::Time now = absl::UnixEpoch();
  d.Start(now);
  while (!d.done()) {
    const absl::Time next = d.NextWakeAt();
    if (next == absl::InfiniteFuture()) break;
    now = std::max(now, next);
    d.Advance(now);
  }
  d.Finish(now);
  std::vector<absl::Time> restarts;
  for (size_t i = 0; i < host.events.size(); ++i) {
    if (absl::StartsWith(host.events[i], "restart "))
      restarts.push_back(host.event_times[i]);
  }
  ASSERT_GE(restarts.size(), 3u);
  int64_t delivered = 0, lost_with_queue = 0;
  for (const MessageRecord& m : record.messages) {
    if (m.dest != "n0" || m.body.value("type", "") != "gossip") continue;
    ASSERT_TRUE(m.end.has_value());
    bool restarted_in_flight = false;
    for (absl::Time r : restarts)
      restarted_in_flight |= m.sent < r && r <= *m.end;
    if (m.fate == Fate::kDelivered) {
      ++delivered;
      EXPECT_FALSE(restarted_in_flight)
          << "sent at " << absl::FormatTime(m.sent) << " to the old queue";
    } else if (restarted_in_flight) {
      EXPECT_EQ(m.fate, Fate::kReceiverDown);
      ++lost_with_queue;
    }
  }
  EXPECT_GT(delivered, 0);
  EXPECT_GT(lost_with_queue, 0);
}

// Pins maelstrom v0.2.4 client.clj recv-schema and defrpc (check-body
// :recv): every reply a client reads must have an integer msg_id when it
// has one. A reply with "msg_id": null (a Rust Option left unset), 1.0 or
// "x" is a malformed RPC response: defrpc throws, the op is :info (jepsen
// generator/interpreter.clj ClientWorker), and with every reply malformed
// no op is :ok: the run is invalid. An integer msg_id of any size is fine.
TEST(DriverTest, RepliesAreCheckedAgainstRecvSchema) {
  for (const char* msg_id : {"null", "1.0", "\"x\"", "7", "1" /* x401 */}) {
    SCOPED_TRACE(msg_id);
    const bool big = std::string(msg_id) == "1";
    const std::string id = big ? "1" + std::string(400, '3') : msg_id;
    const bool valid = std::string(msg_id) == "7" || big;
    DriverConfig c = Small();
    ScriptedHost host;
    host.rewrite = [&](int, const std::string& type, const std::string& line) {
      if (type != "add" && type != "read") return line;
      // {"body":{...},"dest":...} -> {"body":{"msg_id":<id>,...},...}
      const size_t body = line.find("{\"body\":{");
      EXPECT_EQ(body, 0u) << line;
      return line.substr(0, 9) + "\"msg_id\":" + id + "," + line.substr(9);
    };
    Ran run = RunDriver(c, host);
    int64_t ok = 0, info = 0, malformed = 0;
    for (const HistoryEvent& e : run.result.history) {
      ok += e.type == EventType::kOk;
      info += e.type == EventType::kInfo;
      malformed += absl::StrContains(e.error, "Malformed RPC response") &&
                   absl::StrContains(e.error, ":msg_id (not (integer? ");
    }
    if (valid) {
      EXPECT_EQ(run.exit_code, 0);
      EXPECT_EQ(info, 0);
      EXPECT_GT(ok, 100);
    } else {
      EXPECT_EQ(run.exit_code, 1) << run.notes;
      EXPECT_EQ(ok, 0);
      EXPECT_GT(malformed, 100);
      EXPECT_EQ(malformed, info);
    }
  }
}

}  // namespace
}  // namespace sim
