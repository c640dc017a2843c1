#include "sim/elle/rw_register.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kvclient/assert.h"
#include "sim/elle/jepsen_op.h"

namespace elle {

using sim::Edn;

Edn ValidityEdn(Validity v) {
  if (v == Validity::kUnknown) return Edn::Keyword("unknown");
  return Edn::Bool(v == Validity::kTrue);
}

// ---- TxnHistory -------------------------------------------------------------

namespace {

const char* JsonTypeName(const kvclient::Json& j) {
  switch (j.type()) {
    case kvclient::Json::value_t::null: return "nil";
    case kvclient::Json::value_t::boolean: return "java.lang.Boolean";
    case kvclient::Json::value_t::number_integer:
    case kvclient::Json::value_t::number_unsigned: return "java.lang.Long";
    case kvclient::Json::value_t::number_float: return "java.lang.Double";
    case kvclient::Json::value_t::string: return "java.lang.String";
    case kvclient::Json::value_t::array: return "clojure.lang.PersistentVector";
    case kvclient::Json::value_t::object:
      return "clojure.lang.PersistentArrayMap";
    default: break;
  }
  return "?";
}

// Interns JSON values: integers by value, everything else by its dump.
class Interner {
 public:
  explicit Interner(std::vector<kvclient::Json>* table) : table_(table) {}
  uint32_t Intern(const kvclient::Json& j) {
    if (j.is_number_integer() &&
        (j.is_number_unsigned() ? j.get<uint64_t>() <= INT64_MAX : true)) {
      const int64_t v = j.get<int64_t>();
      auto [it, fresh] = ints_.emplace(v, table_->size());
      if (fresh) table_->push_back(j);
      return it->second;
    }
    auto [it, fresh] = others_.emplace(j.dump(), table_->size());
    if (fresh) table_->push_back(j);
    return it->second;
  }

 private:
  std::vector<kvclient::Json>* table_;
  absl::flat_hash_map<int64_t, uint32_t> ints_;
  absl::flat_hash_map<std::string, uint32_t> others_;
};

}  // namespace

absl::StatusOr<TxnHistory> TxnHistory::FromHistory(
    const sim::History& history, const std::vector<int64_t>& process,
    const std::string& f) {
  TxnHistory h;
  h.ops_ = CompletedOps(history, process,
                        [&](const sim::HistoryEvent& e) { return e.f == f; });
  Interner keys(&h.keys_), values(&h.values_);
  std::vector<Mop> invocation_mops;
  std::vector<uint32_t> invocation_start{0};
  absl::flat_hash_set<std::string> key_types;
  auto parse = [&](int64_t index, std::vector<Mop>* out) -> absl::Status {
    const kvclient::Json& txn = history[index].value;
    if (!txn.is_array()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "op ", index, ": a txn is an array of micro-ops, not ", txn.dump()));
    }
    for (const kvclient::Json& mop : txn) {
      if (!mop.is_array() || mop.size() != 3 || !mop[0].is_string() ||
          (mop[0] != "r" && mop[0] != "w")) {
        return absl::InvalidArgumentError(absl::StrCat(
            "op ", index, ": a micro-op is [\"r\"|\"w\", k, v], not ",
            mop.dump()));
      }
      if (key_types.insert(JsonTypeName(mop[1])).second) {
        h.key_types_.push_back(JsonTypeName(mop[1]));
      }
      Mop m;
      m.write = mop[0] == "w";
      m.key = keys.Intern(mop[1]);
      m.value =
          mop[2].is_null() ? kNil : static_cast<int32_t>(values.Intern(mop[2]));
      out->push_back(m);
    }
    return absl::OkStatus();
  };
  for (const Op& op : h.ops_) {
    absl::Status s = parse(op.index, &h.mops_);
    if (!s.ok()) return s;
    h.completion_.push_back(static_cast<uint32_t>(h.mops_.size()));
    s = parse(op.invoke_index, &invocation_mops);
    if (!s.ok()) return s;
    invocation_start.push_back(static_cast<uint32_t>(invocation_mops.size()));
  }
  const uint32_t base = static_cast<uint32_t>(h.mops_.size());
  h.mops_.insert(h.mops_.end(), invocation_mops.begin(), invocation_mops.end());
  for (uint32_t s : invocation_start) h.invocation_.push_back(base + s);
  return h;
}

