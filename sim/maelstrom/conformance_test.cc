// Maelstrom conformance suite: every test pins one behaviour of Maelstrom
// v0.2.4 or Jepsen 0.3.7 that the simulator and the harness emulate, and
// names the source file and function it follows. docs/maelstrom-fidelity.md
// lists them by area.
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
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/maelstrom/kv_service.h"
#include "sim/maelstrom/nemesis.h"
#include "sim/maelstrom/network.h"
#include "sim/maelstrom/prng.h"

namespace sim {
namespace {

using kvclient::Json;
using kvclient::Message;

// |count - n p| within 5 binomial standard deviations.
void ExpectBinomial(int64_t count, int64_t n, double p,
                    const std::string& what) {
  const double mean = static_cast<double>(n) * p;
  const double sd = std::sqrt(static_cast<double>(n) * p * (1 - p));
  EXPECT_NEAR(static_cast<double>(count), mean, 5 * sd)
      << what << ": " << count << " of " << n << ", expected p=" << p;
}

Json Read(const Json& key, int64_t id) {
  return {{"type", "read"}, {"key", key}, {"msg_id", id}};
}
Json Write(const Json& key, Json value, int64_t id) {
  return {{"type", "write"},
          {"key", key},
          {"value", std::move(value)},
          {"msg_id", id}};
}

// ---------------------------------------------------------------------------
// seq-kv: maelstrom src/maelstrom/service.clj, Sequential/handle!

// test/maelstrom/service_test.clj seq-kv-test's prep: a buffer of 16, "c0"
// writes x = 0 .. 7 (versions 1 .. 8).
SeqKv Prep(Prng& prng) {
  SeqKv kv(/*kept_versions=*/16);
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ((*kv.Handle("c0", Write("x", i, i + 1), prng))["type"],
              "write_ok");
  }
  return kv;
}

// Pins maelstrom test/maelstrom/service_test.clj, seq-kv-test "fresh client
// reads return old state".
TEST(SeqKvConformance, ServiceTestFreshClientReadsReturnOldState) {
  Prng prng(1);
  SeqKv kv = Prep(prng);
  std::set<std::string> reads;
  for (int i = 0; i < 64; ++i) {
    Json r = *kv.Handle("old-read-" + std::to_string(i), Read("x", 1), prng);
    reads.insert(r.contains("value") ? r["value"].dump() : "nil");
  }
  EXPECT_LT(1u, reads.size());
}

// Pins maelstrom test/maelstrom/service_test.clj, seq-kv-test "ensuring
// recent read by writing something unique".
TEST(SeqKvConformance, ServiceTestEnsuringRecentReadByWritingSomethingUnique) {
  for (int i = 0; i < 8; ++i) {
    Prng prng(100 + i);
    SeqKv kv = Prep(prng);
    const std::string client = "ensure-" + std::to_string(i);
    kv.Handle(client, Write("ensure", i, 1), prng);
    EXPECT_EQ((*kv.Handle(client, Read("x", 2), prng))["value"], 7);
  }
}

// Pins maelstrom test/maelstrom/service_test.clj, seq-kv-test "ensuring
// recent reads by reading a ton": one reader converges on the newest value
// within buf * 10 reads. (It never can when the newest version is excluded
// from the pick.)
TEST(SeqKvConformance, ServiceTestEnsuringRecentReadsByReadingATon) {
  for (int i = 0; i < 8; ++i) {
    Prng prng(200 + i);
    SeqKv kv = Prep(prng);
    bool converged = false;
    for (int trial = 1; trial < 16 * 10 && !converged; ++trial) {
      Json r = *kv.Handle("r", Read("x", trial), prng);
      converged = r.contains("value") && r["value"] == 7;
    }
    EXPECT_TRUE(converged) << "never converged, iteration " << i;
  }
}

// Pins maelstrom src/maelstrom/service.clj, Sequential/handle!: index =
// (+ client-index (rand-int (inc (- last-index client-index)))), uniform over
// [last-seen, newest] both inclusive: a caller k versions behind reads the
// newest with probability 1/(k+1), and each other version likewise.
TEST(SeqKvConformance, PickIsUniformFromLastSeenToNewestInclusive) {
  for (int k : {1, 2, 3, 7, 15, 31}) {
    SeqKv kv;
    Prng prng(300 + k);
    for (int v = 1; v <= k; ++v) kv.Handle("w", Write("x", v, v), prng);
    // Fresh callers, each one request (the caller table holds 65536).
    const int64_t n = 1500 * (k + 1);
    std::vector<int64_t> by_version(static_cast<size_t>(k + 1), 0);
    for (int64_t t = 0; t < n; ++t) {
      // A fresh caller is at index 0: k versions behind.
      Json r = *kv.Handle("fresh-" + std::to_string(t), Read("x", 1), prng);
      ++by_version[r.contains("value") ? r["value"].get<size_t>() : 0];
    }
    for (int v = 0; v <= k; ++v) {
      ExpectBinomial(
          by_version[static_cast<size_t>(v)], n, 1.0 / (k + 1),
          "k=" + std::to_string(k) + " version " + std::to_string(v));
    }
  }
  // From the middle: a caller on index 2 of 6 picks 2..6, never below.
  SeqKv kv;
  Prng prng(399);
  for (int v = 1; v <= 2; ++v) kv.Handle("w", Write("x", v, v), prng);
  const std::string mid = "mid";
  for (int i = 0; i < 1000 && kv.last_seen(mid) != 2; ++i)
    kv.Handle(mid, Read("x", 1), prng);
  ASSERT_EQ(kv.last_seen(mid), 2)
      << "a reader never reaches the newest version";
  for (int v = 3; v <= 6; ++v) kv.Handle("w", Write("x", v, v), prng);
  std::vector<int64_t> seen(7, 0);
  const int64_t n = 10000;
  for (int64_t t = 0; t < n; ++t) {
    SeqKv copy = kv;
    ++seen[(*copy.Handle(mid, Read("x", 1), prng))["value"].get<size_t>()];
  }
  EXPECT_EQ(seen[0] + seen[1], 0);
  for (int v = 2; v <= 6; ++v)
    ExpectBinomial(seen[static_cast<size_t>(v)], n, 0.2, "mid");
}

// Pins amalloy ring-buffer 1.3.1 src/amalloy/ring_buffer.clj, RingBuffer/nth
// ((nth buf (mod (+ start i) len))) as Sequential/handle! calls it with
// (dec (- index last-index)): once the 32-slot ring is full, a caller k
// versions behind reads version newest - (k mod 32). 32 behind reads the
// NEWEST, 33 behind newest - 1; nothing is clamped to the oldest version.
TEST(SeqKvConformance, RingBufferNthWrapsModuloItsLength) {
  SeqKv kv;  // 32 versions
  Prng prng(400);
  for (int v = 1; v <= 40; ++v) kv.Handle("w", Write("x", v, v), prng);
  for (int64_t index = 0; index <= 40; ++index) {
    const int64_t expected = 40 - ((40 - index) % 32);
    EXPECT_EQ(kv.VersionAt(index).values.at("\"x\""), expected)
        << "index " << index;
  }
  EXPECT_EQ(kv.VersionAt(8).values.at("\"x\""), 40);  // 32 behind: newest
  EXPECT_EQ(kv.VersionAt(7).values.at("\"x\""), 39);  // 33 behind
  // Through requests: fresh callers (index 0, 40 behind) read exactly the
  // version the wrap gives for the index they picked, and keep that index.
  int read_newest_from_index_8 = 0;
  for (int t = 0; t < 4000; ++t) {
    const std::string src = "fresh-" + std::to_string(t);
    Json r = *kv.Handle(src, Read("x", 1), prng);
    const int64_t index = kv.last_seen(src);
    EXPECT_EQ(r["value"], 40 - ((40 - index) % 32)) << "index " << index;
    read_newest_from_index_8 += index == 8;
  }
  EXPECT_GT(read_newest_from_index_8, 0);
}

// Pins maelstrom src/maelstrom/service.clj, Sequential/handle!: an
// unchanged op records the PICKED index (assoc-in state [:clients client]
// index), so a caller that read the newest through the wrap stays 32 behind
// and can read an older version next: seq-kv's reads are then not
// monotonic for it, exactly as in Maelstrom.
TEST(SeqKvConformance, WrappedReaderKeepsThePickedIndexAndCanReadOlderLater) {
  SeqKv kv;
  Prng prng(401);
  for (int v = 1; v <= 40; ++v) kv.Handle("w", Write("x", v, v), prng);
  int went_back = 0;
  for (int t = 0; t < 20000 && went_back == 0; ++t) {
    const std::string src = "r-" + std::to_string(t);
    SeqKv copy = kv;
    if ((*copy.Handle(src, Read("x", 1), prng))["value"] != 40) continue;
    if (copy.last_seen(src) != 8) continue;  // read the newest via the wrap
    Json next = *copy.Handle(src, Read("x", 2), prng);
    went_back += next["value"].get<int64_t>() < 40;
  }
  EXPECT_GT(went_back, 0);
}

// Pins maelstrom src/maelstrom/service.clj, Sequential/handle!: whether the
// op changed the PICKED version decides; a change is re-run on the newest
// version and appended even when the re-run changes nothing; the caller
// jumps to the new newest.
TEST(SeqKvConformance, ChangeOnPickedVersionIsRerunOnNewestAndAppended) {
  int appended_unchanged = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    SeqKv kv;
    Prng prng(seed);
    kv.Handle("w", Write("x", 1, 1), prng);  // v1 x=1
    kv.Handle("w", Write("x", 2, 2), prng);  // v2 x=2
    // A fresh caller writes x=2: unchanged on v2, a change on v0 and v1.
    kv.Handle("c", Write("x", 2, 3), prng);
    if (kv.newest_index() == 3) {
      ++appended_unchanged;
      EXPECT_EQ(kv.VersionAt(3), kv.VersionAt(2));
      EXPECT_EQ(kv.last_seen("c"), 3);
    } else {
      EXPECT_EQ(kv.last_seen("c"), 2);
    }
  }
  EXPECT_GT(appended_unchanged, 0);
}

