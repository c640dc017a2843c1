#include "sim/elle/cycles.h"

#include <algorithm>
#include <utility>

#include "kvclient/assert.h"

namespace elle {

absl::optional<Step> CombinedExplainer::Explain(uint32_t a, uint32_t b) const {
  for (const PairExplainer* e : explainers_) {
    if (absl::optional<Step> s = e->Explain(a, b)) return s;
  }
  return absl::nullopt;
}

absl::optional<Step> OrderExplainer::Explain(uint32_t a, uint32_t b) const {
  if (rel_ == kRealtime) {
    if (ops_[a].index >= ops_[b].invoke_index) return absl::nullopt;
    Step s{kRealtime, sim::Edn::Map()};
    s.data.Put("type", sim::Edn::Keyword("realtime"))
        .Put("a'", print_(ops_[a].index))
        .Put("b", print_(ops_[b].invoke_index));
    return s;
  }
  if (ops_[a].process != ops_[b].process || ops_[a].index >= ops_[b].index) {
    return absl::nullopt;
  }
  Step s{kProcess, sim::Edn::Map()};
  s.data.Put("type", sim::Edn::Keyword("process"))
      .Put("process", sim::Edn::Int(ops_[a].process));
  return s;
}

NameSet Anomalies::Types() const {
  NameSet types;
  for (const auto& [type, list] : cases) types.insert(type);
  if (empty_transaction_graph) types.insert("empty-transaction-graph");
  return types;
}

sim::Edn Anomalies::ToEdn(const NameSet* only) const {
  sim::Edn m = sim::Edn::Map();
  for (const std::string& type : Types()) {
    if (only && !only->count(type)) continue;
    if (type == "empty-transaction-graph") {
      m.Put(type, sim::Edn::Bool(true));
      continue;
    }
    sim::Edn list =
        seq_types.count(type) ? sim::Edn::List() : sim::Edn::Vector();
    for (const Case& c : cases.at(type)) list.Add(c.edn);
    m.Put(type, std::move(list));
  }
  return m;
}

void Anomalies::Merge(Anomalies other) {
  for (auto& [type, list] : other.cases) {
    auto& mine = cases[type];
    for (Case& c : list) mine.push_back(std::move(c));
  }
  empty_transaction_graph |= other.empty_transaction_graph;
  seq_types.insert(other.seq_types.begin(), other.seq_types.end());
}

namespace {

using sim::Edn;

// ---- txn.clj cycle-exists-specs ------------------------------------------

struct ExistsSpec {
  std::string model;    // canonical
  bool extension;       // [:extension A B] rather than [:union ...]
  std::vector<Rels> a;  // the union (or A of the extension), in spec order
  std::vector<Rels> b;  // B of the extension
};

const std::vector<ExistsSpec>& ExistsSpecs() {
  static const auto* specs = new std::vector<ExistsSpec>({
      {"PL-1", false, {kWW, kWWP}, {}},
      {"PL-2", false, {kWW, kWWP, kWR, kWRP}, {}},
      {"PL-SI", true, {kWW, kWWP, kWR, kWRP}, {kRW, kRWP}},
      {"PL-2.99", false, {kWW, kWWP, kWR, kWRP, kRW}, {}},
      {"PL-3", false, {kWW, kWWP, kWR, kWRP, kRW, kRWP}, {}},
      {"strong-session-PL-1", false, {kWW, kWWP, kProcess}, {}},
      {"strong-session-PL-2", false, {kWW, kWWP, kWR, kWRP, kProcess}, {}},
      {"strong-session-snapshot-isolation",
       true,
       {kWW, kWWP, kWR, kWRP, kProcess},
       {kRW, kRWP}},
      {"strong-session-serializable",
       false,
       {kWW, kWWP, kWR, kWRP, kRW, kRWP, kProcess},
       {}},
      {"strong-PL-1", false, {kWW, kWWP, kRealtime}, {}},
      {"strong-PL-2", false, {kWW, kWWP, kWR, kWRP, kRealtime}, {}},
      {"strong-snapshot-isolation",
       true,
       {kWW, kWWP, kWR, kWRP, kRealtime},
       {kRW, kRWP}},
      {"PL-SS", false, {kWW, kWWP, kWR, kWRP, kRW, kRWP, kRealtime}, {}},
  });
  return *specs;
}

Rels Union(const std::vector<Rels>& rels) {
  Rels u = 0;
  for (Rels r : rels) u |= r;
  return u;
}

Edn UnionEdn(const std::vector<Rels>& rels) {
  Edn v = Edn::Vector({Edn::Keyword("union")});
  for (Rels r : rels) v.Add(Edn::Keyword(RelName(r)));
  return v;
}

// cycle-exists-friendly-subgraph
Edn SubgraphEdn(const ExistsSpec& spec) {
  if (!spec.extension) return UnionEdn(spec.a);
  return Edn::Vector(
      {Edn::Keyword("extension"), UnionEdn(spec.a), UnionEdn(spec.b)});
}

struct ExistsCase {
  std::string type;
  std::string not_model;  // friendly
  Case c;
};

// txn.clj cycle-exists-cases over one SCC's graph.
std::vector<ExistsCase> CycleExistsCases(
    const Digraph& g, const std::vector<uint32_t>& global,
    const std::function<int64_t(uint32_t)>& index_of) {
  std::vector<ExistsCase> out;
  NameSet redundant;
  for (const ExistsSpec& spec : ExistsSpecs()) {
    if (redundant.count(spec.model)) continue;
    std::vector<std::vector<uint32_t>> sccs;
    if (spec.extension) {
      sccs = ExtensionComponents(g, Union(spec.a), Union(spec.b));
    } else {
      const Rels mask = Union(spec.a);
      for (auto& c : StronglyConnectedComponents(g, mask, true)) {
        if (c.size() > 1 || (g.EdgeRels(c[0], c[0]) & mask)) {
          sccs.push_back(std::move(c));
        }
      }
    }
    if (sccs.empty()) continue;
    // (sort-by b/size): the smallest; among equals, the one holding the
    // earliest op.
    const auto& smallest = *std::min_element(
        sccs.begin(), sccs.end(),
        [](const auto& x, const auto& y) { return x.size() < y.size(); });
    std::vector<int64_t> indices;
    for (uint32_t v : smallest) indices.push_back(index_of(global[v]));
    std::sort(indices.begin(), indices.end());
    Edn scc = Edn::Set();
    for (int64_t i : indices) scc.Add(Edn::Int(i));
    const std::string type = spec.model + "-cycle-exists";
    const std::string friendly = FriendlyModelName(spec.model);
    Edn e = Edn::Map();
    e.Put("type", Edn::Keyword(type))
        .Put("not", Edn::Keyword(friendly))
        .Put("subgraph", SubgraphEdn(spec))
        .Put("scc-size", Edn::Int(static_cast<int64_t>(smallest.size())))
        .Put("scc", std::move(scc));
    out.push_back({type, friendly, {std::move(e), 0}});
    for (const auto& m : AllImpossibleModels({spec.model})) {
      redundant.insert(m);
    }
  }
  return out;
}

// txn.clj cycle-exists-cases->impossible-cycle-anomalies
NameSet ImpossibleCycleAnomalies(const std::vector<ExistsCase>& cases,
                                 const NameSet& cycle_types) {
  NameSet nots;
  for (const auto& c : cases) nots.insert(c.not_model);
  const NameSet impossible = AllImpossibleModels(nots);
  NameSet possible;
  for (const ExistsSpec& spec : ExistsSpecs()) {
    if (!impossible.count(spec.model)) possible.insert(spec.model);
  }
  NameSet out;
  for (const auto& a : AnomaliesProhibitedBy(possible)) {
    if (cycle_types.count(a)) out.insert(a);
  }
  return out;
}

// ---- txn.clj cycle-anomaly-specs ------------------------------------------

struct AnomalySpec {
  std::string name;
  Rels rels = 0;
  std::vector<Rels> required;
  Rels nonadjacent = 0;
  Rels single = 0;
  Rels multiple = 0;
  std::string type;  // "" when any explained type will do
};

const std::vector<AnomalySpec>& AnomalySpecs() {
  static const auto* specs = [] {
    const Rels base = kWW | kWWP | kWR | kWRP;
    std::vector<AnomalySpec> b = {
        {"G0", kWW | kWWP, {}, 0, 0, 0, ""},
        {"G1c", base, {kWR | kWRP}, 0, 0, 0, ""},
        {"G-single-item", base, {}, 0, kRW, 0, "G-single-item"},
        {"G-single", base, {}, 0, kRW | kRWP, 0, "G-single"},
        {"G-nonadjacent-item", base, {}, kRW, 0, kRW, "G-nonadjacent-item"},
        {"G-nonadjacent", base, {}, kRW | kRWP, 0, kRW | kRWP, "G-nonadjacent"},
        {"G2-item", base | kRW, {}, 0, 0, kRW, "G2-item"},
        {"G2", base | kRW | kRWP, {}, 0, 0, kRW | kRWP, "G2"},
    };
    auto* all = new std::vector<AnomalySpec>();
    for (const AnomalySpec& s : b) {
      all->push_back(s);
      for (const auto& [variant, rel] :
           {std::pair<const char*, Rels>{"process", kProcess},
            std::pair<const char*, Rels>{"realtime", kRealtime}}) {
        AnomalySpec v = s;
        v.name = s.name + "-" + variant;
        v.rels |= rel;
        v.required.push_back(rel);
        if (!s.type.empty()) v.type = v.name;
        all->push_back(v);
      }
    }
    std::sort(all->begin(), all->end(),
              [](const AnomalySpec& x, const AnomalySpec& y) {
                return AnomalyDepthLess(x.name, y.name);
              });
    return all;
  }();
  return *specs;
}

// ---- bfs.clj / BFSPath.java ------------------------------------------------

enum class RwMode : uint8_t {
  kNone,
  kSingle,
  kNonadjacentFree,
  kNonadjacentTaken
};

struct PathState {
  Rels legal = 0;
  uint32_t want = 0;  // up to four BitRels packed one per byte
  uint8_t want_rw = 0;
  RwMode mode = RwMode::kNone;
};

uint32_t PackRels(const std::vector<Rels>& rels) {
  MC_ASSERT(rels.size() <= 4, "BFSPath packs at most four wanted rel sets");
  uint32_t packed = 0;
  for (size_t i = 0; i < rels.size(); ++i)
    packed |= uint32_t{rels[i]} << (8 * i);
  return packed;
}

Rels PackedMask(uint32_t packed) {
  return static_cast<Rels>(packed | packed >> 8 | packed >> 16 | packed >> 24);
}

uint32_t CheckOff(uint32_t packed, Rels rel) {
  for (int i = 0; i < 32; i += 8) {
    const uint32_t mask = 0xFFu << i;
    if (((packed & mask) >> i) & rel) return packed & ~mask;
  }
  return packed;
}

class BudgetExhausted {};

class Searcher {
 public:
  Searcher(const Digraph& g, Rels projection, int64_t* budget)
      : g_(g), projection_(projection), budget_(budget) {}

