// The real-process driver for the simulator's models: runs N node binaries
// as child processes and routes their stdin/stdout lines through
// sim::Network (latency, partitions at delivery), in-process sim::SeqKv /
// sim::LinKv services, the sim::Workload clients and sim::Nemesis fault
// schedules, all on the wall clock; then judges the history with
// sim::CheckCounterHistory. One poll loop, no threads.
//
//   harness::Harness h(options, /*seed=*/42, store, std::cout);
//   harness::Outcome o = h.Run();   // prints progress lines meanwhile
//   std::cout << sim::FormatResults(o.verdict, o.report);
//   return o.exit_code;            // 0 valid, 1 invalid, 2, 255
//
// Maelstrom's rules it enforces (spec §1): a node's stdout line that is not a
// valid message, names an unknown destination, or answers a client that has
// already given up is an invalid line, after which the node's stdout is no
// longer read; a node exiting on its own is a crash (exit 255).
// EXTENSIONS: kill/restart, pause/resume, seq-kv cuts (see cli.h), and a
// convergence probe after healing (reads from extra clients, left out of the
// history and of the message counts).
#ifndef TESTING_HARNESS_H_
#define TESTING_HARNESS_H_

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "kvclient/message.h"
#include "sim/checker.h"
#include "sim/event_queue.h"
#include "sim/history.h"
#include "sim/kv_service.h"
#include "sim/nemesis.h"
#include "sim/network.h"
#include "sim/prng.h"
#include "sim/workload.h"
#include "testing/cli.h"
#include "testing/plots.h"
#include "testing/process.h"
#include "testing/results.h"
#include "testing/store.h"

namespace harness {

class Harness {
 public:
  Harness(HarnessOptions options, uint64_t seed, Store store, std::ostream& out);
  ~Harness();
  Outcome Run();

 private:
  struct Node {
    std::string id;
    std::unique_ptr<NodeProcess> proc;
    std::FILE* log = nullptr;
    std::string stderr_partial;  // for --log-stderr echo
    std::string stderr_tail;     // the last few KiB, for diagnoses
    size_t log_bytes = 0;
    bool reading = true;         // false after an invalid line
    bool down = false;           // killed by the nemesis
    bool paused = false;
    int64_t lines = 0;
    int64_t window_lines = 0;    // flood detection, per second
    bool flood_warned = false;
    bool stdin_warned = false;
  };

  // Setup and teardown.
  bool SpawnNode(Node& node);
  void StopAll();
  // The loop's steps.
  void Step(absl::Time now);
  int PollTimeoutMs(absl::Time now) const;
  void PollFds(int timeout_ms);
  void OnStdoutLine(Node& node, const std::string& line, absl::Time now);
  void Invalid(Node& node, const std::string& why, const std::string& line);
  void DrainStderr(Node& node);
  void CheckExits(absl::Time now);
  // Messages.
  void Send(const kvclient::Message& m, absl::Time now, bool counted = true);
  void Deliver(const kvclient::Message& m, absl::Time now);
  void DeliverToClient(const kvclient::Message& m, absl::Time now, Node* sender);
  void Journal(absl::Time now, absl::string_view what, const kvclient::Message& m);
  // Faults.
  void StartNemeses(absl::Time now);
  void RunNemeses(absl::Time now);
  void Apply(const sim::FaultAction& action, absl::Time now);
  void HealEverything(absl::Time now);
  // Convergence probe (extension).
  void RunProbes(absl::Time now);
  void OnProbeReply(const kvclient::Message& m, absl::Time now);
  // Output.
  void Progress(absl::Time now);
  std::string Elapsed(absl::Time now) const;
  void Fail(const std::string& why);
  Outcome Finish();
  void WriteStore(const Outcome& outcome);

  Node* NodeById(absl::string_view id);
  std::string StderrTail(const Node& node) const;

  HarnessOptions options_;
  uint64_t seed_;
  Store store_;
  std::ostream& out_;
  std::string tmp_dir_;
  std::vector<std::string> node_ids_;
  std::vector<Node> nodes_;

  sim::Prng prng_;
  sim::Prng net_prng_, kv_prng_, workload_prng_, nemesis_prng_;
  sim::Network network_;
  sim::SeqKv seq_kv_;
  sim::LinKv lin_kv_;
  sim::Workload workload_;
  std::vector<sim::Nemesis> nemeses_;
  bool nemeses_started_ = false;
  bool healed_ = false;
  sim::EventQueue<kvclient::Message> in_flight_;

  absl::Time t0_;
  absl::Time next_progress_;
  absl::Time next_exit_check_;
  absl::Time window_start_;
  int64_t next_wire_id_ = 0;
  int64_t messages_ = 0, server_messages_ = 0, dropped_ = 0;
  std::string harness_error_;
  std::vector<std::string> invalid_lines_;
  std::vector<std::string> warnings_;
  std::vector<FaultSpan> faults_;
  std::map<std::string, size_t> active_fault_;  // node or "partition" → faults_ index
  std::FILE* journal_ = nullptr;
  int64_t journal_lines_ = 0;

  // Probe state: one read per node per round until every node agrees.
  struct Probe {
    absl::Time next_round = absl::InfiniteFuture();
    int64_t next_client = 900000000;  // see IsProbeClient
    std::map<std::string, std::string> client_node;  // live probe clients
    std::map<std::string, int64_t> answers;          // node → value this round
    absl::optional<absl::Time> last_add;             // last ok add completion
    absl::optional<absl::Time> converged_at;
    int64_t converged_value = 0;
    bool done = false;
  } probe_;
};

}  // namespace harness

#endif  // TESTING_HARNESS_H_