// Pins maelstrom src/maelstrom/service.clj, service-thread and
// PersistentKV/handle's `case`: an unknown type throws inside swap!, so no
// state changes and no reply is sent; replies carry in_reply_to = the
// request's msg_id, null when it had none, and no msg_id.
TEST(SeqKvConformance, UnknownTypeIsSilentAndRepliesCarryInReplyTo) {
  SeqKv kv;
  Prng prng(402);
  kv.Handle("w", Write("x", 1, 1), prng);
  EXPECT_FALSE(
      kv.Handle("a", {{"type", "delete"}, {"key", "x"}, {"msg_id", 2}}, prng));
  EXPECT_FALSE(kv.Handle("a", {{"key", "x"}, {"msg_id", 3}}, prng));
  EXPECT_EQ(kv.newest_index(), 1);
  EXPECT_EQ(kv.callers(), 1u);
  Json reply = *kv.Handle("w", {{"type", "read"}, {"key", "x"}}, prng);
  EXPECT_TRUE(reply.contains("in_reply_to"));
  EXPECT_TRUE(reply["in_reply_to"].is_null());
  EXPECT_FALSE(reply.contains("msg_id"));
}

// ---------------------------------------------------------------------------
// PersistentKV and LWWKV texts: maelstrom src/maelstrom/service.clj

