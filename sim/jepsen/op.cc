#include "sim/jepsen/op.h"

#include <map>
#include <string>
#include <utility>

#include "kvclient/assert.h"

namespace sim {
namespace jepsen {
namespace {

constexpr char kOpRecord[] = "jepsen.history.Op";

void AssertNoError(const HistoryEvent& e) {
  MC_ASSERT(e.error.empty(),
            "Op records are printed and hashed only for ops without :error: ",
            e.error);
}

// The record's entries in order: [key name, value].
std::vector<std::pair<const char*, Edn>> Entries(const OpView& ops, size_t i,
                                                 absl::string_view f,
                                                 Keys value_keys) {
  const HistoryEvent& e = ops.event(i);
  AssertNoError(e);
  std::vector<std::pair<const char*, Edn>> entries;
  entries.emplace_back("index", Edn::Int(ops.index(i)));
  entries.emplace_back("time", Edn::Int(ops.time(i)));
  entries.emplace_back("type", Edn::Keyword(EventTypeName(e.type)));
  entries.emplace_back("process", Edn::Int(ops.process(i)));
  entries.emplace_back("f", Edn::Keyword(f));
  entries.emplace_back("value", JsonToEdn(e.value, value_keys));
  if (e.final) entries.emplace_back("final?", Edn::Bool(true));
  return entries;
}

}  // namespace

OpView::OpView(const History& history, const CheckContext& context)
    : history_(history), context_(context), fields_(history.size()) {
  invocation_.assign(history.size(), -1);
  std::map<int, int64_t> open;  // thread -> its open invoke
  for (size_t i = 0; i < history.size(); ++i) {
    const HistoryEvent& e = history[i];
    if (e.type == EventType::kInvoke) {
      open[e.thread] = static_cast<int64_t>(i);
      continue;
    }
    auto it = open.find(e.thread);
    if (it == open.end()) continue;
    invocation_[i] = it->second;
    open.erase(it);
  }
}

const OpView::OpFields& OpView::Fields(size_t i) const {
  MC_ASSERT(i < fields_.size(), "op ", i, " is in the history");
  OpFields& f = fields_[i];
  if (f.known) return f;
  f.known = true;
  if (!context_.op) {
    f.index = static_cast<int64_t>(i);
    f.time = absl::ToInt64Nanoseconds(history_[i].time - absl::UnixEpoch());
    f.process = history_[i].thread;
    return f;
  }
  const Edn op = context_.op(i);
  for (auto [key, out] : {std::pair<const char*, int64_t*>{"index", &f.index},
                          {"time", &f.time},
                          {"process", &f.process}}) {
    const Edn* v = op.Find(key);
    MC_ASSERT(v != nullptr && v->kind() == Edn::Kind::kInt,
              "a client op's map has an integer :", key);
    *out = v->int_value();
  }
  return f;
}

Edn OpRecordEdn(const OpView& ops, size_t i, absl::string_view f,
                Keys value_keys) {
  Edn map = Edn::Map();
  for (auto& [key, value] : Entries(ops, i, f, value_keys)) {
    map.Put(key, std::move(value));
  }
  return Edn::Tagged(kOpRecord, std::move(map));
}

int32_t OpRecordHash(const OpView& ops, size_t i, absl::string_view f,
                     Keys value_keys) {
  const HistoryEvent& e = ops.event(i);
  AssertNoError(e);
  std::vector<int32_t> entries = {
      MapEntryHash(KeywordHash("index"), LongHash(ops.index(i))),
      MapEntryHash(KeywordHash("time"), LongHash(ops.time(i))),
      MapEntryHash(KeywordHash("type"), KeywordHash(EventTypeName(e.type))),
      MapEntryHash(KeywordHash("process"), LongHash(ops.process(i))),
      MapEntryHash(KeywordHash("f"), KeywordHash(f)),
      MapEntryHash(KeywordHash("value"), JsonHash(e.value, value_keys)),
  };
  if (e.final) entries.push_back(MapEntryHash(KeywordHash("final?"), 1231));
  return SymbolHash(kOpRecord) ^ UnorderedHash(entries);
}

}  // namespace jepsen
}  // namespace sim
