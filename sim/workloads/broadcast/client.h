// Maelstrom's broadcast client (maelstrom workload/broadcast.clj: defrpc
// topology!, broadcast!, read; client setup! and invoke!):
//
//   setup     {"type":"topology", "topology":{node: [neighbours]}, "msg_id":1}
//             -> {"type":"topology_ok", "in_reply_to":1}
//   broadcast {"type":"broadcast", "message":<value>, "msg_id":n}
//             -> {"type":"broadcast_ok", "in_reply_to":n}
//   read      {"type":"read", "msg_id":n}
//             -> {"type":"read_ok", "messages":[...], "in_reply_to":n}
// (every reply may add an integer msg_id; any other key is malformed;
// "messages" may be null, which reads as empty).
//
//   Complete({"read"}, {"type":"read_ok","messages":[1,2],"in_reply_to":4})
//       == {kOk, value [1,2]}
//   Complete({"broadcast", 7}, {"type":"broadcast_ok","in_reply_to":5})
//       == {kOk, value 7}
//
// Setup (jepsen core.clj with-client+nemesis-setup-teardown): before the
// generator starts, one client per node sends that node the whole topology
// (each node gets the same map), in parallel, and waits for topology_ok (5
// s). setup! has no with-errors: an error reply, a malformed reply or a
// timeout throws and the Jepsen run aborts (cli.clj: exit 255).
// invoke!: with-errors with :read idempotent: a read that times out or gets
// any error is :fail; a broadcast times out as :info, fails on a definite
// error. Not Reusable.
#ifndef SIM_WORKLOADS_BROADCAST_CLIENT_H_
#define SIM_WORKLOADS_BROADCAST_CLIENT_H_

#include <cstdint>
#include <string>

#include "absl/types/optional.h"
#include "kvclient/message.h"
#include "sim/jepsen/gen_op.h"
#include "sim/jepsen/maelstrom_client.h"
#include "sim/workloads/broadcast/topology.h"

namespace sim {
namespace broadcast {

inline constexpr char kBroadcast[] = "broadcast";  // the :fs
inline constexpr char kRead[] = "read";
inline constexpr bool kClientReusable = false;

const jepsen::ReplySchema& TopologyOkSchema();
const jepsen::ReplySchema& BroadcastOkSchema();
const jepsen::ReplySchema& ReadOkSchema();

// The setup client's request to one node (its first message: msg_id 1).
kvclient::Json TopologyBody(const Topology& topology, int64_t msg_id);
// nullopt when `reply` is a topology_ok; else why Maelstrom's run aborts.
absl::optional<std::string> CheckTopologyReply(const kvclient::Json& reply);

kvclient::Json RequestBody(const jepsen::GenOp& op, int64_t msg_id);

jepsen::Completion Complete(const jepsen::GenOp& op,
                            const kvclient::Json& reply);
jepsen::Completion CompleteTimeout(const jepsen::GenOp& op);

}  // namespace broadcast
}  // namespace sim

#endif  // SIM_WORKLOADS_BROADCAST_CLIENT_H_
