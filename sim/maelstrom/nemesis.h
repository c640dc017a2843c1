// Fault schedules as pure state machines: Maelstrom's nemesis (maelstrom
// src/maelstrom/nemesis.clj package -> jepsen nemesis/combined.clj
// compose-packages of partition-package and db-package: --nemesis
// partition as in v0.2.4, kill and pause as in Maelstrom main, unreleased)
// and, as EXTENSIONS with their own schedule, crash/restart, stalls,
// seq-kv cuts and garbled KV replies (sim/maelstrom/kv_garble.h).
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
// bounded duration (stalls). The partition nemesis starts at t0 exactly.
//
// Maelstrom's nemesis as a whole is a NemesisPackage (below): the partition
// schedule plus the db schedule (kill/start, pause/resume), each staggered
// on its own, combined as gen/any combines them, and its final generator.
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
    // EXTENSIONS --nemesis crash / stall: one node.
    kKill,
    kRestart,
    kPause,
    kResume,
    kCutKv,
    kRestoreKv,
    kGarbleKv,
    kUngarbleKv,
    // Maelstrom main's db nemesis (nemesis/combined.clj db-nemesis): :kill,
    // :start, :pause, :resume on the nodes `nodes`, drawn from `shape`.
    kKillNodes,
    kStartNodes,
    kPauseNodes,
    kResumeNodes,
  };
  Kind kind = kHeal;
  Grudge grudge;  // kPartition
  // kPartition: the spec it was drawn from, if any. k*Nodes: the node spec
  // (the op's :value): "all", "one", ..., "" for nil.
  std::string shape;
  int universe = 0;  // kPartition: how many nodes it was drawn over
  std::string node;  // kKill .. kUngarbleKv
  std::vector<std::string> nodes;  // k*Nodes: db-nodes' pick, in its order
  KvCutMode cut_mode = KvCutMode::kBoth;  // kCutKv
  // Jepsen's :f of a Maelstrom nemesis op ("start-partition", "kill", ...);
  // "" for the EXTENSION faults.
  std::string JepsenF() const;
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

// Jepsen nemesis/combined.clj node-specs for Maelstrom's db (no
// db/Primary), in that order: nil (a random non-empty subset), :one,
// :minority-third, :minority, :majority, :all.
enum class NodeSpec { kNil, kOne, kMinorityThird, kMinority, kMajority, kAll };
inline constexpr NodeSpec kNodeSpecs[] = {
    NodeSpec::kNil,      NodeSpec::kOne,      NodeSpec::kMinorityThird,
    NodeSpec::kMinority, NodeSpec::kMajority, NodeSpec::kAll};
// "" for nil, else the keyword's name: "one", "minority-third", ...
absl::string_view NodeSpecName(NodeSpec spec);
// nemesis/combined.clj db-nodes, over `nodes` in the test's order:
//   kNil            util.clj random-nonempty-subset: (take (inc (rand-int
//                   n)) (shuffle nodes))
//   kOne            (list (rand-nth nodes))
//   kMinority       (take (dec (majority n)) (shuffle nodes))
//   kMajority       (take (majority n) (shuffle nodes))
//   kMinorityThird  (take (minority-third n) (shuffle nodes)): none for n <= 3
//   kAll            nodes
std::vector<std::string> DbNodes(NodeSpec spec,
                                 const std::vector<std::string>& nodes,
                                 Prng& prng);

