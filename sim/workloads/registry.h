// The workloads this emulation runs: Maelstrom's `-w NAME`, the one list a
// new workload adds a line to (registry.cc). The driver builds the chosen
// workload from it, the shared flags take -w's names and each workload's
// own flags from it, and --help lists it.
//
//   for (const sim::WorkloadSpec* w : workloads::All()) ... w->name ...
//   const sim::WorkloadSpec* spec = workloads::Find("pn-counter");
//   absl::StatusOr<std::unique_ptr<sim::Workload>> w =
//       workloads::Make("g-counter", /*params=*/{});
#ifndef SIM_WORKLOADS_REGISTRY_H_
#define SIM_WORKLOADS_REGISTRY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/maelstrom/workload.h"

namespace workloads {

// Every workload, in the registry's order (--help lists them so).
const std::vector<const sim::WorkloadSpec*>& All();

// nullptr when no workload has that name.
const sim::WorkloadSpec* Find(absl::string_view name);

// The named workload with its flags' values; an error for an unknown name or
// a value its factory rejects.
absl::StatusOr<std::unique_ptr<sim::Workload>> Make(
    absl::string_view name, const sim::WorkloadParams& params);

// "g-counter | pn-counter".
std::string Names();

}  // namespace workloads

#endif  // SIM_WORKLOADS_REGISTRY_H_
