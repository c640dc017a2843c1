// Hand-worked cases for the service models. The Maelstrom-source pins (the
// pick distribution, the ring wrap, pr-str texts, Maelstrom's own
// service_test.clj cases) live in conformance_test.cc; these check the
// mechanics around them.
#include "sim/maelstrom/kv_service.h"

#include <set>

#include "gtest/gtest.h"

namespace sim {
namespace {

Json Read(const char* key, int64_t id) {
  return {{"type", "read"}, {"key", key}, {"msg_id", id}};
}
Json Write(const char* key, Json value, int64_t id) {
  return {{"type", "write"}, {"key", key}, {"value", value}, {"msg_id", id}};
}
Json Cas(const char* key, Json from, Json to, int64_t id, bool create = false) {
  Json body = {{"type", "cas"},
               {"key", key},
               {"from", from},
               {"to", to},
               {"msg_id", id}};
  if (create) body["create_if_not_exists"] = true;
  return body;
}

// Reads from `src` until its last-seen index is exactly `index` (which must
// be reachable: at most the newest, at least where it is).
void BringTo(SeqKv& kv, const std::string& src, int64_t index, Prng& prng) {
  ASSERT_LE(kv.last_seen(src), index);
  ASSERT_EQ(kv.newest_index(), index) << "only the newest can be aimed at";
  for (int i = 0; i < 1000 && kv.last_seen(src) < index; ++i)
    kv.Handle(src, Read("x", 0), prng);
  ASSERT_EQ(kv.last_seen(src), index);
}

TEST(StrictJsonEqualTest, IntegerIsNotFloat) {
  EXPECT_TRUE(StrictJsonEqual(Json(1), Json(1)));
  EXPECT_TRUE(StrictJsonEqual(Json(1), Json(1u)));
  EXPECT_FALSE(StrictJsonEqual(Json(1), Json(1.0)));
  EXPECT_FALSE(StrictJsonEqual(Json(-1), Json(static_cast<uint64_t>(-1))));
  EXPECT_TRUE(StrictJsonEqual(Json{{"a", {1, 2}}}, Json{{"a", {1, 2}}}));
  EXPECT_FALSE(StrictJsonEqual(Json{{"a", {1, 2}}}, Json{{"a", {1, 2.0}}}));
  EXPECT_FALSE(StrictJsonEqual(Json{{"a", 1}}, Json{{"b", 1}}));
}

TEST(ClojureTruthyTest, OnlyNullAndFalseAreFalsey) {
  EXPECT_FALSE(ClojureTruthy(Json(nullptr)));
  EXPECT_FALSE(ClojureTruthy(Json(false)));
  for (const Json& v : {Json(true), Json(0), Json(""), Json::array(),
                        Json::object(), Json("false"), Json(0.0)}) {
    EXPECT_TRUE(ClojureTruthy(v)) << v.dump();
  }
}

TEST(LinKvTest, OperationsOnLatestState) {
  LinKv kv;
  Prng prng(1);
  EXPECT_EQ(*kv.Handle("n0", Read("k", 1), prng),
            (Json{{"type", "error"},
                  {"code", 20},
                  {"text", "key does not exist"},
                  {"in_reply_to", 1}}));
  EXPECT_EQ(*kv.Handle("n0", Write("k", 1, 2), prng),
            (Json{{"type", "write_ok"}, {"in_reply_to", 2}}));
  EXPECT_EQ((*kv.Handle("n1", Read("k", 3), prng))["value"], 1);
  EXPECT_EQ((*kv.Handle("n1", Cas("k", 1.0, 2, 4), prng))["code"], 22);
  EXPECT_EQ((*kv.Handle("n1", Cas("k", 1, 2, 5), prng))["type"], "cas_ok");
  EXPECT_EQ((*kv.Handle("n1", Cas("j", 0, 7, 6), prng))["code"], 20);
  EXPECT_EQ((*kv.Handle("n1", Cas("j", 0, 7, 7, true), prng))["type"],
            "cas_ok");
  EXPECT_EQ((*kv.Handle("n0", Read("j", 8), prng))["value"], 7);
  EXPECT_EQ(kv.changes(), 3);  // write, cas, create
  EXPECT_FALSE(kv.Handle("n0", {{"type", "frobnicate"}, {"msg_id", 9}}, prng));
  EXPECT_EQ(kv.changes(), 3);
}

TEST(SeqKvTest, OwnWritesVisible) {
  SeqKv kv;
  Prng prng(2);
  kv.Handle("n0", Write("k", 1, 1), prng);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ((*kv.Handle("n0", Read("k", 2), prng))["value"], 1);
  }
}

// HandleWithPick is Handle with the caller's pick in place of rand-int: the
// fuzzer's bytes choose among the versions Maelstrom may answer from.
TEST(SeqKvTest, HandleWithPickChoosesAmongTheAllowedVersions) {
  SeqKv kv;
  for (int i = 1; i <= 3; ++i) kv.HandleWithPick("n0", Write("x", i, i), 0);
  EXPECT_EQ(kv.newest_index(), 3);
  EXPECT_EQ(*kv.NewestValue("x"), 3);
  EXPECT_EQ(kv.NewestValue("y"), nullptr);
  // "n1" has seen version 0: picks 0..3 read versions 0..3 (0: no key yet).
  EXPECT_EQ((*kv.HandleWithPick("n1", Read("x", 1), 0))["code"], 20);
  EXPECT_EQ((*kv.HandleWithPick("n1", Read("x", 2), 2))["value"], 2);
  EXPECT_EQ(kv.last_seen("n1"), 2);
  // From there only 2..3: pick 5 is 5 mod 2 = 1, the newest.
  Json r = *kv.HandleWithPick("n1", Read("x", 3), 5);
  EXPECT_EQ(r["value"], 3);
  EXPECT_EQ(r["in_reply_to"], 3);
  // Same answers as Handle with a Prng that draws those offsets.
  SeqKv a, b;
  Prng prng(9);
  Prng copy = prng;
  for (int i = 0; i < 40; ++i) {
    const Json req = i % 3 ? Read("x", i) : Write("x", i, i);
    const uint64_t span =
        static_cast<uint64_t>(b.newest_index() - b.last_seen("c") + 1);
    EXPECT_EQ(a.Handle("c", req, prng),
              b.HandleWithPick("c", req, copy.Uniform(span)));
  }
}

TEST(SeqKvTest, ViewsAreMonotonicAndReadingCatchesUp) {
  // n0 writes 1..20; n1 reads after each write. What n1 sees never goes
  // back, is sometimes stale, and (the newest being a possible pick) is
  // sometimes the value just written.
  int stale_reads = 0, fresh_reads = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SeqKv kv;
    Prng prng(seed);
    int64_t seen = 0;  // 0 = key missing
    for (int v = 1; v <= 20; ++v) {
      kv.Handle("n0", Write("k", v, v), prng);
      Json reply = *kv.Handle("n1", Read("k", v), prng);
      int64_t now_seen =
          reply["type"] == "read_ok" ? reply["value"].get<int64_t>() : 0;
      ASSERT_GE(now_seen, seen) << "seed " << seed;
      ASSERT_LE(now_seen, v);
      stale_reads += now_seen < v;
      fresh_reads += now_seen == v;
      seen = now_seen;
    }
  }
  EXPECT_GT(stale_reads, 0);
  EXPECT_GT(fresh_reads, 0);
}