class Nemesis {
 public:
  // Maelstrom's --nemesis partition (jepsen nemesis/combined.clj
  // partition-package): start-partition with a rand-nth spec, then
  // stop-partition, alternately; each op after a wait uniform in
  // [0, 2*interval) (generator.clj stagger), the first at `start`.
  static Nemesis Partition(std::vector<std::string> nodes,
                           absl::Duration interval, absl::Time start);
  // EXTENSIONS. One node down/paused/cut at a time per nemesis.
  // --nemesis crash: kill one node, restart it after [0, 2*interval).
  static Nemesis Crash(std::vector<std::string> nodes, absl::Duration interval,
                       absl::Time start);
  // --nemesis stall: pause one node for uniform [min, max]; keep max well
  // under the clients' 5 s.
  static Nemesis Stall(std::vector<std::string> nodes, absl::Duration interval,
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

// Which of Maelstrom's faults --nemesis enabled (core.clj opt-spec).
struct MaelstromFaults {
  bool partition = false;
  bool kill = false;   // as Maelstrom main (unreleased)
  bool pause = false;  // as Maelstrom main (unreleased)
  bool any() const { return partition || kill || pause; }
};

// Maelstrom's nemesis generator: maelstrom nemesis.clj package =
// (nc/compose-packages [(nc/partition-package opts) (nc/db-package opts)])
// with {:interval --nemesis-interval, :faults --nemesis} (core.clj
// maelstrom-test), Jepsen 0.3.7 nemesis/combined.clj:
//   partition  (gen/stagger interval (gen/flip-flop start-partition
//              (repeat stop-partition))), start-partition's :value a
//              rand-nth of partition-specs (see Nemesis::Partition);
//   db         (gen/stagger interval (gen/mix modes)), modes the flip-flops
//              pause->resume (with :pause) and kill->start (with :kill), in
//              that order; :kill and :pause take a rand-nth of node-specs
//              as :value, :start and :resume take :all (db-generators);
//   together   (gen/any partition db): each schedule keeps its own stagger
//              (generator.clj Stagger: the first op as soon as the main
//              phase asks, each later op uniform [0, 2*interval) after the
//              previous one went out); the sooner op goes first, a tie is a
//              coin (soonest-op-map);
//   final      (keep :final-generator packages): :stop-partition, then
//              :resume :all, then :start :all, for the faults enabled.
// Fire returns the op with its targets resolved (db-nemesis invoke!: the
// nodes db-nodes picks; start-partition: the grudge). Randomness: one fork
// of `root` per schedule ("nemesis/partition", "nemesis/db") and one for
// the ties ("nemesis/any"), so enabling kill leaves the partitions' draws
// as they were.
//
//   sim::NemesisPackage p(nodes, {true, true, false}, absl::Seconds(10),
//                         root_prng);
//   p.Start(t0);
//   while (main phase) if (now >= p.next_at()) Apply(p.Fire(now));
//   for (const sim::FaultAction& a : p.FinalOps()) Apply(a);  // heal
class NemesisPackage {
 public:
  NemesisPackage(std::vector<std::string> nodes, MaelstromFaults faults,
                 absl::Duration interval, const Prng& root);

  // The main phase began at `t0`: both schedules' first ops are due then.
  void Start(absl::Time t0);
  // When the next op is due (InfiniteFuture before Start, or with no fault).
  absl::Time next_at() const;
  // The op due at `now` (requires now >= next_at()).
  FaultAction Fire(absl::Time now);
  // The final generator's ops, in order; stops both schedules.
  std::vector<FaultAction> FinalOps();

  // How many main-phase ops each schedule handed out (tests).
  int64_t partition_ops() const { return partition_ops_; }
  int64_t db_ops() const { return db_ops_; }

 private:
  FaultAction FireDb(absl::Time now);

  std::vector<std::string> nodes_;
  MaelstromFaults faults_;
  absl::Duration interval_;
  absl::optional<Nemesis> partition_;
  Prng partition_prng_;
  Prng db_prng_;
  Prng any_prng_;
  absl::Time db_next_at_ = absl::InfiniteFuture();
  bool kill_next_is_start_ = false;    // the kill->start flip-flop's position
  bool pause_next_is_resume_ = false;  // the pause->resume flip-flop's
  int64_t partition_ops_ = 0;
  int64_t db_ops_ = 0;
};

}  // namespace sim

#endif  // SIM_MAELSTROM_NEMESIS_H_
