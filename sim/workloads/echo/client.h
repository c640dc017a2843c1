// Maelstrom's echo client (maelstrom workload/echo.clj: defrpc echo!,
// client invoke!), both ends of its one RPC:
//
//   request  {"type":"echo", "echo":<the op's value>, "msg_id":n}
//   reply    {"type":"echo_ok", "echo":<any>, "in_reply_to":n} (+ an
//            optional integer msg_id; any other key is malformed)
//
//   RequestBody({"echo", "Please echo 7"}, 3)
//       == {"type":"echo","echo":"Please echo 7","msg_id":3}
//   Complete(op, {"type":"echo_ok","echo":"Please echo 7","in_reply_to":3})
//       == {kOk, value: the whole reply body}
//
// The :ok value is the entire reply body (the checker compares its "echo"
// with the request's). Errors go through with-errors with no idempotent
// :f: a timeout is :info :net-timeout, a definite error code :fail. The
// client is not Reusable: after an :info the thread opens a new client.
#ifndef SIM_WORKLOADS_ECHO_CLIENT_H_
#define SIM_WORKLOADS_ECHO_CLIENT_H_

#include <cstdint>

#include "kvclient/message.h"
#include "sim/jepsen/gen_op.h"
#include "sim/jepsen/maelstrom_client.h"

namespace sim {
namespace echo {

inline constexpr char kEcho[] = "echo";  // the :f
inline constexpr bool kClientReusable = false;

const jepsen::ReplySchema& EchoOkSchema();

kvclient::Json RequestBody(const jepsen::GenOp& op, int64_t msg_id);

// The completion for the reply to `op`'s request (an echo_ok, an error or
// anything else), and for no reply within jepsen::kRpcTimeoutMs.
jepsen::Completion Complete(const jepsen::GenOp& op,
                            const kvclient::Json& reply);
jepsen::Completion CompleteTimeout(const jepsen::GenOp& op);

}  // namespace echo
}  // namespace sim

#endif  // SIM_WORKLOADS_ECHO_CLIENT_H_
