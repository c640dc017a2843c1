#include "sim/workloads/g_set/client.h"

#include "kvclient/assert.h"

namespace sim {
namespace g_set {

using kvclient::Json;

namespace {

constexpr jepsen::ClientRules kRules{jepsen::ErrorHandling::kNone,
                                     /*idempotent=*/false};

void AssertKnown(const jepsen::GenOp& op) {
  MC_ASSERT(op.f == kAdd || op.f == kRead, "g-set ops are add or read, not ",
            op.f);
}

}  // namespace

const jepsen::ReplySchema& AddOkSchema() {
  static const auto* schema = new jepsen::ReplySchema{"add_ok", {}};
  return *schema;
}

const jepsen::ReplySchema& ReadOkSchema() {
  static const auto* schema = new jepsen::ReplySchema{
      "read_ok", {{"value", jepsen::FieldSchema::kArray}}};
  return *schema;
}

Json RequestBody(const jepsen::GenOp& op, int64_t msg_id) {
  AssertKnown(op);
  if (op.f == kRead) return {{"type", "read"}, {"msg_id", msg_id}};
  return {{"type", "add"}, {"element", op.value}, {"msg_id", msg_id}};
}

jepsen::Completion Complete(const jepsen::GenOp& op, const Json& reply) {
  AssertKnown(op);
  const bool read = op.f == kRead;
  if (auto c = jepsen::CompleteUnlessOk(read ? ReadOkSchema() : AddOkSchema(),
                                        op.value, reply, kRules)) {
    return *c;
  }
  // add: (assoc op :type :ok); read: (:value (read ...)) as the value.
  return {EventType::kOk, read ? reply.at("value") : op.value, ""};
}

jepsen::Completion CompleteTimeout(const jepsen::GenOp& op) {
  AssertKnown(op);
  return jepsen::CompleteTimeout(op.value, kRules);
}

}  // namespace g_set
}  // namespace sim
