#include "sim/elle/graph.h"

#include <algorithm>
#include <utility>

#include "kvclient/assert.h"

namespace elle {

const char* RelName(Rels single) {
  switch (single) {
    case kWW: return "ww";
    case kWR: return "wr";
    case kRW: return "rw";
    case kWWP: return "wwp";
    case kWRP: return "wrp";
    case kRWP: return "rwp";
    case kProcess: return "process";
    case kRealtime: return "realtime";
    default: break;
  }
  MC_ASSERT(false, "RelName takes a single relationship, not ",
            static_cast<int>(single));
  return "";
}

std::vector<Rels> RelsList(Rels rels) {
  std::vector<Rels> out;
  for (int i = 0; i < 8; ++i) {
    const Rels bit = static_cast<Rels>(1u << i);
    if (rels & bit) out.push_back(bit);
  }
  return out;
}

Digraph::Builder::Builder(uint32_t vertex_count)
    : vertex_count_(vertex_count), touched_(vertex_count, false) {}

void Digraph::Builder::Link(uint32_t a, uint32_t b, Rels rels) {
  MC_ASSERT(a < vertex_count_ && b < vertex_count_, "edge ", a, " -> ", b,
            " outside the ", vertex_count_, " vertices");
  edges_.push_back({a, b, rels});
  touched_[a] = true;
  touched_[b] = true;
}

void Digraph::Builder::Touch(uint32_t v) {
  MC_ASSERT(v < vertex_count_, "vertex ", v, " outside the graph");
  touched_[v] = true;
}

void Digraph::Builder::Unlink(uint32_t a, uint32_t b) {
  unlinks_.push_back({a, b, 0});
}

void Digraph::Builder::Add(const Digraph& g) {
  MC_ASSERT(g.vertex_count() == vertex_count_, "union of graphs over ",
            g.vertex_count(), " and ", vertex_count_, " ids");
  for (uint32_t v = 0; v < vertex_count_; ++v) {
    if (g.Contains(v)) touched_[v] = true;
    const Rels* r = g.OutRels(v);
    for (const uint32_t* t = g.OutBegin(v); t != g.OutEnd(v); ++t, ++r) {
      edges_.push_back({v, *t, *r});
    }
  }
}

Digraph Digraph::Builder::Build() && {
  auto by_ends = [](const Edge& x, const Edge& y) {
    return x.from != y.from ? x.from < y.from : x.to < y.to;
  };
  std::sort(edges_.begin(), edges_.end(), by_ends);
  std::sort(unlinks_.begin(), unlinks_.end(), by_ends);
  Digraph g;
  g.vertex_count_ = vertex_count_;
  g.touched_ = std::move(touched_);
  g.size_ = static_cast<uint32_t>(
      std::count(g.touched_.begin(), g.touched_.end(), true));
  g.offsets_.assign(vertex_count_ + 1, 0);
  size_t u = 0;
  for (size_t i = 0; i < edges_.size();) {
    const Edge e = edges_[i];
    Rels rels = 0;
    for (;
         i < edges_.size() && edges_[i].from == e.from && edges_[i].to == e.to;
         ++i) {
      rels |= edges_[i].rels;
    }
    while (u < unlinks_.size() && by_ends(unlinks_[u], e)) ++u;
    const bool unlinked = u < unlinks_.size() && unlinks_[u].from == e.from &&
                          unlinks_[u].to == e.to;
    if (unlinked) continue;
    g.targets_.push_back(e.to);
    g.rels_.push_back(rels);
    ++g.offsets_[e.from + 1];
  }
  for (uint32_t v = 0; v < vertex_count_; ++v) {
    g.offsets_[v + 1] += g.offsets_[v];
  }
  MC_ASSERT(g.offsets_[vertex_count_] == g.targets_.size(),
            "CSR offsets cover every edge");
  std::vector<Edge>().swap(edges_);
  return g;
}

Rels Digraph::EdgeRels(uint32_t a, uint32_t b) const {
  const uint32_t* begin = OutBegin(a);
  const uint32_t* end = OutEnd(a);
  const uint32_t* it = std::lower_bound(begin, end, b);
  if (it == end || *it != b) return 0;
  return rels_[offsets_[a] + (it - begin)];
}

Digraph Digraph::Induced(const std::vector<uint32_t>& vertices) const {
  std::vector<uint32_t> local(vertex_count_, UINT32_MAX);
  for (uint32_t i = 0; i < vertices.size(); ++i) {
    MC_ASSERT(i == 0 || vertices[i - 1] < vertices[i],
              "Induced takes ascending, distinct vertices");
    local[vertices[i]] = i;
  }
  Digraph g;
  g.vertex_count_ = static_cast<uint32_t>(vertices.size());
  g.touched_.assign(vertices.size(), true);
  g.size_ = g.vertex_count_;
  g.offsets_.assign(vertices.size() + 1, 0);
  for (uint32_t i = 0; i < vertices.size(); ++i) {
    const uint32_t v = vertices[i];
    for (uint32_t j = offsets_[v]; j < offsets_[v + 1]; ++j) {
      const uint32_t w = local[targets_[j]];
      if (w == UINT32_MAX) continue;
      g.targets_.push_back(w);
      g.rels_.push_back(rels_[j]);
    }
    g.offsets_[i + 1] = static_cast<uint32_t>(g.targets_.size());
  }
  return g;
}

Rels Digraph::AllEdgeRels() const {
  Rels all = 0;
  for (Rels r : rels_) all |= r;
  return all;
}

namespace {

// Iterative Tarjan over an adjacency given by a callback
// for_each_out(v, f) that calls f(w) for every out-neighbour.
template <typename ForEachOut>
std::vector<std::vector<uint32_t>> Tarjan(uint32_t n, ForEachOut for_each_out,
                                          bool include_singletons) {
  constexpr uint32_t kUnvisited = UINT32_MAX;
  std::vector<uint32_t> index(n, kUnvisited), low(n, 0);
  std::vector<bool> on_stack(n, false);
  std::vector<uint32_t> stack;
  std::vector<std::vector<uint32_t>> components;
  // Explicit DFS: each frame is a vertex and its materialized successors.
  struct Frame {
    uint32_t v;
    std::vector<uint32_t> succ;
    size_t next = 0;
  };
  std::vector<Frame> frames;
  uint32_t counter = 0;
  for (uint32_t root = 0; root < n; ++root) {
    if (index[root] != kUnvisited) continue;
    frames.push_back({root, {}, 0});
    for_each_out(root, [&](uint32_t w) { frames.back().succ.push_back(w); });
    index[root] = low[root] = counter++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!frames.empty()) {
      Frame& f = frames.back();
      if (f.next < f.succ.size()) {
        const uint32_t w = f.succ[f.next++];
        if (index[w] == kUnvisited) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          on_stack[w] = true;
          Frame child{w, {}, 0};
          for_each_out(w, [&](uint32_t x) { child.succ.push_back(x); });
          frames.push_back(std::move(child));
        } else if (on_stack[w]) {
          low[f.v] = std::min(low[f.v], index[w]);
        }
        continue;
      }
      const uint32_t v = f.v;
      frames.pop_back();
      if (!frames.empty()) {
        low[frames.back().v] = std::min(low[frames.back().v], low[v]);
      }
      if (low[v] != index[v]) continue;
      std::vector<uint32_t> component;
      uint32_t w;
      do {
        w = stack.back();
        stack.pop_back();
        on_stack[w] = false;
        component.push_back(w);
      } while (w != v);
      if (component.size() > 1 || include_singletons) {
        std::sort(component.begin(), component.end());
        components.push_back(std::move(component));
      }
    }
  }
  std::sort(components.begin(), components.end(),
            [](const auto& a, const auto& b) { return a[0] < b[0]; });
  return components;
}

}  // namespace

