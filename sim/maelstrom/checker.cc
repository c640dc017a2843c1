#include "sim/maelstrom/checker.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "kvclient/assert.h"

namespace sim {

Validity MergeValid(Validity a, Validity b) {
  if (a == Validity::kFalse || b == Validity::kFalse) return Validity::kFalse;
  if (a == Validity::kUnknown || b == Validity::kUnknown)
    return Validity::kUnknown;
  return Validity::kTrue;
}

const char* ValidityName(Validity v) {
  switch (v) {
    case Validity::kTrue: return "true";
    case Validity::kFalse: return "false";
    case Validity::kUnknown: return ":unknown";
  }
  return ":unknown";
}

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

std::string FormatIntervals(const IntervalSet& set) {
  std::vector<std::string> parts;
  for (const auto& [lo, hi] : set)
    parts.push_back(absl::StrCat("[", lo, " ", hi, "]"));
  return absl::StrCat("#{", absl::StrJoin(parts, " "), "}");
}

absl::Duration OpStats::Quantile(double q) const {
  if (ok_latencies.empty()) return absl::ZeroDuration();
  size_t i = static_cast<size_t>(std::ceil(q * ok_latencies.size()));
  i = std::min(std::max<size_t>(i, 1), ok_latencies.size()) - 1;
  return ok_latencies[i];
}

namespace {

const char* FName(kvclient::CounterOp f) {
  return f == kvclient::CounterOp::kAdd ? "add" : "read";
}

}  // namespace

CounterVerdict CheckCounterHistory(const History& history,
                                   const CheckOptions& options) {
  CounterVerdict v;
  std::map<int, const HistoryEvent*> open;  // thread → its invoke
  std::vector<int64_t> unsure;
  std::map<int, int64_t> final_by_thread;
  v.by_f["add"];
  v.by_f["read"];
  for (const HistoryEvent& e : history) {
    const bool add = e.f == kvclient::CounterOp::kAdd;
    if (e.type == EventType::kInvoke) {
      if (open.count(e.thread)) {
        v.analysis_errors.push_back(absl::StrCat(
            "thread ", e.thread, " invoked twice without a completion"));
      }
      open[e.thread] = &e;
      ++v.invocations;
      continue;
    }
    auto it = open.find(e.thread);
    if (it == open.end()) {
      v.analysis_errors.push_back(
          absl::StrCat("completion without invoke on thread ", e.thread));
      continue;
    }
    const HistoryEvent& invoke = *it->second;
    open.erase(it);
    OpStats& stats = v.by_f[FName(e.f)];
    ++v.completed_ops;
    switch (e.type) {
      case EventType::kOk:
        ++stats.ok;
        ++v.ok_ops;
        stats.ok_latencies.push_back(e.time - invoke.time);
        if (add) v.acknowledged_sum += invoke.value;
        if (!add && e.final_read) final_by_thread[e.thread] = e.value;
        break;
      case EventType::kFail: ++stats.fail; break;
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

  // :workload.
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
  v.workload_validity = !v.analysis_errors.empty() ? Validity::kUnknown
                        : v.errors.empty()         ? Validity::kTrue
                                                   : Validity::kFalse;
  // :stats: only the :f values that occur are judged.
  for (const auto& [f, stats] : v.by_f) {
    if (stats.count() > 0 && stats.ok == 0) {
      v.stats_errors.push_back(absl::StrCat(f, ": no :ok among ", stats.count(),
                                            " completed operations"));
    }
  }
  v.stats_validity =
      v.stats_errors.empty() ? Validity::kTrue : Validity::kFalse;
  // :availability: oks over every invoke, the nemesis's included.
  const int64_t invokes = v.invocations + options.nemesis_ops;
  v.ok_fraction = invokes == 0 ? 1.0 : static_cast<double>(v.ok_ops) / invokes;
  if (options.availability.has_value()) {
    const bool met = options.availability->total
                         ? v.ok_fraction == 1.0
                         : options.availability->fraction <= v.ok_fraction;
    v.availability_validity = met ? Validity::kTrue : Validity::kFalse;
  }
  v.validity = MergeValid(MergeValid(v.workload_validity, v.stats_validity),
                          v.availability_validity);
  v.valid = v.validity == Validity::kTrue;
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
    if (e.f == kvclient::CounterOp::kAdd) {
      if (invoke.value != 0)
        last_add = std::max(last_add.value_or(e.time), e.time);
      continue;
    }
    absl::optional<absl::Time>& since = settled[e.thread % node_count];
    if (e.value != total) {
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

int ExitCode(const CounterVerdict& verdict, const RunReport& report) {
  if (!report.harness_error.empty()) return 255;
  Validity valid = verdict.validity;
  if (report.strict && !report.findings.empty())
    valid = MergeValid(valid, Validity::kFalse);
  switch (valid) {
    case Validity::kTrue: return 0;
    case Validity::kFalse: return 1;
    case Validity::kUnknown: return 2;
  }
  return 2;
}

namespace {

std::string Ms(absl::Duration d) {
  return absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(d));
}

std::string Ratio(int64_t num, int64_t den) {
  return den == 0 ? "nil"
                  : absl::StrFormat("%.3f", static_cast<double>(num) / den);
}

std::string EdnStrings(const std::vector<std::string>& items,
                       const char* indent) {
  if (items.empty()) return "nil";
  return absl::StrCat(
      "[\"", absl::StrJoin(items, absl::StrCat("\"\n", indent, "\"")), "\"]");
}

// {:reads 1300 :stale 40 :p50-ms 0.000 :p99-ms 480.000 :max-ms 700.000}
std::string StalenessStatsEdn(const StalenessStats& s) {
  return absl::StrCat("{:reads ", s.count, " :stale ", s.stale, " :p50-ms ",
                      Ms(s.p50), " :p99-ms ", Ms(s.p99), " :max-ms ", Ms(s.max),
                      "}");
}

std::string StalenessEdn(const absl::optional<StalenessReport>& s) {
  if (!s.has_value()) return "nil";
  return absl::StrCat(StalenessStatsEdn(s->all), "\n   :outside-partitions ",
                      StalenessStatsEdn(s->outside_partitions),
                      "\n   :during-partitions ",
                      StalenessStatsEdn(s->during_partitions));
}

}  // namespace

std::string FormatResults(const CounterVerdict& v, const RunReport& r) {
  std::string out;
  absl::StrAppend(&out, "{:workload {:valid? ",
                  ValidityName(v.workload_validity), "\n");
  absl::StrAppend(&out, "            :errors ",
                  EdnStrings(v.errors, "                     "), "\n");
  absl::StrAppend(&out, "            :final-reads [",
                  absl::StrJoin(v.final_reads, " "), "]\n");
  absl::StrAppend(&out, "            :acknowledged-sum ", v.acknowledged_sum,
                  "\n            :indeterminate-adds ", v.indeterminate_adds,
                  "\n            :acceptable ", FormatIntervals(v.acceptable),
                  "}\n");
  const OpStats& add = v.by_f.at("add");
  const OpStats& read = v.by_f.at("read");
  absl::StrAppend(&out, " :stats {:valid? ", ValidityName(v.stats_validity),
                  " :count ", v.completed_ops, " :ok-count ", v.ok_ops,
                  " :fail-count ", add.fail + read.fail, " :info-count ",
                  add.info + read.info, "\n");
  absl::StrAppend(&out, "         :by-f {");
  for (const auto& [f, s] : v.by_f) {
    if (s.count() == 0) continue;  // Jepsen groups the :f values that occur
    absl::StrAppend(&out, ":", f, " {:valid? ", s.ok > 0 ? "true" : "false",
                    " :count ", s.count(), " :ok-count ", s.ok, " :fail-count ",
                    s.fail, " :info-count ", s.info, "} ");
  }
  absl::StrAppend(&out, "}}\n");
  for (const std::string& e : v.stats_errors)
    absl::StrAppend(&out, "        ;; ", e, "\n");
  absl::StrAppend(&out, " :availability {:valid? ",
                  ValidityName(v.availability_validity), " :ok-fraction ",
                  absl::StrFormat("%.4f", v.ok_fraction), "}\n");
  absl::StrAppend(&out, " :net {:all {:send-count ", r.messages,
                  " :msgs-per-op ", Ratio(r.messages, v.invocations), "}\n");
  absl::StrAppend(&out, "       :servers {:send-count ", r.server_messages,
                  " :msgs-per-op ", Ratio(r.server_messages, v.invocations),
                  "}\n");
  absl::StrAppend(&out, "       :valid? true}\n");
  absl::StrAppend(&out, " :latency-ms {");
  for (const auto& [f, s] : v.by_f) {
    absl::StrAppend(&out, ":", f, " {:p50 ", Ms(s.Quantile(0.5)), " :p95 ",
                    Ms(s.Quantile(0.95)), " :p99 ", Ms(s.Quantile(0.99)),
                    " :max ", Ms(s.Quantile(1.0)), "} ");
  }
  absl::StrAppend(&out, "}\n");
  if (!v.analysis_errors.empty()) {
    absl::StrAppend(&out, " :analysis-errors ",
                    EdnStrings(v.analysis_errors, "                   "), "\n");
  }
  absl::StrAppend(&out, " :valid? ", ValidityName(v.validity), "}\n");

  absl::StrAppend(
      &out,
      ";; EXTENSIONS beyond Maelstrom v0.2.4: they never change :valid? "
      "above; --strict makes a finding fail the run\n");
  absl::StrAppend(&out, " :faults [", absl::StrJoin(r.faults, "\n          "),
                  "]\n");
  if (r.convergence.has_value() || !r.convergence_note.empty()) {
    absl::StrAppend(
        &out, " :convergence-ms ", r.convergence ? Ms(*r.convergence) : "nil",
        r.convergence_note.empty() ? ""
                                   : absl::StrCat(" ; ", r.convergence_note),
        "\n");
  }
  absl::StrAppend(
      &out, " :convergence-from-reads-ms ",
      r.convergence_from_reads ? Ms(*r.convergence_from_reads) : "nil",
      r.convergence_from_reads_note.empty()
          ? ""
          : absl::StrCat(" ; ", r.convergence_from_reads_note),
      "\n");
  absl::StrAppend(&out, " :read-staleness ", StalenessEdn(r.staleness), "\n");
  for (const std::string& note : r.notes)
    absl::StrAppend(&out, " ;; ", note, "\n");
  std::vector<std::string> findings;
  for (const Finding& f : r.findings)
    findings.push_back(absl::StrCat(f.kind, ": ", f.detail));
  absl::StrAppend(&out, " :findings ", EdnStrings(findings, "            "),
                  "\n\n");

  const int code = ExitCode(v, r);
  if (!r.findings.empty()) {
    if (r.strict) {
      absl::StrAppend(&out, "--strict: this run fails on ", r.findings.size(),
                      " EXTENSION finding(s), first: ", findings.front(), "\n");
    } else {
      absl::StrAppend(
          &out, "EXTENSION findings: ", r.findings.size(), " (Maelstrom ",
          "does not check these; --strict fails the run on them), first: ",
          findings.front(), "\n");
    }
  }
  switch (code) {
    case 0: absl::StrAppend(&out, "Everything looks good! ヽ(‘ー`)ノ\n"); break;
    case 1: absl::StrAppend(&out, "Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻\n"); break;
    case 2:
      absl::StrAppend(
          &out,
          "Errors occurred during analysis, but no anomalies found. ಠ~ಠ\n");
      break;
    default:
      absl::StrAppend(&out, "Oh jeez, I'm sorry, Jepsen broke. Here's why: ",
                      r.harness_error, "\n");
      break;
  }
  return out;
}

}  // namespace sim
