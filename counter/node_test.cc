// Node tests that do not read well as a transcript: loops over many rounds,
// properties over several incarnations, a scripted seq-kv, a death test.
// Every other scenario of the node is a text transcript in
// counter/testdata/*.txt (run by //counter:transcript_test).
#include "counter/node.h"

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

}  // namespace
}  // namespace counter