// Golden [service, request body, reply or null] triples, produced by running
// Maelstrom v0.2.4's own PersistentKV (through Linearizable/handle! and
// service-thread's in_reply_to) and LWWKV/handle (one replica) on
// cheshire-parsed, keywordize-keys-1'd requests, in order, on Clojure
// 1.11.1 + cheshire 5.11. A null reply: Maelstrom sent none.
constexpr const char*
    kKvGolden[] =
        {
            R"~(["lin-kv", "{\"type\":\"read\",\"key\":\"k\",\"msg_id\":1}", "{\"type\":\"error\",\"code\":20,\"text\":\"key does not exist\",\"in_reply_to\":1}"])~",
            R"~(["lin-kv", "{\"type\":\"read\",\"key\":\"k\"}", "{\"type\":\"error\",\"code\":20,\"text\":\"key does not exist\",\"in_reply_to\":null}"])~",
            R"~(["lin-kv", "{\"type\":\"cas\",\"key\":\"k\",\"from\":0,\"to\":1,\"msg_id\":2}", "{\"type\":\"error\",\"code\":20,\"text\":\"key does not exist\",\"in_reply_to\":2}"])~",
            R"~(["lin-kv", "{\"type\":\"cas\",\"key\":\"c0\",\"from\":null,\"to\":0,\"create_if_not_exists\":true,\"msg_id\":10}", "{\"type\":\"cas_ok\",\"in_reply_to\":10}"])~",
            R"~(["lin-kv", "{\"type\":\"cas\",\"key\":\"c1\",\"from\":null,\"to\":1,\"create_if_not_exists\":0,\"msg_id\":11}", "{\"type\":\"cas_ok\",\"in_reply_to\":11}"])~",
            R"~(["lin-kv", "{\"type\":\"cas\",\"key\":\"c2\",\"from\":null,\"to\":2,\"create_if_not_exists\":\"\",\"msg_id\":12}", "{\"type\":\"cas_ok\",\"in_reply_to\":12}"])~",
            R"~(["lin-kv", "{\"type\":\"cas\",\"key\":\"c3\",\"from\":null,\"to\":3,\"create_if_not_exists\":[],\"msg_id\":13}", "{\"type\":\"cas_ok\",\"in_reply_to\":13}"])~",
            R"~(["lin-kv", "{\"type\":\"cas\",\"key\":\"c4\",\"from\":null,\"to\":4,\"create_if_not_exists\":{},\"msg_id\":14}", "{\"type\":\"cas_ok\",\"in_reply_to\":14}"])~",
            R"~(["lin-kv", "{\"type\":\"cas\",\"key\":\"c5\",\"from\":null,\"to\":5,\"create_if_not_exists\":\"false\",\"msg_id\":15}", "{\"type\":\"cas_ok\",\"in_reply_to\":15}"])~",
            R"~(["lin-kv", "{\"type\":\"cas\",\"key\":\"c6\",\"from\":null,\"to\":6,\"create_if_not_exists\":1.5,\"msg_id\":16}", "{\"type\":\"cas_ok\",\"in_reply_to\":16}"])~",
            R"~(["lin-kv", "{\"type\":\"cas\",\"key\":\"d0\",\"from\":null,\"to\":0,\"create_if_not_exists\":null,\"msg_id\":20}", "{\"type\":\"error\",\"code\":20,\"text\":\"key does not exist\",\"in_reply_to\":20}"])~",
            R"~(["lin-kv", "{\"type\":\"cas\",\"key\":\"d1\",\"from\":null,\"to\":1,\"create_if_not_exists\":false,\"msg_id\":21}", "{\"type\":\"error\",\"code\":20,\"text\":\"key does not exist\",\"in_reply_to\":21}"])~",
            R"~(["lin-kv", "{\"type\":\"cas\",\"key\":\"d9\",\"to\":1,\"msg_id\":22}", "{\"type\":\"error\",\"code\":20,\"text\":\"key does not exist\",\"in_reply_to\":22}"])~",
            R"~(["lin-kv", "{\"type\":\"write\",\"key\":\"m\",\"value\":{\"n\":2,\"tag\":\"a\\nb\",\"total\":1},\"msg_id\":30}", "{\"type\":\"write_ok\",\"in_reply_to\":30}"])~",
            R"~(["lin-kv", "{\"type\":\"cas\",\"key\":\"m\",\"from\":{\"n\":2,\"tag\":\"a\\nb\",\"total\":1.0},\"to\":0,\"msg_id\":31}", "{\"type\":\"error\",\"code\":22,\"text\":\"current value {\\\"n\\\" 2, \\\"tag\\\" \\\"a\\\\nb\\\", \\\"total\\\" 1} is not {\\\"n\\\" 2, \\\"tag\\\" \\\"a\\\\nb\\\", \\\"total\\\" 1.0}\",\"in_reply_to\":31}"])~",
            R"~(["lin-kv", "{\"type\":\"cas\",\"key\":\"m\",\"to\":0,\"msg_id\":32}", "{\"type\":\"error\",\"code\":22,\"text\":\"current value {\\\"n\\\" 2, \\\"tag\\\" \\\"a\\\\nb\\\", \\\"total\\\" 1} is not nil\",\"in_reply_to\":32}"])~",
            R"~(["lin-kv", "{\"type\":\"write\",\"key\":\"s\",\"value\":\"x\\\"y\",\"msg_id\":33}", "{\"type\":\"write_ok\",\"in_reply_to\":33}"])~",
            R"~(["lin-kv", "{\"type\":\"cas\",\"key\":\"s\",\"from\":\"xy\",\"to\":0,\"msg_id\":34}", "{\"type\":\"error\",\"code\":22,\"text\":\"current value \\\"x\\\\\\\"y\\\" is not \\\"xy\\\"\",\"in_reply_to\":34}"])~",
            R"~(["lin-kv", "{\"type\":\"write\",\"key\":1,\"value\":[1,1.0,null,true,18446744073709551615],\"msg_id\":35}", "{\"type\":\"write_ok\",\"in_reply_to\":35}"])~",
            R"~(["lin-kv", "{\"type\":\"read\",\"key\":\"1\",\"msg_id\":36}", "{\"type\":\"error\",\"code\":20,\"text\":\"key does not exist\",\"in_reply_to\":36}"])~",
            R"~(["lin-kv", "{\"type\":\"cas\",\"key\":1,\"from\":[1,1,null,true,18446744073709551615],\"to\":2,\"msg_id\":37}", "{\"type\":\"error\",\"code\":22,\"text\":\"current value [1 1.0 nil true 18446744073709551615] is not [1 1 nil true 18446744073709551615]\",\"in_reply_to\":37}"])~",
            R"~(["lin-kv", "{\"type\":\"write\",\"key\":\"big\",\"value\":{\"k0\":0,\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,\"k9\":9,\"k10\":10,\"k11\":11},\"msg_id\":38}", "{\"type\":\"write_ok\",\"in_reply_to\":38}"])~",
            R"~(["lin-kv", "{\"type\":\"cas\",\"key\":\"big\",\"from\":1.5e10,\"to\":2,\"msg_id\":39}", "{\"type\":\"error\",\"code\":22,\"text\":\"current value {\\\"k8\\\" 8, \\\"k7\\\" 7, \\\"k9\\\" 9, \\\"k6\\\" 6, \\\"k5\\\" 5, \\\"k3\\\" 3, \\\"k10\\\" 10, \\\"k1\\\" 1, \\\"k4\\\" 4, \\\"k11\\\" 11, \\\"k2\\\" 2, \\\"k0\\\" 0} is not 1.5E10\",\"in_reply_to\":39}"])~",
            R"~(["lin-kv", "{\"type\":\"cas\",\"key\":\"big\",\"from\":{\"k0\":0,\"k1\":1,\"k10\":10,\"k11\":11,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,\"k9\":9},\"to\":2.5e-05,\"msg_id\":40}", "{\"type\":\"cas_ok\",\"in_reply_to\":40}"])~",
            R"~(["lin-kv", "{\"type\":\"cas\",\"key\":\"big\",\"from\":2.5e-05,\"to\":null,\"msg_id\":41}", "{\"type\":\"cas_ok\",\"in_reply_to\":41}"])~",
            R"~(["lin-kv", "{\"type\":\"read\",\"key\":\"big\",\"msg_id\":42}", "{\"type\":\"read_ok\",\"value\":null,\"in_reply_to\":42}"])~",
            R"~(["lin-kv", "{\"type\":\"frobnicate\",\"key\":\"big\",\"msg_id\":43}", null])~",
            R"~(["lin-kv", "{\"type\":\"write\",\"key\":null,\"value\":7,\"msg_id\":44}", "{\"type\":\"write_ok\",\"in_reply_to\":44}"])~",
            R"~(["lin-kv", "{\"type\":\"read\",\"msg_id\":45}", "{\"type\":\"read_ok\",\"value\":7,\"in_reply_to\":45}"])~",
            R"~(["lin-kv", "{\"type\":\"read\",\"key\":\"k\",\"msg_id\":\"abc\"}", "{\"type\":\"error\",\"code\":20,\"text\":\"key does not exist\",\"in_reply_to\":\"abc\"}"])~",
            R"~(["lww", "{\"type\":\"cas\",\"key\":\"k\",\"from\":0,\"to\":1,\"create_if_not_exists\":true,\"msg_id\":1}", "{\"type\":\"error\",\"code\":20,\"text\":\"key does not exist\",\"in_reply_to\":1}"])~",
            R"~(["lww", "{\"type\":\"write\",\"key\":\"k\",\"value\":\"a\",\"msg_id\":2}", "{\"type\":\"write_ok\",\"in_reply_to\":2}"])~",
            R"~(["lww", "{\"type\":\"cas\",\"key\":\"k\",\"from\":\"b\",\"to\":\"c\",\"msg_id\":3}", "{\"type\":\"error\",\"code\":22,\"text\":\"current value \\\"a\\\" is not b\",\"in_reply_to\":3}"])~",
            R"~(["lww", "{\"type\":\"cas\",\"key\":\"k\",\"to\":\"c\",\"msg_id\":4}", "{\"type\":\"error\",\"code\":22,\"text\":\"current value \\\"a\\\" is not \",\"in_reply_to\":4}"])~",
            R"~(["lww", "{\"type\":\"cas\",\"key\":\"k\",\"from\":{\"x\":[1,\"q\"]},\"to\":\"c\",\"msg_id\":5}", "{\"type\":\"error\",\"code\":22,\"text\":\"current value \\\"a\\\" is not {\\\"x\\\" [1 \\\"q\\\"]}\",\"in_reply_to\":5}"])~",
            R"~(["lww", "{\"type\":\"cas\",\"key\":\"k\",\"from\":1.0,\"to\":\"c\",\"msg_id\":6}", "{\"type\":\"error\",\"code\":22,\"text\":\"current value \\\"a\\\" is not 1.0\",\"in_reply_to\":6}"])~",
            R"~(["lww", "{\"type\":\"cas\",\"key\":\"k\",\"from\":\"a\",\"to\":{\"m\":\"n\"},\"msg_id\":7}", "{\"type\":\"cas_ok\",\"in_reply_to\":7}"])~",
            R"~(["lww", "{\"type\":\"cas\",\"key\":\"k\",\"from\":\"a\",\"to\":\"c\",\"msg_id\":8}", "{\"type\":\"error\",\"code\":22,\"text\":\"current value {\\\"m\\\" \\\"n\\\"} is not a\",\"in_reply_to\":8}"])~",
            R"~(["lww", "{\"type\":\"read\",\"key\":\"k\",\"msg_id\":9}", "{\"type\":\"read_ok\",\"value\":{\"m\":\"n\"},\"in_reply_to\":9}"])~",
            R"~(["lww", "{\"type\":\"ts\",\"msg_id\":10}", null])~",
            R"~(["lin-kv", "{\"type\":\"write\",\"key\":-0.0,\"value\":\"negzero\",\"msg_id\":50}", "{\"type\":\"write_ok\",\"in_reply_to\":50}"])~",
            R"~(["lin-kv", "{\"type\":\"read\",\"key\":0.0,\"msg_id\":51}", "{\"type\":\"read_ok\",\"value\":\"negzero\",\"in_reply_to\":51}"])~",
            R"~(["lin-kv", "{\"type\":\"write\",\"key\":{\"a\":[-0.0]},\"value\":\"nested\",\"msg_id\":52}", "{\"type\":\"write_ok\",\"in_reply_to\":52}"])~",
            R"~(["lin-kv", "{\"type\":\"read\",\"key\":{\"a\":[0.0]},\"msg_id\":53}", "{\"type\":\"read_ok\",\"value\":\"nested\",\"in_reply_to\":53}"])~",
            R"~(["lin-kv", "{\"type\":\"read\",\"key\":{\"a\":[0]},\"msg_id\":54}", "{\"type\":\"error\",\"code\":20,\"text\":\"key does not exist\",\"in_reply_to\":54}"])~",
            R"~(["lin-kv", "{\"type\":\"cas\",\"key\":-0.0,\"from\":\"negzero\",\"to\":-0.0,\"msg_id\":55}", "{\"type\":\"cas_ok\",\"in_reply_to\":55}"])~",
            R"~(["lin-kv", "{\"type\":\"cas\",\"key\":0.0,\"from\":0.0,\"to\":1,\"msg_id\":56}", "{\"type\":\"cas_ok\",\"in_reply_to\":56}"])~",
};

