// Dependency graphs between a history's operations, as Elle builds them
// (elle/graph.clj over Bifurcan DirectedGraphs whose edges are BitRels):
// vertices are dense operation ids 0..n-1, every edge carries the set of
// relationships (ww, wr, rw, ..., process, realtime) that justify it.
//
//   Digraph::Builder b(/*vertex_count=*/3);
//   b.Link(0, 1, kWR);
//   b.Link(1, 2, kRealtime);
//   b.Link(0, 1, kWW);            // unions into the same edge: {ww, wr}
//   Digraph g = std::move(b).Build();
//   g.EdgeRels(0, 1) == (kWW | kWR);
//   StronglyConnectedComponents(g, kAllRels) == {}   // acyclic
//
// Build sorts and merges edges: memory is one 12-byte record per Link until
// Build, then 5 bytes per distinct edge. Out-neighbours iterate in
// ascending vertex id, which is ascending history :index, so every search
// below is deterministic (Elle iterates Bifurcan's hash order instead; see
// README.md).
#ifndef SIM_ELLE_GRAPH_H_
#define SIM_ELLE_GRAPH_H_

#include <cstdint>
#include <string>
#include <vector>

namespace elle {

// elle/BitRels.java: one bit per relationship, in BitRels/ALL order.
using Rels = uint8_t;
inline constexpr Rels kWW = 0x01;
inline constexpr Rels kWR = 0x02;
inline constexpr Rels kRW = 0x04;
inline constexpr Rels kWWP = 0x08;
inline constexpr Rels kWRP = 0x10;
inline constexpr Rels kRWP = 0x20;
inline constexpr Rels kProcess = 0x40;
inline constexpr Rels kRealtime = 0x80;
inline constexpr Rels kAnyRW = kRW | kRWP;
inline constexpr Rels kAllRels = 0xFF;

// "ww", "wr", ... for a single relationship.
const char* RelName(Rels single);
// The relationships of `rels` in BitRels/ALL order.
std::vector<Rels> RelsList(Rels rels);

class Digraph {
 public:
  class Builder {
   public:
    explicit Builder(uint32_t vertex_count);
    // Adds rels to the edge a -> b (creating it and both vertices).
    void Link(uint32_t a, uint32_t b, Rels rels);
    // Marks v as a vertex of the graph without an edge (Bifurcan keeps a
    // vertex whose only edge was unlinked; Elle counts it).
    void Touch(uint32_t v);
    // Removes the edge a -> b if present (elle.graph/unlink). Applied at
    // Build, after every Link.
    void Unlink(uint32_t a, uint32_t b);
    // Adds every vertex and edge of a built graph over the same ids
    // (elle.graph/digraph-union).
    void Add(const Digraph& g);
    Digraph Build() &&;

   private:
    struct Edge {
      uint32_t from, to;
      Rels rels;
    };
    uint32_t vertex_count_;
    std::vector<Edge> edges_;
    std::vector<Edge> unlinks_;
    std::vector<bool> touched_;
  };

  Digraph() = default;

  // The id space: vertices are 0..vertex_count()-1, whether or not touched.
  uint32_t vertex_count() const { return vertex_count_; }
  // Vertices with an edge or a Touch (Bifurcan's (b/size graph)).
  uint32_t size() const { return size_; }
  bool Contains(uint32_t v) const { return touched_[v]; }
  size_t edge_count() const { return targets_.size(); }

  // Out-edges of v: targets ascending, with their rels.
  const uint32_t* OutBegin(uint32_t v) const {
    return targets_.data() + offsets_[v];
  }
  const uint32_t* OutEnd(uint32_t v) const {
    return targets_.data() + offsets_[v + 1];
  }
  const Rels* OutRels(uint32_t v) const { return rels_.data() + offsets_[v]; }
  uint32_t OutDegree(uint32_t v) const { return offsets_[v + 1] - offsets_[v]; }
  // The rels of a -> b; 0 when there is no such edge.
  Rels EdgeRels(uint32_t a, uint32_t b) const;

  // The subgraph induced by `vertices` (ascending, distinct), renumbered
  // 0..k-1 in that order.
  Digraph Induced(const std::vector<uint32_t>& vertices) const;

  // The union of the rels on every edge (for tests and reports).
  Rels AllEdgeRels() const;

 private:
  uint32_t vertex_count_ = 0;
  uint32_t size_ = 0;
  std::vector<bool> touched_;
  std::vector<uint32_t> offsets_{0};
  std::vector<uint32_t> targets_;
  std::vector<Rels> rels_;
};

// Tarjan's strongly connected components (iterative: no recursion, so a
// million-vertex chain is fine) of the graph restricted to edges whose rels
// intersect `mask`. Each component is sorted ascending; components come in
// ascending order of their smallest vertex. Singletons are included only
// when asked (Bifurcan's includeSingletons).
std::vector<std::vector<uint32_t>> StronglyConnectedComponents(
    const Digraph& g, Rels mask, bool include_singletons = false);

// SCCs of A ∪ (A;B) (elle.graph/sequential-extension), where A is the edges
// intersecting `a_mask` and B those intersecting `b_mask`, computed in
// linear time on a two-layer graph instead of materializing A;B. Returns
// the nontrivial components only (size > 1, or one vertex with a self-loop
// through A;B), each sorted, in ascending order of their smallest vertex.
std::vector<std::vector<uint32_t>> ExtensionComponents(const Digraph& g,
                                                       Rels a_mask,
                                                       Rels b_mask);

// elle.graph/fallback-cycle: DFS from the first vertex, always to the first
// unseen out-neighbour, until an edge closes on the path. `g` must be
// strongly connected (every vertex has an out-edge). Returns [v ... v].
std::vector<uint32_t> FallbackCycle(const Digraph& g);

}  // namespace elle

#endif  // SIM_ELLE_GRAPH_H_
