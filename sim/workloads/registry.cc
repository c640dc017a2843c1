#include "sim/workloads/registry.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kvclient/assert.h"
#include "sim/workloads/broadcast/broadcast.h"
#include "sim/workloads/counter/counter.h"
#include "sim/workloads/echo/echo.h"
#include "sim/workloads/g_set/g_set.h"
#include "sim/workloads/unique_ids/unique_ids.h"

namespace workloads {
namespace {

std::vector<const sim::WorkloadSpec*> Build() {
  // A new workload: its package under sim/workloads/<name>/, one line here,
  // and its target in BUILD's `registry` deps (README.md).
  std::vector<const sim::WorkloadSpec*> all = {
      &echo::EchoSpec(),           &unique_ids::UniqueIdsSpec(),
      &broadcast::BroadcastSpec(), &counter::GCounterSpec(),
      &counter::PnCounterSpec(),   &g_set::GSetSpec(),
  };
  std::set<std::string> names;
  for (const sim::WorkloadSpec* spec : all) {
    MC_ASSERT(spec->make != nullptr, "a workload can be made: ", spec->name);
    MC_ASSERT(names.insert(spec->name).second,
              "workload names are unique: ", spec->name);
  }
  return all;
}

}  // namespace

const std::vector<const sim::WorkloadSpec*>& All() {
  static const std::vector<const sim::WorkloadSpec*>* all =
      new std::vector<const sim::WorkloadSpec*>(Build());
  return *all;
}

const sim::WorkloadSpec* Find(absl::string_view name) {
  for (const sim::WorkloadSpec* spec : All()) {
    if (spec->name == name) return spec;
  }
  return nullptr;
}

absl::StatusOr<std::unique_ptr<sim::Workload>> Make(
    absl::string_view name, const sim::WorkloadParams& params) {
  const sim::WorkloadSpec* spec = Find(name);
  if (spec == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("unknown workload \"", name, "\"; one of ", Names()));
  }
  return spec->make(params);
}

std::string Names() {
  std::vector<std::string> names;
  for (const sim::WorkloadSpec* spec : All()) names.push_back(spec->name);
  return absl::StrJoin(names, " | ");
}

}  // namespace workloads
