// Everything that determines a simulated run: the shared driver's settings
// (sim::DriverConfig: nodes, workload, network, nemeses, --strict ...) plus
// what only the simulator has (the counter under test, the liveness bound),
// the named profiles, and the exact command line that replays a run. Same
// config → byte-identical run.
//
//   sim::SimConfig c = *sim::ProfileConfig("chaos");
//   c.seed = 17;
//   sim::ReplayCommand(c)
//     == "bazel run //sim -- --profile=chaos --seed=17"
//   c.nodes = sim::NodeIdsFromCount(7);   // differs from the profile: spelled
//   out sim::ReplayCommand(c)
//     == "bazel run //sim -- --profile=chaos --seed=17 --node-count=7"
//
// Profiles: challenge (Fly.io's: 3 nodes, rate 100, 20 s, partitions; the
// default), kill and kill-pause (the challenge with --nemesis
// partition,kill and partition,kill,pause: Maelstrom main's kills and
// pauses too, every 3 s on average), chaos (5 nodes, latency,
// partitions and every extension fault),
// chaos-peer-keys and chaos-summary (chaos with that dissemination forced:
// auto pushes), single (1 node),
// large (25 nodes, chaos faults), high-rate (rate 1000), pn (pn-counter
// workload with partitions), pn-chaos (pn-counter under chaos), kv-garble
// (challenge + one node's seq-kv replies garbled for stretches of up to
// 10 s, KV requests bounded at 20 per node-second) and kv-garble-summary
// (the same, 5 nodes, summary dissemination).
#ifndef SIM_CONFIG_H_
#define SIM_CONFIG_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "counter/core.h"
#include "counter/testonly_variants.h"
#include "sim/driver/driver_config.h"

namespace sim {

struct SimConfig : DriverConfig {
  std::string profile = "challenge";
  // EXTENSION: after the heal, every node's in-process ReadValue() must
  // equal the exact total within this (0: off); otherwise a "liveness"
  // finding.
  absl::Duration liveness_bound = absl::Seconds(10);
  // The node under test.
  counter::Strategy strategy = counter::Strategy::kOwnKeys;
  counter::Bug bug = counter::Bug::kNone;
  // The workloads beyond the counters (echo, unique-ids, broadcast, g-set)
  // run a test-only reference core (sim/reference_cores.h); --bug=broken
  // runs its deliberately broken variant.
  bool broken_reference = false;
  counter::Dissemination dissemination = counter::Dissemination::kAuto;
  // Bound on what a paused node's inbox holds (messages); past it the run
  // fails (exit 255) rather than growing without limit. A pause lasts under
  // a second, so correct runs stay far below.
  size_t max_inbox = size_t{1} << 20;
};

std::vector<std::string> ProfileNames();
absl::optional<SimConfig> ProfileConfig(const std::string& name);

// (flag name, value) for every setting, in a fixed order, spelled as the
// command line takes them. Used to print the replay command and the header.
std::vector<std::pair<std::string, std::string>> ConfigFlags(
    const SimConfig& c);

// "bazel run //sim -- --profile=P --seed=N" plus every flag whose value
// differs from the profile's.
std::string ReplayCommand(const SimConfig& config);

// The same run, written to a store to be looked at like a harness run
// (index.html, messages.svg, timeline.html, history.edn ...):
// "./dev sim --profile=P --seed=N ... --store=store".
std::string StoreCommand(const SimConfig& config);

}  // namespace sim

#endif  // SIM_CONFIG_H_
