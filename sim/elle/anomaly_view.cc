#include "sim/elle/anomaly_view.h"

#include <algorithm>
#include <memory>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kvclient/assert.h"

namespace elle {
namespace {

using sim::Edn;

constexpr size_t kMaxText = 300;
constexpr size_t kMaxOpValue = 120;

bool IsOp(const Edn& e) {
  if (e.kind() != Edn::Kind::kMap) return false;
  const Edn* index = e.Find("index");
  return index != nullptr && index->kind() == Edn::Kind::kInt &&
         e.Find("type") != nullptr && e.Find("f") != nullptr;
}

bool AllOps(const Edn& e) {
  if (e.items().empty()) return false;
  for (const Edn& item : e.items())
    if (!IsOp(item)) return false;
  return true;
}

// The key as the map printed it (":writer", "\"5\"").
std::string Key(const Edn& map, size_t i) {
  const std::string& name = map.entries()[i].first;
  return map.printed_key(i) ? name : absl::StrCat(":", name);
}

// `e` printed, an op as "#<index>", stopping once `out` is past kMaxText.
void Brief(const Edn& e, std::string* out) {
  if (out->size() > kMaxText) return;
  if (IsOp(e)) {
    absl::StrAppend(out, "#", e.Find("index")->int_value());
    return;
  }
  switch (e.kind()) {
    case Edn::Kind::kMap: {
      *out += "{";
      for (size_t i = 0; i < e.entries().size() && out->size() <= kMaxText;
           ++i) {
        if (i) *out += ", ";
        absl::StrAppend(out, Key(e, i), " ");
        Brief(e.entries()[i].second, out);
      }
      *out += "}";
      return;
    }
    case Edn::Kind::kVector:
    case Edn::Kind::kList:
    case Edn::Kind::kSet: {
      const bool vec = e.kind() == Edn::Kind::kVector;
      const bool list = e.kind() == Edn::Kind::kList;
      *out += vec ? "[" : list ? "(" : "#{";
      for (size_t i = 0; i < e.items().size() && out->size() <= kMaxText; ++i) {
        if (i) *out += " ";
        Brief(e.items()[i], out);
      }
      *out += vec ? "]" : list ? ")" : "}";
      return;
    }
    default: *out += e.Print(); return;
  }
}

std::string OpLabel(const Edn& op, size_t position, const OpLocator& at) {
  const Edn* type = op.Find("type");
  const Edn* f = op.Find("f");
  const Edn* process = op.Find("process");
  const Edn* time = op.Find("time");
  auto bare = [](const Edn& k) {
    std::string s = k.Print();
    return !s.empty() && s[0] == ':' ? s.substr(1) : s;
  };
  std::string label = absl::StrCat(
      "#", op.Find("index")->int_value(), " process ",
      process ? process->Print() : "?", " ", bare(*type), " ", bare(*f));
  std::string value = at.value_text ? at.value_text(position) : "";
  if (value.size() > kMaxOpValue) {  // a big poll: the timeline has it all
    value.resize(kMaxOpValue);
    value += " ...";
  }
  if (!value.empty()) absl::StrAppend(&label, " ", value);
  if (time != nullptr && time->kind() == Edn::Kind::kInt) {
    absl::StrAppend(
        &label, absl::StrFormat(" (t=%.3fs)",
                                static_cast<double>(time->int_value()) / 1e9));
  }
  return label;
}

// Every op in `e` (any depth), under the nearest map key; first role wins.
void CollectOps(const Edn& e, const std::string& role, const OpLocator& at,
                std::set<size_t>* seen, std::vector<sim::AnomalyOp>* out) {
  if (IsOp(e)) {
    absl::optional<size_t> pos = at.position(e.Find("index")->int_value());
    if (pos && seen->insert(*pos).second)
      out->push_back({role, *pos, OpLabel(e, *pos, at)});
    return;
  }
  if (e.kind() == Edn::Kind::kMap) {
    for (size_t i = 0; i < e.entries().size(); ++i) {
      const auto& [name, v] = e.entries()[i];
      CollectOps(v, e.printed_key(i) ? role : name, at, seen, out);
    }
    return;
  }
  for (const Edn& item : e.items()) CollectOps(item, role, at, seen, out);
}

sim::AnomalyCase ViewCase(const Edn& c, const OpLocator& at) {
  sim::AnomalyCase view;
  std::set<size_t> seen;
  CollectOps(c, "op", at, &seen, &view.ops);
  if (c.kind() == Edn::Kind::kMap) {
    // The entries that are not just an op or a list of ops.
    for (size_t i = 0; i < c.entries().size(); ++i) {
      const Edn& v = c.entries()[i].second;
      if (IsOp(v) || AllOps(v)) continue;
      if (!view.text.empty()) view.text += ", ";
      absl::StrAppend(&view.text, Key(c, i).substr(c.printed_key(i) ? 0 : 1),
                      " ");
      Brief(v, &view.text);
      if (view.text.size() > kMaxText) break;
    }
  } else if (!IsOp(c)) {
    Brief(c, &view.text);
  }
  if (view.text.size() > kMaxText) {
    view.text.resize(kMaxText);
    view.text += " ...";
  }
  return view;
}

}  // namespace

OpLocator MakeLocator(const sim::History& history,
                      const std::function<Edn(size_t)>& jepsen_op,
                      const std::function<std::string(size_t)>& value_text) {
  // An invocation's completion: the next completion on its thread.
  std::vector<size_t> completion(history.size());
  std::map<int, size_t> open;  // thread -> its invocation's position
  for (size_t i = 0; i < history.size(); ++i) {
    completion[i] = i;
    const sim::HistoryEvent& e = history[i];
    if (e.type == sim::EventType::kInvoke) {
      open[e.thread] = i;
    } else if (auto it = open.find(e.thread); it != open.end()) {
      completion[it->second] = i;
      open.erase(it);
    }
  }
  auto by_index = std::make_shared<std::map<int64_t, size_t>>();
  for (size_t i = 0; i < history.size(); ++i) {
    int64_t index = static_cast<int64_t>(i);
    if (jepsen_op) {
      const Edn op = jepsen_op(i);
      const Edn* k = op.kind() == Edn::Kind::kMap ? op.Find("index") : nullptr;
      if (k == nullptr || k->kind() != Edn::Kind::kInt) continue;
      index = k->int_value();
    }
    by_index->emplace(index, completion[i]);
  }
  OpLocator at;
  at.position = [by_index](int64_t index) -> absl::optional<size_t> {
    auto it = by_index->find(index);
    if (it == by_index->end()) return absl::nullopt;
    return it->second;
  };
  at.value_text = value_text;
  return at;
}

sim::AnomalyType ViewAnomaly(const std::string& name, const Edn& value,
                             const OpLocator& at, size_t max_cases) {
  sim::AnomalyType view;
  view.name = name;
  const Edn* cases = &value;
  view.count = 1;
  if (value.kind() == Edn::Kind::kMap) {
    const Edn* count = value.Find("count");
    const Edn* errs = value.Find("errs");
    if (count != nullptr && count->kind() == Edn::Kind::kInt &&
        errs != nullptr) {
      cases = errs;
      view.count =
          static_cast<size_t>(std::max<int64_t>(0, count->int_value()));
    }
  }
  const bool many = cases->kind() == Edn::Kind::kVector ||
                    cases->kind() == Edn::Kind::kList ||
                    cases->kind() == Edn::Kind::kSet;
  if (!many) {
    view.cases.push_back(ViewCase(*cases, at));
    return view;
  }
  // A list's size, or kafka's :count (never fewer than the cases listed).
  view.count = cases == &value ? cases->items().size()
                               : std::max(view.count, cases->items().size());
  for (size_t i = 0; i < cases->items().size() && i < max_cases; ++i)
    view.cases.push_back(ViewCase(cases->items()[i], at));
  return view;
}

std::vector<sim::FlaggedOp> FlagAnomalies(
    const std::vector<sim::AnomalyType>& anomalies) {
  std::map<size_t, sim::FlaggedOp> flagged;
  for (const sim::AnomalyType& type : anomalies) {
    for (const sim::AnomalyCase& c : type.cases) {
      for (const sim::AnomalyOp& op : c.ops) {
        flagged.emplace(
            op.index,
            sim::FlaggedOp{op.index, absl::StrCat(type.name, ": ", c.text),
                           absl::StrCat(type.name, " (", op.role, ")")});
      }
    }
  }
  std::vector<sim::FlaggedOp> out;
  out.reserve(flagged.size());
  for (auto& [index, op] : flagged) out.push_back(std::move(op));
  return out;
}

}  // namespace elle