TEST(SeqKvTest, StalePreconditionFailed) {
  SeqKv kv;
  Prng prng(3);
  kv.Handle("n0", Write("k", 1, 1), prng);  // v1: k=1
  BringTo(kv, "n1", 1, prng);
  kv.Handle("n0", Cas("k", 1, 2, 2), prng);  // v2: k=2
  // cas 2->3 is right for the newest state. Picked on v1 (k=1) it fails
  // there and changes nothing, so the stale error 22 is the answer; picked
  // on v2 it succeeds. Both happen across seeds; nothing else does.
  int stale = 0, fresh = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    SeqKv copy = kv;
    Prng p(seed);
    Json reply = *copy.Handle("n1", Cas("k", 2, 3, 4), p);
    if (reply["type"] == "error") {
      ++stale;
      EXPECT_EQ(reply["code"], 22);
      EXPECT_EQ(reply["text"], "current value 1 is not 2");
      EXPECT_EQ(copy.newest_index(), 2);
      EXPECT_EQ(copy.last_seen("n1"), 1);
    } else {
      ++fresh;
      EXPECT_EQ(reply["type"], "cas_ok");
      EXPECT_EQ(copy.newest_index(), 3);
      EXPECT_EQ(copy.Newest().values.at("\"k\""), 3);
      EXPECT_EQ(copy.last_seen("n1"), 3);
    }
  }
  EXPECT_GT(stale, 0);
  EXPECT_GT(fresh, 0);
}

