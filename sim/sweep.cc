#include "sim/sweep.h"

#include <cstdlib>
#include <ctime>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "sim/world.h"

namespace sim {

SeedRange SeedsFromEnv(SeedRange fallback) {
  const char* env = std::getenv("SIM_SEEDS");
  if (env == nullptr || *env == '\0') return fallback;
  std::vector<std::string> parts = absl::StrSplit(env, ':');
  SeedRange r;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &r.start) ||
      !absl::SimpleAtoi(parts[1], &r.count)) {
    std::cerr << "SIM_SEEDS must be start:count, got \"" << env << "\"; using "
              << fallback.start << ":" << fallback.count << "\n";
    return fallback;
  }
  return r;
}

namespace {

std::string WhyFailed(const RunResult& r) {
  std::vector<std::string> why = r.verdict.errors;
  why.insert(why.end(), r.verdict.stats_errors.begin(),
             r.verdict.stats_errors.end());
  for (const std::string& e : r.verdict.analysis_errors) {
    why.push_back(absl::StrCat("analysis: ", e));
  }
  for (const Finding& f : r.report.findings) {
    why.push_back(absl::StrCat(f.kind, ": ", f.detail));
  }
  if (!r.report.harness_error.empty()) {
    why.push_back(absl::StrCat("harness: ", r.report.harness_error));
  }
  return absl::StrJoin(why, "; ");
}

}  // namespace

SweepResult Sweep(const SimConfig& config, SeedRange seeds,
                  bool stop_at_first_failure) {
  SweepResult result;
  result.label = absl::StrCat(
      config.profile, config.bug == counter::Bug::kNone ? "" : " bug=",
      config.bug == counter::Bug::kNone ? "" : counter::BugName(config.bug));
  result.seeds = seeds;
  const std::clock_t cpu_start = std::clock();
  for (uint64_t i = 0; i < seeds.count; ++i) {
    SimConfig c = config;
    c.seed = seeds.start + i;
    // The project's own sweeps judge strictly: every EXTENSION finding
    // (liveness, busy loops, invalid lines) fails the seed.
    c.strict = true;
    RunResult r = RunWorld(c, nullptr);
    result.simulated_seconds += r.simulated_seconds;
    if (r.exit_code == 0) {
      ++result.passed;
      continue;
    }
    result.failed.push_back(SweepFailure{c.seed, r.exit_code, WhyFailed(r),
                                         ReplayCommand(c), StoreCommand(c)});
    if (stop_at_first_failure) break;
  }
  result.cpu_seconds =
      static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  return result;
}

std::string SweepResult::Summary() const {
  std::string out = absl::StrFormat(
      "%s seeds %d..%d: %d passed, %d failed; %.0f simulated s in %.2f CPU s "
      "(%.0fx)",
      label, seeds.start, seeds.start + seeds.count - 1, passed, failed.size(),
      simulated_seconds, cpu_seconds,
      cpu_seconds > 0 ? simulated_seconds / cpu_seconds : 0);
  for (const SweepFailure& f : failed) {
    absl::StrAppend(&out, "\n  seed ", f.seed, " (exit ", f.exit_code,
                    "): ", f.why, "\n    rerun with: ", f.replay,
                    "\n    look at it: ", f.store);
  }
  return out;
}

}  // namespace sim