// Pins maelstrom src/maelstrom/service.clj, PersistentKV/handle (read, write,
// cas with Clojure =, truthy :create_if_not_exists, error 22 text
// (str "current value " (pr-str current) " is not " (pr-str from))) and
// LWWKV/handle (no create_if_not_exists; the 22 text's `from` printed with
// str, not pr-str).
TEST(KvTextConformance, MatchesMaelstromOnGoldenRequests) {
  LinKv lin;
  SeqKv seq;  // one caller is always on the newest version: linearizable
  LwwReplica lww;
  Prng prng(500);
  int checked = 0;
  for (const char* line : kKvGolden) {
    const Json golden = Json::parse(line);
    const Json body = Json::parse(golden[1].get<std::string>());
    const Json expected = golden[2].is_null()
                              ? Json(nullptr)
                              : Json::parse(golden[2].get<std::string>());
    if (golden[0] == "lin-kv") {
      for (KvService* kv :
           {static_cast<KvService*>(&lin), static_cast<KvService*>(&seq)}) {
        absl::optional<Json> reply = kv->Handle("n0", body, prng);
        if (expected.is_null()) {
          EXPECT_FALSE(reply.has_value()) << kv->name() << " " << line;
        } else {
          ASSERT_TRUE(reply.has_value()) << kv->name() << " " << line;
          EXPECT_EQ(*reply, expected) << kv->name() << " " << line;
        }
      }
    } else {
      absl::optional<Json> reply = ApplyLwwOperation(lww, body);
      if (expected.is_null()) {
        EXPECT_FALSE(reply.has_value()) << line;
      } else {
        ASSERT_TRUE(reply.has_value()) << line;
        (*reply)["in_reply_to"] =
            body.contains("msg_id") ? body["msg_id"] : Json(nullptr);
        EXPECT_EQ(*reply, expected) << line;
      }
    }
    ++checked;
  }
  EXPECT_EQ(checked, 47);
}

