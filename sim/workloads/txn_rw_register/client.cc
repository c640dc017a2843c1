#include "sim/workloads/txn_rw_register/client.h"

#include "absl/strings/str_cat.h"
#include "kvclient/errors.h"

namespace workloads {
namespace txn_rw_register {

using kvclient::Json;

std::string TxnText(const sim::HistoryEvent& e) {
  const Json& v = e.value;
  if (!v.is_array()) return sim::FormatValue(v);
  std::string out;
  for (const Json& mop : v) {
    if (!mop.is_array() || mop.size() != 3 || !mop[0].is_string())
      return sim::FormatValue(v);
    const std::string f = mop[0].get<std::string>();
    std::string value = sim::FormatValue(mop[2]);
    if (mop[2].is_null())
      value = f == "r" && e.type != sim::EventType::kOk ? "?" : "nil";
    const std::string key = mop[1].is_string() ? mop[1].get<std::string>()
                                               : sim::FormatValue(mop[1]);
    absl::StrAppend(&out, out.empty() ? "" : " ", f, key, "=", value);
  }
  return out;
}

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

sim::ClientStep TxnClient::Invoke(const sim::Op& op) {
  // (txn! conn node {:txn (kw->str value)})
  return sim::ClientStep::Send(Json{{"type", "txn"}, {"txn", op.value}});
}

sim::ClientStep TxnClient::OnReply(const sim::Op& /*op*/, const Json& body) {
  if (kvclient::BodyType(body) == "error") {
    // client.clj throw-errors!, before the schema; with-errors op #{}.
    return sim::WithErrors(/*idempotent=*/false, &body);
  }
  const std::string why = CheckTxnReply(body);
  if (!why.empty()) {
    return sim::ClientStep::Info(absl::StrCat(
        "indeterminate: Malformed RPC response. Expected a txn_ok body; ", why,
        ": ", body.dump()));
  }
  return sim::ClientStep::Ok(body["txn"]);  // (assoc op :type :ok :value ...)
}

sim::ClientStep TxnClient::OnTimeout(const sim::Op& /*op*/) {
  return sim::WithErrors(/*idempotent=*/false, nullptr);
}

}  // namespace txn_rw_register
}  // namespace workloads
