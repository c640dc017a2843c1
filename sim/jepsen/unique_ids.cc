#include "sim/jepsen/unique_ids.h"

#include <algorithm>
#include <map>

#include "kvclient/assert.h"
#include "sim/jepsen/clojure_value.h"

namespace sim {
namespace jepsen {
namespace {

using kvclient::Json;

constexpr char kGenerate[] = "generate";
constexpr size_t kShownDuplicates = 48;  // unique-ids: (take 48)

struct Tally {
  Json id;  // the first of the equal ids (frequencies keeps the first key)
  int64_t count = 0;
};

// tesser's extremum: nil ids are skipped; a new id replaces the extremum on
// a tie (`(<= 0 (compare x m))`). False when compare throws.
bool Extend(const Json& id, Json* min, Json* max) {
  if (id.is_null()) return true;
  if (min->is_null()) {
    *min = id;
    *max = id;
    return true;
  }
  const absl::optional<int> to_min = JsonCompare(id, *min);
  const absl::optional<int> to_max = JsonCompare(id, *max);
  if (!to_min.has_value() || !to_max.has_value()) return false;
  if (*to_min <= 0) *min = id;
  if (*to_max >= 0) *max = id;
  return true;
}

// (into (sorted-map) dups): sorted by compare; ids that compare equal
// (1 and 1.0) share the entry of the first, with the later count.
bool SortedDuplicates(const std::vector<Tally>& tallies, UniqueIdsResult* r) {
  std::vector<const Json*> ids;
  std::vector<int64_t> counts;
  for (const Tally& t : tallies) {
    if (t.count <= 1) continue;
    ids.push_back(&t.id);
    counts.push_back(t.count);
  }
  absl::optional<std::vector<size_t>> order = SortOrder(ids);
  if (!order.has_value()) return false;
  for (size_t k : *order) {
    if (!r->duplicates.empty() &&
        JsonCompare(r->duplicates.back().first, *ids[k]) == 0) {
      r->duplicates.back().second = counts[k];
      continue;
    }
    r->duplicates.emplace_back(*ids[k], counts[k]);
  }
  return true;
}

// (->> dups (sort-by val) reverse (take 48) (into (sorted-map))).
void ShownDuplicates(UniqueIdsResult* r) {
  std::vector<size_t> order(r->duplicates.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return r->duplicates[a].second < r->duplicates[b].second;
  });
  std::reverse(order.begin(), order.end());
  if (order.size() > kShownDuplicates) order.resize(kShownDuplicates);
  std::sort(order.begin(), order.end());  // back to id order
  for (size_t k : order) r->duplicated.push_back(r->duplicates[k]);
}

}  // namespace

UniqueIdsResult CheckUniqueIds(const History& history) {
  UniqueIdsResult r;
  std::vector<Tally> tallies;
  std::map<std::string, size_t> slot;  // EqualityKey -> tally
  bool comparable = true;
  for (const HistoryEvent& e : history) {
    if (e.f != kGenerate) continue;
    if (e.type == EventType::kInvoke) ++r.attempted_count;
    if (e.type != EventType::kOk) continue;
    ++r.acknowledged_count;
    auto [it, fresh] = slot.emplace(EqualityKey(e.value), tallies.size());
    if (fresh) tallies.push_back({e.value, 0});
    ++tallies[it->second].count;
    comparable = comparable && Extend(e.value, &r.range_min, &r.range_max);
  }
  if (!comparable || !SortedDuplicates(tallies, &r)) {
    r = UniqueIdsResult();
    r.error = "ids clojure.core/compare cannot order (ClassCastException)";
    r.edn.Put("valid?", ValidityEdn(Validity::kUnknown))
        .Put("error", Edn::String(r.error));
    return r;
  }
  ShownDuplicates(&r);
  r.valid = r.duplicates.empty() ? Validity::kTrue : Validity::kFalse;
  Edn duplicated = Edn::Map();
  for (const auto& [id, count] : r.duplicated) {
    duplicated.PutKey(JsonToEdn(id), Edn::Int(count));
  }
  r.edn.Put("valid?", ValidityEdn(r.valid))
      .Put("attempted-count", Edn::Int(r.attempted_count))
      .Put("acknowledged-count", Edn::Int(r.acknowledged_count))
      .Put("duplicated-count",
           Edn::Int(static_cast<int64_t>(r.duplicates.size())))
      .Put("duplicated", std::move(duplicated))
      .Put("range",
           Edn::Vector({JsonToEdn(r.range_min), JsonToEdn(r.range_max)}));
  MC_ASSERT(r.duplicated.size() <= kShownDuplicates,
            "unique-ids shows at most 48 duplicates");
  return r;
}

}  // namespace jepsen
}  // namespace sim
