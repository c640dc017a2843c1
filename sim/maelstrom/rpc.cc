#include "sim/maelstrom/rpc.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kvclient/assert.h"
#include "kvclient/errors.h"
#include "sim/maelstrom/clojure_print.h"
#include "sim/maelstrom/edn.h"
#include "sim/maelstrom/node_line.h"

namespace sim {
namespace {

using kvclient::Json;

// s/Int: clojure's integer? (a JSON integer of any size; 1.0 is not one).
// Beyond 64 bits a BigInteger, held as node_line.h's marker.
bool IsInt(const Json& v) { return IsClojureInteger(v); }

// One field against its schema: "" when it conforms, else the error value
// as plumatic prints it.
std::string FieldError(const Json* v, FieldSchema schema) {
  if (v == nullptr) return "missing-required-key";
  if (schema == FieldSchema::kArray && !v->is_array() && !v->is_null()) {
    return absl::StrCat("(not (sequential? ", ClojurePrStr(*v), "))");
  }
  return "";
}

// Jepsen's :error when an exception escapes (interpreter.clj run!).
ClientStep Indeterminate(absl::string_view message) {
  return ClientStep::Info(absl::StrCat("indeterminate: ", message));
}

// (pr-str {:type :rpc-error ...}), slingshot's default throw+ message.
std::string RpcErrorObject(const Json& body) {
  auto code = body.find("code");
  // (get @error-registry code): only an integer the registry lists.
  const bool listed = code != body.end() && kvclient::IsInt64(*code) &&
                      kvclient::ErrorName(code->get<int64_t>()) != "unknown";
  const int64_t n = listed ? code->get<int64_t>() : -1;
  Edn object = Edn::Map();
  object.Put("type", Edn::Keyword("rpc-error"))
      .Put("code", code == body.end() ? Edn::Nil() : Edn::FromJson(*code))
      .Put("name", Edn::Keyword(listed ? kvclient::ErrorName(n) : "unknown"))
      .Put("definite?", Edn::Bool(listed && kvclient::IsDefinite(n)))
      .Put("body", Edn::FromJson(body));
  return object.Print();
}

}  // namespace

absl::optional<std::string> CheckReply(const ReplySchema& schema,
                                       const Json& body) {
  MC_ASSERT(body.is_object(), "a message body is always an object");
  std::vector<std::string> errors;
  auto add = [&](absl::string_view key, const std::string& error) {
    if (!error.empty()) errors.push_back(absl::StrCat(":", key, " ", error));
  };
  auto find = [&](const std::string& key) -> const Json* {
    auto it = body.find(key);
    return it == body.end() ? nullptr : &*it;
  };
  const Json* type = find("type");
  if (type == nullptr) {
    add("type", "missing-required-key");
  } else if (*type != schema.type) {
    add("type", absl::StrCat("(not (= \"", schema.type, "\" ",
                             ClojurePrStr(*type), "))"));
  }
  for (const auto& [name, field] : schema.fields) {
    add(name, FieldError(find(name), field));
  }
  const Json* msg_id = find("msg_id");
  if (msg_id != nullptr && !IsInt(*msg_id)) {
    add("msg_id", absl::StrCat("(not (integer? ", ClojurePrStr(*msg_id), "))"));
  }
  const Json* in_reply_to = find("in_reply_to");
  if (in_reply_to == nullptr) {
    add("in_reply_to", "missing-required-key");
  } else if (!IsInt(*in_reply_to)) {
    add("in_reply_to",
        absl::StrCat("(not (integer? ", ClojurePrStr(*in_reply_to), "))"));
  }
  for (auto it = body.begin(); it != body.end(); ++it) {
    bool known =
        it.key() == "type" || it.key() == "msg_id" || it.key() == "in_reply_to";
    for (const auto& field : schema.fields)
      known = known || it.key() == field.first;
    if (!known) add(it.key(), "disallowed-key");
  }
  if (errors.empty()) return absl::nullopt;
  return absl::StrCat("{", absl::StrJoin(errors, ", "), "}");
}

absl::optional<ClientStep> UnlessOk(const ReplySchema& schema,
                                    const Json& reply, ErrorHandling errors,
                                    bool idempotent) {
  if (kvclient::BodyType(reply) == "error") {
    if (errors == ErrorHandling::kWithErrors)
      return WithErrors(idempotent, &reply);
    return Indeterminate(absl::StrCat("throw+: ", RpcErrorObject(reply)));
  }
  if (absl::optional<std::string> why = CheckReply(schema, reply)) {
    return Indeterminate(
        absl::StrCat("Malformed RPC response. ... but instead received\n\n",
                     ClojurePrStr(reply), "\n\nThis is malformed because:\n\n",
                     *why, "\n\nSee doc/protocol.md for more guidance."));
  }
  return absl::nullopt;
}

ClientStep RpcTimeout(ErrorHandling errors, bool idempotent) {
  if (errors == ErrorHandling::kWithErrors)
    return WithErrors(idempotent, nullptr);
  return Indeterminate("Client read timeout");
}

}  // namespace sim