  // bfs.clj search: the first start vertex (ascending) with a cycle.
  absl::optional<std::vector<uint32_t>> Search(const PathState& init) {
    std::vector<bool> all(g_.vertex_count(), true);
    for (uint32_t v = 0; v < g_.vertex_count(); ++v) {
      if (!HasEdges(v, all)) continue;  // not a vertex of (fg rels)
      if (auto c = SearchFrom(init, v, all)) return c;
    }
    return absl::nullopt;
  }

 private:
  struct Node {
    int32_t parent;
    uint32_t vertex;
    PathState state;
    uint32_t length;
    uint32_t first;
  };

  bool HasEdges(uint32_t v, const std::vector<bool>& allowed) const {
    const Rels* r = g_.OutRels(v);
    for (const uint32_t* t = g_.OutBegin(v); t != g_.OutEnd(v); ++t, ++r) {
      if ((*r & projection_) && allowed[*t]) return true;
    }
    return false;
  }

  int32_t NewNode(int32_t parent, uint32_t vertex, const PathState& s) {
    if (--*budget_ < 0) throw BudgetExhausted();
    const uint32_t length = parent < 0 ? 1 : nodes_[parent].length + 1;
    const uint32_t first = parent < 0 ? vertex : nodes_[parent].first;
    nodes_.push_back({parent, vertex, s, length, first});
    return static_cast<int32_t>(nodes_.size() - 1);
  }

