// The real-process host for the shared driver (sim/driver/driver.h): runs N
// node binaries as child processes on the wall clock and implements
// sim::NodeHost over them (stdin writes, SIGKILL and a fresh process,
// SIGSTOP/SIGCONT). Everything Maelstrom decides (routing, latency,
// partitions, services, clients, nemeses, the heal, line validation, the
// journal, the statistics and the verdict) is the driver's; this file owns
// the processes, the poll loop, the nodes' logs, progress lines and the
// store. One poll loop, no threads.
//
//   harness::Harness h(options, /*seed=*/42, store, std::cout);
//   harness::Outcome o = h.Run();   // prints progress lines meanwhile
//   std::cout << sim::FormatResults(o.verdict, o.report);
//   return o.exit_code;            // 0 valid, 1 invalid, 2, 255
//
// What it adds itself, as EXTENSION findings: a node that floods stdout
// (over 10000 lines in a second), and one whose stdin backlog passes the
// bound (it is not reading). A node process that exits on its own is a
// crash (exit 255), as Maelstrom's db teardown reports it. Lines are split
// as Java's readLine splits them (\n, \r or \r\n); a line over
// --max-line-bytes (NodeProcess::kMaxLineBytes, 1 GiB, a bound Maelstrom
// lacks) is a harness error (exit 255), never a verdict.
//
// No process left behind: the harness is the subreaper of the nodes'
// process trees (testing/process.h), reaps orphans as they exit, and at
// teardown (the end, an error, a signal) ends every descendant, a node's
// setsid() daemons included.
//
// The store directory (testing/store.h) gets Maelstrom's files and the
// report's (sim/report/writer.h): results.json, results.txt (the printed
// block), results.edn and history.edn (Jepsen's shapes), history.txt,
// messages.txt, the plots, node-logs/, messages.svg, timeline.html,
// index.html; and <store>/index.html lists every run.
#ifndef TESTING_HARNESS_H_
#define TESTING_HARNESS_H_

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "kvclient/message.h"
#include "sim/driver/driver.h"
#include "sim/driver/node_host.h"
#include "sim/maelstrom/run_record.h"
#include "testing/cli.h"
#include "testing/process.h"
#include "testing/results.h"
#include "testing/store.h"

namespace harness {

class Harness : public sim::NodeHost {
 public:
  // Lines a node may write per second before it is reported as flooding.
  static constexpr int64_t kFloodLinesPerSecond = 10000;

  Harness(HarnessOptions options, uint64_t seed, Store store,
          std::ostream& out);
  ~Harness() override;
  Outcome Run();

  // sim::NodeHost.
  void Deliver(int node, const kvclient::Message& message, int64_t id,
               absl::Time now) override;
  void Kill(int node, absl::Time now) override;
  bool Restart(int node, absl::Time now) override;
  void Pause(int node, absl::Time now) override;
  void Resume(int node, absl::Time now) override;
  std::string Diagnose(int node) override;

 private:
  struct Node {
    std::string id;
    std::unique_ptr<NodeProcess> proc;
    std::FILE* log = nullptr;
    std::string stderr_partial;  // for --log-stderr echo
    std::string stderr_tail;     // the last few KiB, for diagnoses
    size_t log_bytes = 0;
    bool stdout_open = true;   // false at EOF or once the node is deaf
    int64_t window_lines = 0;  // flood detection, per second
    bool flood_reported = false;
    bool stdin_reported = false;
  };

  bool SpawnNode(int index);
  void StopAll();
  void DrainStderr(Node& node);
  void CheckExits(absl::Time now);
  absl::Time WakeAt() const;  // the earliest moment the loop has work
  void PollFds(absl::Time wake_at);
  void Progress(absl::Time now);
  Outcome Finish();
  void WriteStore(const Outcome& outcome, const sim::History& history);
  void WriteReport(const Outcome& outcome, const std::string& results);
  std::string StderrTail(const Node& node) const;

  HarnessOptions options_;
  uint64_t seed_;
  Store store_;
  std::ostream& out_;
  std::string tmp_dir_;
  std::vector<Node> nodes_;
  std::ofstream journal_;
  sim::RunRecord record_;  // filled by the driver, for sim/report
  std::unique_ptr<sim::Driver> driver_;
  absl::Time t0_;
  absl::Time next_progress_;
  absl::Time next_exit_check_;
  bool descendants_reported_ = false;
};

}  // namespace harness

#endif  // TESTING_HARNESS_H_
