// elle/graph.clj and elle.core graphs: Tarjan SCCs (Bifurcan's
// stronglyConnectedComponents), sequential-extension, fallback-cycle,
// realtime-graph's transitive reduction, process-graph.
#include "sim/elle/graph.h"

#include <vector>

#include "gtest/gtest.h"
#include "sim/elle/ops.h"

namespace elle {
namespace {

using Components = std::vector<std::vector<uint32_t>>;

TEST(Digraph, LinksUnionRelsAndUnlinkKeepsTheVertex) {
  Digraph::Builder b(4);
  b.Link(0, 1, kWR);
  b.Link(0, 1, kWW);
  b.Link(2, 2, kRW);
  b.Unlink(2, 2);  // elle.graph/remove-self-edges
  Digraph g = std::move(b).Build();
  EXPECT_EQ(g.EdgeRels(0, 1), kWW | kWR);
  EXPECT_EQ(g.EdgeRels(1, 0), 0);
  EXPECT_EQ(g.EdgeRels(2, 2), 0);
  EXPECT_EQ(g.size(), 3u);  // 0, 1 and 2; never 3
  EXPECT_EQ(g.edge_count(), 1u);
}

TEST(Digraph, SccsRespectTheRelMask) {
  Digraph::Builder b(5);
  b.Link(0, 1, kWR);
  b.Link(1, 0, kRW);
  b.Link(2, 3, kWW);
  b.Link(3, 4, kWW);
  b.Link(4, 2, kRealtime);
  Digraph g = std::move(b).Build();
  EXPECT_EQ(StronglyConnectedComponents(g, kAllRels),
            Components({{0, 1}, {2, 3, 4}}));
  EXPECT_EQ(StronglyConnectedComponents(g, kWW | kWR), Components());
  EXPECT_EQ(StronglyConnectedComponents(g, kWR | kRW), Components({{0, 1}}));
  EXPECT_EQ(StronglyConnectedComponents(g, kWW, true).size(), 5u);
}

TEST(Digraph, SccOfAMillionVertexCycleNeedsNoRecursion) {
  const uint32_t n = 1'000'000;
  Digraph::Builder b(n);
  for (uint32_t i = 0; i < n; ++i) b.Link(i, (i + 1) % n, kWW);
  Components c = StronglyConnectedComponents(std::move(b).Build(), kWW);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].size(), n);
}

// elle.graph/sequential-extension: A ∪ A;B. A single rw hop closes a cycle
// only right after an A edge; two rw hops in a row do not.
TEST(Digraph, ExtensionComponents) {
  Digraph::Builder b(4);
  b.Link(0, 1, kWR);
  b.Link(1, 0, kRW);  // 0 -A-> 1 -B-> 0: a self-loop on 0 in A;B
  b.Link(2, 3, kRW);
  b.Link(3, 2, kRW);  // B only: nothing
  Digraph g = std::move(b).Build();
  EXPECT_EQ(ExtensionComponents(g, kWR, kRW), Components({{0}}));
  EXPECT_EQ(ExtensionComponents(g, kWR | kRW, kRW),
            Components({{0, 1}, {2, 3}}));
}

// elle.graph/fallback-cycle: first vertex, first unseen neighbour, until an
// edge closes on the path.
TEST(Digraph, FallbackCycle) {
  Digraph::Builder b(3);
  b.Link(0, 1, kWR);
  b.Link(1, 2, kWR);
  b.Link(2, 1, kWR);
  b.Link(2, 0, kWR);
  EXPECT_EQ(FallbackCycle(std::move(b).Build()),
            std::vector<uint32_t>({0, 1, 2, 0}));
}

// elle.core/realtime-graph: the transitive reduction of "a completed before
// b was invoked"; the comment's example:
//   ==a==       ==c== ==e==
//         ==b==
//           ==d===
TEST(RealtimeGraph, TransitiveReduction) {
  // history positions: a 0-1, b 2-4, d 3-6, c 5-7, e 8-9
  std::vector<Op> ops = {
      {1, 0, 0, sim::EventType::kOk},  // a
      {4, 2, 1, sim::EventType::kOk},  // b
      {6, 3, 2, sim::EventType::kOk},  // d
      {7, 5, 3, sim::EventType::kOk},  // c
      {9, 8, 4, sim::EventType::kOk},  // e
  };
  Digraph::Builder b(ops.size());
  AddRealtimeEdges(ops, &b);
  Digraph g = std::move(b).Build();
  const uint32_t a = 0, bb = 1, d = 2, c = 3, e = 4;
  EXPECT_EQ(g.EdgeRels(a, bb), kRealtime);
  EXPECT_EQ(g.EdgeRels(a, d), kRealtime);
  EXPECT_EQ(g.EdgeRels(bb, c), kRealtime);
  EXPECT_EQ(g.EdgeRels(a, c), 0);  // b -> c covers it
  EXPECT_EQ(g.EdgeRels(c, e), kRealtime);
  EXPECT_EQ(g.EdgeRels(d, e), kRealtime);
  EXPECT_EQ(g.EdgeRels(bb, e), 0);
  EXPECT_EQ(g.edge_count(), 5u);
}

// Failed and crashed ops are targets of realtime edges, never sources.
TEST(RealtimeGraph, OnlyOkOpsPrecede) {
  std::vector<Op> ops = {
      {1, 0, 0, sim::EventType::kInfo},
      {3, 2, 1, sim::EventType::kOk},
      {5, 4, 0, sim::EventType::kFail},
  };
  Digraph::Builder b(ops.size());
  AddRealtimeEdges(ops, &b);
  Digraph g = std::move(b).Build();
  EXPECT_EQ(g.EdgeRels(0, 1), 0);
  EXPECT_EQ(g.EdgeRels(1, 2), kRealtime);
}

TEST(ProcessGraph, ChainsEachProcessesOkOps) {
  std::vector<Op> ops = {
      {1, 0, 0, sim::EventType::kOk},
      {3, 2, 1, sim::EventType::kOk},
      {5, 4, 0, sim::EventType::kInfo},
      {7, 6, 0, sim::EventType::kOk},
  };
  Digraph::Builder b(ops.size());
  AddProcessEdges(ops, &b);
  Digraph g = std::move(b).Build();
  EXPECT_EQ(g.EdgeRels(0, 3), kProcess);
  EXPECT_EQ(g.edge_count(), 1u);
}

}  // namespace
}  // namespace elle
