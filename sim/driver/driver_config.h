// Everything the shared driver (sim/driver/driver.h) needs to run one
// Maelstrom-like test, whichever host runs the nodes. Default-constructed it is
// Maelstrom v0.2.4's own defaults (core.clj opt-spec, jepsen cli.clj
// test-opt-spec): nodes n1..n5, one client thread per node, rate 5, 60 s,
// latency 0, no nemesis, nemesis interval 10 s. sim/driver/flags.h fills it
// from a command line; the simulator's profiles (sim/config.h) start from their
// own values.
//
//   sim::DriverConfig c;                  // Maelstrom's defaults
//   c.nodes = sim::NodeIdsFromCount(3);   // --node-count 3: n0 n1 n2
//   c.workload.rate = 100;
//   c.partition = true;                   // --nemesis partition
//   c.kill = true;                        // --nemesis kill (Maelstrom main)
#ifndef SIM_DRIVER_DRIVER_CONFIG_H_
#define SIM_DRIVER_DRIVER_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "sim/maelstrom/checker.h"
#include "sim/maelstrom/interpreter.h"
#include "sim/maelstrom/nemesis.h"
#include "sim/maelstrom/network.h"

namespace sim {

// Maelstrom core.clj parse-node-count: "n0" .. "n<count-1>".
std::vector<std::string> NodeIdsFromCount(int count);
// Jepsen cli.clj default-nodes: n1 .. n5 (used without --node-count).
std::vector<std::string> JepsenDefaultNodes();

struct DriverConfig {
  DriverConfig();

  uint64_t seed = 1;
  std::vector<std::string>
      nodes;  // in order: client thread i talks to nodes[i % N]
  int node_count() const { return static_cast<int>(nodes.size()); }
  // name (-w) and the workload's flags, concurrency, rate, time_limit,
  // client_timeout, final_sleep.
  WorkloadOptions workload;
  // latency, latency_dist, and the EXTENSION loss/dup/reorder.
  NetworkOptions network;
  // Maelstrom's --nemesis and --nemesis-interval: partition (v0.2.4), kill
  // and pause (Maelstrom main, unreleased: jepsen nemesis/combined.clj
  // db-package).
  bool partition = false;
  bool kill = false;
  bool pause = false;
  absl::Duration nemesis_interval = absl::Seconds(10);
  MaelstromFaults maelstrom_faults() const { return {partition, kill, pause}; }
  // EXTENSIONS: crash/restart of one node, stalls (0.1-0.8 s pauses of one
  // node), seq-kv cuts, each its own schedule with mean interval
  // FaultInterval(); see sim/driver/driver.h for when they start.
  bool crash = false;
  bool stall = false;
  bool kv_cut = false;
  // kv-garble: a node's KV replies garbled for a while
  // (sim/maelstrom/kv_garble.h).
  bool kv_garble = false;
  bool extension_faults() const {
    return crash || stall || kv_cut || kv_garble;
  }
  absl::optional<absl::Duration> fault_interval;  // default: nemesis_interval
  absl::Duration FaultInterval() const {
    return fault_interval.value_or(nemesis_interval);
  }
  // Maelstrom's --availability (nullopt: not checked).
  absl::optional<Availability> availability;
  // EXTENSION --strict: every finding fails the run (exit 1).
  bool strict = false;
  // EXTENSION --kv-rate-bound: while a node's KV replies are garbled, it
  // may send at most this many KV requests a second (judged over each
  // garbled stretch of at least 1 s; a "kv-rate" finding otherwise). 0: not
  // checked.
  double kv_rate_bound = 0;
  // EXTENSION --convergence-probe: between the heal and the final reads,
  // read every node this often from extra clients (0: off, Maelstrom's
  // traffic). It changes the run; the results say so.
  absl::Duration probe_interval = absl::ZeroDuration();

  // Bounds (see sim/driver/driver.h for what happens at each).
  int64_t max_in_flight = int64_t{1} << 20;  // messages
  int64_t journal_max_lines = 1000000;
  int64_t max_fault_spans = 100000;
};

}  // namespace sim

#endif  // SIM_DRIVER_DRIVER_CONFIG_H_
