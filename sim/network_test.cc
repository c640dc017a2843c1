#include "sim/network.h"

#include "gtest/gtest.h"
#include "sim/nemesis.h"

namespace sim {
namespace {

kvclient::Message Msg(const char* src, const char* dest) {
  return kvclient::Message{src, dest, {{"type", "x"}}};
}

TEST(NetworkTest, KindOf) {
  EXPECT_EQ(KindOf("c12"), EndpointKind::kClient);
  EXPECT_EQ(KindOf("n0"), EndpointKind::kNode);
  EXPECT_EQ(KindOf("seq-kv"), EndpointKind::kService);
  EXPECT_EQ(KindOf("nx"), EndpointKind::kService);
}

TEST(NetworkTest, ClientMessagesHaveNoLatencyOthersDo) {
  NetworkOptions o;
  o.latency = absl::Milliseconds(10);
  Network net(o);
  Prng prng(1);
  EXPECT_EQ(net.OnSend(Msg("c1", "n0"), prng),
            std::vector<absl::Duration>{absl::ZeroDuration()});
  EXPECT_EQ(net.OnSend(Msg("n0", "c1"), prng),
            std::vector<absl::Duration>{absl::ZeroDuration()});
  EXPECT_EQ(net.OnSend(Msg("n0", "n1"), prng),
            std::vector<absl::Duration>{absl::Milliseconds(10)});
  EXPECT_EQ(net.OnSend(Msg("n0", "seq-kv"), prng),
            std::vector<absl::Duration>{absl::Milliseconds(10)});
}

TEST(NetworkTest, UniformLatencyBelowTwiceMean) {
  NetworkOptions o;
  o.latency = absl::Milliseconds(10);
  o.latency_dist = LatencyDist::kUniform;
  Network net(o);
  Prng prng(2);
  absl::Duration max;
  for (int i = 0; i < 1000; ++i) {
    auto d = net.OnSend(Msg("n0", "n1"), prng);
    ASSERT_EQ(d.size(), 1u);
    ASSERT_LT(d[0], absl::Milliseconds(20));
    max = std::max(max, d[0]);
  }
  EXPECT_GT(max, absl::Milliseconds(15));
}

TEST(NetworkTest, PartitionsDropNodeToNodeOnlyAtDelivery) {
  Network net(NetworkOptions{});
  net.SetGrudge(CompleteGrudge({"n0"}, {"n1", "n2"}));
  EXPECT_TRUE(net.DropAtDelivery(Msg("n1", "n0")));
  EXPECT_TRUE(net.DropAtDelivery(Msg("n0", "n2")));
  EXPECT_FALSE(net.DropAtDelivery(Msg("n1", "n2")));
  EXPECT_FALSE(net.DropAtDelivery(Msg("n0", "seq-kv")));
  EXPECT_FALSE(net.DropAtDelivery(Msg("seq-kv", "n0")));
  EXPECT_FALSE(net.DropAtDelivery(Msg("n0", "c3")));
  net.Heal();
  EXPECT_FALSE(net.DropAtDelivery(Msg("n1", "n0")));
}

TEST(NetworkTest, KvCutModes) {
  Network net(NetworkOptions{});
  net.CutKv("n0", KvCutMode::kReplies);
  EXPECT_FALSE(net.DropAtDelivery(Msg("n0", "seq-kv")));  // applied...
  EXPECT_TRUE(net.DropAtDelivery(Msg("seq-kv", "n0")));   // ...never answered
  EXPECT_FALSE(net.DropAtDelivery(Msg("seq-kv", "n1")));
  net.CutKv("n0", KvCutMode::kRequests);
  EXPECT_TRUE(net.DropAtDelivery(Msg("n0", "seq-kv")));
  EXPECT_FALSE(net.DropAtDelivery(Msg("seq-kv", "n0")));
  net.RestoreKv("n0");
  EXPECT_FALSE(net.DropAtDelivery(Msg("n0", "seq-kv")));
  EXPECT_FALSE(net.DropAtDelivery(Msg("n1", "n0")));
}

TEST(NetworkTest, LossAndDuplicationFollowTheirRates) {
  NetworkOptions o;
  o.loss_ppm = 100000;       // 10%
  o.duplicate_ppm = 200000;  // 20%
  Network net(o);
  Prng prng(3);
  int lost = 0, dup = 0, client_lost = 0;
  for (int i = 0; i < 10000; ++i) {
    size_t copies = net.OnSend(Msg("n0", "n1"), prng).size();
    lost += copies == 0;
    dup += copies == 2;
    client_lost += net.OnSend(Msg("c1", "n1"), prng).empty();
  }
  EXPECT_NEAR(lost, 1000, 150);
  EXPECT_NEAR(dup, 1800, 200);  // 20% of the 90% not lost
  EXPECT_EQ(client_lost, 0);
}

TEST(NemesisTest, GrudgeShapes) {
  std::vector<std::string> three = {"n0", "n1", "n2"};
  std::vector<std::string> five = {"n0", "n1", "n2", "n3", "n4"};
  Prng prng(4);
  Grudge one = MakeGrudge(PartitionSpec::kOne, three, prng);
  // One node ignores both others; the others ignore only it.
  size_t isolated = 0;
  for (const auto& [r, s] : one) isolated += s.size() == 2;
  EXPECT_EQ(isolated, 1u);
  EXPECT_EQ(one.size(), 3u);
  EXPECT_TRUE(MakeGrudge(PartitionSpec::kMinorityThird, three, prng).empty());
  Grudge third = MakeGrudge(PartitionSpec::kMinorityThird, five, prng);
  EXPECT_EQ(third.size(), 5u);  // 1 vs 4
  Grudge majority = MakeGrudge(PartitionSpec::kMajority, five, prng);
  size_t minority_side = 0;
  for (const auto& [r, s] : majority) minority_side += s.size() == 3;
  EXPECT_EQ(minority_side, 2u);
  for (const auto* nodes : {&three, &five}) {
    Grudge ring = MakeGrudge(PartitionSpec::kMajoritiesRing, *nodes, prng);
    for (const auto& [r, s] : ring) {
      EXPECT_EQ(nodes->size() - s.size(), nodes->size() / 2 + 1) << r;
      EXPECT_EQ(s.count(r), 0u);
    }
  }
}

TEST(NemesisTest, PartitionAlternatesStartingAtT0) {
  absl::Time t0 = absl::UnixEpoch();
  Nemesis n = Nemesis::Partition({"n0", "n1", "n2"}, absl::Seconds(10), t0);
  Prng prng(5);
  EXPECT_EQ(n.next_at(), t0);
  absl::Time now = t0;
  for (int i = 0; i < 20; ++i) {
    FaultAction a = n.Fire(now, prng);
    EXPECT_EQ(a.kind, i % 2 == 0 ? FaultAction::kPartition : FaultAction::kHeal);
    ASSERT_GE(n.next_at(), now);
    ASSERT_LT(n.next_at(), now + absl::Seconds(20));
    now = n.next_at();
  }
  EXPECT_FALSE(n.Heal().has_value());  // 20 fires: last was a heal
  EXPECT_EQ(n.next_at(), absl::InfiniteFuture());
}

TEST(NemesisTest, KillIsUndoneByRestartOfTheSameNode) {
  Nemesis n = Nemesis::Kill({"n0", "n1", "n2"}, absl::Seconds(1),
                            absl::UnixEpoch());
  Prng prng(6);
  FaultAction kill = n.Fire(absl::UnixEpoch(), prng);
  ASSERT_EQ(kill.kind, FaultAction::kKill);
  auto undo = n.Heal();
  ASSERT_TRUE(undo.has_value());
  EXPECT_EQ(undo->kind, FaultAction::kRestart);
  EXPECT_EQ(undo->node, kill.node);
}

TEST(NemesisTest, PausesAreBounded) {
  Nemesis n = Nemesis::Pause({"n0"}, absl::Seconds(3), absl::Milliseconds(100),
                             absl::Milliseconds(800), absl::UnixEpoch());
  Prng prng(7);
  absl::Time now = absl::UnixEpoch();
  for (int i = 0; i < 50; ++i) {
    FaultAction a = n.Fire(now, prng);
    if (a.kind == FaultAction::kPause) {
      EXPECT_GE(n.next_at() - now, absl::Milliseconds(100));
      EXPECT_LE(n.next_at() - now, absl::Milliseconds(800));
    }
    now = n.next_at();
  }
}

}  // namespace
}  // namespace sim
