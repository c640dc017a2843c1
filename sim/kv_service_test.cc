// Hand-worked seq-kv cases. Most are deterministic: with a caller one version
// behind, Maelstrom's rand-int over [client, newest) can only pick `client`.
#include "sim/kv_service.h"

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
  Json body = {{"type", "cas"}, {"key", key}, {"from", from}, {"to", to},
               {"msg_id", id}};
  if (create) body["create_if_not_exists"] = true;
  return body;
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

TEST(LinKvTest, OperationsOnLatestState) {
  LinKv kv;
  Prng prng(1);
  EXPECT_EQ(*kv.Handle("n0", Read("k", 1), prng),
            (Json{{"type", "error"}, {"code", 20}, {"text", "key does not exist"},
                  {"in_reply_to", 1}}));
  EXPECT_EQ(*kv.Handle("n0", Write("k", 1, 2), prng),
            (Json{{"type", "write_ok"}, {"in_reply_to", 2}}));
  EXPECT_EQ((*kv.Handle("n1", Read("k", 3), prng))["value"], 1);
  EXPECT_EQ((*kv.Handle("n1", Cas("k", 1.0, 2, 4), prng))["code"], 22);
  EXPECT_EQ((*kv.Handle("n1", Cas("k", 1, 2, 5), prng))["type"], "cas_ok");
  EXPECT_EQ((*kv.Handle("n1", Cas("j", 0, 7, 6), prng))["code"], 20);
  EXPECT_EQ((*kv.Handle("n1", Cas("j", 0, 7, 7, true), prng))["type"], "cas_ok");
  EXPECT_EQ((*kv.Handle("n0", Read("j", 8), prng))["value"], 7);
  EXPECT_FALSE(kv.Handle("n0", {{"type", "frobnicate"}, {"msg_id", 9}}, prng));
}

TEST(SeqKvTest, StaleErrorKeyDoesNotExist) {
  SeqKv kv;
  Prng prng(1);
  ASSERT_EQ((*kv.Handle("n0", Write("k", 1, 1), prng))["type"], "write_ok");
  // n1 is on version 0 and rand-int(1) == 0: the empty store.
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ((*kv.Handle("n1", Read("k", 2), prng))["code"], 20);
  }
  EXPECT_EQ(kv.last_seen("n1"), 0);
}

TEST(SeqKvTest, OwnWritesVisible) {
  SeqKv kv;
  Prng prng(2);
  kv.Handle("n0", Write("k", 1, 1), prng);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ((*kv.Handle("n0", Read("k", 2), prng))["value"], 1);
  }
}

TEST(SeqKvTest, StaleReadsAreSomeOlderVersionAndViewsAreMonotonic) {
  // n0 writes 1..20; n1 reads after each write. n1 never sees the newest
  // value it did not write itself, and what it sees never goes back.
  int stale_reads = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SeqKv kv;
    Prng prng(seed);
    int64_t seen = 0;  // 0 = key missing
    for (int v = 1; v <= 20; ++v) {
      kv.Handle("n0", Write("k", v, v), prng);
      Json reply = *kv.Handle("n1", Read("k", v), prng);
      int64_t now_seen = reply["type"] == "read_ok" ? reply["value"].get<int64_t>() : 0;
      ASSERT_GE(now_seen, seen) << "seed " << seed;
      ASSERT_LT(now_seen, v) << "newest is unreachable from behind";
      stale_reads += now_seen < v - 1;
      seen = now_seen;
    }
  }
  EXPECT_GT(stale_reads, 0);
}

TEST(SeqKvTest, StalePreconditionFailed) {
  SeqKv kv;
  Prng prng(3);
  kv.Handle("n0", Write("k", 1, 1), prng);   // v1
  kv.Handle("n0", Cas("k", 1, 2, 2), prng);  // v2: k=2
  // Bring n1 to v1: its only choices are v0 then v1.
  while (kv.last_seen("n1") < 1) kv.Handle("n1", Read("k", 3), prng);
  ASSERT_EQ(kv.last_seen("n1"), 1);
  // cas 2→3 is right for the newest state, but n1 runs it on v1 (k=1):
  // nothing changes there, so the stale error 22 is the answer.
  Json reply = *kv.Handle("n1", Cas("k", 2, 3, 4), prng);
  EXPECT_EQ(reply["code"], 22);
  EXPECT_EQ(kv.newest_index(), 2);
  EXPECT_EQ(kv.Newest().values.at("\"k\""), 2);
}

