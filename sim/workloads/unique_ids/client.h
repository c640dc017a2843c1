// Maelstrom's unique-ids client (maelstrom workload/unique_ids.clj:
// defrpc generate!, client invoke!):
//
//   request  {"type":"generate", "msg_id":n}
//   reply    {"type":"generate_ok", "id":<any JSON>, "in_reply_to":n}
//            (+ an optional integer msg_id; any other key is malformed)
//
//   Complete(op, {"type":"generate_ok","id":"n1-7","in_reply_to":3})
//       == {kOk, value "n1-7"}
//
// The :ok value is the id. with-errors with no idempotent :f. The client
// is client/Reusable: after an :info the thread keeps its client (and
// client id), unlike the other workloads.
#ifndef SIM_WORKLOADS_UNIQUE_IDS_CLIENT_H_
#define SIM_WORKLOADS_UNIQUE_IDS_CLIENT_H_

#include <cstdint>

#include "kvclient/message.h"
#include "sim/jepsen/gen_op.h"
#include "sim/jepsen/maelstrom_client.h"

namespace sim {
namespace unique_ids {

inline constexpr char kGenerate[] = "generate";  // the :f
inline constexpr bool kClientReusable = true;

const jepsen::ReplySchema& GenerateOkSchema();

kvclient::Json RequestBody(const jepsen::GenOp& op, int64_t msg_id);

jepsen::Completion Complete(const jepsen::GenOp& op,
                            const kvclient::Json& reply);
jepsen::Completion CompleteTimeout(const jepsen::GenOp& op);

}  // namespace unique_ids
}  // namespace sim

#endif  // SIM_WORKLOADS_UNIQUE_IDS_CLIENT_H_
