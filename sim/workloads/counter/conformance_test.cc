// Maelstrom conformance, the clients and the generator: every test pins one
// behaviour of Maelstrom v0.2.4 or Jepsen 0.3.7 that the simulator and the
// harness emulate, and names the source file and function it follows. They
// run the g-counter and pn-counter workloads (this package) through the
// generic interpreter (sim/maelstrom/interpreter.h). The services, network
// and nemesis pins are in sim/maelstrom/conformance_test.cc;
// docs/maelstrom-fidelity.md lists them by area.
//
// Statistical tests use fixed seeds, so they are deterministic; their
// tolerances are 5 binomial standard deviations, sqrt(N p (1 - p)) for N
// trials of probability p (a correct model lands outside with probability
// below 6e-7 per bucket), so a failure means the distribution is wrong, not
// that the seed was unlucky.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/maelstrom/interpreter.h"
#include "sim/maelstrom/prng.h"
#include "sim/workloads/counter/counter.h"

namespace workloads {
namespace counter {
namespace {

using kvclient::Json;
using kvclient::Message;
using sim::EventType;
using sim::HistoryEvent;
using sim::Interpreter;
using sim::Prng;
using sim::WorkloadOptions;

// |count - n p| within 5 binomial standard deviations.
void ExpectBinomial(int64_t count, int64_t n, double p,
                    const std::string& what) {
  const double mean = static_cast<double>(n) * p;
  const double sd = std::sqrt(static_cast<double>(n) * p * (1 - p));
  EXPECT_NEAR(static_cast<double>(count), mean, 5 * sd)
      << what << ": " << count << " of " << n << ", expected p=" << p;
}

// ---------------------------------------------------------------------------
// Clients and generator: maelstrom src/maelstrom/client.clj, db.clj,
// core.clj, workload/pn_counter.clj, g_counter.clj; jepsen
// src/jepsen/core.clj, generator.clj, generator/interpreter.clj, context.clj

std::vector<std::string> Nodes(int n) {
  std::vector<std::string> nodes;
  for (int i = 0; i < n; ++i) nodes.push_back("n" + std::to_string(i));
  return nodes;
}

// The counter workload -w names ("g-counter" or "pn-counter").
std::unique_ptr<sim::Workload> Counter(const WorkloadOptions& options) {
  const sim::WorkloadSpec& spec =
      options.name == "pn-counter" ? PnCounterSpec() : GCounterSpec();
  return *spec.make({});
}

// Drives the counter workload through the interpreter against scripted
// nodes that answer each request after reply_after(request) (nullopt:
// never) with add_ok / read_ok.
class ClientDriver {
 public:
  ClientDriver(WorkloadOptions options, int nodes, uint64_t seed)
      : workload(Counter(options)),
        w(options, *workload, Nodes(nodes)),
        prng(seed),
        now(absl::UnixEpoch()) {}

  // Sends the inits at t0 and answers them at once.
  std::vector<Message> Init() {
    std::vector<Message> inits = w.StartInits(now);
    for (const Message& init : inits) {
      std::string note;
      Json body = {{"type", "init_ok"}, {"in_reply_to", 1}};
      EXPECT_EQ(
          w.OnClientMessage(Message{init.dest, init.src, body}, now, &note),
          Interpreter::Delivery::kAccepted);
    }
    return inits;
  }

  // Runs until the workload is done or the next event is after `until`.
  void RunUntil(absl::Time until) {
    while (!w.done()) {
      absl::Time next = std::max(w.NextWakeAt(), now);
      if (!replies.empty()) next = std::min(next, replies.begin()->first);
      if (next > until || next == absl::InfiniteFuture()) return;
      now = next;
      while (!replies.empty() && replies.begin()->first <= now) {
        Message m = replies.begin()->second;
        replies.erase(replies.begin());
        std::string note;
        deliveries.emplace_back(m.dest, w.OnClientMessage(m, now, &note));
        Poll();
      }
      Poll();
    }
  }

  void Poll() {
    Interpreter::Output out = w.Poll(now, prng);
    heals += out.heal;
    for (const Message& m : out.messages) {
      requests.emplace_back(now, m);
      absl::optional<absl::Duration> delay = reply_after(m);
      if (!delay.has_value()) continue;
      Json body = m.body["type"] == "add"
                      ? Json{{"type", "add_ok"}}
                      : Json{{"type", "read_ok"}, {"value", 0}};
      body["in_reply_to"] = m.body["msg_id"];
      replies.emplace(now + *delay, Message{m.dest, m.src, body});
    }
  }