const kvclient::Json& TxnHistory::ValueJson(int32_t value) const {
  static const kvclient::Json* null = new kvclient::Json(nullptr);
  return value == kNil ? *null : values_[value];
}

Edn MopEdn(const TxnHistory& history, const Mop& mop) {
  return Edn::Vector({Edn::Keyword(mop.write ? "w" : "r"),
                      JsonToEdn(history.KeyJson(mop.key)),
                      JsonToEdn(history.ValueJson(mop.value))});
}

Edn TxnEdn(const kvclient::Json& txn) {
  if (!txn.is_array()) return JsonToEdn(txn);
  Edn out = Edn::Vector();
  for (const kvclient::Json& mop : txn) {
    if (!mop.is_array() || mop.empty() || !mop[0].is_string()) {
      out.Add(JsonToEdn(mop));
      continue;
    }
    Edn m = Edn::Vector({Edn::Keyword(mop[0].get<std::string>())});
    for (size_t i = 1; i < mop.size(); ++i) m.Add(JsonToEdn(mop[i]));
    out.Add(std::move(m));
  }
  return out;
}

// ---- options --------------------------------------------------------------

NameSet ProhibitedAnomalyTypes(const RwRegisterOptions& options) {
  NameSet out = AllAnomaliesImplying(options.anomalies);
  for (const auto& a : AnomaliesProhibitedBy(options.consistency_models)) {
    out.insert(a);
  }
  return out;
}

NameSet ReportableAnomalyTypes(const RwRegisterOptions& options) {
  NameSet out = ProhibitedAnomalyTypes(options);
  out.insert("empty-transaction-graph");
  out.insert("cycle-search-timeout");
  return out;
}

// ---- the analysis -----------------------------------------------------------

namespace {

using KV = std::pair<uint32_t, int32_t>;  // (key, value)

uint64_t Pack(uint32_t key, int32_t value) {
  return (uint64_t{key} << 32) | static_cast<uint32_t>(value + 1);
}

// jepsen.txn ext-reads / ext-writes, in order of each key's first mop (the
// order of Clojure's small array maps).
std::vector<KV> ExtReads(const Mop* begin, const Mop* end) {
  std::vector<KV> out;
  std::vector<uint32_t> seen;
  for (const Mop* m = begin; m != end; ++m) {
    if (std::find(seen.begin(), seen.end(), m->key) != seen.end()) continue;
    seen.push_back(m->key);
    if (!m->write) out.push_back({m->key, m->value});
  }
  return out;
}

std::vector<KV> ExtWrites(const Mop* begin, const Mop* end) {
  std::vector<KV> out;
  for (const Mop* m = begin; m != end; ++m) {
    if (!m->write) continue;
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const KV& kv) { return kv.first == m->key; });
    if (it == out.end()) {
      out.push_back({m->key, m->value});
    } else {
      it->second = m->value;
    }
  }
  return out;
}

const int32_t* Find(const std::vector<KV>& kvs, uint32_t key) {
  for (const KV& kv : kvs) {
    if (kv.first == key) return &kv.second;
  }
  return nullptr;
}

// An index (key, value) -> ops, as sorted pairs (ext-index).
class KvIndex {
 public:
  void Add(uint32_t key, int32_t value, uint32_t op) {
    entries_.push_back({Pack(key, value), op});
  }
  void Seal() { std::sort(entries_.begin(), entries_.end()); }
  std::pair<const std::pair<uint64_t, uint32_t>*,
            const std::pair<uint64_t, uint32_t>*>
  Range(uint32_t key, int32_t value) const {
    const uint64_t k = Pack(key, value);
    auto lo = std::lower_bound(entries_.begin(), entries_.end(),
                               std::make_pair(k, uint32_t{0}));
    auto hi = std::lower_bound(entries_.begin(), entries_.end(),
                               std::make_pair(k + 1, uint32_t{0}));
    return {entries_.data() + (lo - entries_.begin()),
            entries_.data() + (hi - entries_.begin())};
  }
  const std::vector<std::pair<uint64_t, uint32_t>>& entries() const {
    return entries_;
  }

 private:
  std::vector<std::pair<uint64_t, uint32_t>> entries_;
};

struct VersionEdge {
  uint32_t key;
  int32_t from, to;
  bool operator==(const VersionEdge& o) const {
    return key == o.key && from == o.from && to == o.to;
  }
  bool operator<(const VersionEdge& o) const {
    if (key != o.key) return key < o.key;
    if (from != o.from) return from < o.from;
    return to < o.to;
  }
  template <typename H>
  friend H AbslHashValue(H h, const VersionEdge& e) {
    return H::combine(std::move(h), e.key, e.from, e.to);
  }
};