// Pins maelstrom src/maelstrom/service.clj, PersistentKV/handle:
// (if (:create_if_not_exists body) ...) is Clojure truthiness.
TEST(KvTextConformance, CreateIfNotExistsIsAnyTruthyValue) {
  for (const Json& flag : {Json(true), Json(0), Json(""), Json("false"),
                           Json::array(), Json::object(), Json(0.0)}) {
    LinKv kv;
    Prng prng(501);
    Json body = {{"type", "cas"},
                 {"key", "k"},
                 {"from", 1},
                 {"to", 2},
                 {"create_if_not_exists", flag},
                 {"msg_id", 1}};
    EXPECT_EQ((*kv.Handle("n0", body, prng))["type"], "cas_ok") << flag.dump();
    EXPECT_EQ((*kv.Handle("n0", Read("k", 2), prng))["value"], 2);
  }
  for (const Json& flag : {Json(nullptr), Json(false)}) {
    LinKv kv;
    Prng prng(502);
    Json body = {{"type", "cas"},
                 {"key", "k"},
                 {"from", 1},
                 {"to", 2},
                 {"create_if_not_exists", flag},
                 {"msg_id", 1}};
    EXPECT_EQ((*kv.Handle("n0", body, prng))["code"], 20) << flag.dump();
  }
}

// Pins maelstrom src/maelstrom/service.clj, Eventual/handle! as of v0.2.4:
// the merged replica is bound to a `replicas'` that the next binding
// shadows, so the two lww-kv replicas never merge: a value written once is
// read back from one replica and missing on the other, forever.
TEST(LwwKvConformance, ReplicasNeverMerge) {
  LwwKv kv;
  Prng prng(503);
  kv.Handle("n0", Write("k", 1, 1), prng);
  int found = 0, missing = 0;
  for (int i = 0; i < 2000; ++i) {
    Json r = *kv.Handle("n1", Read("k", 2 + i), prng);
    if (r["type"] == "read_ok") {
      ++found;
    } else {
      ++missing;
    }
  }
  ExpectBinomial(found, 2000, 0.5, "reads that hit the written replica");
  EXPECT_EQ(found + missing, 2000);
  EXPECT_NE(kv.replica(0).m.empty(), kv.replica(1).m.empty());
}

// Pins maelstrom src/maelstrom/service.clj, Eventual/handle!: three
// (rand-int n) per request (merge-source, merge-dest, target), drawn before
// the request runs, so even an unknown type consumes them.
TEST(LwwKvConformance, ThreeDrawsPerRequest) {
  for (const Json& body :
       {Write("k", 1, 1), Read("k", 2), Json{{"type", "ts"}}}) {
    LwwKv kv;
    Prng used(504), expected(504);
    kv.Handle("n0", body, used);
    for (int i = 0; i < 3; ++i) expected.Uniform(2);
    EXPECT_EQ(used.Next(), expected.Next()) << body.dump();
  }
}

// Pins maelstrom src/maelstrom/service.clj, PersistentTSO/handle: ts_ok with
// ts = 0, 1, 2, ...; anything but "ts" throws (no reply, no tick).
TEST(LinTsoConformance, TimestampsCountFromZero) {
  LinTso tso;
  Prng prng(505);
  for (int64_t t = 0; t < 5; ++t) {
    EXPECT_EQ(*tso.Handle("n0", {{"type", "ts"}, {"msg_id", 10 + t}}, prng),
              (Json{{"type", "ts_ok"}, {"ts", t}, {"in_reply_to", 10 + t}}));
    EXPECT_FALSE(tso.Handle("n0", {{"type", "read"}, {"msg_id", 1}}, prng));
  }
}

// Pins maelstrom src/maelstrom/service.clj, default-services: lww-kv,
// seq-kv, lin-kv and lin-tso, all started for every test.
TEST(ServicesConformance, DefaultServicesAreMaelstromsFour) {
  std::vector<std::string> names;
  for (const auto& [name, service] : MakeDefaultKvServices()) {
    names.push_back(name);
    EXPECT_EQ(service->name(), name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"lin-kv", "lin-tso", "lww-kv",
                                             "seq-kv"}));
}

// ---------------------------------------------------------------------------
// Partitions: jepsen src/jepsen/nemesis/combined.clj (grudge,
// partition-specs, partition-package) and src/jepsen/nemesis.clj

std::vector<std::string> Nodes(int n) {
  std::vector<std::string> nodes;
  for (int i = 0; i < n; ++i) nodes.push_back("n" + std::to_string(i));
  return nodes;
}

std::set<std::string> IgnoredBy(const Grudge& grudge, const std::string& node) {
  auto it = grudge.find(node);
  return it == grudge.end() ? std::set<std::string>{} : it->second;
}

// The nodes cut off from the rest by a complete grudge of two components:
// the smaller side (each of its nodes ignores everyone else).
std::set<std::string> SmallSide(const Grudge& grudge,
                                const std::vector<std::string>& nodes) {
  size_t fewest = nodes.size() + 1;
  std::set<std::string> side;
  for (const std::string& node : nodes) {
    const size_t ignored = IgnoredBy(grudge, node).size();
    if (ignored == 0) continue;
    // A node on the small side ignores the big side, which is larger.
    const size_t heard = nodes.size() - ignored;
    if (heard < fewest) {
      fewest = heard;
      side.clear();
    }
    if (heard == fewest) side.insert(node);
  }
  return side;
}

// Pins jepsen nemesis.clj split-one ((rand-nth coll) isolated) under
// complete-grudge: one node, uniformly chosen, against all others.
TEST(PartitionConformance, OneIsolatesAUniformlyChosenNode) {
  const std::vector<std::string> nodes = Nodes(5);
  Prng prng(600);
  std::map<std::string, int64_t> loners;
  const int64_t n = 20000;
  for (int64_t t = 0; t < n; ++t) {
    Grudge g = MakeGrudge(PartitionSpec::kOne, nodes, prng);
    std::set<std::string> small = SmallSide(g, nodes);
    ASSERT_EQ(small.size(), 1u);
    const std::string loner = *small.begin();
    ++loners[loner];
    for (const std::string& other : nodes) {
      if (other == loner) continue;
      EXPECT_EQ(IgnoredBy(g, other), std::set<std::string>{loner});
    }
    EXPECT_EQ(IgnoredBy(g, loner).size(), 4u);
  }
  for (const std::string& node : nodes)
    ExpectBinomial(loners[node], n, 0.2, node);
}