TEST(SeqKvTest, WriteOfTheValueInThePickedVersionAppendsNothing) {
  SeqKv kv;
  Prng prng(4);
  kv.Handle("n0", Write("k", 1, 1), prng);  // v1: k=1
  BringTo(kv, "n1", 1, prng);
  kv.Handle("n0", Write("k", 2, 2), prng);  // v2: k=2
  int unchanged = 0, appended = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    SeqKv copy = kv;
    Prng p(seed);
    EXPECT_EQ((*copy.Handle("n1", Write("k", 1, 4), p))["type"], "write_ok");
    if (copy.newest_index() == 2) {
      // Picked v1, where k is already 1: "no change", no new version.
      ++unchanged;
      EXPECT_EQ(copy.last_seen("n1"), 1);
      EXPECT_EQ(copy.Newest().values.at("\"k\""), 2);
    } else {
      // Picked v2: a change, re-run on the newest and appended.
      ++appended;
      EXPECT_EQ(copy.newest_index(), 3);
      EXPECT_EQ(copy.Newest().values.at("\"k\""), 1);
    }
  }
  EXPECT_GT(unchanged, 0);
  EXPECT_GT(appended, 0);
  // A float 1.0 is a different value from 1 wherever it lands: always a
  // change, always appended.
  EXPECT_EQ((*kv.Handle("n1", Write("k", 1.0, 5), prng))["type"], "write_ok");
  EXPECT_EQ(kv.newest_index(), 3);
  EXPECT_TRUE(kv.Newest().values.at("\"k\"").is_number_float());
}

TEST(SeqKvTest, ChangingOpRerunOnNewestAppendsEvenWhenRerunFails) {
  SeqKv kv;
  Prng prng(5);
  kv.Handle("n0", Write("k", 1, 1), prng);  // v1
  BringTo(kv, "n1", 1, prng);
  kv.Handle("n0", Write("k", 2, 2), prng);  // v2
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    SeqKv copy = kv;
    Prng p(seed);
    // cas 1->3 changes v1, so (if v1 is picked) it is re-run on v2 (k=2),
    // fails there, and the unchanged v2 is appended as v3 anyway. Picked on
    // v2 it fails without changing anything.
    Json reply = *copy.Handle("n1", Cas("k", 1, 3, 4), p);
    EXPECT_EQ(reply["code"], 22);
    EXPECT_EQ(reply["in_reply_to"], 4);
    EXPECT_EQ(reply["text"], "current value 2 is not 1");
    if (copy.newest_index() == 3) {
      EXPECT_EQ(copy.last_seen("n1"), 3);
      EXPECT_EQ(copy.Newest(), copy.VersionAt(2));
    } else {
      EXPECT_EQ(copy.newest_index(), 2);
      EXPECT_EQ(copy.last_seen("n1"), 2);
    }
  }
}

TEST(SeqKvTest, ChangingOpPullsCallerToNewest) {
  SeqKv kv;
  Prng prng(6);
  kv.Handle("n0", Write("a", 1, 1), prng);
  kv.Handle("n1", Write("b", 1, 1),
            prng);  // changes any version: re-run on newest
  EXPECT_EQ(kv.last_seen("n1"), 2);
  EXPECT_EQ((*kv.Handle("n1", Read("a", 2), prng))["value"], 1);
}

TEST(SeqKvTest, UnknownTypeGetsNoReplyAndChangesNothing) {
  SeqKv kv;
  Prng prng(8);
  kv.Handle("n0", Write("k", 1, 1), prng);
  EXPECT_FALSE(kv.Handle("n1", {{"type", "ts"}, {"msg_id", 1}}, prng));
  EXPECT_FALSE(kv.Handle("n1", {{"type", 7}, {"key", "k"}}, prng));
  EXPECT_EQ(kv.newest_index(), 1);
  EXPECT_EQ(kv.callers(), 1u);  // n1 was never recorded
}

