// Operations as Elle's graphs see them: one completion (ok, fail or info)
// per operation, with its invocation, its Jepsen process and its time.
// Vertex i of a Digraph is ops[i].
//
//   std::vector<int64_t> process = sim::ProcessIds(history, concurrency);
//   std::vector<elle::Op> ops = elle::CompletedOps(
//       history, process, [](const sim::HistoryEvent& e) {
//         return e.f == "txn"; });
//   elle::Digraph::Builder b(ops.size());
//   elle::AddRealtimeEdges(ops, &b);     // elle.core/realtime-graph
#ifndef SIM_ELLE_OPS_H_
#define SIM_ELLE_OPS_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "sim/elle/graph.h"
#include "sim/maelstrom/history.h"

namespace elle {

struct Op {
  int64_t index = 0;         // the completion's position (Jepsen :index)
  int64_t invoke_index = 0;  // the invocation's position
  int64_t process = 0;
  sim::EventType type = sim::EventType::kOk;  // never kInvoke
};

// Every completion whose event satisfies `keep`, in history order, paired
// with the latest earlier invocation on its thread. A completion without an
// invocation is a harness bug (asserted); an invocation without a
// completion (a history cut short) yields no Op.
std::vector<Op> CompletedOps(
    const sim::History& history, const std::vector<int64_t>& process,
    const std::function<bool(const sim::HistoryEvent&)>& keep);

// elle.core/realtime-graph: a -> b (realtime) when a completed ok before b
// was invoked, as a transitive reduction: each invocation links the ok
// completions not yet implied by a later one. Targets may be ok, info or
// fail (Elle links them all); only ok ops are sources.
void AddRealtimeEdges(const std::vector<Op>& ops, Digraph::Builder* b);

// elle.core/process-graph: each ok op to the next ok op of its process.
void AddProcessEdges(const std::vector<Op>& ops, Digraph::Builder* b);

}  // namespace elle

#endif  // SIM_ELLE_OPS_H_