// Pins jepsen nemesis.clj bisect ((split-at (Math/floor (/ (count coll) 2))
// coll), "smaller half first") of (shuffle nodes), under complete-grudge:
// floor(n/2) uniformly chosen nodes against the rest.
TEST(PartitionConformance, MajorityBisectsAShuffleSmallerHalfFirst) {
  Prng prng(601);
  for (int size : {2, 3, 4, 5, 7}) {
    const std::vector<std::string> nodes = Nodes(size);
    std::map<std::string, int64_t> in_small;
    const int64_t n = 10000;
    for (int64_t t = 0; t < n; ++t) {
      Grudge g = MakeGrudge(PartitionSpec::kMajority, nodes, prng);
      // Two components: n0's, and the nodes n0 ignores.
      const std::set<std::string> other = IgnoredBy(g, "n0");
      std::set<std::string> mine;
      for (const std::string& node : nodes) {
        if (other.count(node) == 0) mine.insert(node);
      }
      for (const std::string& node : mine) ASSERT_EQ(IgnoredBy(g, node), other);
      for (const std::string& node : other) ASSERT_EQ(IgnoredBy(g, node), mine);
      const std::set<std::string>& small =
          mine.size() < other.size() ? mine : other;
      ASSERT_EQ(std::min(mine.size(), other.size()),
                static_cast<size_t>(size / 2))
          << DescribeGrudge(g);
      for (const std::string& node : small) ++in_small[node];
    }
    if (size % 2 == 1) {
      for (const std::string& node : nodes) {
        ExpectBinomial(in_small[node], n, static_cast<double>(size / 2) / size,
                       "size " + std::to_string(size) + " " + node);
      }
    }
  }
  EXPECT_TRUE(MakeGrudge(PartitionSpec::kMajority, Nodes(1), prng).empty());
}

// Pins jepsen nemesis/combined.clj grudge :minority-third ((split-at
// (util/minority-third (count nodes)) (shuffle nodes))) and jepsen util.clj
// minority-third ((-> n dec (/ 3) long)): floor((n-1)/3) nodes split off, so
// nothing at all for n <= 3.
TEST(PartitionConformance, MinorityThirdSplitsOffFloorOfNMinusOneOverThree) {
  Prng prng(602);
  const std::map<int, size_t> expected = {
      {1, 0}, {2, 0}, {3, 0}, {4, 1}, {6, 1}, {7, 2}, {9, 2}, {10, 3}, {25, 8}};
  for (const auto& [size, third] : expected) {
    const std::vector<std::string> nodes = Nodes(size);
    Grudge g = MakeGrudge(PartitionSpec::kMinorityThird, nodes, prng);
    if (third == 0) {
      EXPECT_FALSE(CutsSomething(g)) << size;
      continue;
    }
    EXPECT_EQ(SmallSide(g, nodes).size(), third) << size;
    for (const std::string& node : SmallSide(g, nodes)) {
      EXPECT_EQ(IgnoredBy(g, node).size(), static_cast<size_t>(size) - third);
    }
  }
}

// Pins jepsen nemesis.clj majorities-ring-perfect (used for <= 5 nodes by
// majorities-ring): shuffle into a ring, take each window of
// majority(n) = floor(n/2)+1 consecutive nodes, and let the window's middle
// node ((nth window (Math/floor (/ m 2)))) drop everyone outside it.
TEST(PartitionConformance, MajoritiesRingPerfectUpToFiveNodes) {
  Prng prng(603);
  for (int t = 0; t < 200; ++t) {
    // 3 nodes (windows of 2): each node drops exactly one other, and never
    // the one that drops it: a directed 3-cycle.
    Grudge three = MakeGrudge(PartitionSpec::kMajoritiesRing, Nodes(3), prng);
    for (const std::string& node : Nodes(3)) {
      ASSERT_EQ(IgnoredBy(three, node).size(), 1u) << DescribeGrudge(three);
      EXPECT_EQ(IgnoredBy(three, *IgnoredBy(three, node).begin()).count(node),
                0u);
    }
    // 4 nodes (windows of 3): each drops the node opposite it in the ring:
    // two symmetric pairs.
    Grudge four = MakeGrudge(PartitionSpec::kMajoritiesRing, Nodes(4), prng);
    for (const std::string& node : Nodes(4)) {
      ASSERT_EQ(IgnoredBy(four, node).size(), 1u) << DescribeGrudge(four);
      const std::string opposite = *IgnoredBy(four, node).begin();
      EXPECT_EQ(IgnoredBy(four, opposite), std::set<std::string>{node})
          << DescribeGrudge(four);
    }
    // 5 nodes (windows of 3): each hears itself and its two ring
    // neighbours and drops the two others; the "drops" relation is
    // symmetric and forms one 5-cycle (the pentagram of the ring).
    Grudge five = MakeGrudge(PartitionSpec::kMajoritiesRing, Nodes(5), prng);
    for (const std::string& node : Nodes(5)) {
      ASSERT_EQ(IgnoredBy(five, node).size(), 2u) << DescribeGrudge(five);
      for (const std::string& other : IgnoredBy(five, node)) {
        EXPECT_EQ(IgnoredBy(five, other).count(node), 1u)
            << DescribeGrudge(five);
      }
    }
    std::set<std::string> reached = {"n0"};
    std::string at = "n0", from;
    for (int step = 0; step < 5; ++step) {
      std::set<std::string> next = IgnoredBy(five, at);
      next.erase(from);
      from = at;
      at = *next.begin();
      reached.insert(at);
    }
    EXPECT_EQ(at, "n0") << DescribeGrudge(five);
    EXPECT_EQ(reached.size(), 5u) << DescribeGrudge(five);
  }
  // 1 and 2 nodes: every window is everyone; nothing is cut.
  EXPECT_FALSE(CutsSomething(
      MakeGrudge(PartitionSpec::kMajoritiesRing, Nodes(1), prng)));
  EXPECT_FALSE(CutsSomething(
      MakeGrudge(PartitionSpec::kMajoritiesRing, Nodes(2), prng)));
}