  // The main-phase requests: up to the heal (the final reads come 10 s
  // after it).
  std::vector<std::pair<absl::Time, Message>> MainRequests() const {
    std::vector<std::pair<absl::Time, Message>> main;
    for (const auto& r : requests) {
      if (r.first <= w.heal_time().value_or(absl::InfiniteFuture()))
        main.push_back(r);
    }
    return main;
  }

  std::unique_ptr<sim::Workload> workload;
  Interpreter w;
  Prng prng;
  absl::Time now;
  std::function<absl::optional<absl::Duration>(const Message&)> reply_after =
      [](const Message&) {
        return absl::optional<absl::Duration>(absl::ZeroDuration());
      };
  std::multimap<absl::Time, Message> replies;
  std::vector<std::pair<absl::Time, Message>> requests;
  std::vector<std::pair<std::string, Interpreter::Delivery>> deliveries;
  int heals = 0;
};

absl::optional<absl::Duration> Never(const Message&) { return absl::nullopt; }

// Pins maelstrom src/maelstrom/client.clj open! (ids "c" + one counter from
// 0), db.clj setup! (one init client per node, msg_id 1), jepsen core.clj
// with-client+nemesis-setup-teardown (one setup client per node, open for
// the whole test) and generator/interpreter.clj ClientWorker/invoke!
// (worker clients opened at a thread's first op).
TEST(ClientConformance, IdsGoInitThenSetupThenLazyWorkers) {
  WorkloadOptions o;
  o.concurrency = 5;
  o.rate = 100;
  ClientDriver d(o, 3, 700);
  d.reply_after = Never;
  std::vector<Message> inits = d.Init();
  ASSERT_EQ(inits.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(inits[i].src, "c" + std::to_string(i));
    EXPECT_EQ(inits[i].dest, "n" + std::to_string(i));
    EXPECT_EQ(inits[i].body["msg_id"], 1);
    EXPECT_FALSE(d.w.KnowsClient(inits[i].src));  // closed once answered
  }
  d.RunUntil(absl::UnixEpoch());
  for (const char* setup : {"c3", "c4", "c5"})
    EXPECT_TRUE(d.w.KnowsClient(setup)) << setup;
  ASSERT_EQ(d.requests.size(), 1u);  // the first op, at once; one client so far
  EXPECT_EQ(d.requests[0].second.src, "c6");
  EXPECT_FALSE(d.w.KnowsClient("c7"));
  d.RunUntil(absl::UnixEpoch() + absl::Seconds(1));
  // Nobody answers: each thread's first op opens its client, threads in
  // round-robin order 0..4, thread i talking to node i mod 3.
  ASSERT_EQ(d.requests.size(), 5u);
  const char* nodes[] = {"n0", "n1", "n2", "n0", "n1"};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(d.requests[i].second.src, "c" + std::to_string(6 + i));
    EXPECT_EQ(d.requests[i].second.dest, nodes[i]);
  }
  EXPECT_EQ(d.w.clients_opened(), 11);
}

// Pins jepsen generator/interpreter.clj ClientWorker/invoke! and run! (an
// :info completion gives the thread a new process; the old client is
// closed only when the thread invokes its next op) with maelstrom
// client.clj recv! (an open client skips what it is not waiting for) and
// net.clj validate-msg (a closed client is no valid dest).
TEST(ClientConformance, TimedOutClientStaysOpenUntilItsThreadsNextOp) {
  WorkloadOptions o;
  o.concurrency = 1;
  o.rate = 0.1;  // one op per 10 s on average: a gap after the timeout
  o.time_limit = absl::Seconds(1000);
  for (uint64_t seed = 701;; ++seed) {
    ASSERT_LT(seed, 800u) << "no seed with a gap after the first timeout";
    ClientDriver d(o, 1, seed);
    d.reply_after = Never;
    d.Init();
    d.RunUntil(absl::UnixEpoch());
    ASSERT_EQ(d.requests.size(), 1u);
    const Message first = d.requests[0].second;
    EXPECT_EQ(first.src, "c2");  // c0 init, c1 setup
    d.RunUntil(absl::UnixEpoch() + absl::Seconds(5));
    if (d.requests.size() != 1) continue;  // the next op followed at once
    ASSERT_EQ(d.w.history().back().type, EventType::kInfo);
    // Timed out, still open: a late reply is ignored, no invalid line.
    EXPECT_TRUE(d.w.KnowsClient("c2"));
    std::string note;
    Message late{"n0",
                 "c2",
                 {{"type", "add_ok"}, {"in_reply_to", first.body["msg_id"]}}};
    EXPECT_EQ(d.w.OnClientMessage(late, d.now, &note),
              Interpreter::Delivery::kIgnored)
        << note;
    // The thread's next op closes c2 and opens c3, whose msg_ids restart.
    d.RunUntil(absl::UnixEpoch() + absl::Seconds(40));
    ASSERT_GE(d.requests.size(), 2u);
    EXPECT_EQ(d.requests[1].second.src, "c3");
    EXPECT_EQ(d.requests[1].second.body["msg_id"], 1);
    EXPECT_FALSE(d.w.KnowsClient("c2"));
    EXPECT_EQ(d.w.OnClientMessage(late, d.now, &note),
              Interpreter::Delivery::kDepartedClient);
    EXPECT_EQ(note, "departed client c2");
    Message stray{"n0", "c99", {{"type", "add_ok"}, {"in_reply_to", 1}}};
    EXPECT_EQ(d.w.OnClientMessage(stray, d.now, &note),
              Interpreter::Delivery::kDepartedClient);
    EXPECT_EQ(note, "unknown client c99");
    return;
  }
}

// Pins jepsen core.clj with-client+nemesis-setup-teardown: the setup
// clients stay registered and never read, so a message to one is accepted
// by the network and ignored.
TEST(ClientConformance, SetupClientsAreOpenAndNeverRead) {
  WorkloadOptions o;
  o.concurrency = 2;
  ClientDriver d(o, 2, 702);
  d.Init();
  d.RunUntil(absl::UnixEpoch() + absl::Seconds(1));
  ASSERT_FALSE(d.requests.empty());
  EXPECT_EQ(d.requests[0].second.src, "c4");  // c0, c1 init; c2, c3 setup
  for (const char* setup : {"c2", "c3"}) {
    EXPECT_TRUE(d.w.KnowsClient(setup));
    std::string note;
    Message m{
        "n0", setup, {{"type", "read_ok"}, {"value", 1}, {"in_reply_to", 1}}};
    EXPECT_EQ(d.w.OnClientMessage(m, d.now, &note),
              Interpreter::Delivery::kIgnored);
  }
}

// Pins maelstrom src/maelstrom/client.clj open! (:next-msg-id (atom 0)) and
// send!: msg_ids count from 1 per client.
TEST(ClientConformance, MsgIdsCountFromOnePerClient) {
  WorkloadOptions o;
  o.concurrency = 1;
  o.rate = 1000;
  o.time_limit = absl::Seconds(12);
  ClientDriver d(o, 1, 703);
  // The first three ops are answered, the fourth never: a timeout.
  d.reply_after = [&d](const Message&) -> absl::optional<absl::Duration> {
    if (d.requests.size() == 4) return absl::nullopt;
    return absl::ZeroDuration();
  };
  d.Init();
  d.RunUntil(absl::UnixEpoch() + absl::Seconds(6));
  ASSERT_GE(d.requests.size(), 6u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(d.requests[i].second.src, "c2");
    EXPECT_EQ(d.requests[i].second.body["msg_id"], i + 1);
  }
  EXPECT_EQ(d.requests[4].second.src, "c3");
  EXPECT_EQ(d.requests[4].second.body["msg_id"], 1);
  EXPECT_EQ(d.requests[5].second.body["msg_id"], 2);
}

// Pins jepsen generator.clj Stagger/op: next-time starts at nil, so the
// first op goes out at once; each op handed out at t schedules the next at
// t + (rand dt), dt = 2/rate (maelstrom core.clj (gen/stagger (/ rate) ...)).
TEST(GeneratorConformance, StaggerFirstOpAtOnceThenUniformGaps) {
  WorkloadOptions o;
  o.concurrency = 5;
  o.rate = 100;  // dt = 20 ms
  o.time_limit = absl::Seconds(200);
  ClientDriver d(o, 5, 704);
  d.Init();
  d.RunUntil(absl::UnixEpoch() + absl::Seconds(199));
  std::vector<std::pair<absl::Time, Message>> main = d.MainRequests();
  ASSERT_GT(main.size(), 10000u);
  EXPECT_EQ(main[0].first, absl::UnixEpoch());
  EXPECT_EQ(d.w.start_time(), absl::UnixEpoch());
  int64_t below[4] = {0, 0, 0, 0};
  const int64_t gaps = static_cast<int64_t>(main.size()) - 1;
  for (size_t i = 1; i < main.size(); ++i) {
    const absl::Duration gap = main[i].first - main[i - 1].first;
    ASSERT_GE(gap, absl::ZeroDuration());
    ASSERT_LT(gap, absl::Milliseconds(20));
    for (int q = 0; q < 4; ++q)
      below[q] += gap < absl::Milliseconds(5) * (q + 1);
  }
  for (int q = 0; q < 3; ++q) {
    ExpectBinomial(below[q], gaps, 0.25 * (q + 1),
                   "gaps below " + std::to_string(5 * (q + 1)) + " ms");
  }
  EXPECT_EQ(below[3], gaps);
}

// Pins jepsen generator.clj Stagger/op and interpreter.clj run!: while no
// thread is free the op is :pending; when one frees up the op goes out then
// and the next is scheduled from THAT moment: no burst of the ops that
// "should" have gone out during the stall.
TEST(GeneratorConformance, StaggerDoesNotCatchUpAfterAStall) {
  WorkloadOptions o;
  o.concurrency = 2;
  o.rate = 100;
  o.time_limit = absl::Seconds(10);
  const absl::Time stall_end = absl::UnixEpoch() + absl::Seconds(1);
  for (uint64_t seed = 705; seed < 725; ++seed) {
    ClientDriver d(o, 2, seed);
    // Both early requests are answered at exactly stall_end, later ones at
    // once.
    d.reply_after =
        [&d, stall_end](const Message&) -> absl::optional<absl::Duration> {
      return d.now < stall_end ? stall_end - d.now : absl::ZeroDuration();
    };
    d.Init();
    d.RunUntil(stall_end + absl::Milliseconds(100));
    int at_stall_end = 0;
    absl::Time after = absl::InfiniteFuture();
    for (const auto& [t, m] : d.requests) {
      at_stall_end += t == stall_end;
      if (t > stall_end) after = std::min(after, t);
    }
    EXPECT_EQ(at_stall_end, 1) << "seed " << seed;
    EXPECT_LT(after - stall_end, absl::Milliseconds(20)) << "seed " << seed;
  }
}

// Pins jepsen generator/context.clj some-free-process (first free thread at
// or after next-thread-index, wrapping) and busy-thread (next-thread-index
// advances by one per dispatched op, modulo the thread count, which
// includes the :nemesis thread).
TEST(GeneratorConformance, RoundRobinOverThreadsAndTheNemesisSlot) {
  WorkloadOptions o;
  o.concurrency = 3;
  o.rate = 100;
  ClientDriver d(o, 3, 706);
  d.Init();
  d.RunUntil(absl::UnixEpoch() + absl::Seconds(2));
  std::vector<std::pair<absl::Time, Message>> main = d.MainRequests();
  ASSERT_GT(main.size(), 40u);
  // Index 0, 1, 2, then 3 (the nemesis' slot: wraps to thread 0), 0, ...:
  // threads 0 1 2 0 | 0 1 2 0 | ... (instant replies: all free).
  const char* expected[] = {"n0", "n1", "n2", "n0"};
  for (size_t i = 0; i < 40; ++i) {
    EXPECT_EQ(main[i].second.dest, expected[i % 4]) << "op " << i;
  }
  // Thread 1 stuck: its turns go to the next free thread at or after it.
  ClientDriver busy(o, 3, 707);
  busy.reply_after = [](const Message& m) -> absl::optional<absl::Duration> {
    if (m.dest == "n1") return absl::nullopt;
    return absl::ZeroDuration();
  };
  busy.Init();
  busy.RunUntil(absl::UnixEpoch() + absl::Seconds(2));
  main = busy.MainRequests();
  ASSERT_GT(main.size(), 20u);
  // 0 1 2 0 | 0 [1 busy->2] 2 0 | 0 2 2 0 | ...
  const char* with_busy[] = {"n0", "n1", "n2", "n0", "n0", "n2",
                             "n2", "n0", "n0", "n2", "n2", "n0"};
  for (size_t i = 0; i < 12; ++i)
    EXPECT_EQ(main[i].second.dest, with_busy[i]) << "op " << i;
}

// Pins jepsen generator/context.clj busy-thread as run by interpreter.clj
// for every dispatched op, the nemesis' included: a nemesis op takes a
// round-robin turn (Interpreter::OnNemesisOp).
TEST(GeneratorConformance, NemesisOpsTakeARoundRobinTurn) {
  WorkloadOptions o;
  o.concurrency = 3;
  o.rate = 100;
  ClientDriver d(o, 3, 708);
  d.Init();
  d.RunUntil(absl::UnixEpoch());
  ASSERT_EQ(d.requests.size(), 1u);
  EXPECT_EQ(d.requests[0].second.dest, "n0");
  EXPECT_EQ(d.w.next_thread_index(), 1);
  d.w.OnNemesisOp(d.now, absl::UnixEpoch() + absl::Seconds(5));
  EXPECT_EQ(d.w.next_thread_index(), 2);
  d.RunUntil(absl::UnixEpoch() + absl::Seconds(1));
  ASSERT_GE(d.requests.size(), 2u);
  EXPECT_EQ(d.requests[1].second.dest,
            "n2");  // thread 1's turn went to the nemesis
}

// Pins maelstrom src/maelstrom/workload/pn_counter.clj workload
// ((gen/mix [(fn [] {:f :add, :value (- (rand-int 10) 5)}) (repeat {:f
// :read})])), jepsen generator.clj Mix (uniform choice) and g_counter.clj
// workload (gen/filter dropping negative adds): g-counter 1/3 add with
// delta uniform 0..4 (1/15 each), 2/3 read; pn-counter 1/2 add with delta
// uniform -5..4 (1/20 each), 1/2 read.
TEST(GeneratorConformance, OpMix) {
  for (bool pn : {false, true}) {
    Prng prng(pn ? 709 : 710);
    const int64_t n = 150000;
    std::map<int64_t, int64_t> deltas;
    int64_t reads = 0;
    for (int64_t i = 0; i < n; ++i) {
      DrawnOp op = DrawCounterOp(pn, prng);
      if (op.f == kvclient::CounterOp::kRead) {
        ++reads;
      } else {
        ++deltas[op.delta];
      }
    }
    ExpectBinomial(reads, n, pn ? 0.5 : 2.0 / 3, pn ? "pn reads" : "g reads");
    EXPECT_EQ(deltas.size(), pn ? 10u : 5u);
    EXPECT_EQ(deltas.begin()->first, pn ? -5 : 0);
    EXPECT_EQ(deltas.rbegin()->first, 4);
    for (const auto& [delta, count] : deltas) {
      ExpectBinomial(count, n, pn ? 1.0 / 20 : 1.0 / 15,
                     "delta " + std::to_string(delta));
    }
  }
}

// Pins jepsen generator.clj TimeLimit/op (cutoff = the first op's time +
// limit; the first op at or past it ends the generator) over the Stagger:
// the main phase ends as soon as the next op is scheduled past the cutoff,
// which can be before the cutoff itself; no op at or after the cutoff.
TEST(GeneratorConformance, TimeLimitEndsWhenTheNextOpFallsPastTheCutoff) {
  WorkloadOptions o;
  o.concurrency = 1;
  o.rate = 1;  // gaps uniform [0, 2 s)
  o.time_limit = absl::Seconds(10);
  int ended_early = 0;
  for (uint64_t seed = 711; seed < 741; ++seed) {
    ClientDriver d(o, 1, seed);
    d.Init();
    d.RunUntil(absl::UnixEpoch() + absl::Seconds(60));
    ASSERT_TRUE(d.w.done());
    const std::vector<std::pair<absl::Time, Message>> main = d.MainRequests();
    ASSERT_FALSE(main.empty());
    for (const auto& [t, m] : main) EXPECT_LT(t, d.w.cutoff());
    // Instant replies: the heal follows the last op at once.
    EXPECT_EQ(*d.w.heal_time(), main.back().first) << "seed " << seed;
    ended_early += *d.w.heal_time() < d.w.cutoff();
  }
  EXPECT_EQ(ended_early, 30);
}

// Pins jepsen generator.clj TimeLimit/op, Any (soonest-op-map: a :pending
// generator loses to one with an op), phases/Synchronize and
// generator/interpreter.clj run! (on :pending it asks the OLD generator
// again): with every client thread busy the clients are :pending, so a
// nemesis op past the cutoff makes TimeLimit return nil, but the next phase
// waits for every thread, and a thread that frees up before the cutoff gets
// a new op. Without a nemesis the phase ends when the last busy thread frees
// at or after the cutoff.
TEST(GeneratorConformance, TimeLimitWithEveryThreadBusy) {
  WorkloadOptions o;
  o.concurrency = 1;
  o.rate = 1000;
  o.time_limit = absl::Seconds(10);
  const absl::Time t0 = absl::UnixEpoch();
  {
    WorkloadOptions slow = o;
    slow.client_timeout = absl::Seconds(30);
    ClientDriver d(slow, 1, 742);
    // Answers everything at t0 + 12 s: the only thread is busy past the cutoff.
    d.reply_after = [&d, t0](const Message&) -> absl::optional<absl::Duration> {
      return std::max(absl::ZeroDuration(), t0 + absl::Seconds(12) - d.now);
    };
    d.Init();
    d.RunUntil(t0 + absl::Seconds(15));
    EXPECT_EQ(d.MainRequests().size(), 1u);
    EXPECT_EQ(*d.w.heal_time(), t0 + absl::Seconds(12));
  }
  {
    ClientDriver d(o, 1, 743);
    d.reply_after = Never;
    d.Init();
    d.RunUntil(t0);
    ASSERT_EQ(d.w.phase(), Interpreter::Phase::kMain);
    // The nemesis fired at t0 and wants to act next past the cutoff.
    d.w.OnNemesisOp(t0, t0 + absl::Seconds(11));
    d.Poll();
    EXPECT_EQ(d.w.phase(), Interpreter::Phase::kMain);
    // The thread's op times out at 5 s; the thread is free before the
    // cutoff (10 s), so it gets the next op then.
    d.RunUntil(t0 + absl::Seconds(5));
    EXPECT_EQ(d.w.phase(), Interpreter::Phase::kMain);
    EXPECT_EQ(d.MainRequests().size(), 2u);
  }
}

// Pins maelstrom src/maelstrom/core.clj maelstrom-test (gen/phases
// generator (gen/nemesis final) (gen/log ...) (gen/sleep 10) (gen/clients
// final)) with pn_counter.clj's final generator (gen/each-thread {:f :read
// :final? true}): heal once every op is done, sleep 10 s, then one final
// read per thread, all at once; a thread whose last op was :info reads from
// a new client.
TEST(GeneratorConformance, PhasesHealSleepThenOneFinalReadPerThread) {
  WorkloadOptions o;
  o.concurrency = 4;
  o.rate = 50;
  o.time_limit = absl::Seconds(10);
  ClientDriver d(o, 2, 744);
  d.reply_after = [](const Message& m) -> absl::optional<absl::Duration> {
    if (m.dest == "n1" && m.src != "c4" && m.src != "c5") {
      return absl::nullopt;  // the n1 threads' later clients time out
    }
    return absl::Milliseconds(1);
  };
  d.Init();
  d.RunUntil(absl::UnixEpoch() + absl::Seconds(60));
  ASSERT_TRUE(d.w.done());
  EXPECT_EQ(d.heals, 1);
  std::vector<const HistoryEvent*> finals;
  for (const HistoryEvent& e : d.w.history()) {
    if (e.final && e.type == EventType::kInvoke) finals.push_back(&e);
  }
  ASSERT_EQ(finals.size(), 4u);
  std::set<int> threads;
  for (const HistoryEvent* e : finals) {
    threads.insert(e->thread);
    EXPECT_EQ(e->time, *d.w.heal_time() + absl::Seconds(10));
  }
  EXPECT_EQ(threads.size(), 4u);
  // Each final read uses its thread's client, new if its last op was :info.
  for (const HistoryEvent* e : finals) {
    const HistoryEvent* last = nullptr;
    for (const HistoryEvent& h : d.w.history()) {
      if (&h == e) break;
      if (h.thread == e->thread && h.type != EventType::kInvoke) last = &h;
    }
    ASSERT_NE(last, nullptr);
    if (last->type == EventType::kInfo) {
      EXPECT_NE(e->client, last->client) << "thread " << e->thread;
    } else {
      EXPECT_EQ(e->client, last->client) << "thread " << e->thread;
    }
  }
}

}  // namespace
}  // namespace counter
}  // namespace workloads
