// The virtual-time driver: runs counter cores in-process against the models
// (seq-kv, network, nemeses, workload) and checks the history. Owns the only
// clock and event loop of a simulated run; all randomness is forked from
// config.seed, so a seed and config replay the run byte for byte.
//
//   sim::SimConfig config = *sim::ProfileConfig("challenge");
//   config.seed = 42;
//   sim::RunResult r = sim::RunWorld(config, /*trace=*/nullptr);
//   r.exit_code == 0;  std::cout << r.results;   // Maelstrom-like block
//
// Extensions measured here (not in Maelstrom): convergence time (last
// acknowledged add → every node's ReadValue() equals the exact total kept in
// seq-kv's newest state) and a liveness bound after healing: the heal ends
// every fault (partitions, kv cuts, kills, pauses, and loss/dup/reorder; only
// latency stays), and if the nodes do not all read the exact total within
// config.liveness_bound of it, the run fails.
#ifndef SIM_WORLD_H_
#define SIM_WORLD_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "counter/core.h"
#include "sim/checker.h"
#include "sim/config.h"
#include "sim/history.h"

namespace sim {

struct RunResult {
  CounterVerdict verdict;
  RunReport report;
  History history;
  std::string results;  // FormatResults(verdict, report)
  int exit_code = 0;    // 0 valid, 1 invalid, 255 harness broke
  double simulated_seconds = 0;
};

// Builds the node under test; the default is counter::MakeCore. Tests pass
// deliberately misbehaving cores to check the emulation's judgement.
using CoreFactory =
    std::function<std::unique_ptr<counter::Core>(const counter::Options&)>;

// `trace`, when set, receives one line per message, fault and node log line.
RunResult RunWorld(const SimConfig& config, std::ostream* trace,
                   CoreFactory make_core = nullptr);

// The exact total a correct counter must converge to, from a KV state: the
// shared "counter" integer (baseline strategy) or the sum of the "total"
// fields under "counter/" (own-keys strategy). Exposed for tests.
struct KvStore;
int64_t ExactTotal(const KvStore& store);

}  // namespace sim

#endif  // SIM_WORLD_H_
