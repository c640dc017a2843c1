#include "sim/jepsen/set_full.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "kvclient/assert.h"
#include "sim/jepsen/clojure_value.h"

namespace sim {
namespace jepsen {
namespace {

using kvclient::Json;
using Outcome = SetFullElement::Outcome;

constexpr double kPoints[] = {0, 0.5, 0.95, 0.99, 1};
constexpr size_t kWorstStale = 8;  // set-full-results: (take 8)

// The elements being tracked, found by clojure.core/= (integers through a
// fast map, anything else through its EqualityKey).
class ElementIndex {
 public:
  absl::optional<size_t> Find(const Json& v) const {
    if (IsLong(v)) {
      auto it = longs_.find(v.get<int64_t>());
      return it == longs_.end() ? absl::nullopt
                                : absl::make_optional(it->second);
    }
    auto it = others_.find(EqualityKey(v));
    return it == others_.end() ? absl::nullopt
                               : absl::make_optional(it->second);
  }
  void Insert(const Json& v, size_t slot) {
    if (IsLong(v)) {
      longs_[v.get<int64_t>()] = slot;
    } else {
      others_[EqualityKey(v)] = slot;
    }
  }

 private:
  static bool IsLong(const Json& v) {
    return v.is_number_integer() &&
           (!v.is_number_unsigned() ||
            v.get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX));
  }
  // Lookups only: iteration order never decides anything here.
  absl::flat_hash_map<int64_t, size_t> longs_;
  absl::flat_hash_map<std::string, size_t> others_;
};

// The reduce in set-full's check: element states in order of first add.
struct Tracking {
  std::vector<SetFullElement> elements;
  std::string error;  // what Jepsen would throw, if anything
};

void ApplyRead(const OpView& ops, size_t i, const ElementIndex& index,
               Tracking* t, std::vector<size_t>* seen_at) {
  const int64_t inv = ops.invocation(i);
  MC_ASSERT(inv >= 0, "an ok read at ", i, " has an invoke on its thread");
  const Json& value = ops.event(i).value;
  if (value.is_array()) {
    for (const Json& v : value) {
      if (absl::optional<size_t> slot = index.Find(v)) (*seen_at)[*slot] = i;
    }
  }
  for (size_t k = 0; k < t->elements.size(); ++k) {
    SetFullElement& e = t->elements[k];
    if ((*seen_at)[k] == i) {  // set-full-read-present
      if (e.known < 0) e.known = static_cast<int64_t>(i);
      e.last_present = std::max(e.last_present, inv);
    } else {  // set-full-read-absent
      e.last_absent = std::max(e.last_absent, inv);
    }
  }
}

Tracking Track(const OpView& ops, const SetFullOptions& options) {
  Tracking t;
  ElementIndex index;
  std::vector<size_t> seen_at;  // per element: the read that last showed it
  for (size_t i = 0; i < ops.size(); ++i) {
    const HistoryEvent& e = ops.event(i);
    if (e.f == options.add_f) {
      absl::optional<size_t> slot = index.Find(e.value);
      if (e.type == EventType::kInvoke) {  // (assoc elements v fresh)
        SetFullElement fresh;
        fresh.element = e.value;
        if (slot.has_value()) {
          t.elements[*slot] = std::move(fresh);
        } else {
          index.Insert(e.value, t.elements.size());
          t.elements.push_back(std::move(fresh));
          seen_at.push_back(SIZE_MAX);
        }
      } else if (!slot.has_value()) {
        t.error = absl::StrCat("an add completion at index ", i,
                               " whose element was never invoked");
        return t;
      } else if (e.type == EventType::kOk && t.elements[*slot].known < 0) {
        t.elements[*slot].known = static_cast<int64_t>(i);
      }
    } else if (e.f == options.read_f && e.type == EventType::kOk) {
      ApplyRead(ops, i, index, &t, &seen_at);
    }
  }
  return t;
}

// set-full-element-results.
void Judge(const OpView& ops, SetFullElement* e) {
  const bool stable = e->last_present >= 0 && e->last_absent < e->last_present;
  const bool lost = e->known >= 0 && e->last_absent >= 0 &&
                    e->last_present < e->last_absent &&
                    e->known < e->last_absent;
  MC_ASSERT(!(stable && lost), "an element is stable or lost, never both");
  e->outcome = stable ? Outcome::kStable
               : lost ? Outcome::kLost
                      : Outcome::kNeverRead;
  if (!stable && !lost) return;
  MC_ASSERT(e->known >= 0, "a stable or lost element is known");
  const int64_t known_time = ops.time(static_cast<size_t>(e->known));
  const int64_t after = stable ? e->last_absent : e->last_present;
  const int64_t since =
      after >= 0 ? ops.time(static_cast<size_t>(after)) + 1 : 0;
  const int64_t ms = std::max<int64_t>(0, since - known_time) / 1000000;
  (stable ? e->stable_latency_ms : e->lost_latency_ms) = ms;
}

Edn Elements(const SetFullResult& r, const std::vector<size_t>& which) {
  Edn list = Edn::List();
  for (size_t k : which) list.Add(JsonToEdn(r.elements[k].element));
  return list;
}

Edn OptionalInt(const absl::optional<int64_t>& v) {
  return v.has_value() ? Edn::Int(*v) : Edn::Nil();
}

Edn QuantilesEdn(const Quantiles& q) {
  Edn map = Edn::Map();  // (into (sorted-map) ...): points in order
  for (const auto& [point, value] : q) {
    const Edn key = point == std::floor(point)
                        ? Edn::Int(static_cast<int64_t>(point))
                        : Edn::Double(point);
    map.PutKey(key, Edn::Int(value));
  }
  return map;
}

// The :f the checker sees: broadcast's checker renames :broadcast to :add
// (h/map) before set-full runs.
absl::string_view SeenF(const HistoryEvent& e, const SetFullOptions& o) {
  return e.f == o.add_f ? absl::string_view("add") : absl::string_view(e.f);
}

Edn OpOrNil(const OpView& ops, int64_t i, const SetFullOptions& o) {
  if (i < 0) return Edn::Nil();
  const size_t at = static_cast<size_t>(i);
  return OpRecordEdn(ops, at, SeenF(ops.event(at), o));
}

// One :worst-stale entry: set-full-element-results' map (an array map in
// literal order), its ops as records.
Edn WorstStaleEdn(const OpView& ops, const SetFullElement& e,
                  const SetFullOptions& o) {
  Edn m = Edn::Map();
  m.Put("element", JsonToEdn(e.element))
      .Put("outcome", Edn::Keyword("stable"))
      .Put("stable-latency", OptionalInt(e.stable_latency_ms))
      .Put("lost-latency", OptionalInt(e.lost_latency_ms))
      .Put("known", OpOrNil(ops, e.known, o))
      .Put("last-absent", OpOrNil(ops, e.last_absent, o));
  return m;
}

// set-full-results (+ set-full's :duplicated keys), in Clojure's order: the
// map literal has 10 entries, so it is a PersistentHashMap.
Edn ResultsEdn(const OpView& ops, const SetFullResult& r,
               const SetFullOptions& o) {
  std::vector<std::pair<const char*, Edn>> entries;
  entries.emplace_back("valid?", ValidityEdn(r.valid));
  entries.emplace_back("attempt-count",
                       Edn::Int(static_cast<int64_t>(r.elements.size())));
  entries.emplace_back("stable-count", Edn::Int(r.stable_count));
  entries.emplace_back("lost-count", Edn::Int(r.lost_count));
  entries.emplace_back("lost", Elements(r, r.lost));
  entries.emplace_back("never-read-count", Edn::Int(r.never_read_count));
  entries.emplace_back("never-read", Elements(r, r.never_read));
  entries.emplace_back("stale-count",
                       Edn::Int(static_cast<int64_t>(r.stale.size())));
  entries.emplace_back("stale", Elements(r, r.stale));
  Edn worst = Edn::List();
  for (size_t k : r.worst_stale)
    worst.Add(WorstStaleEdn(ops, r.elements[k], o));
  entries.emplace_back("worst-stale", std::move(worst));
  if (r.stable_latencies.has_value()) {
    entries.emplace_back("stable-latencies", QuantilesEdn(*r.stable_latencies));
  }
  if (r.lost_latencies.has_value()) {
    entries.emplace_back("lost-latencies", QuantilesEdn(*r.lost_latencies));
  }
  entries.emplace_back("duplicated-count", Edn::Int(0));
  entries.emplace_back("duplicated", Edn::Map());
  std::vector<int32_t> hashes;
  for (const auto& entry : entries) hashes.push_back(KeywordHash(entry.first));
  Edn map = Edn::Map();
  for (size_t k : MapIterationOrder(hashes)) {
    map.Put(entries[k].first, std::move(entries[k].second));
  }
  return map;
}

// Outcomes, counts, lists and latencies of the sorted elements.
void Summarize(const OpView& ops, const SetFullOptions& o, SetFullResult* r) {
  std::vector<int64_t> stable_latencies, lost_latencies;
  for (size_t k = 0; k < r->elements.size(); ++k) {
    SetFullElement& e = r->elements[k];
    Judge(ops, &e);
    switch (e.outcome) {
      case Outcome::kStable:
        ++r->stable_count;
        stable_latencies.push_back(*e.stable_latency_ms);
        if (*e.stable_latency_ms > 0) r->stale.push_back(k);
        break;
      case Outcome::kLost:
        r->lost.push_back(k);
        lost_latencies.push_back(*e.lost_latency_ms);
        break;
      case Outcome::kNeverRead: r->never_read.push_back(k); break;
    }
  }
  r->lost_count = static_cast<int64_t>(r->lost.size());
  r->never_read_count = static_cast<int64_t>(r->never_read.size());
  // (->> stale (sort-by :stable-latency) reverse (take 8)): a stable sort,
  // reversed, so equal latencies come larger element first.
  r->worst_stale = r->stale;
  std::stable_sort(r->worst_stale.begin(), r->worst_stale.end(),
                   [&](size_t a, size_t b) {
                     return *r->elements[a].stable_latency_ms <
                            *r->elements[b].stable_latency_ms;
                   });
  std::reverse(r->worst_stale.begin(), r->worst_stale.end());
  if (r->worst_stale.size() > kWorstStale) r->worst_stale.resize(kWorstStale);
  r->stable_latencies = FrequencyDistribution(stable_latencies);
  r->lost_latencies = FrequencyDistribution(lost_latencies);
  r->valid = r->lost_count > 0                     ? Validity::kFalse
             : r->stable_count == 0                ? Validity::kUnknown
             : o.linearizable && !r->stale.empty() ? Validity::kFalse
                                                   : Validity::kTrue;
  r->edn = ResultsEdn(ops, *r, o);
}

}  // namespace

absl::optional<Quantiles> FrequencyDistribution(std::vector<int64_t> values) {
  if (values.empty()) return absl::nullopt;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  Quantiles q;
  for (double point : kPoints) {
    const double at = std::floor(static_cast<double>(n) * point);
    const size_t idx = std::min(n - 1, static_cast<size_t>(at));
    q.emplace_back(point, values[idx]);
  }
  return q;
}

SetFullResult CheckSetFull(const History& history, const CheckContext& context,
                           const SetFullOptions& options) {
  const OpView ops(history, context);
  SetFullResult r;
  Tracking t = Track(ops, options);
  std::vector<const Json*> values;
  for (const SetFullElement& e : t.elements) values.push_back(&e.element);
  absl::optional<std::vector<size_t>> order = SortOrder(values);
  if (t.error.empty() && !order.has_value()) {
    t.error = "elements clojure.core/compare cannot order (ClassCastException)";
  }
  if (!t.error.empty()) {
    r.error = t.error;
    r.edn = Edn::Map();
    r.edn.Put("valid?", ValidityEdn(Validity::kUnknown))
        .Put("error", Edn::String(r.error));
    return r;
  }
  for (size_t k : *order) r.elements.push_back(std::move(t.elements[k]));
  Summarize(ops, options, &r);
  return r;
}

namespace {

constexpr size_t kErrorLines = 20;

// The completion of the read invoked at `invoke` (same thread, next event
// of that thread), or the invoke itself when it never completed.
size_t CompletionOf(const History& history, int64_t invoke) {
  const size_t at = static_cast<size_t>(invoke);
  for (size_t i = at + 1; i < history.size(); ++i) {
    if (history[i].thread == history[at].thread) return i;
  }
  return at;
}

std::string Latencies(const absl::optional<Quantiles>& q) {
  if (!q.has_value()) return "none";
  return absl::StrCat("median ", q->at(1).second, " ms, max ", q->back().second,
                      " ms");
}

Json QuantilesJson(const absl::optional<Quantiles>& q) {
  if (!q.has_value()) return nullptr;
  Json j = Json::object();
  for (const auto& [point, value] : *q) j[absl::StrCat(point)] = value;
  return j;
}

}  // namespace

WorkloadResult SetFullWorkloadResult(const History& history,
                                     const SetFullResult& r) {
  WorkloadResult w;
  w.validity = r.valid;
  if (!r.error.empty()) w.analysis_errors.push_back(r.error);
  for (size_t n = 0; n < r.lost.size(); ++n) {
    const SetFullElement& e = r.elements[r.lost[n]];
    const std::string element = FormatValue(e.element);
    if (n < kErrorLines) {
      w.errors.push_back(absl::StrCat("element ", element,
                                      " lost: acknowledged, then missing "
                                      "from every later read"));
    }
    const size_t at = CompletionOf(history, e.last_absent);
    w.report.flagged.push_back(
        {at, absl::StrCat("element ", element, " lost: this read misses it"),
         absl::StrCat("lost ", element)});
  }
  if (r.lost.size() > kErrorLines) {
    w.errors.push_back(
        absl::StrCat("... and ", r.lost.size() - kErrorLines, " more lost"));
  }
  if (r.valid == Validity::kUnknown && r.error.empty()) {
    w.errors.push_back("no element is stable: no read after an add saw it");
  }
  std::sort(
      w.report.flagged.begin(), w.report.flagged.end(),
      [](const FlaggedOp& a, const FlaggedOp& b) { return a.index < b.index; });
  w.report.valid = r.valid == Validity::kTrue;
  w.report.results = r.edn;
  w.report.summary = {
      {"elements",
       absl::StrCat(r.elements.size(), " added: ", r.stable_count, " stable, ",
                    r.lost_count, " lost, ", r.never_read_count,
                    " never read, ", r.stale.size(), " stale")},
      {"stable latency", Latencies(r.stable_latencies)},
  };
  w.report.final_label = "final read";
  w.report.flagged_label = "read that misses a lost element";
  w.json = {{"errors", w.errors},
            {"attempt-count", r.elements.size()},
            {"stable-count", r.stable_count},
            {"lost-count", r.lost_count},
            {"never-read-count", r.never_read_count},
            {"stale-count", r.stale.size()},
            {"stable-latencies", QuantilesJson(r.stable_latencies)},
            {"lost-latencies", QuantilesJson(r.lost_latencies)}};
  return w;
}

}  // namespace jepsen
}  // namespace sim
