#include "sim/checker.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace sim {

IntervalSet SubsetSums(int64_t base, const std::vector<int64_t>& deltas) {
  int64_t lo = 0, hi = 0;
  for (int64_t d : deltas) (d < 0 ? lo : hi) += d;
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
  return out;
}

bool Contains(const IntervalSet& set, int64_t value) {
  for (const auto& [lo, hi] : set) {
    if (lo <= value && value <= hi) return true;
  }
  return false;
}

std::string FormatIntervals(const IntervalSet& set) {
  std::vector<std::string> parts;
  for (const auto& [lo, hi] : set) parts.push_back(absl::StrCat("[", lo, " ", hi, "]"));
  return absl::StrCat("#{", absl::StrJoin(parts, " "), "}");
}

absl::Duration OpStats::Quantile(double q) const {
  if (ok_latencies.empty()) return absl::ZeroDuration();
  size_t i = static_cast<size_t>(std::ceil(q * ok_latencies.size()));
  i = std::min(std::max<size_t>(i, 1), ok_latencies.size()) - 1;
  return ok_latencies[i];
}

CounterVerdict CheckCounterHistory(const History& history) {
  CounterVerdict v;
  std::map<int, const HistoryEvent*> open;  // thread → its invoke
  std::vector<int64_t> unsure;
  std::map<int, int64_t> final_by_thread;
  v.by_f["add"];
  v.by_f["read"];
  for (const HistoryEvent& e : history) {
    const bool add = e.f == kvclient::CounterOp::kAdd;
    if (e.type == EventType::kInvoke) {
      open[e.thread] = &e;
      continue;
    }
    auto it = open.find(e.thread);
    if (it == open.end()) {
      v.errors.push_back(absl::StrCat("completion without invoke on thread ", e.thread));
      continue;
    }
    const HistoryEvent& invoke = *it->second;
    open.erase(it);
    OpStats& stats = v.by_f[add ? "add" : "read"];
    ++v.completed_ops;
    switch (e.type) {
      case EventType::kOk:
        ++stats.ok;
        ++v.ok_ops;
        stats.ok_latencies.push_back(e.time - invoke.time);
        if (add) v.acknowledged_sum += invoke.value;
        if (!add && e.final_read) final_by_thread[e.thread] = e.value;
        break;
      case EventType::kFail:
        ++stats.fail;
        break;
      default:
        ++stats.info;
        if (add) unsure.push_back(invoke.value);
        break;
    }
  }
  for (const auto& [thread, invoke] : open) {  // never completed: unsure
    if (invoke->f == kvclient::CounterOp::kAdd) unsure.push_back(invoke->value);
  }
  for (auto& [f, stats] : v.by_f) {
    std::sort(stats.ok_latencies.begin(), stats.ok_latencies.end());
  }
  v.indeterminate_adds = static_cast<int64_t>(unsure.size());
  v.acceptable = SubsetSums(v.acknowledged_sum, unsure);
  for (const auto& [thread, value] : final_by_thread) {
    v.final_reads.push_back(value);
    if (!Contains(v.acceptable, value)) {
      v.errors.push_back(absl::StrCat("final read ", value, " on thread ", thread,
                                      " is not in ", FormatIntervals(v.acceptable)));
    }
  }
  if (v.by_f["add"].ok == 0) v.errors.push_back("no add ever succeeded");
  if (v.by_f["read"].ok == 0) v.errors.push_back("no read ever succeeded");
  v.valid = v.errors.empty();
  return v;
}

int ExitCode(const CounterVerdict& verdict, const RunReport& report) {
  if (!report.harness_error.empty()) return 255;
  bool valid = verdict.valid && report.invalid_lines.empty() &&
               report.liveness_failure.empty();
  return valid ? 0 : 1;
}

namespace {

std::string Ms(absl::Duration d) {
  return absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(d));
}

std::string Ratio(int64_t num, int64_t den) {
  return den == 0 ? "nil" : absl::StrFormat("%.3f", static_cast<double>(num) / den);
}

}  // namespace

