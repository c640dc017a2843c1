#include "sim/maelstrom/network.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/maelstrom/nemesis.h"

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

std::vector<std::string> Nodes(int n) {
  std::vector<std::string> nodes;
  for (int i = 0; i < n; ++i) nodes.push_back("n" + std::to_string(i));
  return nodes;
}

// How many senders each node ignores, sorted.
std::vector<size_t> IgnoreCounts(const Grudge& grudge,
                                 const std::vector<std::string>& nodes) {
  std::vector<size_t> counts;
  for (const std::string& node : nodes) {
    auto it = grudge.find(node);
    counts.push_back(it == grudge.end() ? 0 : it->second.size());
  }
  std::sort(counts.begin(), counts.end());
  return counts;
}

bool Symmetric(const Grudge& grudge) {
  for (const auto& [receiver, senders] : grudge) {
    for (const std::string& sender : senders) {
      auto back = grudge.find(sender);
      if (back == grudge.end() || back->second.count(receiver) == 0)
        return false;
    }
  }
  return true;
}

// Shapes of the four partition specs; conformance_test.cc pins each against
// jepsen nemesis/combined.clj grudge and nemesis.clj.
TEST(NemesisTest, GrudgeShapes) {
  Prng prng(4);
  using V = std::vector<size_t>;
  for (int n = 1; n <= 9; ++n) {
    const std::vector<std::string> nodes = Nodes(n);
    for (int trial = 0; trial < 20; ++trial) {
      Grudge one = MakeGrudge(PartitionSpec::kOne, nodes, prng);
      V expect_one(static_cast<size_t>(n), 1);
      expect_one.back() = static_cast<size_t>(n - 1);
      if (n == 1) expect_one = {0};
      EXPECT_EQ(IgnoreCounts(one, nodes), expect_one) << n;
      // bisect: floor(n/2) against the rest.
      const size_t small = static_cast<size_t>(n / 2),
                   big = static_cast<size_t>(n) - small;
      V expect_majority;
      for (size_t i = 0; i < big; ++i) expect_majority.push_back(small);
      for (size_t i = 0; i < small; ++i) expect_majority.push_back(big);
      std::sort(expect_majority.begin(), expect_majority.end());
      EXPECT_EQ(IgnoreCounts(MakeGrudge(PartitionSpec::kMajority, nodes, prng),
                             nodes),
                expect_majority)
          << n;
      // minority-third: floor((n-1)/3) against the rest.
      const size_t third = static_cast<size_t>((n - 1) / 3),
                   rest = static_cast<size_t>(n) - third;
      V expect_third;
      for (size_t i = 0; i < rest; ++i) expect_third.push_back(third);
      for (size_t i = 0; i < third; ++i) expect_third.push_back(rest);
      std::sort(expect_third.begin(), expect_third.end());
      EXPECT_EQ(
          IgnoreCounts(MakeGrudge(PartitionSpec::kMinorityThird, nodes, prng),
                       nodes),
          expect_third)
          << n;
      Grudge ring = MakeGrudge(PartitionSpec::kMajoritiesRing, nodes, prng);
      for (const auto& [r, s] : ring) {
        EXPECT_GE(static_cast<size_t>(n) - s.size(),
                  static_cast<size_t>(n / 2 + 1))
            << r;
        EXPECT_EQ(s.count(r), 0u);
      }
    }
  }
  EXPECT_TRUE(
      MakeGrudge(PartitionSpec::kMinorityThird, Nodes(3), prng).empty());
}

TEST(NemesisTest, PerfectRingsForThreeToFiveNodes) {
  Prng prng(12);
  for (int trial = 0; trial < 50; ++trial) {
    // 3 nodes: windows of 2; each middle drops the third node. A directed
    // 3-cycle: a ignores b never with b ignoring a.
    Grudge three = MakeGrudge(PartitionSpec::kMajoritiesRing, Nodes(3), prng);
    EXPECT_EQ(IgnoreCounts(three, Nodes(3)), (std::vector<size_t>{1, 1, 1}));
    for (const auto& [r, s] : three) {
      EXPECT_EQ(three.at(*s.begin()).count(r), 0u) << DescribeGrudge(three);
    }
    // 4 nodes: windows of 3; each node drops the one opposite it: two
    // symmetric pairs.
    Grudge four = MakeGrudge(PartitionSpec::kMajoritiesRing, Nodes(4), prng);
    EXPECT_EQ(IgnoreCounts(four, Nodes(4)), (std::vector<size_t>{1, 1, 1, 1}));
    EXPECT_TRUE(Symmetric(four)) << DescribeGrudge(four);
    // 5 nodes: windows of 3 centred on each node: it drops the two nodes
    // not adjacent to it in the ring, symmetric.
    Grudge five = MakeGrudge(PartitionSpec::kMajoritiesRing, Nodes(5), prng);
    EXPECT_EQ(IgnoreCounts(five, Nodes(5)),
              (std::vector<size_t>{2, 2, 2, 2, 2}));
    EXPECT_TRUE(Symmetric(five)) << DescribeGrudge(five);
  }
}