  bool IsLoop(int32_t n) const {
    const uint32_t last = nodes_[n].vertex;
    for (int32_t p = nodes_[n].parent; p >= 0; p = nodes_[p].parent) {
      if (nodes_[p].vertex == last) return true;
    }
    return false;
  }

  static bool IsValid(const PathState& s) {
    return s.want == 0 && s.want_rw == 0 && s.mode != RwMode::kNonadjacentTaken;
  }

  std::vector<uint32_t> Ops(int32_t n) const {
    std::vector<uint32_t> ops(nodes_[n].length);
    for (int32_t p = n; p >= 0; p = nodes_[p].parent) {
      ops[nodes_[p].length - 1] = nodes_[p].vertex;
    }
    return ops;
  }

  // BFSPath.stepRel
  absl::optional<PathState> StepRel(const PathState& s, Rels rel) const {
    const bool is_rw = rel & kAnyRW;
    if (rel & s.legal) {
      PathState t = s;
      if (is_rw && t.want_rw > 0) --t.want_rw;
      if (t.mode == RwMode::kNonadjacentTaken)
        t.mode = RwMode::kNonadjacentFree;
      t.want = CheckOff(s.want, rel);
      return t;
    }
    if (!is_rw) return absl::nullopt;
    PathState t = s;
    t.want = CheckOff(s.want, rel);
    switch (s.mode) {
      case RwMode::kNone: return absl::nullopt;
      case RwMode::kSingle:
        t.want_rw = 0;
        t.mode = RwMode::kNone;
        return t;
      case RwMode::kNonadjacentFree:
        if (t.want_rw > 0) --t.want_rw;
        t.mode = RwMode::kNonadjacentTaken;
        return t;
      case RwMode::kNonadjacentTaken: return absl::nullopt;
    }
    return absl::nullopt;
  }