std::string FormatResults(const CounterVerdict& v, const RunReport& r) {
  std::string out;
  const std::string errors =
      v.errors.empty() ? "nil"
                       : absl::StrCat("[\"", absl::StrJoin(v.errors, "\"\n                     \""), "\"]");
  absl::StrAppend(&out, "{:workload {:valid? ", v.valid ? "true" : "false", "\n");
  absl::StrAppend(&out, "            :errors ", errors, "\n");
  absl::StrAppend(&out, "            :final-reads [", absl::StrJoin(v.final_reads, " "), "]\n");
  absl::StrAppend(&out, "            :acknowledged-sum ", v.acknowledged_sum,
                  "\n            :indeterminate-adds ", v.indeterminate_adds,
                  "\n            :acceptable ", FormatIntervals(v.acceptable), "}\n");
  absl::StrAppend(&out, " :stats {:count ", v.completed_ops, " :ok-count ", v.ok_ops,
                  " :fail-count ", v.by_f.at("add").fail + v.by_f.at("read").fail,
                  " :info-count ", v.by_f.at("add").info + v.by_f.at("read").info, "\n");
  absl::StrAppend(&out, "         :by-f {");
  for (const auto& [f, s] : v.by_f) {
    absl::StrAppend(&out, ":", f, " {:ok-count ", s.ok, " :fail-count ", s.fail,
                    " :info-count ", s.info, "} ");
  }
  absl::StrAppend(&out, "}}\n");
  absl::StrAppend(&out, " :availability {:ok-fraction ", Ratio(v.ok_ops, v.completed_ops), "}\n");
  absl::StrAppend(&out, " :net {:all {:send-count ", r.messages, " :msgs-per-op ",
                  Ratio(r.messages, v.completed_ops), "}\n");
  absl::StrAppend(&out, "       :servers {:send-count ", r.server_messages,
                  " :msgs-per-op ", Ratio(r.server_messages, v.completed_ops), "}}\n");
  absl::StrAppend(&out, " :latency-ms {");
  for (const auto& [f, s] : v.by_f) {
    absl::StrAppend(&out, ":", f, " {:p50 ", Ms(s.Quantile(0.5)), " :p95 ",
                    Ms(s.Quantile(0.95)), " :p99 ", Ms(s.Quantile(0.99)), " :max ",
                    Ms(s.Quantile(1.0)), "} ");
  }
  absl::StrAppend(&out, "}\n");
  absl::StrAppend(&out, " ;; extensions beyond Maelstrom v0.2.4\n");
  absl::StrAppend(&out, " :faults [", absl::StrJoin(r.faults, "\n          "), "]\n");
  absl::StrAppend(&out, " :convergence-ms ",
                  r.convergence ? Ms(*r.convergence) : "nil",
                  r.convergence_note.empty() ? "" : absl::StrCat(" ; ", r.convergence_note),
                  "\n");
  absl::StrAppend(&out, " :liveness ",
                  r.liveness_failure.empty() ? "ok" : absl::StrCat("\"", r.liveness_failure, "\""),
                  "\n");
  if (r.busy_loops > 0) {
    absl::StrAppend(&out, " :busy-loops ", r.busy_loops, " ; tolerated, first: ",
                    r.busy_loop_first, "\n");
  }
  if (!r.invalid_lines.empty()) {
    absl::StrAppend(&out, " :invalid-lines [\"", absl::StrJoin(r.invalid_lines, "\"\n                 \""), "\"]\n");
  }
  if (!r.harness_error.empty()) {
    absl::StrAppend(&out, " :harness-error \"", r.harness_error, "\"\n");
  }
  const int code = ExitCode(v, r);
  absl::StrAppend(&out, " :valid? ", code == 0 ? "true" : "false", "}\n\n");
  if (code == 0) {
    absl::StrAppend(&out, "Everything looks good! ヽ(‘ー`)ノ\n");
  } else if (code == 1) {
    absl::StrAppend(&out, "Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻\n");
  } else {
    absl::StrAppend(&out, "The harness broke: ", r.harness_error, "\n");
  }
  return out;
}

}  // namespace sim
