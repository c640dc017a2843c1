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

}  // namespace

Json ResultsJson(const Outcome& o, uint64_t seed) {
  const sim::CounterVerdict& v = o.verdict;
  Json j;
  j["valid?"] = o.exit_code == 0;
  j["exit-code"] = o.exit_code;
  j["seed"] = seed;
  j["workload"] = {{"valid?", v.valid},
                   {"errors", v.errors},
                   {"final-reads", v.final_reads},
                   {"acknowledged-sum", v.acknowledged_sum},
                   {"indeterminate-adds", v.indeterminate_adds},
                   {"acceptable", v.acceptable}};
  Json by_f = Json::object();
  for (const auto& [f, s] : v.by_f) {
    by_f[f] = {{"ok-count", s.ok}, {"fail-count", s.fail}, {"info-count", s.info},
               {"latency-ms", LatencyJson(s)}};
  }
  j["stats"] = {{"count", v.completed_ops}, {"ok-count", v.ok_ops}, {"by-f", by_f}};
  j["availability"] = v.completed_ops ? static_cast<double>(v.ok_ops) / v.completed_ops : 0.0;
  auto per_op = [&](int64_t n) {
    return v.completed_ops ? Json(static_cast<double>(n) / v.completed_ops) : Json(nullptr);
  };
  j["net"] = {{"all", {{"send-count", o.report.messages}, {"msgs-per-op", per_op(o.report.messages)}}},
              {"servers", {{"send-count", o.report.server_messages},
                           {"msgs-per-op", per_op(o.report.server_messages)}}}};
  j["extensions"] = {
      {"faults", o.report.faults},
      {"convergence-ms", o.report.convergence
                             ? Json(absl::ToDoubleMilliseconds(*o.report.convergence))
                             : Json(nullptr)},
      {"convergence-note", o.report.convergence_note},
      {"invalid-lines", o.report.invalid_lines},
      {"harness-error", o.report.harness_error},
      {"warnings", o.warnings},
      {"harness-cpu-seconds", o.harness_cpu_seconds}};
  return j;
}

}  // namespace harness
