#include "sim/workloads/echo/checker.h"

#include <algorithm>
#include <cstdint>
#include <map>

#include "absl/strings/str_cat.h"
#include "kvclient/assert.h"
#include "sim/jepsen/clojure_value.h"
#include "sim/jepsen/op.h"

namespace workloads {
namespace echo {
namespace {

using kvclient::Json;
using sim::Edn;
using sim::EventType;
using sim::HistoryEvent;
using sim::jepsen::OpView;
namespace jepsen = sim::jepsen;

// (:echo (:value complete)): the reply body's echo; nil for anything that
// is not a map (a :fail keeps the invoke's string).
Json Echoed(const Json& value) {
  if (!value.is_object()) return nullptr;
  auto it = value.find("echo");
  return it == value.end() ? Json(nullptr) : *it;
}

struct Entry {
  size_t key;          // the op keying this pair-index entry
  bool error = false;  // an [invoke complete] entry that is an error
  size_t completion = 0;
};

// history/pairs + pair-index's assoc! order: [complete invoke] then
// [invoke complete] for each ok/fail; [info nil] for each info.
std::vector<Entry> PairIndexEntries(const OpView& ops) {
  std::vector<Entry> entries;
  std::map<int64_t, size_t> open;  // process -> its invoke
  for (size_t i = 0; i < ops.size(); ++i) {
    const HistoryEvent& e = ops.event(i);
    if (e.type == EventType::kInvoke) {
      open[ops.process(i)] = i;
      continue;
    }
    if (e.type == EventType::kInfo) {
      entries.push_back({i});
      continue;
    }
    auto it = open.find(ops.process(i));
    MC_ASSERT(it != open.end(), "an ", sim::EventTypeName(e.type), " at ", i,
              " completes an invoke of its process");
    const size_t inv = it->second;
    open.erase(it);
    entries.push_back({i});
    const bool error =
        !jepsen::JsonEqual(ops.event(inv).value, Echoed(e.value));
    entries.push_back({inv, error, i});
  }
  return entries;
}

}  // namespace

EchoResult CheckEcho(const sim::History& history,
                     const sim::CheckContext& context) {
  const OpView ops(history, context);
  const std::vector<Entry> entries = PairIndexEntries(ops);
  std::vector<const Entry*> errors;
  for (const Entry& e : entries) {
    if (e.error) errors.push_back(&e);
  }
  if (entries.size() > jepsen::kArrayMapMaxEntries) {
    // A PersistentHashMap keyed by Op records: by the invokes' hashes.
    std::vector<uint32_t> rank;
    for (const Entry* e : errors) {
      rank.push_back(jepsen::HashMapRank(
          jepsen::OpRecordHash(ops, e->key, ops.event(e->key).f)));
    }
    std::vector<size_t> order(errors.size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return rank[a] < rank[b]; });
    std::vector<const Entry*> sorted;
    for (size_t k : order) sorted.push_back(errors[k]);
    errors.swap(sorted);
  }
  EchoResult r;
  Edn list = Edn::List();
  for (const Entry* e : errors) {
    r.errors.push_back({e->key, e->completion});
    const Json& complete = ops.event(e->completion).value;
    list.Add(Edn::Vector(
        {Edn::String("Expected a message with :echo"),
         jepsen::JsonToEdn(ops.event(e->key).value),
         Edn::String("But received"),
         jepsen::JsonToEdn(complete, complete.is_object()
                                         ? jepsen::Keys::kKeywordsAtTop
                                         : jepsen::Keys::kStrings)}));
  }
  r.valid = r.errors.empty() ? sim::Validity::kTrue : sim::Validity::kFalse;
  r.edn.Put("valid?", jepsen::ValidityEdn(r.valid))
      .Put("errors", std::move(list));
  return r;
}

sim::WorkloadResult EchoWorkloadResult(const sim::History& history,
                                       const sim::CheckContext& context) {
  EchoResult r = CheckEcho(history, context);
  sim::WorkloadResult w;
  w.validity = r.valid;
  for (const EchoError& e : r.errors) {
    const std::string sent = sim::FormatValue(history[e.invoke].value);
    const std::string got = sim::FormatValue(history[e.completion].value);
    w.errors.push_back(absl::StrCat("expected a message with :echo ", sent,
                                    ", but received ", got));
    w.report.flagged.push_back(
        {e.completion, absl::StrCat("echo of ", sent, " came back as ", got),
         "echo differs"});
  }
  w.report.valid = r.errors.empty();
  w.report.results = std::move(r.edn);
  w.report.summary = {
      {"echoes", absl::StrCat(r.errors.size(), " not echoed back exactly")}};
  w.report.flagged_label = "echo that does not match the request";
  w.json = {{"errors", w.errors}};
  return w;
}

}  // namespace echo
}  // namespace workloads
