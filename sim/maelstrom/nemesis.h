// Fault schedules as pure state machines: Maelstrom's partition nemesis
// (maelstrom src/maelstrom/nemesis.clj package -> jepsen
// nemesis/combined.clj partition-package) and, as EXTENSIONS, kill/restart,
// pause/resume, seq-kv cuts and garbled KV replies (sim/maelstrom/
// kv_garble.h).
// A nemesis never touches the world: the driver asks when it next wants to
// act (next_at), calls Fire(now, prng) then, and carries out the returned
// FaultAction (the simulator edits its network and nodes; a real-process
// harness would send SIGKILL/SIGSTOP or edit its proxy).
//
//   sim::Nemesis n = sim::Nemesis::Partition(nodes, absl::Seconds(10), t0);
//   while (running) {
//     if (now >= n.next_at()) Apply(n.Fire(now, prng));
//   }
//   if (auto undo = n.Heal()) Apply(*undo);   // after the time limit
//
// With a Workload running the clients, the driver also tells it about each
// partition op (Workload::OnNemesisOp: Jepsen's round robin and time limit
// count nemesis ops) and fires only while the workload's main phase lasts.
//
// Each nemesis alternates start and stop; the wait before each is uniform in
// [0, 2*interval) (Jepsen's stagger), except where a fault has its own
// bounded duration (pauses). The partition nemesis starts at t0 exactly.
#ifndef SIM_MAELSTROM_NEMESIS_H_
#define SIM_MAELSTROM_NEMESIS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "sim/maelstrom/network.h"
#include "sim/maelstrom/prng.h"

namespace sim {

struct FaultAction {
  enum Kind {
    kPartition,
    kHeal,
    kKill,
    kRestart,
    kPause,
    kResume,
    kCutKv,
    kRestoreKv,
    kGarbleKv,
    kUngarbleKv,
  };
  Kind kind = kHeal;
  Grudge grudge;      // kPartition
  std::string shape;  // kPartition: the spec it was drawn from, if any
  int universe = 0;   // kPartition: how many nodes it was drawn over
  std::string node;   // kKill .. kUngarbleKv
  KvCutMode cut_mode = KvCutMode::kBoth;  // kCutKv
  // One line for traces and the fault log, e.g.
  //   "partition majority: n0 ignores [n2], n1 ignores [n2], n2 ignores [n0
  //   n1]" "partition that cuts nothing (minority-third of 3 nodes)"
  std::string Describe() const;
};

// The partition shapes Maelstrom's nemesis draws from, in Jepsen's order
// (jepsen nemesis/combined.clj partition-specs; Maelstrom's db is no
// db/Primary, so :primaries is not among them).
enum class PartitionSpec { kOne, kMinorityThird, kMajority, kMajoritiesRing };
absl::string_view PartitionSpecName(PartitionSpec spec);
// jepsen nemesis/combined.clj grudge, over `nodes` (in the test's order):
//   kOne            complete-grudge (split-one nodes): a rand-nth loner
//   kMinorityThird  complete-grudge (split-at (minority-third n) (shuffle
//                   nodes)), minority-third(n) = floor((n-1)/3): cuts nothing
//                   for n <= 3
//   kMajority       complete-grudge (bisect (shuffle nodes)): the first
//                   floor(n/2) of the shuffle against the rest
//   kMajoritiesRing majorities-ring (jepsen nemesis.clj): for n <= 5
//                   majorities-ring-perfect (shuffle into a ring; each window
//                   of majority(n) = floor(n/2)+1 consecutive nodes makes its
//                   middle node drop everyone outside it), else
//                   majorities-ring-stochastic (link least-connected nodes
//                   until each reaches a majority, then invert-grudge)
// Receivers that drop nobody are left out of the result.
Grudge MakeGrudge(PartitionSpec spec, const std::vector<std::string>& nodes,
                  Prng& prng);
// jepsen nemesis.clj complete-grudge of two components: every node in `a`
// ignores every node in `b`, and vice versa.
Grudge CompleteGrudge(const std::vector<std::string>& a,
                      const std::vector<std::string>& b);
// Whether a grudge drops any message at all.
bool CutsSomething(const Grudge& grudge);

class Nemesis {
 public:
  // Maelstrom's --nemesis partition (jepsen nemesis/combined.clj
  // partition-package): start-partition with a rand-nth spec, then
  // stop-partition, alternately; each op after a wait uniform in
  // [0, 2*interval) (generator.clj stagger), the first at `start`.
  static Nemesis Partition(std::vector<std::string> nodes,
                           absl::Duration interval, absl::Time start);
  // EXTENSIONS. One node down/paused/cut at a time per nemesis.
  static Nemesis Kill(std::vector<std::string> nodes, absl::Duration interval,
                      absl::Time start);
  // Pauses last uniform [min, max]; keep max well under the clients' 5 s.
  static Nemesis Pause(std::vector<std::string> nodes, absl::Duration interval,
                       absl::Duration min_pause, absl::Duration max_pause,
                       absl::Time start);
  static Nemesis KvCut(std::vector<std::string> nodes, absl::Duration interval,
                       absl::Time start);
  // A node's KV replies garbled (sim/maelstrom/kv_garble.h) for a stretch
  // uniform in [0, 2*interval), then sound for another.
  static Nemesis KvGarble(std::vector<std::string> nodes,
                          absl::Duration interval, absl::Time start);

  absl::Time next_at() const { return next_at_; }
  FaultAction Fire(absl::Time now, Prng& prng);
  // The action that undoes the active fault, if any; stops the schedule.
  absl::optional<FaultAction> Heal();
  const std::string& name() const { return name_; }
  bool active() const { return active_; }  // a fault is in force

 private:
  using StartFn = std::function<FaultAction(Prng&)>;
  Nemesis(std::string name, std::vector<std::string> nodes,
          absl::Duration interval, absl::Time first);

  FaultAction Stop() const;
  absl::Duration OnDuration(Prng& prng) const;

  std::string name_;
  std::vector<std::string> nodes_;
  absl::Duration interval_;
  absl::Time next_at_;
  bool active_ = false;
  bool stopped_ = false;
  FaultAction current_;
  StartFn start_;
  // Set for pauses: how long the fault stays on (else [0, 2*interval)).
  absl::optional<std::pair<absl::Duration, absl::Duration>> on_range_;
};

}  // namespace sim

#endif  // SIM_MAELSTROM_NEMESIS_H_
