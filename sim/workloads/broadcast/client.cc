#include "sim/workloads/broadcast/client.h"

#include "absl/strings/str_cat.h"
#include "kvclient/assert.h"

namespace sim {
namespace broadcast {

using kvclient::Json;

namespace {

jepsen::ClientRules Rules(const jepsen::GenOp& op) {
  // (c/with-errors op #{:read} ...)
  return {jepsen::ErrorHandling::kWithErrors, /*idempotent=*/op.f == kRead};
}

void AssertKnown(const jepsen::GenOp& op) {
  MC_ASSERT(op.f == kBroadcast || op.f == kRead,
            "broadcast ops are broadcast or read, not ", op.f);
}

}  // namespace

const jepsen::ReplySchema& TopologyOkSchema() {
  static const auto* schema = new jepsen::ReplySchema{"topology_ok", {}};
  return *schema;
}

const jepsen::ReplySchema& BroadcastOkSchema() {
  static const auto* schema = new jepsen::ReplySchema{"broadcast_ok", {}};
  return *schema;
}

const jepsen::ReplySchema& ReadOkSchema() {
  static const auto* schema = new jepsen::ReplySchema{
      "read_ok", {{"messages", jepsen::FieldSchema::kArray}}};
  return *schema;
}

Json TopologyBody(const Topology& topology, int64_t msg_id) {
  return {{"type", "topology"},
          {"topology", TopologyJson(topology)},
          {"msg_id", msg_id}};
}

absl::optional<std::string> CheckTopologyReply(const Json& reply) {
  if (kvclient::BodyType(reply) == "error") {
    return absl::StrCat(
        "topology! got an error reply: ",
        reply.dump(-1, ' ', false, Json::error_handler_t::replace));
  }
  if (absl::optional<std::string> why =
          jepsen::CheckReply(TopologyOkSchema(), reply)) {
    return absl::StrCat("Malformed RPC response to topology: ", *why);
  }
  return absl::nullopt;
}

Json RequestBody(const jepsen::GenOp& op, int64_t msg_id) {
  AssertKnown(op);
  if (op.f == kRead) return {{"type", "read"}, {"msg_id", msg_id}};
  return {{"type", "broadcast"}, {"message", op.value}, {"msg_id", msg_id}};
}

jepsen::Completion Complete(const jepsen::GenOp& op, const Json& reply) {
  AssertKnown(op);
  const bool read = op.f == kRead;
  if (auto c =
          jepsen::CompleteUnlessOk(read ? ReadOkSchema() : BroadcastOkSchema(),
                                   op.value, reply, Rules(op))) {
    return *c;
  }
  // broadcast: (assoc op :type :ok); read: (:messages body) as the value.
  return {EventType::kOk, read ? reply.at("messages") : op.value, ""};
}

jepsen::Completion CompleteTimeout(const jepsen::GenOp& op) {
  AssertKnown(op);
  return jepsen::CompleteTimeout(op.value, Rules(op));
}

}  // namespace broadcast
}  // namespace sim
