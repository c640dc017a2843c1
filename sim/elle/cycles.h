// Elle's cycle analysis of a dependency graph (elle/txn.clj cycles,
// cycle-cases-in-scc, cycle-exists-cases; elle/bfs.clj and BFSPath.java
// for the search): per strongly connected component of the whole graph,
//   1. cycle-exists cases: for each model in cycle-exists-specs, whether
//      the SCC's projection onto that model's relationships still has a
//      nontrivial SCC (linear: Tarjan, or a two-layer graph for the
//      :extension subgraphs);
//   2. a breadth-first search for each cycle anomaly type (G0, G1c,
//      G-single-item, ..., G2-realtime) in anomaly-depth order, skipping
//      types the cycle-exists cases rule out and types implied by one
//      already found; each cycle found is explained pair by pair and
//      classified by its steps (txn.clj cycle-explainer).
// Elle bounds step 2 by 1000 ms of wall clock per SCC
// (txn.clj cycle-search-timeout); here the bound is a number of BFS path
// extensions per SCC (`budget`), so a seed gives the same verdict on any
// machine. When it runs out, the SCC gets Elle's :cycle-search-timeout case
// and fallback cycle, exactly as after a timeout.
//
//   MyExplainer explainer(...);           // why b depends on a
//   elle::Anomalies a = elle::FindCycles(graph, explainer, print_op, {});
//   a.cases["G1c"][0].edn.Print()  // {:cycle [...], :steps [...], :type :G1c}
#ifndef SIM_ELLE_CYCLES_H_
#define SIM_ELLE_CYCLES_H_

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/types/optional.h"
#include "sim/elle/consistency_model.h"
#include "sim/elle/graph.h"
#include "sim/elle/ops.h"
#include "sim/maelstrom/edn.h"

namespace elle {

// Why b depends on a (elle.core DataExplainer explain-pair-data): the
// relationship and Elle's explanation map.
struct Step {
  Rels type = kWW;  // a single relationship
  sim::Edn data = sim::Edn::Map();
};

class PairExplainer {
 public:
  virtual ~PairExplainer() = default;
  // nullopt when this explainer cannot justify a -> b.
  virtual absl::optional<Step> Explain(uint32_t a, uint32_t b) const = 0;
};

// elle.core/combine's CombinedExplainer: the first explainer that can.
class CombinedExplainer : public PairExplainer {
 public:
  explicit CombinedExplainer(std::vector<const PairExplainer*> explainers)
      : explainers_(std::move(explainers)) {}
  absl::optional<Step> Explain(uint32_t a, uint32_t b) const override;

 private:
  std::vector<const PairExplainer*> explainers_;
};

// Renders the op (or invocation) at a history index as Jepsen prints it.
using OpPrinter = std::function<sim::Edn(int64_t history_index)>;

// elle.core RealtimeExplainer (rel kRealtime: a completed before b was
// invoked; {:type :realtime, :a' a, :b b's invocation}) and ProcessExplainer
// (rel kProcess: same process, a first; {:type :process, :process p}).
class OrderExplainer : public PairExplainer {
 public:
  OrderExplainer(const std::vector<Op>& ops, Rels rel, const OpPrinter& print)
      : ops_(ops), rel_(rel), print_(print) {}
  absl::optional<Step> Explain(uint32_t a, uint32_t b) const override;

 private:
  const std::vector<Op>& ops_;
  Rels rel_;
  const OpPrinter& print_;
};

// One anomaly case as Elle reports it, plus what kafka's condense-error
// sorts on (the number of steps of a cycle).
struct Case {
  sim::Edn edn;
  size_t steps = 0;
};

// Anomaly type -> cases, as Elle's anomaly maps ({:G1c [...], ...}).
// :empty-transaction-graph is a flag (Elle's value is `true`).
struct Anomalies {
  std::map<std::string, std::vector<Case>> cases;
  bool empty_transaction_graph = false;
  // Types whose collection Clojure prints as a seq "(...)" rather than a
  // vector "[...]" (e.g. elle.rw-register's internal, G1a, G1b cases).
  std::set<std::string> seq_types;

  // Every type present (empty-transaction-graph included).
  NameSet Types() const;
  void Add(const std::string& type, Case c) {
    cases[type].push_back(std::move(c));
  }
  // merge-with into: appends other's cases after ours.
  void Merge(Anomalies other);
  // {:G1c [...], :empty-transaction-graph true, ...} for the given types
  // (all when `only` is null), keys in sorted order.
  sim::Edn ToEdn(const NameSet* only = nullptr) const;
};

struct CycleOptions {
  // BFS path extensions allowed per SCC before the search "times out".
  int64_t budget = 1'000'000;
};

// The cycle anomalies of `g` (elle.txn/cycles): :empty-transaction-graph
// when g has no vertex, else every SCC's cases, SCCs in ascending order of
// their smallest op. `index_of(v)` is vertex v's history :index (the
// completion) for :scc sets; `print_op` renders ops for :cycle.
Anomalies FindCycles(const Digraph& g, const PairExplainer& explainer,
                     const std::function<int64_t(uint32_t)>& index_of,
                     const OpPrinter& print_op, const CycleOptions& options);

// The txn.clj cycle-explainer's classification of a cycle's step types
// (e.g. {wr, realtime} -> "G1c-realtime"); "" when Elle throws ("Don't know
// how to classify": no data dependency at all).
std::string ClassifyCycle(const std::vector<Rels>& step_types);

// The canonical models of txn.clj cycle-exists-specs, in order; each has
// the anomaly type "<model>-cycle-exists".
std::vector<std::string> CycleExistsModels();

// The cycle anomaly specs, in the order Elle searches them (for tests).
std::vector<std::string> CycleAnomalyTypes();

}  // namespace elle

#endif  // SIM_ELLE_CYCLES_H_