class Analysis {
 public:
  Analysis(const TxnHistory& h, const RwRegisterOptions& options,
           const OpPrinter& print_op)
      : h_(h), options_(options), print_op_(print_op) {
    const uint32_t n = static_cast<uint32_t>(h.ops().size());
    ext_reads_.resize(n);
    ext_writes_.resize(n);
    for (uint32_t i = 0; i < n; ++i) {
      auto [b, e] = h.Completion(i);
      ext_reads_[i] = ExtReads(b, e);
      ext_writes_[i] = ExtWrites(b, e);
      if (Ok(i)) {
        for (const KV& kv : ext_reads_[i])
          read_index_.Add(kv.first, kv.second, i);
        for (const KV& kv : ext_writes_[i]) {
          write_index_.Add(kv.first, kv.second, i);
        }
      }
    }
    read_index_.Seal();
    write_index_.Seal();
  }

  bool Ok(uint32_t i) const { return h_.ops()[i].type == sim::EventType::kOk; }
  Edn PrintOp(uint32_t i) const { return print_op_(h_.ops()[i].index); }
  Edn Value(int32_t v) const { return JsonToEdn(h_.ValueJson(v)); }
  Edn Key(uint32_t k) const { return JsonToEdn(h_.KeyJson(k)); }

  // Position of the first mop equal to (write, key, value) in op i.
  int64_t MopIndex(uint32_t i, bool write, uint32_t key, int32_t value) const {
    auto [b, e] = h_.Completion(i);
    for (const Mop* m = b; m != e; ++m) {
      if (m->write == write && m->key == key && m->value == value) {
        return m - b;
      }
    }
    return -1;
  }

  // rw_register.clj op-internal-case / internal-cases
  void Internal(Anomalies* out) const {
    for (uint32_t i = 0; i < h_.ops().size(); ++i) {
      if (!Ok(i)) continue;
      std::vector<KV> state;
      auto [b, e] = h_.Completion(i);
      for (const Mop* m = b; m != e; ++m) {
        auto it = std::find_if(state.begin(), state.end(), [&](const KV& kv) {
          return kv.first == m->key;
        });
        if (!m->write && it != state.end() && it->second != kNil &&
            it->second != m->value) {
          Edn c = Edn::Map();
          c.Put("op", PrintOp(i))
              .Put("mop", MopEdn(h_, *m))
              .Put("expected", Value(it->second));
          out->Add("internal", {std::move(c), 0});
          out->seq_types.insert("internal");
          break;
        }
        if (it == state.end()) {
          state.push_back({m->key, m->value});
        } else {
          it->second = m->value;
        }
      }
    }
  }

  // rw_register.clj g1a-cases (elle/txn.clj failed-write-indices)
  void G1a(Anomalies* out) const {
    absl::flat_hash_map<uint64_t, uint32_t> failed;  // (k, v) -> fail op
    for (uint32_t i = 0; i < h_.ops().size(); ++i) {
      if (h_.ops()[i].type != sim::EventType::kFail) continue;
      auto [b, e] = h_.Completion(i);
      for (const Mop* m = b; m != e; ++m) {
        if (m->write) failed[Pack(m->key, m->value)] = i;
      }
    }
    if (failed.empty()) return;
    for (uint32_t i = 0; i < h_.ops().size(); ++i) {
      if (!Ok(i)) continue;
      auto [b, e] = h_.Completion(i);
      for (const Mop* m = b; m != e; ++m) {
        if (m->write) continue;
        auto it = failed.find(Pack(m->key, m->value));
        if (it == failed.end()) continue;
        Edn c = Edn::Map();
        c.Put("op", PrintOp(i))
            .Put("mop", MopEdn(h_, *m))
            .Put("writer", PrintOp(it->second));
        out->Add("G1a", {std::move(c), 0});
        out->seq_types.insert("G1a");
      }
    }
  }

