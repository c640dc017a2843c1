// Node tests that do not read well as a transcript: loops over many rounds,
// properties over several incarnations, a scripted seq-kv, a death test.
// Every other scenario of the node is a text transcript in
// counter/testdata/*.txt (run by //counter:transcript_test).
#include "counter/node.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kvclient/message.h"

namespace counter {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Json = kvclient::Json;

const absl::Time kT0 = absl::UnixEpoch();

Options Pinned() {
  Options options;
  options.refresh_interval = absl::Milliseconds(500);
  options.max_refresh_interval = absl::Seconds(2);
  options.sync_grace = absl::Milliseconds(50);
  // These transcripts pin the KV-read modes (auto as it was before pushes);
  // push transcripts ask for Dissemination::kPush.
  options.auto_push = false;
  return options;
}

class Transcript {
 public:
  // Timings are pinned here so the transcripts do not move with defaults.
  explicit Transcript(Options options = Pinned()) : options_(options) {
    options_.incarnation = options_.incarnation ? options_.incarnation : 0xa;
    node_ = std::make_unique<Node>(options_);
  }

  // Delivers `body` from `src` at `ms` and returns what the node sent.
  std::vector<std::string> At(int ms, const std::string& src,
                              const std::string& body) {
    node_->Step(kvclient::Message{src, "n1", Json::parse(body)}, Time(ms));
    return Drain();
  }
  std::vector<std::string> TickAt(int ms) {
    node_->Tick(Time(ms));
    return Drain();
  }
  Node& node() { return *node_; }
  absl::optional<absl::Time> wake_at() const { return wake_at_; }

 private:
  static absl::Time Time(int ms) { return kT0 + absl::Milliseconds(ms); }
  std::vector<std::string> Drain() {
    Ready ready = node_->TakeReady();
    wake_at_ = ready.wake_at;
    std::vector<std::string> lines;
    for (const kvclient::Message& m : ready.messages) {
      lines.push_back(m.src + " -> " + m.dest + " " + m.body.dump());
    }
    return lines;
  }

