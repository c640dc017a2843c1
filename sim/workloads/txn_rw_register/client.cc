#include "sim/workloads/txn_rw_register/client.h"

#include "absl/strings/str_cat.h"
#include "kvclient/errors.h"

namespace txn_rw_register {

using kvclient::Json;

Json TxnRequest(const Json& txn) { return Json{{"type", "txn"}, {"txn", txn}}; }

std::string CheckTxnReply(const Json& body) {
  if (!body.is_object()) return "the body is not a map";
  if (!body.contains("type") || body["type"] != "txn_ok") {
    return "type is not \"txn_ok\"";
  }
  if (!body.contains("in_reply_to") ||
      !body["in_reply_to"].is_number_integer()) {
    return "in_reply_to is missing or not an integer";
  }
  if (body.contains("msg_id") && !body["msg_id"].is_number_integer()) {
    return "msg_id is not an integer";
  }
  for (const auto& [k, v] : body.items()) {
    if (k != "type" && k != "in_reply_to" && k != "msg_id" && k != "txn") {
      return absl::StrCat(k, " is disallowed (the schema is a closed map)");
    }
  }
  if (!body.contains("txn") || !body["txn"].is_array()) {
    return "txn is missing or not a list";
  }
  for (const Json& mop : body["txn"]) {
    // (s/either ReadRes Write): exactly [f k v] with f "r" or "w".
    if (!mop.is_array() || mop.size() != 3 || !mop[0].is_string() ||
        (mop[0] != "r" && mop[0] != "w")) {
      return absl::StrCat("micro-op ", mop.dump(),
                          " is not [\"r\", k, v] or [\"w\", k, v]");
    }
  }
  return "";
}

Completion TxnCompletion(const Json& invocation, const Json& reply) {
  if (reply.is_object() && reply.value("type", Json()) == "error") {
    const Json code = reply.value("code", Json());
    const int64_t c = kvclient::IsInt64(code) ? code.get<int64_t>() : -1;
    const Json text = reply.value("text", Json());
    return {
        kvclient::IsDefinite(c) ? sim::EventType::kFail : sim::EventType::kInfo,
        invocation,
        absl::StrCat(kvclient::ErrorName(c), ": ",
                     text.is_string() ? text.get<std::string>() : text.dump())};
  }
  const std::string why = CheckTxnReply(reply);
  if (!why.empty()) {
    return {sim::EventType::kInfo, invocation,
            absl::StrCat("indeterminate: Malformed RPC response. Expected a "
                         "txn_ok body; ",
                         why, ": ", reply.dump())};
  }
  return {sim::EventType::kOk, reply["txn"], ""};
}

Completion TxnTimeout(const Json& invocation) {
  return {sim::EventType::kInfo, invocation, "net-timeout"};
}

}  // namespace txn_rw_register
