#include "sim/workloads/counter/checker.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kvclient/assert.h"
#include "sim/maelstrom/checker.h"
#include "sim/workloads/counter/staleness.h"

namespace workloads {
namespace counter {

using sim::Edn;
using sim::EventType;
using sim::History;
using sim::HistoryEvent;
using sim::Validity;

absl::optional<IntervalSet> SubsetSums(int64_t base,
                                       const std::vector<int64_t>& deltas) {
  int64_t lo = 0, hi = 0;
  for (int64_t d : deltas) {
    if (std::abs(d) > kMaxSubsetSumRange) return absl::nullopt;
    (d < 0 ? lo : hi) += d;
    if (hi - lo > kMaxSubsetSumRange) return absl::nullopt;
  }
  // reachable[i] <=> lo + i is a subset sum.
  std::vector<bool> reachable(static_cast<size_t>(hi - lo + 1), false);
  reachable[static_cast<size_t>(-lo)] = true;
  for (int64_t d : deltas) {
    if (d == 0) continue;
    if (d > 0) {
      for (size_t i = reachable.size(); i-- > static_cast<size_t>(d);) {
        if (reachable[i - d]) reachable[i] = true;
      }
    } else {
      const size_t step = static_cast<size_t>(-d);
      for (size_t i = 0; i + step < reachable.size(); ++i) {
        if (reachable[i + step]) reachable[i] = true;
      }
    }
  }
  IntervalSet out;
  for (size_t i = 0; i < reachable.size(); ++i) {
    if (!reachable[i]) continue;
    int64_t v = base + lo + static_cast<int64_t>(i);
    if (!out.empty() && out.back().second + 1 == v) {
      out.back().second = v;
    } else {
      out.emplace_back(v, v);
    }
  }
  MC_ASSERT(!out.empty(), "the empty subset always sums to base");
  return out;
}

bool Contains(const IntervalSet& set, int64_t value) {
  for (const auto& [lo, hi] : set) {
    if (lo <= value && value <= hi) return true;
  }
  return false;
}

namespace {

std::string JoinIntervals(const IntervalSet& set) {
  std::vector<std::string> parts;
  for (const auto& [lo, hi] : set)
    parts.push_back(absl::StrCat("[", lo, " ", hi, "]"));
  return absl::StrJoin(parts, " ");
}

int64_t Int(const kvclient::Json& value) {
  return value.is_number_integer() ? value.get<int64_t>() : 0;
}

}  // namespace

std::string FormatIntervals(const IntervalSet& set) {
  return absl::StrCat("#{", JoinIntervals(set), "}");
}

std::string FormatIntervalList(const IntervalSet& set) {
  return absl::StrCat("[", JoinIntervals(set), "]");
}

CounterVerdict CheckCounterHistory(const History& history) {
  CounterVerdict v;
  std::map<int, const HistoryEvent*> open;  // thread → its invoke
  std::vector<int64_t> unsure;
  std::map<int, int64_t> final_by_thread;
  for (const HistoryEvent& e : history) {
    if (e.type == EventType::kInvoke) {
      open[e.thread] = &e;
      continue;
    }
    auto it = open.find(e.thread);
    if (it == open.end()) continue;  // CheckHistory reports it
    const HistoryEvent& invoke = *it->second;
    open.erase(it);
    const bool add = e.f == "add";
    if (e.type == EventType::kOk) {
      if (add) v.acknowledged_sum += Int(invoke.value);
      if (!add && e.final) final_by_thread[e.thread] = Int(e.value);
    } else if (e.type == EventType::kInfo && add) {
      unsure.push_back(Int(invoke.value));
    }
  }
  for (const auto& [thread, invoke] : open) {  // never completed: unsure
    if (invoke->f == "add") unsure.push_back(Int(invoke->value));
  }
  v.indeterminate_adds = static_cast<int64_t>(unsure.size());
  absl::optional<IntervalSet> acceptable =
      SubsetSums(v.acknowledged_sum, unsure);
  if (!acceptable.has_value()) {
    v.analysis_errors.push_back(absl::StrCat(
        "the acceptable set spans more than ", kMaxSubsetSumRange, " values"));
  } else {
    v.acceptable = *acceptable;
  }
  for (const auto& [thread, value] : final_by_thread) {
    v.final_reads.push_back(value);
    if (acceptable.has_value() && !Contains(v.acceptable, value)) {
      v.errors.push_back(absl::StrCat("final read ", value, " on thread ",
                                      thread, " is not in ",
                                      FormatIntervals(v.acceptable)));
    }
  }
  v.validity = !v.analysis_errors.empty() ? Validity::kUnknown
               : v.errors.empty()         ? Validity::kTrue
                                          : Validity::kFalse;
  return v;
}

absl::optional<absl::Duration> ConvergenceFromReads(
    const History& history, int node_count, const CounterVerdict& verdict,
    std::string* note) {
  MC_ASSERT(node_count > 0, "a run has nodes: ", node_count);
  if (verdict.final_reads.empty()) {
    *note = "no final read succeeded";
    return absl::nullopt;
  }
  const int64_t total = verdict.final_reads.front();
  for (int64_t value : verdict.final_reads) {
    if (value != total) {
      *note = "the final reads disagree";
      return absl::nullopt;
    }
  }
  if (!Contains(verdict.acceptable, total)) {
    *note = "the final reads are not acceptable";
    return absl::nullopt;
  }
  std::map<int, const HistoryEvent*> open;
  absl::optional<absl::Time> last_add;
  // Per node: when it started reading the final total for good.
  std::map<int, absl::optional<absl::Time>> settled;
  for (const HistoryEvent& e : history) {
    if (e.type == EventType::kInvoke) {
      open[e.thread] = &e;
      continue;
    }
    auto it = open.find(e.thread);
    if (it == open.end()) continue;  // the checker reports it
    const HistoryEvent& invoke = *it->second;
    open.erase(it);
    if (e.type != EventType::kOk) continue;
    if (e.f == "add") {
      if (Int(invoke.value) != 0)
        last_add = std::max(last_add.value_or(e.time), e.time);
      continue;
    }
    absl::optional<absl::Time>& since = settled[e.thread % node_count];
    if (Int(e.value) != total) {
      since.reset();
    } else if (!since.has_value()) {
      since = e.time;
    }
  }
  if (!last_add.has_value()) {
    *note = "no add changed the total";
    return absl::nullopt;
  }
  absl::Time all = absl::InfinitePast();
  for (int node = 0; node < node_count; ++node) {
    auto it = settled.find(node);
    if (it == settled.end() || !it->second.has_value()) {
      *note = absl::StrCat("node ", node,
                           "'s last ok read was not the final total ", total);
      return absl::nullopt;
    }
    all = std::max(all, *it->second);
  }
  *note =
      absl::StrCat("upper bound from Maelstrom's own reads: every node read ",
                   total, " from then on");
  return std::max(absl::ZeroDuration(), all - *last_add);
}

namespace {

// History indices of the :ok final reads, in history order, as
// pn_counter.clj's checker collects them (filter :final?, filter ok?).
std::vector<size_t> FinalReads(const History& history) {
  std::vector<size_t> reads;
  for (size_t i = 0; i < history.size(); ++i) {
    const HistoryEvent& e = history[i];
    if (e.final && e.type == EventType::kOk && e.f == "read")
      reads.push_back(i);
  }
  return reads;
}

Edn OpEdn(const sim::CheckContext& context, size_t i) {
  return context.op ? context.op(i) : Edn::Int(static_cast<int64_t>(i));
}

// results.edn's :workload, and the pages' extras: the final reads outside
// the acceptable set (every one of them when the analysis failed).
void FillReport(const History& history, const sim::CheckContext& context,
                const CounterVerdict& v, sim::WorkloadReport& report) {
  Edn errors = Edn::Nil();
  Edn reads = Edn::List();
  std::vector<std::string> finals;
  const std::string intervals = FormatIntervalList(v.acceptable);
  for (size_t i : FinalReads(history)) {
    const HistoryEvent& e = history[i];
    const int64_t value = Int(e.value);
    const bool bad = !Contains(v.acceptable, value);
    reads.Add(Edn::Int(value));
    finals.push_back(absl::StrCat(value, bad ? " (outside)" : ""));
    if (!bad) continue;
    if (errors.kind() == Edn::Kind::kNil) errors = Edn::List();
    errors.Add(OpEdn(context, i));
    report.flagged.push_back(
        sim::FlaggedOp{i,
                       absl::StrCat("final read ", value, " on thread ",
                                    e.thread, " is not in ", intervals),
                       absl::StrCat("NOT in ", intervals)});
  }
  report.valid = report.flagged.empty();
  Edn acceptable = Edn::List();
  for (const auto& [lo, hi] : v.acceptable)
    acceptable.Add(Edn::Vector({Edn::Int(lo), Edn::Int(hi)}));
  report.results = Edn::Map();
  report.results.Put("valid?", Edn::Bool(report.valid))
      .Put("errors", std::move(errors))
      .Put("final-reads", std::move(reads))
      .Put("acceptable", std::move(acceptable));
  report.summary = {
      {"final reads",
       finals.empty() ? std::string("none") : absl::StrJoin(finals, ", ")},
      {"acceptable", intervals}};
  report.final_label = "final read";
  report.flagged_label = "final read outside the acceptable set";
}

}  // namespace

sim::WorkloadResult CounterResult(const History& history,
                                  const sim::CheckContext& context) {
  const CounterVerdict v = CheckCounterHistory(history);
  sim::WorkloadResult r;
  r.validity = v.validity;
  r.errors = v.errors;
  r.analysis_errors = v.analysis_errors;
  FillReport(history, context, v, r.report);
  r.block = {
      {"errors", sim::EdnStrings(v.errors, std::string(21, ' '))},
      {"final-reads",
       absl::StrCat("[", absl::StrJoin(v.final_reads, " "), "]")},
      {"acknowledged-sum", absl::StrCat(v.acknowledged_sum)},
      {"indeterminate-adds", absl::StrCat(v.indeterminate_adds)},
      {"acceptable", FormatIntervals(v.acceptable)},
  };
  r.json = {{"errors", v.errors},
            {"final-reads", v.final_reads},
            {"acknowledged-sum", v.acknowledged_sum},
            {"indeterminate-adds", v.indeterminate_adds},
            {"acceptable", v.acceptable}};
  std::string note;
  r.convergence_from_reads =
      ConvergenceFromReads(history, context.node_count, v, &note);
  r.convergence_from_reads_note = note;
  sim::StalenessReport staleness =
      MeasureStaleness(history, context.partitions);
  if (staleness.defined) r.staleness = staleness;
  return r;
}

}  // namespace counter
}  // namespace workloads
