// Maelstrom's g-set client (maelstrom workload/g_set.clj: defrpc add!,
// read; client invoke!):
//
//   add   {"type":"add", "element":<value>, "msg_id":n}
//         -> {"type":"add_ok", "in_reply_to":n}
//   read  {"type":"read", "msg_id":n}
//         -> {"type":"read_ok", "value":[...], "in_reply_to":n}
// (the read reply's key is "value", not "elements" as the docstring says;
// every reply may add an integer msg_id; any other key is malformed;
// "value" may be null, which reads as empty).
//
//   Complete({"read"}, {"type":"read_ok","value":[0,3],"in_reply_to":2})
//       == {kOk, value [0,3]}
//
// This client has NO with-errors: an error reply, a timeout and a
// malformed reply all escape to Jepsen's interpreter, so the op is :info
// (never :fail), with :error "indeterminate: <the exception's message>".
// Not Reusable.
#ifndef SIM_WORKLOADS_G_SET_CLIENT_H_
#define SIM_WORKLOADS_G_SET_CLIENT_H_

#include <cstdint>

#include "kvclient/message.h"
#include "sim/jepsen/gen_op.h"
#include "sim/jepsen/maelstrom_client.h"

namespace sim {
namespace g_set {

inline constexpr char kAdd[] = "add";  // the :fs
inline constexpr char kRead[] = "read";
inline constexpr bool kClientReusable = false;

const jepsen::ReplySchema& AddOkSchema();
const jepsen::ReplySchema& ReadOkSchema();

kvclient::Json RequestBody(const jepsen::GenOp& op, int64_t msg_id);

jepsen::Completion Complete(const jepsen::GenOp& op,
                            const kvclient::Json& reply);
jepsen::Completion CompleteTimeout(const jepsen::GenOp& op);

}  // namespace g_set
}  // namespace sim

#endif  // SIM_WORKLOADS_G_SET_CLIENT_H_