TEST(SeqKvTest, WriteOfEqualValueOnStaleVersionIsNotApplied) {
  SeqKv kv;
  Prng prng(4);
  kv.Handle("n0", Write("k", 1, 1), prng);  // v1
  kv.Handle("n0", Write("k", 2, 2), prng);  // v2
  while (kv.last_seen("n1") < 1) kv.Handle("n1", Read("k", 3), prng);
  // On v1 k is already 1: "no change", so write_ok without a new version.
  EXPECT_EQ((*kv.Handle("n1", Write("k", 1, 4), prng))["type"], "write_ok");
  EXPECT_EQ(kv.newest_index(), 2);
  EXPECT_EQ(kv.Newest().values.at("\"k\""), 2);
  // A float 1.0 is a different value: it changes v1, so it is re-run on the
  // newest version and appended.
  EXPECT_EQ((*kv.Handle("n1", Write("k", 1.0, 5), prng))["type"], "write_ok");
  EXPECT_EQ(kv.newest_index(), 3);
  EXPECT_TRUE(kv.Newest().values.at("\"k\"").is_number_float());
}

TEST(SeqKvTest, ChangingOpRerunOnNewestAppendsEvenWhenRerunFails) {
  SeqKv kv;
  Prng prng(5);
  kv.Handle("n0", Write("k", 1, 1), prng);  // v1
  kv.Handle("n0", Write("k", 2, 2), prng);  // v2
  while (kv.last_seen("n1") < 1) kv.Handle("n1", Read("k", 3), prng);
  // cas 1→3 would change v1, so it is re-run on v2 (k=2) and fails there.
  Json reply = *kv.Handle("n1", Cas("k", 1, 3, 4), prng);
  EXPECT_EQ(reply["code"], 22);
  EXPECT_EQ(reply["in_reply_to"], 4);
  EXPECT_EQ(kv.newest_index(), 3);  // appended anyway
  EXPECT_EQ(kv.last_seen("n1"), 3);
  // n1 is now on the newest version: it reads 2 every time.
  EXPECT_EQ((*kv.Handle("n1", Read("k", 5), prng))["value"], 2);
}

TEST(SeqKvTest, ChangingOpPullsCallerToNewest) {
  SeqKv kv;
  Prng prng(6);
  kv.Handle("n0", Write("a", 1, 1), prng);
  kv.Handle("n1", Write("b", 1, 1), prng);  // re-run on newest: sees a=1
  EXPECT_EQ(kv.last_seen("n1"), 2);
  EXPECT_EQ((*kv.Handle("n1", Read("a", 2), prng))["value"], 1);
}

TEST(SeqKvTest, KeepsOnlyTheLastVersionsOfTheWholeStore) {
  SeqKv kv(/*kept_versions=*/4);
  Prng prng(7);
  for (int v = 1; v <= 10; ++v) kv.Handle("n0", Write("k", v, v), prng);
  // n1 is at index 0, long gone: it sees the oldest kept version (k=7) or
  // newer, never the empty store.
  Json reply = *kv.Handle("n1", Read("k", 1), prng);
  ASSERT_EQ(reply["type"], "read_ok");
  EXPECT_GE(reply["value"].get<int>(), 7);
  EXPECT_LT(reply["value"].get<int>(), 10);
}

TEST(SeqKvTest, UnknownTypeGetsNoReply) {
  SeqKv kv;
  Prng prng(8);
  EXPECT_FALSE(kv.Handle("n0", {{"type", "ts"}, {"msg_id", 1}}, prng));
  EXPECT_EQ(kv.newest_index(), 0);
}

}  // namespace
}  // namespace sim
