#include "sim/maelstrom/jepsen_history.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"

namespace sim {
namespace {

const char* TypeKeyword(EventType type) {
  switch (type) {
    case EventType::kInvoke: return "invoke";
    case EventType::kOk: return "ok";
    case EventType::kFail: return "fail";
    case EventType::kInfo: return "info";
  }
  return "info";
}

}  // namespace

std::vector<int64_t> ProcessIds(const History& history, int concurrency) {
  std::vector<int64_t> ids;
  ids.reserve(history.size());
  std::map<int, int64_t> process;  // thread → its current process
  for (const HistoryEvent& e : history) {
    auto it = process.emplace(e.thread, e.thread).first;
    ids.push_back(it->second);
    if (e.type == EventType::kInfo) it->second += concurrency;
  }
  return ids;
}

JepsenHistory::JepsenHistory(const History& history, int concurrency,
                             absl::Time t0,
                             const std::vector<FaultWindow>& faults,
                             const std::vector<NemesisOpRecord>* nemesis_ops)
    : history_(history),
      t0_(t0),
      faults_(faults),
      nemesis_ops_(nemesis_ops),
      process_(ProcessIds(history, concurrency)) {
  if (nemesis_ops != nullptr) {
    for (size_t k = 0; k < nemesis_ops->size(); ++k) {
      const NemesisOpRecord& op = (*nemesis_ops)[k];
      nemesis_.push_back({op.invoked, k, true, false, true});
      nemesis_.push_back({op.completed, k, true, true, true});
    }
  }
  for (size_t k = 0; k < faults.size(); ++k) {
    const FaultWindow& f = faults[k];
    if (!f.derived_ops) continue;
    for (bool completion : {false, true})
      nemesis_.push_back({f.start, k, true, completion});
    if (f.end != absl::InfiniteFuture()) {
      for (bool completion : {false, true})
        nemesis_.push_back({f.end, k, false, completion});
    }
  }
  std::stable_sort(
      nemesis_.begin(), nemesis_.end(),
      [](const NemesisOp& a, const NemesisOp& b) { return a.time < b.time; });
  // Merged by time; at equal times client events go first.
  index_.assign(history.size(), 0);
  int64_t next = 0;
  size_t n = 0;
  for (size_t i = 0; i < history.size(); ++i) {
    while (n < nemesis_.size() && nemesis_[n].time < history[i].time) {
      ++n;
      ++next;
    }
    index_[i] = next++;
  }
  std::map<int, bool> open_final;  // thread → its open op is final
  for (const HistoryEvent& e : history) {
    bool final = e.final;
    if (e.type == EventType::kInvoke) {
      open_final[e.thread] = e.final;
    } else {
      final = final || open_final[e.thread];
      open_final.erase(e.thread);
    }
    final_.push_back(final);
  }
}

int64_t JepsenHistory::Nanos(absl::Time t) const {
  return absl::ToInt64Nanoseconds(t - t0_);
}

sim::Edn JepsenHistory::Op(size_t i) const {
  const HistoryEvent& e = history_[i];
  sim::Edn op = sim::Edn::Map();
  op.Put("index", sim::Edn::Int(index_[i]))
      .Put("time", sim::Edn::Int(Nanos(e.time)))
      .Put("type", sim::Edn::Keyword(TypeKeyword(e.type)))
      .Put("process", sim::Edn::Int(process_[i]))
      .Put("f", sim::Edn::Keyword(e.f))
      .Put("value", sim::Edn::FromJson(e.value));
  if (final_[i]) op.Put("final?", sim::Edn::Bool(true));
  if (e.type != EventType::kInvoke && e.type != EventType::kOk &&
      !e.error.empty()) {
    op.Put("error", sim::Edn::String(e.error));
  }
  return op;
}

sim::Edn JepsenHistory::NemesisOpEdn(const NemesisOp& n, int64_t index) const {
  if (n.recorded) {
    const NemesisOpRecord& r = (*nemesis_ops_)[n.fault];
    sim::Edn op = sim::Edn::Map();
    op.Put("index", sim::Edn::Int(index))
        .Put("time", sim::Edn::Int(Nanos(n.time)))
        .Put("type", sim::Edn::Keyword("info"))
        .Put("process", sim::Edn::Keyword("nemesis"))
        .Put("f", sim::Edn::Keyword(r.f))
        .Put("value", n.completion ? r.result : r.value);
    return op;
  }
  const FaultWindow& f = faults_[n.fault];
  sim::Edn value = sim::Edn::Nil();
  if (n.completion) {
    value = sim::Edn::String(n.start ? f.description
                                     : absl::StrCat(f.kind, " ended"));
  }
  sim::Edn op = sim::Edn::Map();
  op.Put("index", sim::Edn::Int(index))
      .Put("time", sim::Edn::Int(Nanos(n.time)))
      .Put("type", sim::Edn::Keyword("info"))
      .Put("process", sim::Edn::Keyword("nemesis"))
      .Put("f", sim::Edn::Keyword(
                    absl::StrCat(n.start ? "start-" : "stop-", f.kind)))
      .Put("value", std::move(value));
  return op;
}

std::string JepsenHistory::HistoryEdn() const {
  std::string out;
  int64_t index = 0;
  size_t n = 0;
  auto nemesis = [&]() {
    absl::StrAppend(&out, NemesisOpEdn(nemesis_[n++], index++).Print(), "\n");
  };
  for (size_t i = 0; i < history_.size(); ++i) {
    while (n < nemesis_.size() && nemesis_[n].time < history_[i].time)
      nemesis();
    absl::StrAppend(&out, Op(i).Print(), "\n");
    ++index;
  }
  while (n < nemesis_.size()) nemesis();
  return out;
}

}  // namespace sim