  // BFSPath.step: the paths extending `n` along an edge with `rels`.
  void Step(int32_t n, Rels rels, uint32_t to, std::vector<int32_t>* out) {
    const PathState s = nodes_[n].state;
    const bool first_step = nodes_[n].length == 1;
    const Rels rw_mask = (s.want_rw > 0 || s.mode == RwMode::kSingle ||
                          s.mode == RwMode::kNonadjacentFree)
                             ? kAnyRW
                             : 0;
    const Rels want_mask = PackedMask(s.want) & ~rw_mask;
    const Rels legal_mask = s.legal & ~rw_mask & ~want_mask;
    for (Rels rel : RelsList(rels & rw_mask)) {
      if (auto t = StepRel(s, rel)) out->push_back(NewNode(n, to, *t));
    }
    if (s.want_rw > 0 && first_step) return;
    for (Rels rel : RelsList(rels & want_mask)) {
      if (auto t = StepRel(s, rel)) out->push_back(NewNode(n, to, *t));
    }
    if (s.want != 0 && first_step) return;
    for (Rels rel : RelsList(rels & legal_mask)) {
      if (auto t = StepRel(s, rel)) {
        out->push_back(NewNode(n, to, *t));
        return;
      }
    }
  }

  // bfs.clj search-from-op, restricted to `allowed` vertices.
  absl::optional<std::vector<uint32_t>> SearchFrom(
      const PathState& init, uint32_t start, const std::vector<bool>& allowed) {
    const size_t mark = nodes_.size();
    struct Restore {
      std::vector<Node>* nodes;
      size_t mark;
      ~Restore() { nodes->resize(mark); }
    } restore{&nodes_, mark};
    std::vector<int32_t> paths{NewNode(-1, start, init)};
    std::vector<int32_t> keep, next;
    while (!paths.empty()) {
      keep.clear();
      for (int32_t p : paths) {
        if (!IsLoop(p)) {
          keep.push_back(p);
          continue;
        }
        if (!IsValid(nodes_[p].state)) continue;
        if (nodes_[p].vertex == nodes_[p].first) return Ops(p);
        if (auto c = TrimLoop(init, p)) return c;
      }
      next.clear();
      for (int32_t p : keep) {
        const uint32_t v = nodes_[p].vertex;
        const Rels* r = g_.OutRels(v);
        for (const uint32_t* t = g_.OutBegin(v); t != g_.OutEnd(v); ++t, ++r) {
          const Rels rels = *r & projection_;
          if (rels == 0 || !allowed[*t]) continue;
          Step(p, rels, *t, &next);
        }
      }
      paths.swap(next);
    }
    return absl::nullopt;
  }

  // bfs.clj trim-loop: search the loop's own vertices for a tail-less cycle.
  absl::optional<std::vector<uint32_t>> TrimLoop(const PathState& init,
                                                 int32_t p) {
    const std::vector<uint32_t> ops = Ops(p);
    const uint32_t pin = ops.back();
    size_t pin_index = 0;
    while (ops[pin_index] != pin) ++pin_index;
    std::vector<bool> allowed(g_.vertex_count(), false);
    for (size_t i = pin_index; i < ops.size(); ++i) allowed[ops[i]] = true;
    for (size_t i = pin_index; i < ops.size(); ++i) {
      if (!HasEdges(ops[i], allowed)) continue;
      if (auto c = SearchFrom(init, ops[i], allowed)) return c;
    }
    return absl::nullopt;
  }

