#include "sim/maelstrom/checker.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "kvclient/assert.h"

namespace sim {

absl::Duration OpStats::Quantile(double q) const {
  if (ok_latencies.empty()) return absl::ZeroDuration();
  size_t i = static_cast<size_t>(std::ceil(q * ok_latencies.size()));
  i = std::min(std::max<size_t>(i, 1), ok_latencies.size()) - 1;
  return ok_latencies[i];
}

namespace {

// jepsen.tests.kafka stats-checker: these :f may fail every time.
bool ForgivenByStats(const std::string& f) {
  return f == "crash" || f == "debug-topic-partitions";
}

// :stats (checker.clj stats): pairs each completion with its thread's
// invoke; what does not pair is an analysis error.
void Tally(const History& history, Verdict& v) {
  std::map<int, const HistoryEvent*> open;  // thread → its invoke
  for (const HistoryEvent& e : history) {
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
    OpStats& stats = v.by_f[e.f];
    ++v.completed_ops;
    switch (e.type) {
      case EventType::kOk:
        ++stats.ok;
        ++v.ok_ops;
        stats.ok_latencies.push_back(e.time - invoke.time);
        break;
      case EventType::kFail: ++stats.fail; break;
      default: ++stats.info; break;
    }
  }
  for (auto& [f, stats] : v.by_f) {
    std::sort(stats.ok_latencies.begin(), stats.ok_latencies.end());
  }
  // Only the :f values that occur are judged.
  for (const auto& [f, stats] : v.by_f) {
    if (stats.count() > 0 && stats.ok == 0 && !ForgivenByStats(f)) {
      v.stats_errors.push_back(absl::StrCat(f, ": no :ok among ", stats.count(),
                                            " completed operations"));
    }
  }
  v.stats_validity =
      v.stats_errors.empty() ? Validity::kTrue : Validity::kFalse;
}

// :availability (maelstrom checker.clj availability-checker): oks over
// invokes, (count (h/oks history)) / (count (h/invokes history)). The
// nemesis's ops are :info, never :invoke, so they do not count.
void CheckAvailability(const CheckOptions& options, Verdict& v) {
  const int64_t invokes = v.invocations;
  v.ok_fraction = invokes == 0 ? 1.0 : static_cast<double>(v.ok_ops) / invokes;
  if (options.availability.has_value()) {
    const bool met = options.availability->total
                         ? v.ok_fraction == 1.0
                         : options.availability->fraction <= v.ok_fraction;
    v.availability_validity = met ? Validity::kTrue : Validity::kFalse;
  }
}

}  // namespace

Verdict CheckHistory(const Workload& workload, const History& history,
                     const CheckOptions& options, const CheckContext& context) {
  Verdict v;
  for (const std::string& f : workload.fs()) v.by_f[f];
  Tally(history, v);
  CheckAvailability(options, v);
  v.workload = workload.Check(history, context);
  // An inconsistent history: the workload's verdict cannot stand either.
  if (!v.analysis_errors.empty()) v.workload.validity = Validity::kUnknown;
  v.analysis_errors.insert(v.analysis_errors.end(),
                           v.workload.analysis_errors.begin(),
                           v.workload.analysis_errors.end());
  v.validity = MergeValid(MergeValid(v.workload.validity, v.stats_validity),
                          v.availability_validity);
  v.valid = v.validity == Validity::kTrue;
  return v;
}

int ExitCode(const Verdict& verdict, const RunReport& report) {
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

std::string EdnStrings(const std::vector<std::string>& items,
                       const std::string& indent) {
  if (items.empty()) return "nil";
  return absl::StrCat(
      "[\"", absl::StrJoin(items, absl::StrCat("\"\n", indent, "\"")), "\"]");
}

namespace {

std::string Ms(absl::Duration d) {
  return absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(d));
}

std::string Ratio(int64_t num, int64_t den) {
  return den == 0 ? "nil"
                  : absl::StrFormat("%.3f", static_cast<double>(num) / den);
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

// {:workload {:valid? true
//             :errors nil
//             ...}
void AppendWorkload(const WorkloadResult& w, std::string& out) {
  std::vector<std::pair<std::string, std::string>> block = w.block;
  if (block.empty()) {
    for (const auto& [key, value] : w.report.results.entries()) {
      if (key != "valid?") block.emplace_back(key, value.Print());
    }
  }
  absl::StrAppend(&out, "{:workload {:valid? ", ValidityName(w.validity));
  for (const auto& [key, value] : block)
    absl::StrAppend(&out, "\n            :", key, " ", value);
  absl::StrAppend(&out, "}\n");
}

void AppendStats(const Verdict& v, std::string& out) {
  int64_t fails = 0, infos = 0;
  for (const auto& [f, s] : v.by_f) {
    fails += s.fail;
    infos += s.info;
  }
  absl::StrAppend(&out, " :stats {:valid? ", ValidityName(v.stats_validity),
                  " :count ", v.completed_ops, " :ok-count ", v.ok_ops,
                  " :fail-count ", fails, " :info-count ", infos, "\n");
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
}

void AppendNetAndLatency(const Verdict& v, const RunReport& r,
                         std::string& out) {
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
}

std::string MillisOrNil(const absl::optional<absl::Duration>& d,
                        const std::string& note) {
  return absl::StrCat(d ? Ms(*d) : "nil",
                      note.empty() ? "" : absl::StrCat(" ; ", note));
}

// The EXTENSIONS section; returns the findings as "kind: detail".
std::vector<std::string> AppendExtensions(const RunReport& r,
                                          std::string& out) {
  absl::StrAppend(
      &out,
      ";; EXTENSIONS beyond Maelstrom v0.2.4: they never change :valid? "
      "above; --strict makes a finding fail the run\n");
  absl::StrAppend(&out, " :faults [", absl::StrJoin(r.faults, "\n          "),
                  "]\n");
  if (r.convergence.has_value() || !r.convergence_note.empty()) {
    absl::StrAppend(&out, " :convergence-ms ",
                    MillisOrNil(r.convergence, r.convergence_note), "\n");
  }
  absl::StrAppend(
      &out, " :convergence-from-reads-ms ",
      MillisOrNil(r.convergence_from_reads, r.convergence_from_reads_note),
      "\n");
  absl::StrAppend(&out, " :read-staleness ", StalenessEdn(r.staleness), "\n");
  for (const std::string& note : r.notes)
    absl::StrAppend(&out, " ;; ", note, "\n");
  std::vector<std::string> findings;
  for (const Finding& f : r.findings)
    findings.push_back(absl::StrCat(f.kind, ": ", f.detail));
  absl::StrAppend(&out, " :findings ", EdnStrings(findings, "            "),
                  "\n\n");
  return findings;
}

// The closing lines: findings, then Jepsen's verdict line.
void AppendVerdictLine(const Verdict& v, const RunReport& r,
                       const std::vector<std::string>& findings,
                       std::string& out) {
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
  switch (ExitCode(v, r)) {
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
}

}  // namespace

std::string FormatResults(const Verdict& v, const RunReport& r) {
  std::string out;
  AppendWorkload(v.workload, out);
  AppendStats(v, out);
  AppendNetAndLatency(v, r, out);
  if (!v.analysis_errors.empty()) {
    absl::StrAppend(&out, " :analysis-errors ",
                    EdnStrings(v.analysis_errors, "                   "), "\n");
  }
  absl::StrAppend(&out, " :valid? ", ValidityName(v.validity), "}\n");
  const std::vector<std::string> findings = AppendExtensions(r, out);
  AppendVerdictLine(v, r, findings, out);
  return out;
}

}  // namespace sim