  // rw_register.clj g1b-cases (elle/txn.clj intermediate-write-indices over
  // every event, invocations included; later events win)
  void G1b(Anomalies* out) const {
    struct Writer {
      int64_t index;
    };
    std::vector<std::pair<int64_t, std::pair<const Mop*, const Mop*>>> events;
    for (uint32_t i = 0; i < h_.ops().size(); ++i) {
      events.push_back({h_.ops()[i].invoke_index, h_.Invocation(i)});
      events.push_back({h_.ops()[i].index, h_.Completion(i)});
    }
    std::sort(events.begin(), events.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    absl::flat_hash_map<uint64_t, Writer> im;
    for (const auto& [index, mops] : events) {
      std::vector<KV> final_writes;
      for (const Mop* m = mops.first; m != mops.second; ++m) {
        if (!m->write) continue;
        auto it =
            std::find_if(final_writes.begin(), final_writes.end(),
                         [&](const KV& kv) { return kv.first == m->key; });
        if (it != final_writes.end()) {
          im[Pack(m->key, it->second)] = {index};
          it->second = m->value;
        } else {
          final_writes.push_back({m->key, m->value});
        }
      }
    }
    if (im.empty()) return;
    for (uint32_t i = 0; i < h_.ops().size(); ++i) {
      if (!Ok(i)) continue;
      auto [b, e] = h_.Completion(i);
      for (const Mop* m = b; m != e; ++m) {
        if (m->write) continue;
        auto it = im.find(Pack(m->key, m->value));
        if (it == im.end() || it->second.index == h_.ops()[i].index) continue;
        Edn c = Edn::Map();
        c.Put("op", PrintOp(i))
            .Put("mop", MopEdn(h_, *m))
            .Put("writer", print_op_(it->second.index));
        out->Add("G1b", {std::move(c), 0});
        out->seq_types.insert("G1b");
      }
    }
  }

  // elle/txn.clj lost-update-cases
  void LostUpdate(Anomalies* out) const {
    std::map<uint64_t, std::vector<uint32_t>> txns;  // (k, read v) -> ops
    std::vector<uint64_t> order;                     // first appearance
    for (uint32_t i = 0; i < h_.ops().size(); ++i) {
      if (!Ok(i)) continue;
      std::vector<KV> reads;
      std::vector<uint32_t> writes;
      auto [b, e] = h_.Completion(i);
      for (const Mop* m = b; m != e; ++m) {
        const int32_t* read = Find(reads, m->key);
        if (m->write &&
            std::find(writes.begin(), writes.end(), m->key) == writes.end()) {
          if (!read) continue;
          const uint64_t kv = Pack(m->key, *read);
          auto [it, fresh] = txns.emplace(kv, std::vector<uint32_t>());
          if (fresh) order.push_back(kv);
          it->second.push_back(i);
          writes.push_back(m->key);
        } else if (!m->write && !read) {
          reads.push_back({m->key, m->value});
        }
      }
    }
    for (uint64_t kv : order) {
      const std::vector<uint32_t>& ops = txns[kv];
      if (ops.size() < 2) continue;
      const uint32_t key = static_cast<uint32_t>(kv >> 32);
      const int32_t value = static_cast<int32_t>(kv & 0xFFFFFFFFu) - 1;
      Edn list = Edn::Vector();
      for (uint32_t op : ops) list.Add(PrintOp(op));
      Edn c = Edn::Map();
      c.Put("key", Key(key))
          .Put("value", Value(value))
          .Put("txns", std::move(list));
      out->Add("lost-update", {std::move(c), 0});
    }
  }

  // rw_register.clj version-graphs: initial-state, then wfr-keys; a source
  // whose edges would close a cycle in some key's order is left out and its
  // cycles reported as :cyclic-versions.
  void VersionGraphs(Anomalies* out) {
    std::vector<VersionEdge> initial, wfr;
    for (uint32_t i = 0; i < h_.ops().size(); ++i) {
      const sim::EventType t = h_.ops()[i].type;
      if (t == sim::EventType::kFail) continue;
      for (const KV& kv : ext_writes_[i]) {
        if (kv.second != kNil) initial.push_back({kv.first, kNil, kv.second});
      }
      if (t != sim::EventType::kOk) continue;
      for (const KV& kv : ext_reads_[i]) {
        if (kv.second != kNil) initial.push_back({kv.first, kNil, kv.second});
        if (kv.second == kNil || !options_.wfr_keys) continue;
        const int32_t* w = Find(ext_writes_[i], kv.first);
        if (w && *w != kNil) {
          wfr.push_back({kv.first, kv.second, *w});
        }
      }
    }
    std::vector<std::string> sources;
    std::vector<VersionEdge> accepted;
    std::vector<std::pair<std::string, std::vector<VersionEdge>*>> analyzers = {
        {"initial-state", &initial}};
    if (options_.wfr_keys) analyzers.push_back({"wfr-keys", &wfr});
    for (auto& [name, edges] : analyzers) {
      std::vector<VersionEdge> merged = accepted;
      merged.insert(merged.end(), edges->begin(), edges->end());
      std::sort(merged.begin(), merged.end());
      merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
      std::vector<std::string> sources2 = sources;
      sources2.push_back(name);
      if (CyclicVersions(merged, sources2, out)) continue;
      sources = std::move(sources2);
      accepted = std::move(merged);
    }
    versions_.insert(accepted.begin(), accepted.end());
    accepted_ = std::move(accepted);
  }

  // cyclic-version-cases over every key of `edges` (sorted).
  bool CyclicVersions(const std::vector<VersionEdge>& edges,
                      const std::vector<std::string>& sources,
                      Anomalies* out) const {
    bool any = false;
    for (size_t i = 0; i < edges.size();) {
      size_t j = i;
      while (j < edges.size() && edges[j].key == edges[i].key) ++j;
      std::vector<int32_t> values;
      for (size_t k = i; k < j; ++k) {
        values.push_back(edges[k].from);
        values.push_back(edges[k].to);
      }
      std::sort(values.begin(), values.end());
      values.erase(std::unique(values.begin(), values.end()), values.end());
      auto local = [&](int32_t v) {
        return static_cast<uint32_t>(
            std::lower_bound(values.begin(), values.end(), v) - values.begin());
      };
      Digraph::Builder b(static_cast<uint32_t>(values.size()));
      for (size_t k = i; k < j; ++k) {
        b.Link(local(edges[k].from), local(edges[k].to), kWW);
      }
      const Digraph g = std::move(b).Build();
      for (const auto& scc : StronglyConnectedComponents(g, kAllRels)) {
        any = true;
        std::vector<int32_t> vs;
        for (uint32_t l : scc) vs.push_back(values[l]);
        Edn set = Edn::Set();
        for (const Edn& e : SortedValues(vs)) set.Add(e);
        Edn srcs = Edn::Vector();
        for (const auto& s : sources) srcs.Add(Edn::Keyword(s));
        Edn c = Edn::Map();
        c.Put("key", Key(edges[i].key))
            .Put("scc", std::move(set))
            .Put("sources", std::move(srcs));
        out->Add("cyclic-versions", {std::move(c), 0});
      }
      i = j;
    }
    return any;
  }

  // Values in a readable order: integers numerically, then the rest.
  std::vector<Edn> SortedValues(std::vector<int32_t> vs) const {
    std::sort(vs.begin(), vs.end(), [&](int32_t a, int32_t b) {
      const kvclient::Json& x = h_.ValueJson(a);
      const kvclient::Json& y = h_.ValueJson(b);
      if (x.is_number_integer() && y.is_number_integer()) {
        return x.get<int64_t>() < y.get<int64_t>();
      }
      if (x.is_number_integer() != y.is_number_integer()) {
        return x.is_number_integer();
      }
      return x.dump() < y.dump();
    });
    std::vector<Edn> out;
    for (int32_t v : vs) out.push_back(Value(v));
    return out;
  }

  // wr-graph; error when a read value has two writers.
  absl::Status WrGraph(Digraph::Builder* b) const {
    const auto& reads = read_index_.entries();
    for (size_t i = 0; i < reads.size();) {
      size_t j = i;
      while (j < reads.size() && reads[j].first == reads[i].first) ++j;
      const uint32_t key = static_cast<uint32_t>(reads[i].first >> 32);
      const int32_t value =
          static_cast<int32_t>(reads[i].first & 0xFFFFFFFFu) - 1;
      auto [wb, we] = write_index_.Range(key, value);
      if (we - wb > 1) {
        std::vector<std::string> writers;
        for (auto* w = wb; w != we; ++w) {
          writers.push_back(PrintOp(w->second).Print());
        }
        return absl::InvalidArgumentError(absl::StrCat(
            "Key ", Key(key).Print(), " had value ", Value(value).Print(),
            " written by more than one op: (", absl::StrJoin(writers, " "),
            ")"));
      }
      if (we - wb == 1) {
        for (size_t k = i; k < j; ++k)
          b->Link(wb->second, reads[k].second, kWR);
      }
      i = j;
    }
    return absl::OkStatus();
  }

  // version-graphs->transaction-graph
  Digraph WwRwGraph() const {
    Digraph::Builder b(static_cast<uint32_t>(h_.ops().size()));
    for (const VersionEdge& e : accepted_) {
      auto [rb, re] = read_index_.Range(e.key, e.from);
      auto [w1b, w1e] = write_index_.Range(e.key, e.from);
      auto [w2b, w2e] = write_index_.Range(e.key, e.to);
      for (auto* x = w1b; x != w1e; ++x) {
        for (auto* y = w2b; y != w2e; ++y) b.Link(x->second, y->second, kWW);
      }
      for (auto* x = rb; x != re; ++x) {
        for (auto* y = w2b; y != w2e; ++y) b.Link(x->second, y->second, kRW);
      }
      for (auto* x = rb; x != re; ++x) b.Unlink(x->second, x->second);
      for (auto* x = w1b; x != w1e; ++x) b.Unlink(x->second, x->second);
      for (auto* x = w2b; x != w2e; ++x) b.Unlink(x->second, x->second);
    }
    return std::move(b).Build();
  }

  bool VersionPrecedes(uint32_t key, int32_t a, int32_t b) const {
    return versions_.contains(VersionEdge{key, a, b});
  }

  const TxnHistory& h_;
  const RwRegisterOptions& options_;
  const OpPrinter& print_op_;
  std::vector<std::vector<KV>> ext_reads_, ext_writes_;
  KvIndex read_index_, write_index_;
  std::vector<VersionEdge> accepted_;
  absl::flat_hash_set<VersionEdge> versions_;
};

// rw_register.clj WRExplainer
class WrExplainer : public PairExplainer {
 public:
  explicit WrExplainer(const Analysis& a) : a_(a) {}
  absl::optional<Step> Explain(uint32_t x, uint32_t y) const override {
    for (const KV& w : a_.ext_writes_[x]) {
      const int32_t* r = Find(a_.ext_reads_[y], w.first);
      if (!r || *r != w.second) continue;
      Step s{kWR, Edn::Map()};
      s.data.Put("type", Edn::Keyword("wr"))
          .Put("key", a_.Key(w.first))
          .Put("value", a_.Value(w.second))
          .Put("a-mop-index", Edn::Int(a_.MopIndex(x, true, w.first, w.second)))
          .Put("b-mop-index",
               Edn::Int(a_.MopIndex(y, false, w.first, w.second)));
      return s;
    }
    return absl::nullopt;
  }

