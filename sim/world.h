// The simulator's host for the shared driver (sim/driver/driver.h): counter
// cores in-process, in virtual time. The driver does everything Maelstrom does
// (network, services, clients, nemeses, heal, validation, statistics); this
// file only runs the cores (Step/Tick/TakeReady, pause inboxes, wake-ups)
// as a sim::NodeHost and owns the one clock of a simulated run. All
// randomness is forked from config.seed, so a seed and config replay the
// run byte for byte.
//
//   sim::SimConfig config = *sim::ProfileConfig("challenge");
//   config.seed = 42;
//   sim::RunResult r = sim::RunWorld(config, /*trace=*/nullptr);
//   r.exit_code == 0;  std::cout << r.results;   // Maelstrom-like block
//
// EXTENSIONS measured here, with the in-process ReadValue() (no messages):
// convergence time (last acknowledged add → every node's ReadValue() equals
// the exact total kept in seq-kv's newest state), and a liveness finding if
// the nodes do not all read it within config.liveness_bound of the heal. A
// node that keeps asking to be woken at the same instant without doing
// anything (a CPU spin) is a "busy-loop" finding; virtual time then moves on
// 1 ms, as a spinning process's would (with --strict the run stops there).
// Findings fail the run only under config.strict (the sweeps use it).
#ifndef SIM_WORLD_H_
#define SIM_WORLD_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "counter/core.h"
#include "sim/config.h"
#include "sim/maelstrom/checker.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/run_record.h"

namespace sim {

struct RunResult {
  Verdict verdict;
  RunReport report;
  History history;
  std::string results;  // FormatResults(verdict, report)
  int exit_code = 0;    // ExitCode(verdict, report): 0, 1, 2 or 255
  double simulated_seconds = 0;
};

// Builds the node under test; the default is
// counter::VariantFactory(config.strategy, config.bug) (the shipped core unless
// a variant is asked for). Tests pass deliberately misbehaving cores to check
// the emulation's judgement.
using CoreFactory =
    std::function<std::unique_ptr<counter::Core>(const counter::Options&)>;

// `trace`, when set, receives the driver's journal and notes (every message,
// fault and invalid line) and the nodes' log lines. `record`, when set,
// receives the run as data for sim/report (see DriverOutput::record); the
// caller fills in record->meta.
RunResult RunWorld(const SimConfig& config, std::ostream* trace,
                   CoreFactory make_core = nullptr,
                   sim::RunRecord* record = nullptr);

// The exact total a correct counter must converge to, from a KV state: the
// shared "counter" integer (baseline strategy) or the sum of the "total"
// fields under "counter/" (own-keys strategy). Exposed for tests.
struct KvStore;
int64_t ExactTotal(const KvStore& store);

}  // namespace sim

#endif  // SIM_WORLD_H_