  const Digraph& g_;
  Rels projection_;
  int64_t* budget_;
  std::vector<Node> nodes_;
};

PathState InitialPath(const AnomalySpec& spec) {
  PathState s;
  s.legal = spec.rels;
  s.want = PackRels(spec.required);
  if (spec.single) {
    MC_ASSERT((spec.single & ~kAnyRW) == 0, "single rels are rw rels");
    s.want_rw = 1;
  } else if (spec.multiple) {
    MC_ASSERT((spec.multiple & ~kAnyRW) == 0, "multiple rels are rw rels");
    s.want_rw = 2;
  }
  if (spec.nonadjacent == 0) {
    s.mode = (spec.single & kAnyRW) ? RwMode::kSingle : RwMode::kNone;
  } else {
    MC_ASSERT(spec.nonadjacent == kRW || spec.nonadjacent == kAnyRW,
              "unexpected nonadjacent rels");
    s.mode = RwMode::kNonadjacentFree;
  }
  return s;
}

Rels Projection(const AnomalySpec& spec) {
  return spec.rels | spec.nonadjacent | Union(spec.required) | spec.single |
         spec.multiple;
}

// ---- explanation -----------------------------------------------------------

struct Explained {
  std::string type;
  Case c;
};

// elle.core/explain-cycle + the txn cycle-explainer.
Explained ExplainCycle(const std::vector<uint32_t>& cycle,
                       const PairExplainer& explainer,
                       const std::function<int64_t(uint32_t)>& index_of,
                       const OpPrinter& print_op) {
  Edn ops = Edn::Vector();
  for (uint32_t v : cycle) ops.Add(print_op(index_of(v)));
  Edn steps = Edn::Vector();
  std::vector<Rels> types;
  for (size_t i = 0; i + 1 < cycle.size(); ++i) {
    absl::optional<Step> s = explainer.Explain(cycle[i], cycle[i + 1]);
    MC_ASSERT(s.has_value(), "the explainer cannot justify the edge from op ",
              index_of(cycle[i]), " to op ", index_of(cycle[i + 1]),
              " that the graph holds (elle.core/explain-cycle-pair-data)");
    types.push_back(s->type);
    steps.Add(std::move(s->data));
  }
  std::string type = ClassifyCycle(types);
  MC_ASSERT(!type.empty(), "a cycle with no data dependency (Elle throws)");
  Edn e = Edn::Map();
  e.Put("cycle", std::move(ops))
      .Put("steps", std::move(steps))
      .Put("type", Edn::Keyword(type));
  return {type, {std::move(e), types.size()}};
}

// The explainer and printers speak global op ids; the SCC's graph local ones.
struct LocalExplainer : PairExplainer {
  const PairExplainer* inner;
  const std::vector<uint32_t>* global;
  absl::optional<Step> Explain(uint32_t a, uint32_t b) const override {
    return inner->Explain((*global)[a], (*global)[b]);
  }
};

// What the search over the anomaly specs of one SCC saw.
struct SpecSearch {
  std::vector<std::string> searched;  // spec names, in search order
  std::vector<Explained> found;
  bool timed_out = false;  // the budget ran out during the last searched
};

// Searches each spec not yet made redundant by one found, in AnomalySpecs
// order, until done or the budget runs out.
SpecSearch SearchSpecs(const Digraph& g, NameSet redundant,
                       const PairExplainer& explainer,
                       const std::function<int64_t(uint32_t)>& index_of,
                       const OpPrinter& print_op, int64_t budget) {
  SpecSearch out;
  try {
    for (const AnomalySpec& spec : AnomalySpecs()) {
      if (redundant.count(spec.name)) continue;
      out.searched.push_back(spec.name);
      Searcher searcher(g, Projection(spec), &budget);
      absl::optional<std::vector<uint32_t>> cycle =
          searcher.Search(InitialPath(spec));
      if (!cycle) continue;
      Explained ex = ExplainCycle(*cycle, explainer, index_of, print_op);
      if (!spec.type.empty() && ex.type != spec.type) continue;
      out.found.push_back(std::move(ex));
      for (const auto& a : AllImpliedAnomalies({spec.name})) {
        redundant.insert(a);
      }
    }
  } catch (const BudgetExhausted&) {
    out.timed_out = true;
  }
  return out;
}

// The timeout branch of cycle-cases-in-scc: what we searched for last,
// what we finished without finding, and the SCC's size.
Edn CycleSearchTimeout(const SpecSearch& search, const Digraph& g) {
  NameSet found_types;
  for (const auto& ex : search.found) found_types.insert(ex.type);
  const std::vector<std::string>& searched = search.searched;
  Edn not_contained = Edn::List();
  for (size_t i = 0; i + 1 < searched.size(); ++i) {
    if (!found_types.count(searched[i])) {
      not_contained.Add(Edn::Keyword(searched[i]));
    }
  }
  Edn t = Edn::Map();
  t.Put("type", Edn::Keyword("cycle-search-timeout"))
      .Put("anomaly-spec-type",
           searched.empty() ? Edn::Nil() : Edn::Keyword(searched.back()))
      .Put("does-not-contain", std::move(not_contained))
      .Put("scc-size", Edn::Int(g.vertex_count()));
  return t;
}

// txn.clj cycle-cases-in-scc for one SCC (renumbered local graph `g`).
Anomalies CyclesInScc(const Digraph& g, const std::vector<uint32_t>& global,
                      const PairExplainer& explainer,
                      const std::function<int64_t(uint32_t)>& index_of,
                      const OpPrinter& print_op, const CycleOptions& options) {
  const std::function<int64_t(uint32_t)> global_index = [&](uint32_t local) {
    return index_of(global[local]);
  };
  LocalExplainer local_explainer;
  local_explainer.inner = &explainer;
  local_explainer.global = &global;

  std::vector<ExistsCase> exists = CycleExistsCases(g, global, index_of);
  NameSet cycle_types;
  for (const auto& s : AnomalySpecs()) cycle_types.insert(s.name);
  SpecSearch search =
      SearchSpecs(g, ImpossibleCycleAnomalies(exists, cycle_types),
                  local_explainer, global_index, print_op, options.budget);

  Anomalies out;
  if (search.timed_out) {
    // Say what the search got through, and show some cycle of the SCC.
    out.Add("cycle-search-timeout", {CycleSearchTimeout(search, g), 0});
    Explained fallback =
        ExplainCycle(FallbackCycle(g), local_explainer, global_index, print_op);
    out.Add(fallback.type, std::move(fallback.c));
  }
  for (auto& e : exists) out.Add(e.type, std::move(e.c));
  for (auto& ex : search.found) out.Add(ex.type, std::move(ex.c));
  return out;
}

}  // namespace

std::string ClassifyCycle(const std::vector<Rels>& step_types) {
  int ww = 0, wr = 0, rw = 0, process = 0, realtime = 0;
  for (Rels t : step_types) {
    ww += (t & (kWW | kWWP)) != 0;
    wr += (t & (kWR | kWRP)) != 0;
    rw += (t & kAnyRW) != 0;
    process += (t & kProcess) != 0;
    realtime += (t & kRealtime) != 0;
  }
  // Predicate (rwp) edges never occur here: no workload explains one.
  bool rw_adjacent = false;
  for (size_t i = 0; i < step_types.size(); ++i) {
    const Rels prev =
        step_types[(i + step_types.size() - 1) % step_types.size()];
    rw_adjacent |= (prev & kAnyRW) && (step_types[i] & kAnyRW);
  }
  std::string type;
  if (rw == 1) {
    type = "G-single-item";
  } else if (rw > 1) {
    type = rw_adjacent ? "G2-item" : "G-nonadjacent-item";
  } else if (wr > 0) {
    type = "G1c";
  } else if (ww > 0) {
    type = "G0";
  } else {
    return "";
  }
  if (realtime > 0) return type + "-realtime";
  if (process > 0) return type + "-process";
  return type;
}

std::vector<std::string> CycleExistsModels() {
  std::vector<std::string> out;
  for (const auto& s : ExistsSpecs()) out.push_back(s.model);
  return out;
}

std::vector<std::string> CycleAnomalyTypes() {
  std::vector<std::string> out;
  for (const auto& s : AnomalySpecs()) out.push_back(s.name);
  return out;
}

Anomalies FindCycles(const Digraph& g, const PairExplainer& explainer,
                     const std::function<int64_t(uint32_t)>& index_of,
                     const OpPrinter& print_op, const CycleOptions& options) {
  Anomalies out;
  if (g.size() == 0) out.empty_transaction_graph = true;
  for (const auto& scc : StronglyConnectedComponents(g, kAllRels)) {
    out.Merge(CyclesInScc(g.Induced(scc), scc, explainer, index_of, print_op,
                          options));
  }
  return out;
}

}  // namespace elle