 private:
  const Analysis& a_;
};

// rw_register.clj WWExplainer / RWExplainer (explain-op-deps)
class VersionExplainer : public PairExplainer {
 public:
  VersionExplainer(const Analysis& a, bool rw) : a_(a), rw_(rw) {}
  absl::optional<Step> Explain(uint32_t x, uint32_t y) const override {
    const auto& from = rw_ ? a_.ext_reads_[x] : a_.ext_writes_[x];
    for (const KV& kv : from) {
      const int32_t* b = Find(a_.ext_writes_[y], kv.first);
      if (!b || !a_.VersionPrecedes(kv.first, kv.second, *b)) continue;
      Step s{rw_ ? kRW : kWW, Edn::Map()};
      s.data.Put("key", a_.Key(kv.first))
          .Put("value", a_.Value(kv.second))
          .Put("value'", a_.Value(*b))
          .Put("type", Edn::Keyword(rw_ ? "rw" : "ww"))
          .Put("a-mop-index",
               Edn::Int(a_.MopIndex(x, !rw_, kv.first, kv.second)))
          .Put("b-mop-index", Edn::Int(a_.MopIndex(y, true, kv.first, *b)));
      return s;
    }
    return absl::nullopt;
  }

 private:
  const Analysis& a_;
  bool rw_;
};

}  // namespace