// Pins jepsen nemesis.clj majorities-ring-stochastic (above 5 nodes): the
// distribution of the sorted "how many does each node drop" sequence
// matches Jepsen's own function. Reference frequencies: 200000 runs of
// majorities-ring from jepsen 0.3.7 nemesis.clj on Clojure 1.11.1.
TEST(PartitionConformance, MajoritiesRingStochasticMatchesJepsen) {
  struct Reference {
    int n;
    std::vector<size_t> sequence;
    double p;
  };
  const std::vector<Reference> reference = {
      {6, {1, 1, 2, 2, 2, 2}, 47922 / 200000.0},
      {6, {2, 2, 2, 2, 2, 2}, 152078 / 200000.0},
      {7, {2, 2, 2, 3, 3, 3, 3}, 502 / 200000.0},
      {7, {2, 3, 3, 3, 3, 3, 3}, 199498 / 200000.0},
      {8, {2, 2, 3, 3, 3, 3, 3, 3}, 61046 / 200000.0},
      {8, {3, 3, 3, 3, 3, 3, 3, 3}, 138954 / 200000.0},
      {9, {3, 3, 4, 4, 4, 4, 4, 4, 4}, 55934 / 200000.0},
      {9, {4, 4, 4, 4, 4, 4, 4, 4, 4}, 144062 / 200000.0},
      {11, {4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5}, 3230 / 200000.0},
      {11, {4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, 196770 / 200000.0},
  };
  Prng prng(604);
  for (int size : {6, 7, 8, 9, 11}) {
    const std::vector<std::string> nodes = Nodes(size);
    std::map<std::vector<size_t>, int64_t> seen;
    const int64_t n = 4000;
    for (int64_t t = 0; t < n; ++t) {
      Grudge g = MakeGrudge(PartitionSpec::kMajoritiesRing, nodes, prng);
      std::vector<size_t> sequence;
      for (const std::string& node : nodes) {
        const std::set<std::string> dropped = IgnoredBy(g, node);
        // Every node still hears a majority (itself included) and the
        // links are symmetric (invert-grudge of an undirected graph).
        ASSERT_GE(nodes.size() - dropped.size(),
                  static_cast<size_t>(size / 2 + 1));
        for (const std::string& other : dropped)
          ASSERT_EQ(IgnoredBy(g, other).count(node), 1u);
        sequence.push_back(dropped.size());
      }
      std::sort(sequence.begin(), sequence.end());
      ++seen[sequence];
    }
    int64_t covered = 0;
    for (const Reference& r : reference) {
      if (r.n != size) continue;
      covered += seen[r.sequence];
      // Both estimates carry noise: the reference's (200000 runs) and ours.
      const double sd =
          std::sqrt(r.p * (1 - r.p) * (1.0 / n + 1.0 / 200000)) * n;
      EXPECT_NEAR(static_cast<double>(seen[r.sequence]), r.p * n, 5 * sd + 1)
          << size << " nodes, sequence starting " << r.sequence[0];
    }
    // Jepsen saw nothing else (except 4 in 200000 runs for 9 nodes).
    EXPECT_GE(covered, n - 5) << size;
  }
}

// Pins jepsen nemesis/combined.clj partition-package: start ops draw
// (rand-nth targets) from partition-specs [:one :minority-third :majority
// :majorities-ring] (Maelstrom's db is no db/Primary), alternating with
// stop (gen/flip-flop), staggered by the interval (wait uniform
// [0, 2 * interval), generator.clj stagger), the first at once.
TEST(PartitionConformance, PackageDrawsSpecsUniformlyAndFlipFlops) {
  const absl::Time t0 = absl::UnixEpoch();
  const absl::Duration interval = absl::Seconds(10);
  Nemesis nemesis = Nemesis::Partition(Nodes(5), interval, t0);
  EXPECT_EQ(nemesis.next_at(), t0);
  Prng prng(605);
  std::map<std::string, int64_t> shapes;
  absl::Time now = t0;
  absl::Duration longest;
  const int64_t starts = 8000;
  for (int64_t i = 0; i < 2 * starts; ++i) {
    FaultAction a = nemesis.Fire(now, prng);
    ASSERT_EQ(a.kind,
              i % 2 == 0 ? FaultAction::kPartition : FaultAction::kHeal);
    if (a.kind == FaultAction::kPartition) ++shapes[a.shape];
    const absl::Duration wait = nemesis.next_at() - now;
    ASSERT_GE(wait, absl::ZeroDuration());
    ASSERT_LT(wait, 2 * interval);
    longest = std::max(longest, wait);
    now = nemesis.next_at();
  }
  EXPECT_GT(longest, absl::Seconds(19));
  EXPECT_EQ(shapes.size(), 4u);
  for (const char* shape :
       {"one", "minority-third", "majority", "majorities-ring"}) {
    ExpectBinomial(shapes[shape], starts, 0.25, shape);
  }
}

// Pins jepsen nemesis/combined.clj grudge :minority-third on 3 nodes
// (split-at 0: an empty component, so complete-grudge cuts nothing): the
// fault log says so instead of printing an empty grudge.
TEST(PartitionConformance, DescribeSaysAGrudgeCutsNothing) {
  Prng prng(606);
  FaultAction a;
  a.kind = FaultAction::kPartition;
  a.shape = "minority-third";
  a.universe = 3;
  a.grudge = MakeGrudge(PartitionSpec::kMinorityThird, Nodes(3), prng);
  EXPECT_EQ(a.Describe(),
            "partition that cuts nothing (minority-third of 3 nodes)");
  a.shape = "majority";
  a.grudge = MakeGrudge(PartitionSpec::kMajority, Nodes(3), prng);
  EXPECT_EQ(a.Describe().rfind("partition majority: ", 0), 0u) << a.Describe();
}

// ---------------------------------------------------------------------------
// Maelstrom main's --nemesis kill and pause (jepsen-io/maelstrom PR #102,
// merged 2026-07-08, unreleased): maelstrom nemesis.clj package composes
// jepsen 0.3.7 nemesis/combined.clj partition-package and db-package.

// Pins nemesis/combined.clj db-nodes for every node-spec of node-specs
// (nil, :one, :minority-third, :minority, :majority, :all): how many nodes
// each takes from a shuffle, and that each node is as likely as any other.
TEST(DbPackageConformance, DbNodesTakesWhatEachNodeSpecSays) {
  Prng prng(701);
  for (int n : {1, 3, 5, 7}) {
    const std::vector<std::string> nodes = Nodes(n);
    const size_t majority = static_cast<size_t>(n / 2 + 1);
    EXPECT_EQ(DbNodes(NodeSpec::kAll, nodes, prng), nodes);
    const int64_t trials = 6000;
    std::map<size_t, int64_t> subset_sizes;
    std::map<std::string, int64_t> one;
    for (int64_t t = 0; t < trials; ++t) {
      EXPECT_EQ(DbNodes(NodeSpec::kMajority, nodes, prng).size(), majority);
      EXPECT_EQ(DbNodes(NodeSpec::kMinority, nodes, prng).size(), majority - 1);
      EXPECT_EQ(DbNodes(NodeSpec::kMinorityThird, nodes, prng).size(),
                static_cast<size_t>((n - 1) / 3));
      std::vector<std::string> subset = DbNodes(NodeSpec::kNil, nodes, prng);
      std::set<std::string> distinct(subset.begin(), subset.end());
      ASSERT_EQ(distinct.size(), subset.size()) << "no node twice";
      ++subset_sizes[subset.size()];
      std::vector<std::string> single = DbNodes(NodeSpec::kOne, nodes, prng);
      ASSERT_EQ(single.size(), 1u);
      ++one[single[0]];
    }
    // random-nonempty-subset: (inc (rand-int n)) nodes, uniformly 1..n.
    for (int k = 1; k <= n; ++k) {
      ExpectBinomial(subset_sizes[static_cast<size_t>(k)], trials, 1.0 / n,
                     absl::StrCat(n, " nodes, a subset of ", k));
    }
    for (const std::string& node : nodes)
      ExpectBinomial(one[node], trials, 1.0 / n, absl::StrCat(":one ", node));
  }
}

// Pins nemesis/combined.clj db-generators and db-package with both faults:
// (gen/mix [pause-resume kill-start]) picks a mode uniformly per op; each
// flip-flop alternates (kill, start, kill ... and pause, resume ...); :kill
// and :pause draw (rand-nth node-specs), :start and :resume target :all;
// (gen/stagger interval ...): the first op at once, then waits uniform
// [0, 2 x interval).
TEST(DbPackageConformance, FlipFlopsMixedAndStaggered) {
  const absl::Time t0 = absl::UnixEpoch();
  const absl::Duration interval = absl::Seconds(10);
  NemesisPackage package(Nodes(5), {false, true, true}, interval, Prng(702));
  EXPECT_EQ(package.next_at(), absl::InfiniteFuture()) << "not started";
  package.Start(t0);
  EXPECT_EQ(package.next_at(), t0);
  std::map<std::string, int64_t> specs;
  int64_t kill_mode = 0, kills = 0, pauses = 0;
  bool killed = false, paused = false;
  absl::Time now = t0;
  absl::Duration total_wait;
  const int64_t ops = 20000;
  for (int64_t i = 0; i < ops; ++i) {
    const FaultAction a = package.Fire(now);
    switch (a.kind) {
      case FaultAction::kKillNodes:
        ASSERT_FALSE(killed) << "kill after kill at op " << i;
        killed = true;
        ++kills;
        ++specs[a.shape];
        break;
      case FaultAction::kStartNodes:
        ASSERT_TRUE(killed) << "start without a kill at op " << i;
        killed = false;
        EXPECT_EQ(a.shape, "all");
        EXPECT_EQ(a.nodes, Nodes(5));
        break;
      case FaultAction::kPauseNodes:
        ASSERT_FALSE(paused) << "pause after pause at op " << i;
        paused = true;
        ++pauses;
        ++specs[a.shape];
        break;
      case FaultAction::kResumeNodes:
        ASSERT_TRUE(paused) << "resume without a pause at op " << i;
        paused = false;
        EXPECT_EQ(a.shape, "all");
        break;
      default: FAIL() << "a db op, not " << a.Describe();
    }
    kill_mode +=
        a.kind == FaultAction::kKillNodes || a.kind == FaultAction::kStartNodes;
    const absl::Duration wait = package.next_at() - now;
    ASSERT_GE(wait, absl::ZeroDuration());
    ASSERT_LT(wait, 2 * interval);
    total_wait += wait;
    now = package.next_at();
  }
  ExpectBinomial(kill_mode, ops, 0.5, "the kill->start mode");
  EXPECT_EQ(specs.size(), 6u);
  for (const char* spec :
       {"", "one", "minority-third", "minority", "majority", "all"}) {
    ExpectBinomial(specs[spec], kills + pauses, 1.0 / 6,
                   absl::StrCat("node spec :", spec));
  }
  // Mean wait = interval, within 5 sd of the mean of `ops` uniforms.
  const double sd = 2 * absl::ToDoubleSeconds(interval) / std::sqrt(12.0) /
                    std::sqrt(static_cast<double>(ops));
  EXPECT_NEAR(absl::ToDoubleSeconds(total_wait) / ops,
              absl::ToDoubleSeconds(interval), 5 * sd);
  EXPECT_EQ(package.partition_ops(), 0);
}

// Pins nemesis/combined.clj compose-packages: the partition and db
// schedules are separate staggers under (gen/any ...), so enabling kill
// leaves the partition ops (their times and shapes) as they were; a tie at
// the same instant is a coin (generator.clj soonest-op-map); the final
// generator is :stop-partition, then :resume :all, then :start :all.
TEST(DbPackageConformance, AnyOfTwoStaggersAndTheFinalGenerator) {
  const absl::Time t0 = absl::UnixEpoch();
  const Prng root(703);
  auto partitions = [&](MaelstromFaults faults) {
    NemesisPackage p(Nodes(3), faults, absl::Seconds(1), root);
    p.Start(t0);
    std::vector<std::string> out;
    while (p.next_at() < t0 + absl::Seconds(60)) {
      const absl::Time at = p.next_at();
      const FaultAction a = p.Fire(at);
      if (a.kind == FaultAction::kPartition || a.kind == FaultAction::kHeal)
        out.push_back(absl::StrCat(absl::FormatTime(at), " ", a.Describe()));
    }
    EXPECT_GT(p.partition_ops(), 20);
    return out;
  };
  EXPECT_EQ(partitions({true, false, false}), partitions({true, true, true}));
  // Both are due at t0: which goes first is a coin.
  int64_t partition_first = 0;
  const int64_t trials = 2000;
  for (int64_t i = 0; i < trials; ++i) {
    NemesisPackage p(Nodes(3), {true, true, false}, absl::Seconds(1),
                     Prng(static_cast<uint64_t>(i)));
    p.Start(t0);
    partition_first += p.Fire(t0).kind == FaultAction::kPartition;
    EXPECT_EQ(p.next_at(), t0) << "the other op is still due at t0";
  }
  ExpectBinomial(partition_first, trials, 0.5, "partition first at t0");
  NemesisPackage all(Nodes(3), {true, true, true}, absl::Seconds(1), root);
  all.Start(t0);
  std::vector<std::string> final_ops;
  for (const FaultAction& a : all.FinalOps()) {
    final_ops.push_back(
        absl::StrCat(a.JepsenF(), " ", a.shape, " ", a.nodes.size()));
  }
  EXPECT_EQ(final_ops,
            (std::vector<std::string>{"stop-partition  0", "resume all 3",
                                      "start all 3"}));
  EXPECT_EQ(all.next_at(), absl::InfiniteFuture());
  NemesisPackage kill_only(Nodes(3), {false, true, false}, absl::Seconds(1),
                           root);
  kill_only.Start(t0);
  ASSERT_EQ(kill_only.FinalOps().size(), 1u);
}

}  // namespace
}  // namespace sim