  Options options_;
  std::unique_ptr<Node> node_;
  absl::optional<absl::Time> wake_at_;
};

TEST(NodeDeathTest, ADriverThatNeverTakesReadyHitsTheBoundOnReadyMessages) {
  Options options = Pinned();
  options.max_pending_adds = 1;
  // 1 add + (1 + 2 + 2) KV requests + 1 push + 2 = 9 messages per Ready
  options.max_nodes = 1;
  Node node(options);
  EXPECT_DEATH(
      {
        for (int i = 1; i <= 10; ++i) {
          node.Step(
              kvclient::Message{"c1", "n1", {{"type", "read"}, {"msg_id", i}}},
              kT0);
        }
      },
      "the driver takes Ready after every Step and Tick");
}

// --kv is checked where users type it (counter/main.cc); for every other
// driver the node itself refuses a service that cannot hold the counter.
TEST(NodeDeathTest, OnlySeqKvAndLinKvCanHoldTheCounter) {
  for (const char* service : {"seq-kv", "lin-kv"}) {
    Options options = Pinned();
    options.kv_service = service;
    Node node(options);
  }
  Options options = Pinned();
  options.kv_service = "lww-kv";
  EXPECT_DEATH(Node{options}, "the counter lives only in seq-kv or lin-kv");
}

Options Summary() {
  Options options = Pinned();
  options.dissemination = Dissemination::kSummary;
  options.summary_interval = absl::Milliseconds(300);
  options.jitter_summary_rounds = false;  // exact times in the transcripts
  return options;
}

TEST(Node, SummaryRoundsAreJitteredPerIncarnationSoNodesFallOutOfStep) {
  std::set<absl::Time> wakes;
  for (uint64_t incarnation : {0xa, 0xb, 0xc, 0xd}) {
    Options options = Summary();
    options.jitter_summary_rounds = true;
    options.incarnation = incarnation;
    Transcript t(options);
    t.At(
        0, "c0",
        R"({"type":"init","msg_id":1,"node_id":"n1","node_ids":["n0","n1","n2"]})");
    t.At(1, "seq-kv", R"({"type":"error","code":20,"in_reply_to":1})");
    t.At(2, "seq-kv", R"({"type":"cas_ok","in_reply_to":2})");  // round at 2
    ASSERT_TRUE(t.wake_at().has_value());
    EXPECT_GE(*t.wake_at(), kT0 + absl::Milliseconds(2 + 300));
    EXPECT_LT(*t.wake_at(), kT0 + absl::Milliseconds(2 + 300 + 300 / 8));
    wakes.insert(*t.wake_at());
  }
  EXPECT_EQ(wakes.size(), 4u) << "four incarnations, four different phases";
}

// Serves every KV request `rtt` after it was sent: own key absent, cas ok,
// and a summary in which every peer's total grows each time it is read.
// Returns the keys the node read, in order.
std::vector<std::string> RunAgainstBusySummary(Transcript& t, int rtt_ms,
                                               int until_ms) {
  std::vector<std::string> reads;
  std::vector<std::pair<int, Json>> inflight;  // (reply time, request)
  int summary_reads = 0;
  auto take = [&](const std::vector<std::string>& out, int now) {
    for (const std::string& line : out) {
      if (line.find(" -> seq-kv ") == std::string::npos) continue;
      inflight.emplace_back(now + rtt_ms,
                            Json::parse(line.substr(line.find('{'))));
    }
  };
  take(
      t.At(
          0, "c0",
          R"({"type":"init","msg_id":1,"node_id":"n1","node_ids":["n0","n1","n2","n3","n4"]})"),
      0);
  for (int now = 1; now <= until_ms; ++now) {
    std::vector<std::pair<int, Json>> due;
    for (auto it = inflight.begin(); it != inflight.end();) {
      if (it->first <= now) {
        due.push_back(*it);
        it = inflight.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& [at, req] : due) {
      Json reply = {{"in_reply_to", req["msg_id"]}};
      std::string key = req.value("key", "");
      if (req["type"] == "read") {
        reads.push_back(key);
        if (key == "counter/n1") {
          reply["type"] = "error";
          reply["code"] = 20;
        } else if (key == "counter/summary") {
          ++summary_reads;
          reply["type"] = "read_ok";
          for (const char* peer : {"n0", "n2", "n3", "n4"}) {
            reply["value"][peer] = {summary_reads, 10 * summary_reads};
          }
        } else {
          reply["type"] = "read_ok";
          reply["value"] = {{"total", 10 * now},
                            {"tag", "x." + std::to_string(now)},
                            {"n", now}};
        }
      } else {
        reply["type"] = req["type"] == "cas" ? "cas_ok" : "write_ok";
      }
      take(t.At(now, "seq-kv", reply.dump()), now);
    }
    take(t.TickAt(now), now);
  }
  return reads;
}

TEST(Node, AutoFallsBackToPeerKeysWhenTheSummaryWouldQueuePushes) {
  // 4 peers changing every round, 100 ms round trips: the summary key would
  // have to take about 1 push per round trip. Auto reads peer keys instead.
  Transcript slow(Pinned());
  std::vector<std::string> reads = RunAgainstBusySummary(slow, 100, 6000);
  ASSERT_FALSE(reads.empty());
  EXPECT_EQ(reads[1], "counter/summary") << "starts with the summary";
  EXPECT_EQ(reads.back(), "counter/n4") << "ends reading peer keys";
  // The same load with instant round trips keeps the summary.
  Transcript fast(Pinned());
  reads = RunAgainstBusySummary(fast, 0, 6000);
  EXPECT_EQ(reads.back(), "counter/summary");
}

// ------------------------------------------------------ push dissemination --

Options Push() {
  Options options = Pinned();
  options.dissemination = Dissemination::kPush;
  options.push_interval = absl::Milliseconds(1000);
  options.push_heartbeat = absl::Seconds(3);
  options.push_silence = absl::Seconds(4);
  return options;
}

// n1 of {n0, n1, n2}, own key absent: at load (2 ms) it pushes its view to
// both peers, with no sync and no peer read.
void BootPush(Transcript& t) {
  t.At(
      0, "c0",
      R"({"type":"init","msg_id":1,"node_id":"n1","node_ids":["n0","n1","n2"]})");
  EXPECT_THAT(
      t.At(2, "seq-kv", R"({"type":"error","code":20,"in_reply_to":1})"),
      ElementsAre(R"(n1 -> n0 {"type":"counter_push","view":{"n1":[0,0,2]}})",
                  R"(n1 -> n2 {"type":"counter_push","view":{"n1":[0,0,2]}})"));
}

// A silent peer may have lost what it was sent (a partition drops pushes),
// so it is pushed to every round, not once per heartbeat: after a heal it is
// current within one round.
TEST(NodePush, ASilentPeerIsPushedToEveryRound) {
  Transcript t(Push());
  BootPush(t);
  t.At(10, "n0", R"({"type":"counter_push","view":{"n0":[3,7,1]}})");
  t.At(11, "n2", R"({"type":"counter_push","view":{"n2":[1,5,1]}})");
  std::map<int, std::vector<std::string>> pushed_to;  // round -> targets
  for (int ms = 100; ms <= 6100; ms += 100) {
    // n0 knows everything n1 does (so it is never pushed to for repair).
    t.At(ms, "n0",
         absl::StrCat(R"({"type":"counter_push","view":{"n0":[3,7,)", ms,
                      R"(],"n1":[0,0,2],"n2":[1,5,1]}})"));
    for (const std::string& line : t.TickAt(ms + 2)) {
      if (absl::StrContains(line, "counter_push")) {
        pushed_to[ms + 2].push_back(line.substr(6, 2));
      }
    }
  }
  // 1002: both lacked entries at first (their first pushes showed it);
  // 4002: both heartbeats due. n2 is silent from 4011 ms (its heartbeat last
  // advanced at 11, push_silence 4 s): pushed to at 5002 and 6002 although
  // nothing changed and its heartbeat is not due; n0, heard all along, not.
  EXPECT_THAT(pushed_to[1002], ElementsAre("n2", "n0"));
  EXPECT_THAT(pushed_to[2002], IsEmpty());
  EXPECT_THAT(pushed_to[3002], IsEmpty());
  EXPECT_THAT(pushed_to[4002], ElementsAre("n2", "n0"));
  EXPECT_THAT(pushed_to[5002], ElementsAre("n2"));
  EXPECT_THAT(pushed_to[6002], ElementsAre("n2"));
}

TEST(NodePush, ReadsOnlySilentPeersFromSeqKvWithTheFreshnessRule) {
  Transcript t(Push());
  BootPush(t);
  t.At(10, "n0", R"({"type":"counter_push","view":{"n0":[3,7,1]}})");
  t.At(11, "n2", R"({"type":"counter_push","view":{"n2":[1,5,1]}})");
  // n0 keeps pushing every 100 ms, n2 goes silent: its heartbeat last
  // advanced at 11 ms, so it is silent from 4011 ms (push_silence, one hop).
  int first_kv_ms = -1;
  std::string first_kv;
  for (int ms = 100; ms <= 8000 && first_kv_ms < 0; ms += 100) {
    std::vector<std::string> out =
        t.At(ms, "n0",
             absl::StrCat(R"({"type":"counter_push","view":{"n0":[3,7,)", ms,
                          "]}}"));
    std::vector<std::string> more = t.TickAt(ms + 50);
    out.insert(out.end(), more.begin(), more.end());
    for (const std::string& line : out) {
      if (first_kv_ms < 0 && absl::StrContains(line, "-> seq-kv")) {
        first_kv_ms = ms;
        first_kv = line;
      }
    }
  }
  // The first round after the bound syncs (a zero-delta cas, the freshness
  // rule of the peer-keys mode) before reading; nothing touched seq-kv
  // before.
  EXPECT_GE(first_kv_ms, 4000);
  EXPECT_LE(first_kv_ms, 4000 + 2000 + 100) << "within a (stretched) round";
  EXPECT_EQ(
      first_kv,
      R"(n1 -> seq-kv {"create_if_not_exists":true,"from":null,"key":"counter/n1","msg_id":2,"to":{"n":1,"tag":"a.1","total":0},"type":"cas"})");
  // Once it lands, only the silent peer's key is read.
  EXPECT_THAT(
      t.At(first_kv_ms + 60, "seq-kv", R"({"type":"cas_ok","in_reply_to":2})"),
      ElementsAre(
          R"(n1 -> seq-kv {"key":"counter/n2","msg_id":3,"type":"read"})"));
  t.At(
      first_kv_ms + 61, "seq-kv",
      R"({"type":"read_ok","in_reply_to":3,"value":{"total":9,"tag":"z.3","n":3}})");
  EXPECT_EQ(t.node().ReadValue(), 16);
  // A newer pushed entry replaces what the read found.
  t.At(first_kv_ms + 70, "n2",
       R"({"type":"counter_push","view":{"n2":[5,11,9]}})");
  EXPECT_EQ(t.node().ReadValue(), 18);
}

// ------------------------------------------------------------- backoff --

// A seq-kv stand-in that answers every request at once (1 ms later) with
// what `answer` says (nullopt: no reply). Drives one node (n1 of n0..n4) for
// `seconds` of virtual time with an add every 100 ms, and counts the KV
// requests it sends. Peers are silent (their pushes never come).
struct BrokenKvRun {
  int64_t kv_requests = 0;
  int64_t kv_requests_after_ramp = 0;  // from 2 s on
  int max_per_second = 0;              // in any whole second from 2 s on
  int64_t adds_acked = 0;
  absl::optional<int> first_ack_ms_after_heal;
  // When the refresh rounds' requests (any key but the own) went out.
  std::vector<int> round_request_ms;

  // The mean gap between bursts of round requests (those more than 100 ms
  // apart) from `from_ms` on; 0 with fewer than two bursts.
  double MeanRoundGapMs(int from_ms) const {
    std::vector<int> bursts;
    for (int ms : round_request_ms) {
      if (ms < from_ms) continue;
      if (bursts.empty() || ms - bursts.back() > 100) bursts.push_back(ms);
    }
    if (bursts.size() < 2) return 0;
    return static_cast<double>(bursts.back() - bursts.front()) /
           static_cast<double>(bursts.size() - 1);
  }
};

using KvAnswer = std::function<absl::optional<Json>(const Json& request)>;

// A node whose retry paths do not back off (for the tests' own teeth).
class NoBackoff : public Node {
 public:
  using Node::Node;

 protected:
  absl::Duration RetryDelay(const Backoff&) const override {
    return absl::ZeroDuration();
  }
};

template <typename N = Node>
BrokenKvRun RunAgainst(Options options, const KvAnswer& broken, int seconds,
                       int heal_at_ms = -1) {
  options.incarnation = 0xa;
  N node(options);
  BrokenKvRun run;
  std::map<std::string, Json> store;  // the healed service: linearizable
  auto healthy = [&store](const Json& req) -> absl::optional<Json> {
    std::string key = req["key"];
    auto it = store.find(key);
    if (req["type"] == "read") {
      if (it == store.end()) return Json{{"type", "error"}, {"code", 20}};
      return Json{{"type", "read_ok"}, {"value", it->second}};
    }
    if (it == store.end() ? !req.value("create_if_not_exists", false)
                          : it->second != req["from"]) {
      return Json{{"type", "error"}, {"code", it == store.end() ? 20 : 22}};
    }
    store[key] = req["to"];
    return Json{{"type", "cas_ok"}};
  };
  std::vector<std::pair<int, Json>> replies;  // (due ms, body)
  std::map<int, int> per_second;
  auto handle = [&](int now) {
    Ready ready = node.TakeReady();
    for (const kvclient::Message& m : ready.messages) {
      if (m.dest == "c2" && kvclient::BodyType(m.body) == "add_ok") {
        ++run.adds_acked;
        if (heal_at_ms >= 0 && now >= heal_at_ms &&
            !run.first_ack_ms_after_heal.has_value()) {
          run.first_ack_ms_after_heal = now - heal_at_ms;
        }
      }
      if (m.dest != "seq-kv") continue;
      ++run.kv_requests;
      ++per_second[now / 1000];
      if (now >= 2000) ++run.kv_requests_after_ramp;
      if (m.body["key"] != "counter/n1") run.round_request_ms.push_back(now);
      const bool healed = heal_at_ms >= 0 && now >= heal_at_ms;
      absl::optional<Json> reply = healed ? healthy(m.body) : broken(m.body);
      if (!reply.has_value()) continue;
      (*reply)["in_reply_to"] = m.body["msg_id"];
      replies.emplace_back(now + 1, *reply);
    }
  };
  auto at = [](int ms) { return kT0 + absl::Milliseconds(ms); };
  node.Step({"c0", "n1",
             Json::parse(R"({"type":"init","msg_id":1,"node_id":"n1",)"
                         R"("node_ids":["n0","n1","n2","n3","n4"]})")},
            at(0));
  handle(0);
  for (int now = 1; now <= seconds * 1000; ++now) {
    std::vector<std::pair<int, Json>> due;
    for (auto it = replies.begin(); it != replies.end();) {
      if (it->first <= now) {
        due.push_back(*it);
        it = replies.erase(it);
      } else {
        ++it;
      }
    }
    for (const auto& [ms, body] : due) {
      node.Step({"seq-kv", "n1", body}, at(now));
      handle(now);
    }
    if (now % 100 == 0) {
      node.Step(
          {"c2", "n1", {{"type", "add"}, {"delta", 1}, {"msg_id", 1000 + now}}},
          at(now));
      handle(now);
    }
    node.Tick(at(now));
    handle(now);
  }
  for (const auto& [second, count] : per_second) {
    if (second >= 2) run.max_per_second = std::max(run.max_per_second, count);
  }
  return run;
}

Json Error(int code) {
  return Json{{"type", "error"}, {"code", code}, {"text", "broken"}};
}

// How a broken seq-kv answers. Each keeps some retry path failing for good.
const std::vector<std::pair<std::string, KvAnswer>>& BrokenServices() {
  static const auto* services = new std::vector<
      std::pair<std::string, KvAnswer>>{
      {"every request error 13",
       [](const Json&) -> absl::optional<Json> { return Error(13); }},
      {"every request error 11",
       [](const Json&) -> absl::optional<Json> { return Error(11); }},
      {"replies of the wrong type",
       [](const Json& req) -> absl::optional<Json> {
         return Json{{"type", req["type"] == "read" ? "cas_ok" : "read_ok"}};
       }},
      {"read_ok without a value, cas_ok",
       [](const Json& req) -> absl::optional<Json> {
         return Json{{"type", req["type"] == "read" ? "read_ok" : "cas_ok"}};
       }},
      {"garbled values, cas 22",
       [](const Json& req) -> absl::optional<Json> {
         if (req["type"] != "read") return Error(22);
         return Json{{"type", "read_ok"}, {"value", {{"total", "x"}}}};
       }},
      {"lww-kv: keys absent, cas never creates (20)",
       [](const Json&) -> absl::optional<Json> { return Error(20); }},
      {"own key absent, other reads fail, cas ok",
       [](const Json& req) -> absl::optional<Json> {
         if (req["type"] != "read") return Json{{"type", "cas_ok"}};
         if (req["key"] == "counter/n1") return Error(20);
         return Error(13);
       }},
      {"reads ok, summary cas 13",
       [](const Json& req) -> absl::optional<Json> {
         if (req["type"] == "read") return Error(20);
         if (req["key"] == "counter/summary") return Error(13);
         return Json{{"type", "cas_ok"}};
       }},
      {"reads ok, every cas loses a race (22)",
       [](const Json& req) -> absl::optional<Json> {
         if (req["type"] == "read") return Error(20);
         return Error(22);
       }},
  };
  return *services;
}

std::vector<std::pair<std::string, Options>> Modes() {
  std::vector<std::pair<std::string, Options>> modes;
  for (Dissemination d : {Dissemination::kPeerKeys, Dissemination::kSummary,
                          Dissemination::kPush}) {
    Options options;  // the shipped defaults
    options.dissemination = d;
    modes.emplace_back(std::string(DisseminationName(d)), options);
  }
  return modes;
}

// README "Backoff": under a seq-kv that fails every request of some path at
// once, a node (here with an add every 100 ms, which alone would cost 10
// cas a second) sends at most 20 KV requests a second, in every second from
// 2 s on. Without the backoff the failing paths loop as fast as the service
// answers (here: once a millisecond).
TEST(NodeBackoff, ABrokenSeqKvGetsAtMost20RequestsASecondPerNode) {
  for (const auto& [mode, options] : Modes()) {
    for (const auto& [service, answer] : BrokenServices()) {
      BrokenKvRun run = RunAgainst(options, answer, 30);
      SCOPED_TRACE(absl::StrCat(mode, ", ", service));
      EXPECT_LE(run.max_per_second, 20)
          << run.kv_requests << " KV requests in 30 s";
      EXPECT_GE(run.kv_requests, 1) << "it keeps trying";
    }
  }
}

// The same services without the backoff: the own key's paths loop as fast
// as the service answers. (The refresh rounds are paced by their interval
// anyway; the next test shows their backoff.)
TEST(NodeBackoff, WithoutTheBackoffTheOwnKeyLoops) {
  BrokenKvRun run =
      RunAgainst<NoBackoff>(Modes()[0].second, BrokenServices()[0].second, 5);
  EXPECT_GE(run.max_per_second, 900) << "one request per millisecond";
}

// Rounds whose work fails (a read, the summary cas) back off to
// max_refresh_interval (2 s; each delay drawn from [1 s, 2 s]): past the
// ramp they come about 1.5 s apart, where the plain intervals would give
// 0.5 s (peer keys), 0.3 s (summary) and 1 s (push fallback reads).
TEST(NodeBackoff, FailingRoundsStretchToTheCap) {
  const std::pair<std::string, KvAnswer>& reads_fail = BrokenServices()[6];
  const std::pair<std::string, KvAnswer>& summary_cas_fails =
      BrokenServices()[7];
  for (const auto& [mode, options] : Modes()) {
    const auto& service = mode == "summary" ? summary_cas_fails : reads_fail;
    SCOPED_TRACE(absl::StrCat(mode, ", ", service.first));
    BrokenKvRun run = RunAgainst(options, service.second, 30);
    EXPECT_GE(run.MeanRoundGapMs(10000), 1250);
    EXPECT_LE(run.MeanRoundGapMs(10000), 2000 + 100 + 100) << "cap + grace";
    BrokenKvRun plain = RunAgainst<NoBackoff>(options, service.second, 30);
    EXPECT_LE(plain.MeanRoundGapMs(10000), 1150) << "the test has teeth";
  }
}

// The backoff ends with the fault: once seq-kv answers again, the own key's
// next request goes within its cap (1 s), and adds are acknowledged.
TEST(NodeBackoff, AHealedSeqKvIsUsedAgainWithinTheCap) {
  for (const auto& [mode, options] : Modes()) {
    for (const auto& [service, answer] : BrokenServices()) {
      BrokenKvRun run = RunAgainst(options, answer, 20, /*heal_at_ms=*/10000);
      SCOPED_TRACE(absl::StrCat(mode, ", ", service));
      ASSERT_TRUE(run.first_ack_ms_after_heal.has_value());
      // cap (1 s) for the wait, + at most 2 round trips and an add period
      EXPECT_LE(*run.first_ack_ms_after_heal, 1000 + 2 + 100);
    }
  }
}

}  // namespace
}  // namespace counter