namespace {

// elle/txn.clj additional-graphs: realtime if any realtime anomaly is
// reportable, else process if any process anomaly is, else none.
Rels AdditionalGraph(const NameSet& reportable) {
  bool realtime = false, process = false;
  for (const auto& t : CycleAnomalyTypes()) {
    if (!reportable.count(t)) continue;
    realtime |= t.find("-realtime") != std::string::npos;
    process |= t.find("-process") != std::string::npos;
  }
  return realtime ? kRealtime : process ? kProcess : 0;
}

// elle/txn.clj remove-redundant-cycle-exists
NameSet RemoveRedundantCycleExists(const NameSet& types) {
  NameSet others;
  const std::string suffix = "-cycle-exists";
  for (const auto& t : types) {
    if (t.size() < suffix.size() ||
        t.compare(t.size() - suffix.size(), suffix.size(), suffix) != 0) {
      others.insert(t);
    }
  }
  const NameSet impossible = AnomaliesToImpossibleModels(others);
  NameSet out = types;
  for (const auto& m : CycleExistsModels()) {
    if (impossible.count(m)) out.erase(m + suffix);
  }
  return out;
}

RwRegisterResult Error(std::string message) {
  RwRegisterResult r;
  r.valid = Validity::kUnknown;
  r.error = std::move(message);
  return r;
}

}  // namespace

