// Fault schedules as pure state machines: Maelstrom's partition nemesis
// (spec §3) and, as EXTENSIONS, kill/restart, pause/resume and seq-kv cuts.
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
// Each nemesis alternates start and stop; the wait before each is uniform in
// [0, 2*interval) (Jepsen's stagger), except where a fault has its own
// bounded duration (pauses). The partition nemesis starts at t0 exactly.
#ifndef SIM_NEMESIS_H_
#define SIM_NEMESIS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "sim/network.h"
#include "sim/prng.h"

namespace sim {

struct FaultAction {
  enum Kind {
    kPartition, kHeal, kKill, kRestart, kPause, kResume, kCutKv, kRestoreKv
  };
  Kind kind = kHeal;
  Grudge grudge;             // kPartition
  std::string node;          // kKill .. kRestoreKv
  KvCutMode cut_mode = KvCutMode::kBoth;  // kCutKv
  std::string Describe() const;
};

// The four partition shapes Maelstrom draws from. `nodes` sorted; the result
// uses the shuffled order drawn from `prng`.
enum class PartitionSpec { kOne, kMajority, kMinorityThird, kMajoritiesRing };
absl::string_view PartitionSpecName(PartitionSpec spec);
Grudge MakeGrudge(PartitionSpec spec, const std::vector<std::string>& nodes,
                  Prng& prng);
// Every node in `a` ignores every node in `b`, and vice versa.
Grudge CompleteGrudge(const std::vector<std::string>& a,
                      const std::vector<std::string>& b);

class Nemesis {
 public:
  // Maelstrom's --nemesis partition.
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

#endif  // SIM_NEMESIS_H_
