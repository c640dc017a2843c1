// The only way the shared driver (sim/driver/driver.h) touches the nodes under
// test. Two implementations: the simulator's in-process counter cores in
// virtual time (sim/world.cc) and the harness's child processes on the wall
// clock (testing/harness.cc). Like a quinn-proto / etcd-raft style sans-I/O
// core, the driver decides WHAT happens to a node and WHEN; the host only does
// it.
//
//   class Cores : public sim::NodeHost {
//     void Deliver(int node, const kvclient::Message& m, int64_t id, absl::Time
//     now) override {
//       cores_[node]->Step(m, now);  // ... then hand the output back:
//       for (const auto& out : cores_[node]->TakeReady().messages)
//       driver_->OnNodeMessage(node, out, now);
//     }
//     ...
//   };
//
// The driver calls these only in a state that makes sense: Deliver, Pause
// and Kill only for a node that is up; Restart only for a killed one;
// Resume only for a paused one. A host may call back into the driver
// (OnNodeMessage/OnNodeLine) from inside Deliver and Resume.
#ifndef SIM_DRIVER_NODE_HOST_H_
#define SIM_DRIVER_NODE_HOST_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "kvclient/message.h"

namespace sim {

class NodeHost {
 public:
  virtual ~NodeHost() = default;

  // Hands `message` to node `node` (an index into DriverConfig::nodes): a
  // line on its stdin carrying Maelstrom's message `id`, or a Step of its
  // core. A paused node receives it when it resumes.
  virtual void Deliver(int node, const kvclient::Message& message, int64_t id,
                       absl::Time now) = 0;
  // EXTENSION faults. Kill: the node stops at once and loses its memory
  // (SIGKILL / the core is dropped). Restart: a fresh node with the same id;
  // false when it could not be started (the driver then fails the run).
  // Pause/Resume: SIGSTOP/SIGCONT, or the core stops being stepped.
  virtual void Kill(int node, absl::Time now) = 0;
  virtual bool Restart(int node, absl::Time now) = 0;
  virtual void Pause(int node, absl::Time now) = 0;
  virtual void Resume(int node, absl::Time now) = 0;
  // Extra words for an error about this node (e.g. the tail of its stderr).
  virtual std::string Diagnose(int /*node*/) { return ""; }
};

}  // namespace sim

#endif  // SIM_DRIVER_NODE_HOST_H_
