#include "sim/workloads/unique_ids/client.h"

#include "kvclient/assert.h"

namespace sim {
namespace unique_ids {

using kvclient::Json;

namespace {
constexpr jepsen::ClientRules kRules{jepsen::ErrorHandling::kWithErrors,
                                     /*idempotent=*/false};
}  // namespace

const jepsen::ReplySchema& GenerateOkSchema() {
  static const auto* schema = new jepsen::ReplySchema{
      "generate_ok", {{"id", jepsen::FieldSchema::kAny}}};
  return *schema;
}

Json RequestBody(const jepsen::GenOp& op, int64_t msg_id) {
  MC_ASSERT(op.f == kGenerate, "unique-ids only sends generate, not ", op.f);
  return {{"type", "generate"}, {"msg_id", msg_id}};
}

jepsen::Completion Complete(const jepsen::GenOp& op, const Json& reply) {
  if (auto c = jepsen::CompleteUnlessOk(GenerateOkSchema(), op.value, reply,
                                        kRules)) {
    return *c;
  }
  return {EventType::kOk, reply.at("id"), ""};  // (:id (generate! ...))
}

jepsen::Completion CompleteTimeout(const jepsen::GenOp& op) {
  return jepsen::CompleteTimeout(op.value, kRules);
}

}  // namespace unique_ids
}  // namespace sim
