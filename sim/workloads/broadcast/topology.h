// Maelstrom's broadcast topologies (maelstrom workload/broadcast.clj
// grid-topology, line-topology, total-topology, tier-sizes, tiers,
// seq->tree, tree-topology, topologies; core.clj --topology), as pure
// functions of the node list. Each node gets the same map of every node to
// its neighbours in the `topology` message.
//
//   MakeTopology(kGrid, {"n0","n1","n2","n3"}) ==
//     {{"n0",{"n2","n1"}}, {"n1",{"n3","n0"}}, {"n2",{"n0","n3"}},
//      {"n3",{"n1","n2"}}}
//
//   grid   side = ceil(sqrt(n)); node (i, j) is nodes[i*side + j] while
//          that index is < n (row-major); neighbours in the order
//          (i+1, j), (i-1, j), (i, j+1), (i, j-1), absent ones skipped,
//          no wrap-around (at most 4).
//   line   fewer than 2 nodes: {} (no entry at all); else the first node
//          [second], the last [second to last], each other [left right].
//   total  every other node, in node order.
//   treeB  (tree = tree2) the nodes in order fill tiers of 1, B, B^2, ...
//          nodes; node k of a tier has the next tier's nodes B*k .. B*k+B-1
//          as children (the heap layout: children of i are B*i+1 ..
//          B*i+B). Neighbours: [parent, children...] (the root: children).
// Entry order is the map's Clojure iteration order: insertion order (grid
// row-major; line first, last, then the middle left to right; total node
// order; tree pre-order) up to 8 entries, PersistentHashMap order (by the
// node names' hashes) beyond.
#ifndef SIM_WORKLOADS_BROADCAST_TOPOLOGY_H_
#define SIM_WORKLOADS_BROADCAST_TOPOLOGY_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "kvclient/message.h"

namespace workloads {
namespace broadcast {

enum class TopologyKind { kGrid, kLine, kTotal, kTree2, kTree3, kTree4 };

// core.clj: --topology defaults to grid.
inline constexpr TopologyKind kDefaultTopology = TopologyKind::kGrid;

// The names --topology accepts: grid line total tree tree2 tree3 tree4
// ("tree" is tree2). nullopt for anything else.
absl::optional<TopologyKind> ParseTopology(absl::string_view name);
// jepsen cli.clj one-of: "Must be one of grid, line, total, tree, tree2,
// tree3, tree4".
std::string TopologyChoices();
const char* TopologyName(TopologyKind kind);

using Topology = std::vector<std::pair<std::string, std::vector<std::string>>>;

Topology MakeTopology(TopologyKind kind, const std::vector<std::string>& nodes);

// The topology as the JSON object of the message ({} when empty).
kvclient::Json TopologyJson(const Topology& topology);

}  // namespace broadcast
}  // namespace workloads

#endif  // SIM_WORKLOADS_BROADCAST_TOPOLOGY_H_