TEST(NemesisTest, DescribeSaysWhenAPartitionCutsNothing) {
  Nemesis n = Nemesis::Partition(Nodes(3), absl::Seconds(1), absl::UnixEpoch());
  Prng prng(13);
  absl::Time now = absl::UnixEpoch();
  int nothing = 0, shaped = 0;
  for (int i = 0; i < 200; ++i) {
    FaultAction a = n.Fire(now, prng);
    now = n.next_at();
    if (a.kind != FaultAction::kPartition) continue;
    if (a.shape == "minority-third") {
      ++nothing;
      EXPECT_EQ(a.Describe(),
                "partition that cuts nothing (minority-third of 3 nodes)");
    } else {
      ++shaped;
      EXPECT_EQ(a.Describe().rfind("partition " + a.shape + ": ", 0), 0u)
          << a.Describe();
    }
  }
  EXPECT_GT(nothing, 0);
  EXPECT_GT(shaped, 0);
  FaultAction bare;
  bare.kind = FaultAction::kPartition;
  EXPECT_EQ(bare.Describe(), "partition that cuts nothing");
}

TEST(NemesisTest, PartitionAlternatesStartingAtT0) {
  absl::Time t0 = absl::UnixEpoch();
  Nemesis n = Nemesis::Partition({"n0", "n1", "n2"}, absl::Seconds(10), t0);
  Prng prng(5);
  EXPECT_EQ(n.next_at(), t0);
  absl::Time now = t0;
  for (int i = 0; i < 20; ++i) {
    FaultAction a = n.Fire(now, prng);
    EXPECT_EQ(a.kind,
              i % 2 == 0 ? FaultAction::kPartition : FaultAction::kHeal);
    ASSERT_GE(n.next_at(), now);
    ASSERT_LT(n.next_at(), now + absl::Seconds(20));
    now = n.next_at();
  }
  EXPECT_FALSE(n.Heal().has_value());  // 20 fires: last was a heal
  EXPECT_EQ(n.next_at(), absl::InfiniteFuture());
}

TEST(NemesisTest, CrashIsUndoneByRestartOfTheSameNode) {
  Nemesis n =
      Nemesis::Crash({"n0", "n1", "n2"}, absl::Seconds(1), absl::UnixEpoch());
  Prng prng(6);
  FaultAction kill = n.Fire(absl::UnixEpoch(), prng);
  ASSERT_EQ(kill.kind, FaultAction::kKill);
  auto undo = n.Heal();
  ASSERT_TRUE(undo.has_value());
  EXPECT_EQ(undo->kind, FaultAction::kRestart);
  EXPECT_EQ(undo->node, kill.node);
}

TEST(NemesisTest, KvGarbleAlternatesOnOneNodeAndHealsIt) {
  Nemesis n = Nemesis::KvGarble({"n0", "n1", "n2"}, absl::Seconds(5),
                                absl::UnixEpoch());
  Prng prng(8);
  absl::Time now = absl::UnixEpoch();
  for (int i = 0; i < 10; ++i) {
    FaultAction a = n.Fire(now, prng);
    EXPECT_EQ(a.kind,
              i % 2 == 0 ? FaultAction::kGarbleKv : FaultAction::kUngarbleKv);
    EXPECT_LT(n.next_at() - now, absl::Seconds(10)) << "[0, 2 x interval)";
    now = n.next_at();
  }
  FaultAction on = n.Fire(now, prng);
  ASSERT_EQ(on.kind, FaultAction::kGarbleKv);
  EXPECT_EQ(on.Describe(),
            absl::StrCat("garble kv replies to ", on.node,
                         " (errors, wrong types, missing fields, bad values)"));
  auto undo = n.Heal();
  ASSERT_TRUE(undo.has_value());
  EXPECT_EQ(undo->kind, FaultAction::kUngarbleKv);
  EXPECT_EQ(undo->node, on.node);
}

TEST(NemesisTest, StallsAreBounded) {
  Nemesis n = Nemesis::Stall({"n0"}, absl::Seconds(3), absl::Milliseconds(100),
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
