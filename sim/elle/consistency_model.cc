#include "sim/elle/consistency_model.h"

#include <algorithm>
#include <deque>
#include <map>
#include <utility>

#include "kvclient/assert.h"

namespace elle {
namespace {

// A small directed graph of names: edges in both directions.
struct NameGraph {
  std::map<std::string, std::vector<std::string>> out, in;
  NameSet vertices;

  void Link(const std::string& a, const std::string& b) {
    auto& o = out[a];
    if (std::find(o.begin(), o.end(), b) == o.end()) o.push_back(b);
    auto& i = in[b];
    if (std::find(i.begin(), i.end(), a) == i.end()) i.push_back(a);
    vertices.insert(a);
    vertices.insert(b);
  }
  const std::vector<std::string>& Out(const std::string& v) const {
    static const std::vector<std::string> kNone;
    auto it = out.find(v);
    return it == out.end() ? kNone : it->second;
  }
  const std::vector<std::string>& In(const std::string& v) const {
    static const std::vector<std::string> kNone;
    auto it = in.find(v);
    return it == in.end() ? kNone : it->second;
  }
};

using Adjacency = std::vector<std::pair<std::string, std::vector<std::string>>>;

NameGraph FromMap(const Adjacency& m) {
  NameGraph g;
  for (const auto& [node, succs] : m) {
    for (const auto& succ : succs) g.Link(node, succ);
  }
  return g;
}

// elle.graph/bfs: every vertex reachable from `start` (start included).
template <typename Next>
NameSet Bfs(const NameSet& start, Next next) {
  NameSet seen(start.begin(), start.end());
  std::deque<std::string> queue(start.begin(), start.end());
  while (!queue.empty()) {
    std::string v = queue.front();
    queue.pop_front();
    for (const std::string& w : next(v)) {
      if (seen.insert(w).second) queue.push_back(w);
    }
  }
  return seen;
}

// consistency_model.clj implied-anomalies.
const NameGraph& ImpliedAnomalies() {
  static const NameGraph* g = new NameGraph(FromMap({
      {"G0", {"G1c", "G0-process"}},
      {"G0-process", {"G1c-process", "G0-realtime"}},
      {"G0-realtime", {"G1c-realtime"}},
      {"G1a", {"G1"}},
      {"G1b", {"G1"}},
      {"G1c", {"G1", "G1c-process"}},
      {"G1c-process", {"G1c-realtime", "G1-process"}},
      {"G1c-realtime", {"G1-realtime"}},
      {"G1", {"G1-process"}},
      {"G1-process", {"G1-realtime"}},
      {"G-single-item",
       {"G-single", "G-single-item-process", "G-nonadjacent-item"}},
      {"G-single-item-process",
       {"G-single-process", "G-single-item-realtime",
        "G-nonadjacent-item-process"}},
      {"G-single-item-realtime",
       {"G-single-realtime", "G-nonadjacent-item-realtime"}},
      {"G-single", {"G-nonadjacent", "GSIb", "G-single-process"}},
      {"G-single-process", {"G-nonadjacent-process", "G-single-realtime"}},
      {"G-single-realtime", {"G-nonadjacent-realtime"}},
      {"G-nonadjacent-item",
       {"G-nonadjacent", "G2-item", "G-nonadjacent-item-process"}},
      {"G-nonadjacent-item-process",
       {"G-nonadjacent-process", "G2-item-process",
        "G-nonadjacent-item-realtime"}},
      {"G-nonadjacent-item-realtime",
       {"G2-item-realtime", "G-nonadjacent-realtime"}},
      {"G-nonadjacent", {"G2", "G-nonadjacent-process"}},
      {"G-nonadjacent-process", {"G2-process", "G-nonadjacent-realtime"}},
      {"G-nonadjacent-realtime", {"G2-realtime"}},
      {"G2", {"G2-process"}},
      {"G2-item", {"G2", "G2-item-process"}},
      {"G2-item-process", {"G2-process", "G2-item-realtime"}},
      {"G2-item-realtime", {"G2-realtime"}},
      {"G2-process", {"G2-realtime"}},
      {"GSIa", {"GSI"}},
      {"GSIb", {"GSI"}},
      {"incompatible-order", {"G1a"}},
      {"future-read", {"G1c"}},
      {"dirty-update", {"G1a"}},
      {"lost-update", {"write-skew", "G2-item"}},
      {"write-skew", {"G2"}},
  }));
  return *g;
}

// consistency_model.clj anomaly-severity-graph.
const Adjacency& SeverityGraph() {
  static const Adjacency* m = new Adjacency({
      {"G0", {"G1c"}},
      {"G0-process", {"G1c-process"}},
      {"G0-realtime", {"G1c-realtime"}},
      {"G1c", {"G-single", "G2-item"}},
      {"G1c-process", {"G-single-process", "G2-item-process"}},
      {"G1c-realtime", {"G-single-realtime", "G2-item-realtime"}},
      {"G2", {"G0-process"}},
      {"G2-process", {"G0-realtime"}},
  });
  return *m;
}

// consistency_model.clj canonical-model-names.
const std::map<std::string, std::string>& CanonicalNames() {
  static const auto* m = new std::map<std::string, std::string>({
      {"consistent-view", "PL-2+"},
      {"conflict-serializable", "PL-3"},
      {"cursor-stability", "PL-CS"},
      {"forward-consistent-view", "PL-FCV"},
      {"monotonic-snapshot-read", "PL-MSR"},
      {"monotonic-view", "PL-2L"},
      {"read-committed", "PL-2"},
      {"read-uncommitted", "PL-1"},
      {"repeatable-read", "PL-2.99"},
      {"serializable", "PL-3"},
      {"snapshot-isolation", "PL-SI"},
      {"strict-serializable", "PL-SS"},
      {"strong-serializable", "PL-SS"},
      {"update-serializable", "PL-3U"},
      {"strong-session-read-uncommitted", "strong-session-PL-1"},
      {"strong-session-read-committed", "strong-session-PL-2"},
      {"strong-read-uncommitted", "strong-PL-1"},
      {"strong-read-committed", "strong-PL-2"},
  });
  return *m;
}

// friendly-model-names: the inverse, with :PL-3 -> :serializable and (as
// Clojure's hash-map iteration leaves it, and Elle's tests pin)
// :PL-SS -> :strong-serializable.
const std::map<std::string, std::string>& FriendlyNames() {
  static const auto* m = [] {
    auto* f = new std::map<std::string, std::string>();
    for (const auto& [friendly, canonical] : CanonicalNames()) {
      (*f)[canonical] = friendly;
    }
    (*f)["PL-3"] = "serializable";
    (*f)["PL-SS"] = "strong-serializable";
    return f;
  }();
  return *m;
}

// consistency_model.clj models, with vertices canonicalized.
const NameGraph& Models() {
  static const NameGraph* g = [] {
    const Adjacency m = {
        {"causal-cerone", {"read-atomic"}},
        {"consistent-view", {"cursor-stability", "monotonic-view"}},
        {"conflict-serializable", {"view-serializable"}},
        {"cursor-stability", {"read-committed", "PL-2"}},
        {"forward-consistent-view", {"consistent-view"}},
        {"PL-2", {"PL-1"}},
        {"PL-3", {"repeatable-read", "update-serializable"}},
        {"update-serializable", {"forward-consistent-view"}},
        {"monotonic-atomic-view", {"read-committed"}},
        {"monotonic-view", {"PL-2"}},
        {"monotonic-snapshot-read", {"PL-2"}},
        {"parallel-snapshot-isolation", {"causal-cerone", "update-atomic"}},
        {"prefix", {"causal-cerone"}},
        {"read-atomic", {"monotonic-atomic-view"}},
        {"read-committed", {"read-uncommitted"}},
        {"repeatable-read", {"cursor-stability", "monotonic-atomic-view"}},
        {"update-atomic", {"read-atomic"}},
        {"serializable",
         {"repeatable-read", "snapshot-isolation", "view-serializable"}},
        {"session-serializable", {"1SR"}},
        {"snapshot-isolation",
         {"forward-consistent-view", "monotonic-atomic-view",
          "monotonic-snapshot-read", "parallel-snapshot-isolation", "prefix"}},
        {"strict-serializable",
         {"PL-3", "serializable", "linearizable", "snapshot-isolation",
          "strong-snapshot-isolation", "strong-session-serializable"}},
        {"strong-session-PL-1", {"PL-1"}},
        {"strong-session-PL-2", {"PL-2", "strong-session-PL-1"}},
        {"strong-PL-1", {"strong-session-PL-1"}},
        {"strong-PL-2", {"strong-session-PL-2", "strong-PL-1"}},
        {"strong-session-serializable",
         {"serializable", "strong-session-snapshot-isolation"}},
        {"strong-session-snapshot-isolation",
         {"snapshot-isolation", "strong-session-PL-2"}},
        {"strong-serializable", {"session-serializable"}},
        {"strong-snapshot-isolation",
         {"strong-session-snapshot-isolation", "strong-PL-2"}},
        {"linearizable", {"sequential"}},
        {"sequential", {"causal"}},
        {"causal", {"writes-follow-reads", "PRAM"}},
        {"PRAM", {"monotonic-reads", "monotonic-writes", "read-your-writes"}},
    };
    auto* g = new NameGraph();
    for (const auto& [node, succs] : m) {
      for (const auto& succ : succs) {
        g->Link(CanonicalModelName(node), CanonicalModelName(succ));
      }
    }
    return g;
  }();
  return *g;
}

// consistency_model.clj direct-proscribed-anomalies (canonical models).
const NameGraph& DirectProscribed() {
  static const NameGraph* g = [] {
    const Adjacency m = {
        {"causal-cerone", {"internal", "G1a"}},
        {"cursor-stability", {"G1", "G-cursor", "lost-update"}},
        {"monotonic-view", {"G1", "G-monotonic"}},
        {"monotonic-snapshot-read", {"G1", "G-MSR"}},
        {"consistent-view", {"G1", "G-single"}},
        {"forward-consistent-view", {"G1", "G-SIb"}},
        {"parallel-snapshot-isolation", {"internal", "G1a"}},
        {"PL-3", {"G1", "G2", "predicate-read-miss", "PL-3-cycle-exists"}},
        {"PL-2", {"G1", "PL-2-cycle-exists"}},
        {"PL-1",
         {"G0", "duplicate-elements", "cyclic-versions", "PL-1-cycle-exists"}},
        {"prefix", {"internal", "G1a"}},
        {"serializable", {"internal"}},
        {"snapshot-isolation",
         {"internal", "G1", "G-SI", "G-nonadjacent", "PL-SI-cycle-exists"}},
        {"read-atomic", {"internal", "G1a", "future-read"}},
        {"repeatable-read",
         {"G1", "G2-item", "PL-2.99-cycle-exists", "lost-update"}},
        {"update-atomic", {"lost-update"}},
        {"strict-serializable",
         {"G1", "G1c-realtime", "G2-realtime", "PL-SS-cycle-exists"}},
        {"strong-session-PL-1",
         {"strong-session-PL-1-cycle-exists", "G0-process"}},
        {"strong-session-PL-2",
         {"strong-session-PL-2-cycle-exists", "G1c-process"}},
        {"strong-PL-1", {"strong-PL-1-cycle-exists", "G0-realtime"}},
        {"strong-PL-2", {"strong-PL-2-cycle-exists", "G1c-realtime"}},
        {"strong-session-snapshot-isolation",
         {"internal", "G1-process", "G-nonadjacent-process",
          "strong-session-snapshot-isolation-cycle-exists"}},
        {"strong-snapshot-isolation",
         {"internal", "G1-realtime", "G-nonadjacent-realtime",
          "strong-snapshot-isolation-cycle-exists"}},
        {"strong-session-serializable",
         {"G1-process", "G2-process",
          "strong-session-serializable-cycle-exists"}},
        {"update-serializable", {"G1", "G-update"}},
    };
    auto* g = new NameGraph();
    for (const auto& [node, succs] : m) {
      for (const auto& succ : succs) g->Link(CanonicalModelName(node), succ);
    }
    return g;
  }();
  return *g;
}

// elle.graph/topo-depths over implied-anomalies merged with the severity
// graph, then merge-with max against depth 0 for every directly proscribed
// anomaly (consistency_model.clj anomaly-depths).
const std::map<std::string, int>& Depths() {
  static const auto* depths = [] {
    NameGraph g = ImpliedAnomalies();
    for (const auto& [node, succs] : SeverityGraph()) {
      for (const auto& succ : succs) g.Link(node, succ);
    }
    auto* d = new std::map<std::string, int>();
    std::map<std::string, int> indegree;
    for (const auto& v : g.vertices) indegree[v] = g.In(v).size();
    NameSet remaining = g.vertices;
    for (int depth = 0; !remaining.empty(); ++depth) {
      std::vector<std::string> top;
      for (const auto& v : remaining) {
        if (indegree[v] == 0) top.push_back(v);
      }
      MC_ASSERT(!top.empty(), "the anomaly graphs are acyclic");
      for (const auto& v : top) {
        (*d)[v] = depth;
        remaining.erase(v);
        for (const auto& w : g.Out(v)) --indegree[w];
      }
    }
    const NameGraph& dp = DirectProscribed();
    for (const auto& v : dp.vertices) {
      if (!dp.In(v).empty()) d->emplace(v, 0);  // anomalies (not models)
    }
    return d;
  }();
  return *depths;
}

}  // namespace

int AnomalyDepth(const std::string& anomaly) {
  auto it = Depths().find(anomaly);
  return it == Depths().end() ? -1 : it->second;
}

bool AnomalyDepthLess(const std::string& a, const std::string& b) {
  const int da = AnomalyDepth(a), db = AnomalyDepth(b);
  if (da != db) return da < db;
  return a < b;
}

const std::vector<std::string>& AllAnomalies() {
  static const auto* all = [] {
    auto* v = new std::vector<std::string>();
    for (const auto& [name, depth] : Depths()) v->push_back(name);
    std::sort(v->begin(), v->end(), AnomalyDepthLess);
    return v;
  }();
  return *all;
}

NameSet AllImpliedAnomalies(const NameSet& anomalies) {
  const NameGraph& g = ImpliedAnomalies();
  return Bfs(anomalies, [&](const std::string& v) { return g.Out(v); });
}

NameSet AllAnomaliesImplying(const NameSet& anomalies) {
  const NameGraph& g = ImpliedAnomalies();
  return Bfs(anomalies, [&](const std::string& v) { return g.In(v); });
}

std::string CanonicalModelName(const std::string& model) {
  auto it = CanonicalNames().find(model);
  return it == CanonicalNames().end() ? model : it->second;
}

std::string FriendlyModelName(const std::string& model) {
  auto it = FriendlyNames().find(model);
  return it == FriendlyNames().end() ? model : it->second;
}

const NameSet& AllModels() {
  static const NameSet* all = [] {
    auto* s = new NameSet(Models().vertices);
    for (const auto& [friendly, canonical] : CanonicalNames()) {
      s->insert(friendly);
      s->insert(canonical);
    }
    return s;
  }();
  return *all;
}

bool IsKnownModel(const std::string& model) {
  return AllModels().count(model) > 0;
}

std::vector<std::string> FriendlyModelNames() {
  NameSet names;
  for (const auto& m : AllModels()) names.insert(FriendlyModelName(m));
  return std::vector<std::string>(names.begin(), names.end());
}

namespace {
NameSet Canonical(const NameSet& models) {
  NameSet out;
  for (const auto& m : models) {
    MC_ASSERT(IsKnownModel(m), "unknown consistency model ", m,
              ": validate before asking (validate-models)");
    out.insert(CanonicalModelName(m));
  }
  return out;
}
}  // namespace

NameSet AllImpliedModels(const NameSet& models) {
  const NameGraph& g = Models();
  return Bfs(Canonical(models), [&](const std::string& v) { return g.Out(v); });
}

NameSet AllImpossibleModels(const NameSet& impossible) {
  const NameGraph& g = Models();
  return Bfs(Canonical(impossible),
             [&](const std::string& v) { return g.In(v); });
}

NameSet AnomaliesProhibitedBy(const NameSet& models) {
  NameSet direct;
  for (const auto& m : AllImpliedModels(models)) {
    for (const auto& a : DirectProscribed().Out(m)) direct.insert(a);
  }
  if (direct.empty()) return {};
  return AllAnomaliesImplying(direct);
}

NameSet AnomaliesToImpossibleModels(const NameSet& anomalies) {
  if (anomalies.empty()) return {};
  NameSet models;
  for (const auto& a : AllImpliedAnomalies(anomalies)) {
    for (const auto& m : DirectProscribed().In(a)) models.insert(m);
  }
  return AllImpossibleModels(models);
}

namespace {
// most-models: drops each model from which another model of the set is
// reachable along `next`.
template <typename Next>
NameSet MostModels(const NameSet& models, Next next) {
  NameSet ms;
  for (const auto& m : models) ms.insert(CanonicalModelName(m));
  NameSet out = ms;
  for (const auto& m : ms) {
    NameSet others = out;
    others.erase(m);
    const NameSet reach = Bfs({m}, next);
    bool covered = false;
    for (const auto& r : reach) covered |= r != m && others.count(r) > 0;
    if (covered) out.erase(m);
  }
  return out;
}
}  // namespace

NameSet WeakestModels(const NameSet& models) {
  const NameGraph& g = Models();
  return MostModels(models, [&](const std::string& v) { return g.Out(v); });
}

NameSet StrongestModels(const NameSet& models) {
  const NameGraph& g = Models();
  return MostModels(models, [&](const std::string& v) { return g.In(v); });
}

Boundary FriendlyBoundary(const NameSet& anomalies) {
  const NameSet impossible = AnomaliesToImpossibleModels(anomalies);
  const NameSet is_not = WeakestModels(impossible);
  Boundary b;
  for (const auto& m : is_not) b.not_models.insert(FriendlyModelName(m));
  for (const auto& m : impossible) {
    if (!is_not.count(m)) b.also_not.insert(FriendlyModelName(m));
  }
  return b;
}

}  // namespace elle
