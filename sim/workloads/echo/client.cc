#include "sim/workloads/echo/client.h"

#include "kvclient/assert.h"

namespace sim {
namespace echo {

using kvclient::Json;

namespace {
constexpr jepsen::ClientRules kRules{jepsen::ErrorHandling::kWithErrors,
                                     /*idempotent=*/false};
}  // namespace

const jepsen::ReplySchema& EchoOkSchema() {
  static const auto* schema =
      new jepsen::ReplySchema{"echo_ok", {{"echo", jepsen::FieldSchema::kAny}}};
  return *schema;
}

Json RequestBody(const jepsen::GenOp& op, int64_t msg_id) {
  MC_ASSERT(op.f == kEcho, "the echo client only sends echo, not ", op.f);
  return {{"type", "echo"}, {"echo", op.value}, {"msg_id", msg_id}};
}

jepsen::Completion Complete(const jepsen::GenOp& op, const Json& reply) {
  if (auto c =
          jepsen::CompleteUnlessOk(EchoOkSchema(), op.value, reply, kRules)) {
    return *c;
  }
  return {EventType::kOk, reply, ""};  // (assoc op :type :ok, :value res)
}

jepsen::Completion CompleteTimeout(const jepsen::GenOp& op) {
  return jepsen::CompleteTimeout(op.value, kRules);
}

}  // namespace echo
}  // namespace sim
