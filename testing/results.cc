#include "testing/results.h"

#include "absl/time/time.h"

namespace harness {
namespace {

using kvclient::Json;

Json LatencyJson(const sim::OpStats& s) {
  return {{"p50", absl::ToDoubleMilliseconds(s.Quantile(0.5))},
          {"p95", absl::ToDoubleMilliseconds(s.Quantile(0.95))},
          {"p99", absl::ToDoubleMilliseconds(s.Quantile(0.99))},
          {"max", absl::ToDoubleMilliseconds(s.Quantile(1.0))}};
}

Json Validity(sim::Validity v) {
  switch (v) {
    case sim::Validity::kTrue: return true;
    case sim::Validity::kFalse: return false;
    case sim::Validity::kUnknown: return "unknown";
  }
  return "unknown";
}

Json Millis(const absl::optional<absl::Duration>& d) {
  return d ? Json(absl::ToDoubleMilliseconds(*d)) : Json(nullptr);
}

Json StalenessJson(const sim::StalenessStats& s) {
  return {{"reads", s.count},
          {"stale", s.stale},
          {"p50-ms", absl::ToDoubleMilliseconds(s.p50)},
          {"p99-ms", absl::ToDoubleMilliseconds(s.p99)},
          {"max-ms", absl::ToDoubleMilliseconds(s.max)}};
}

// null when not measured (pn-counter, a crashed run).
Json StalenessJson(const absl::optional<sim::StalenessReport>& s) {
  if (!s.has_value()) return nullptr;
  return {{"all", StalenessJson(s->all)},
          {"outside-partitions", StalenessJson(s->outside_partitions)},
          {"during-partitions", StalenessJson(s->during_partitions)}};
}

}  // namespace

Json ResultsJson(const Outcome& o, uint64_t seed) {
  const sim::Verdict& v = o.verdict;
  Json j;
  j["valid?"] = Validity(v.validity);
  j["exit-code"] = o.exit_code;
  j["seed"] = seed;
  // The workload's own entries (sim::WorkloadResult::json), or its errors.
  j["workload"] = v.workload.json.is_object()
                      ? v.workload.json
                      : Json{{"errors", v.workload.errors}};
  j["workload"]["valid?"] = Validity(v.workload.validity);
  Json by_f = Json::object();
  for (const auto& [f, s] : v.by_f) {
    if (s.count() == 0) continue;
    by_f[f] = {{"valid?", s.ok > 0},   {"count", s.count()},
               {"ok-count", s.ok},     {"fail-count", s.fail},
               {"info-count", s.info}, {"latency-ms", LatencyJson(s)}};
  }
  j["stats"] = {{"valid?", Validity(v.stats_validity)},
                {"count", v.completed_ops},
                {"ok-count", v.ok_ops},
                {"by-f", by_f}};
  j["availability"] = {{"valid?", Validity(v.availability_validity)},
                       {"ok-fraction", v.ok_fraction}};
  auto per_op = [&](int64_t n) {
    return v.invocations ? Json(static_cast<double>(n) / v.invocations)
                         : Json(nullptr);
  };
  j["net"] = {{"all",
               {{"send-count", o.report.messages},
                {"msgs-per-op", per_op(o.report.messages)}}},
              {"servers",
               {{"send-count", o.report.server_messages},
                {"msgs-per-op", per_op(o.report.server_messages)}}},
              {"valid?", true}};
  if (!v.analysis_errors.empty()) j["analysis-errors"] = v.analysis_errors;
  Json findings = Json::array();
  for (const sim::Finding& f : o.report.findings) {
    findings.push_back({{"kind", f.kind}, {"detail", f.detail}});
  }
  j["extensions"] = {
      {"strict", o.report.strict},
      {"findings", findings},
      {"faults", o.report.faults},
      {"convergence-ms", Millis(o.report.convergence)},
      {"convergence-note", o.report.convergence_note},
      {"convergence-from-reads-ms", Millis(o.report.convergence_from_reads)},
      {"convergence-from-reads-note", o.report.convergence_from_reads_note},
      {"read-staleness", StalenessJson(o.report.staleness)},
      {"notes", o.report.notes},
      {"harness-error", o.report.harness_error},
      {"harness-cpu-seconds", o.harness_cpu_seconds}};
  return j;
}

}  // namespace harness