RwRegisterResult CheckRwRegister(const TxnHistory& history,
                                 const RwRegisterOptions& options,
                                 const OpPrinter& print_op) {
  for (const auto& m : options.consistency_models) {
    if (!IsKnownModel(m)) {
      return Error(absl::StrCat(
          "Unknown consistency model (:", m,
          "); known models are: ", absl::StrJoin(AllModels(), " ")));
    }
  }
  if (history.key_types().size() > 1) {
    return Error(absl::StrCat(
        "History includes a mix of different types for transaction keys: (",
        absl::StrJoin(history.key_types(), " "),
        "). You almost certainly don't want to do this."));
  }
  RwRegisterResult result;
  result.prohibited = ProhibitedAnomalyTypes(options);
  const NameSet reportable = ReportableAnomalyTypes(options);

  Analysis a(history, options, print_op);
  Anomalies& anomalies = result.anomalies;
  a.VersionGraphs(&anomalies);

  const uint32_t n = static_cast<uint32_t>(history.ops().size());
  Digraph::Builder b(n);
  if (absl::Status s = a.WrGraph(&b); !s.ok()) {
    return Error(std::string(s.message()));
  }
  b.Add(a.WwRwGraph());
  const Rels additional = AdditionalGraph(reportable);
  if (additional == kRealtime) AddRealtimeEdges(history.ops(), &b);
  if (additional == kProcess) AddProcessEdges(history.ops(), &b);
  const Digraph g = std::move(b).Build();

  WrExplainer wr(a);
  VersionExplainer ww(a, /*rw=*/false), rw(a, /*rw=*/true);
  OrderExplainer order(history.ops(), additional ? additional : kRealtime,
                       print_op);  // realtime-graph's or process-graph's
  std::vector<const PairExplainer*> explainers = {&wr, &ww, &rw};
  if (additional) explainers.push_back(&order);
  CombinedExplainer explainer(explainers);
  anomalies.Merge(FindCycles(
      g, explainer, [&](uint32_t v) { return history.ops()[v].index; },
      print_op, options.cycle));

  a.Internal(&anomalies);
  a.G1a(&anomalies);
  a.G1b(&anomalies);
  a.LostUpdate(&anomalies);

  // elle/txn.clj result-map
  const NameSet types = anomalies.Types();
  NameSet bad, report;
  for (const auto& t : types) {
    if (result.prohibited.count(t)) bad.insert(t);
    if (reportable.count(t)) report.insert(t);
  }
  result.reportable_types = RemoveRedundantCycleExists(report);
  result.boundary = FriendlyBoundary(types);
  if (result.reportable_types.empty()) {
    result.valid = Validity::kTrue;
  } else {
    result.valid = bad.empty() ? Validity::kUnknown : Validity::kFalse;
  }
  return result;
}

Edn ResultMapEdn(const RwRegisterResult& r) {
  Edn m = Edn::Map();
  m.Put("valid?", ValidityEdn(r.valid));
  if (!r.error.empty()) {
    m.Put("error", Edn::String(r.error));
    return m;
  }
  if (r.reportable_types.empty()) return m;
  Edn types = Edn::List();
  for (const auto& t : r.reportable_types) types.Add(Edn::Keyword(t));
  Edn not_models = Edn::Set(), also_not = Edn::Set();
  for (const auto& x : r.boundary.not_models) not_models.Add(Edn::Keyword(x));
  for (const auto& x : r.boundary.also_not) also_not.Add(Edn::Keyword(x));
  m.Put("anomaly-types", std::move(types))
      .Put("anomalies", r.anomalies.ToEdn(&r.reportable_types))
      .Put("not", std::move(not_models))
      .Put("also-not", std::move(also_not));
  return m;
}

}  // namespace elle
