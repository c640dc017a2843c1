#include "sim/workloads/broadcast/topology.h"

#include <cmath>
#include <cstdint>
#include <functional>

#include "kvclient/assert.h"
#include "sim/jepsen/clojure_value.h"

namespace workloads {
namespace broadcast {
namespace {

using Entries = Topology;

// (into {} entries) / assoc in this order, iterated as Clojure does.
Topology AsClojureMap(Entries entries) {
  std::vector<int32_t> hashes;
  for (const auto& entry : entries) {
    hashes.push_back(sim::jepsen::StringHash(entry.first));
  }
  Topology ordered;
  for (size_t k : sim::jepsen::MapIterationOrder(hashes)) {
    ordered.push_back(std::move(entries[k]));
  }
  return ordered;
}

Entries Grid(const std::vector<std::string>& nodes) {
  const int64_t n = static_cast<int64_t>(nodes.size());
  const int64_t side =
      static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(n))));
  const auto node = [&](int64_t i, int64_t j) -> const std::string* {
    if (i < 0 || j < 0 || j >= side) return nullptr;
    const int64_t idx = i * side + j;
    return idx < n ? &nodes[static_cast<size_t>(idx)] : nullptr;
  };
  Entries entries;
  for (int64_t i = 0; i < side; ++i) {
    for (int64_t j = 0; j < side; ++j) {
      const std::string* self = node(i, j);
      if (self == nullptr) continue;
      std::vector<std::string> neighbours;
      for (const std::string* other :
           {node(i + 1, j), node(i - 1, j), node(i, j + 1), node(i, j - 1)}) {
        if (other != nullptr) neighbours.push_back(*other);
      }
      entries.emplace_back(*self, std::move(neighbours));
    }
  }
  return entries;
}

Entries Line(const std::vector<std::string>& nodes) {
  const size_t n = nodes.size();
  if (n < 2) return {};
  Entries entries = {{nodes[0], {nodes[1]}}, {nodes[n - 1], {nodes[n - 2]}}};
  for (size_t k = 1; k + 1 < n; ++k) {  // (partition 3 1 nodes)
    entries.push_back({nodes[k], {nodes[k - 1], nodes[k + 1]}});
  }
  return entries;
}

Entries Total(const std::vector<std::string>& nodes) {
  Entries entries;
  for (const std::string& self : nodes) {
    std::vector<std::string> others;
    for (const std::string& other : nodes) {
      if (other != self) others.push_back(other);
    }
    entries.emplace_back(self, std::move(others));
  }
  return entries;
}

// seq->tree lays the nodes out as a B-ary heap; tree-topology walks it
// with a zipper in pre-order.
Entries Tree(size_t b, const std::vector<std::string>& nodes) {
  MC_ASSERT(b >= 2, "trees branch at least twice");
  Entries entries;
  const size_t n = nodes.size();
  std::function<void(size_t)> visit = [&](size_t i) {
    std::vector<std::string> neighbours;
    if (i > 0) neighbours.push_back(nodes[(i - 1) / b]);
    for (size_t c = b * i + 1; c <= b * i + b && c < n; ++c) {
      neighbours.push_back(nodes[c]);
    }
    entries.emplace_back(nodes[i], std::move(neighbours));
    for (size_t c = b * i + 1; c <= b * i + b && c < n; ++c) visit(c);
  };
  if (n > 0) visit(0);
  return entries;
}

}  // namespace

absl::optional<TopologyKind> ParseTopology(absl::string_view name) {
  if (name == "grid") return TopologyKind::kGrid;
  if (name == "line") return TopologyKind::kLine;
  if (name == "total") return TopologyKind::kTotal;
  if (name == "tree" || name == "tree2") return TopologyKind::kTree2;
  if (name == "tree3") return TopologyKind::kTree3;
  if (name == "tree4") return TopologyKind::kTree4;
  return absl::nullopt;
}

std::string TopologyChoices() {
  return "Must be one of grid, line, total, tree, tree2, tree3, tree4";
}

const char* TopologyName(TopologyKind kind) {
  switch (kind) {
    case TopologyKind::kGrid: return "grid";
    case TopologyKind::kLine: return "line";
    case TopologyKind::kTotal: return "total";
    case TopologyKind::kTree2: return "tree2";
    case TopologyKind::kTree3: return "tree3";
    case TopologyKind::kTree4: return "tree4";
  }
  return "grid";
}

Topology MakeTopology(TopologyKind kind,
                      const std::vector<std::string>& nodes) {
  switch (kind) {
    case TopologyKind::kGrid: return AsClojureMap(Grid(nodes));
    case TopologyKind::kLine: return AsClojureMap(Line(nodes));
    case TopologyKind::kTotal: return AsClojureMap(Total(nodes));
    case TopologyKind::kTree2: return AsClojureMap(Tree(2, nodes));
    case TopologyKind::kTree3: return AsClojureMap(Tree(3, nodes));
    case TopologyKind::kTree4: return AsClojureMap(Tree(4, nodes));
  }
  return {};
}

kvclient::Json TopologyJson(const Topology& topology) {
  kvclient::Json map = kvclient::Json::object();
  for (const auto& [node, neighbours] : topology) map[node] = neighbours;
  return map;
}

}  // namespace broadcast
}  // namespace workloads