TEST(SeqKvTest, RingKeepsItsCapacityAndWrapsInsteadOfClamping) {
  SeqKv kv(/*kept_versions=*/4);
  Prng prng(7);
  for (int v = 1; v <= 10; ++v) kv.Handle("n0", Write("k", v, v), prng);
  // Versions 7..10 are kept. k versions behind the newest reads
  // newest - (k mod 4): index 6 (4 behind) wraps to the newest.
  EXPECT_EQ(kv.VersionAt(10).values.at("\"k\""), 10);
  EXPECT_EQ(kv.VersionAt(7).values.at("\"k\""), 7);
  EXPECT_EQ(kv.VersionAt(6).values.at("\"k\""), 10);
  EXPECT_EQ(kv.VersionAt(5).values.at("\"k\""), 9);
  EXPECT_EQ(kv.VersionAt(0).values.at("\"k\""), 8);  // 10 behind: 10 mod 4 = 2
}

TEST(SeqKvTest, CallerTableIsBoundedAndRefusesNewCallersAtTheBound) {
  SeqKv kv(SeqKv::kDefaultVersions, /*max_callers=*/3);
  Prng prng(9);
  for (const char* src : {"n0", "n1", "n2"}) {
    ASSERT_TRUE(kv.Handle(src, Write(src, 1, 1), prng).has_value());
  }
  const int64_t newest = kv.newest_index();
  EXPECT_FALSE(kv.Handle("n3", Write("n3", 1, 1), prng).has_value());
  EXPECT_EQ(kv.refused_callers(), 1);
  EXPECT_EQ(kv.callers(), 3u);
  EXPECT_EQ(kv.newest_index(), newest);
  // Known callers are still served.
  EXPECT_TRUE(kv.Handle("n1", Read("n0", 2), prng).has_value());
}

TEST(LwwKvTest, WritesLandOnOneReplicaOnly) {
  LwwKv kv;
  Prng prng(10);
  kv.Handle("n0", Write("k", 1, 1), prng);
  const bool on0 = kv.replica(0).m.count("\"k\"") > 0;
  const bool on1 = kv.replica(1).m.count("\"k\"") > 0;
  EXPECT_NE(on0, on1);
  EXPECT_EQ(kv.replica(on0 ? 0 : 1).clock, 1);
  EXPECT_EQ(kv.changes(), 1);
  EXPECT_EQ(kv.NewestStore(), nullptr);
}

TEST(LinTsoTest, CountsFromZeroAndIgnoresOtherTypes) {
  LinTso tso;
  Prng prng(11);
  EXPECT_EQ(*tso.Handle("n0", {{"type", "ts"}, {"msg_id", 5}}, prng),
            (Json{{"type", "ts_ok"}, {"ts", 0}, {"in_reply_to", 5}}));
  EXPECT_FALSE(tso.Handle("n0", {{"type", "read"}, {"msg_id", 6}}, prng));
  EXPECT_EQ((*tso.Handle("n1", {{"type", "ts"}}, prng)),
            (Json{{"type", "ts_ok"}, {"ts", 1}, {"in_reply_to", nullptr}}));
}

TEST(KvServiceFactoryTest, MakesMaelstromsFourDefaultServices) {
  std::map<std::string, std::unique_ptr<KvService>> services =
      MakeDefaultKvServices();
  ASSERT_EQ(services.size(), 4u);
  for (const auto& [name, service] : services) EXPECT_EQ(service->name(), name);
  EXPECT_EQ(MakeKvService("seq-kv")->name(), "seq-kv");
  EXPECT_EQ(MakeKvService("lin-kv")->name(), "lin-kv");
  EXPECT_EQ(MakeKvService("lww-kv")->name(), "lww-kv");
  EXPECT_EQ(MakeKvService("lin-tso")->name(), "lin-tso");
  EXPECT_EQ(MakeKvService("seq-tso"), nullptr);
}

}  // namespace
}  // namespace sim