std::vector<std::vector<uint32_t>> StronglyConnectedComponents(
    const Digraph& g, Rels mask, bool include_singletons) {
  return Tarjan(
      g.vertex_count(),
      [&](uint32_t v, auto f) {
        const uint32_t* t = g.OutBegin(v);
        const Rels* r = g.OutRels(v);
        for (; t != g.OutEnd(v); ++t, ++r) {
          if (*r & mask) f(*t);
        }
      },
      include_singletons);
}

std::vector<std::vector<uint32_t>> ExtensionComponents(const Digraph& g,
                                                       Rels a_mask,
                                                       Rels b_mask) {
  // Vertex v is v (arrived any way) and n + v (arrived just now through A,
  // so a B step may follow). A-edges x->y give x->y and x->n+y; B-edges
  // y->z give n+y->z. A path between normal vertices there is exactly a
  // path in A ∪ (A;B).
  const uint32_t n = g.vertex_count();
  auto layered = Tarjan(
      2 * n,
      [&](uint32_t v, auto f) {
        const bool primed = v >= n;
        const uint32_t base = primed ? v - n : v;
        const uint32_t* t = g.OutBegin(base);
        const Rels* r = g.OutRels(base);
        for (; t != g.OutEnd(base); ++t, ++r) {
          if (primed) {
            if (*r & b_mask) f(*t);
          } else if (*r & a_mask) {
            f(*t);
            f(n + *t);
          }
        }
      },
      /*include_singletons=*/false);
  std::vector<std::vector<uint32_t>> out;
  for (auto& c : layered) {
    std::vector<uint32_t> normal;
    for (uint32_t v : c) {
      if (v < n) normal.push_back(v);
    }
    MC_ASSERT(!normal.empty(), "a cycle of the layered graph has a vertex");
    out.push_back(std::move(normal));
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a[0] < b[0]; });
  return out;
}

std::vector<uint32_t> FallbackCycle(const Digraph& g) {
  MC_ASSERT(g.vertex_count() > 0, "a strongly connected graph has vertices");
  std::vector<uint32_t> path{0};
  std::vector<int64_t> seen(g.vertex_count(), -1);
  seen[0] = 0;
  while (true) {
    const uint32_t v = path.back();
    for (const uint32_t* t = g.OutBegin(v); t != g.OutEnd(v); ++t) {
      if (seen[*t] >= 0) {
        std::vector<uint32_t> cycle(path.begin() + seen[*t], path.end());
        cycle.push_back(*t);
        return cycle;
      }
    }
    MC_ASSERT(g.OutDegree(v) > 0, "vertex ", v,
              " has no out-edge: the graph is not strongly connected");
    const uint32_t next = *g.OutBegin(v);
    seen[next] = static_cast<int64_t>(path.size());
    path.push_back(next);
  }
}

}  // namespace elle
