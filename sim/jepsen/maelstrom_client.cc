#include "sim/jepsen/maelstrom_client.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kvclient/assert.h"
#include "kvclient/errors.h"
#include "sim/clojure_print.h"
#include "sim/jepsen/clojure_value.h"

namespace sim {
namespace jepsen {
namespace {

using kvclient::Json;

// s/Int: clojure's integer? (a JSON integer of any size; 1.0 is not one).
bool IsInt(const Json& v) { return v.is_number_integer(); }

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
std::string Indeterminate(absl::string_view message) {
  return Edn::String(absl::StrCat("indeterminate: ", message)).Print();
}

// (pr-str {:type :rpc-error ...}), slingshot's default throw+ message.
std::string RpcErrorObject(const Json& body, absl::string_view name,
                           bool definite) {
  const Json* code = body.contains("code") ? &body.at("code") : nullptr;
  Edn object = Edn::Map();
  object.Put("type", Edn::Keyword("rpc-error"))
      .Put("code", code == nullptr ? Edn::Nil() : JsonToEdn(*code))
      .Put("name", Edn::Keyword(name))
      .Put("definite?", Edn::Bool(definite))
      .Put("body", JsonToEdn(body, Keys::kKeywordsAtTop));
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

Completion CompleteTimeout(const Json& value, ClientRules rules) {
  Completion c;
  c.value = value;
  if (rules.errors == ErrorHandling::kNone) {
    c.type = EventType::kInfo;
    c.error = Indeterminate("Client read timeout");
    return c;
  }
  c.type = rules.idempotent ? EventType::kFail : EventType::kInfo;
  c.error = ":net-timeout";
  return c;
}

Completion CompleteError(const Json& value, const Json& error_body,
                         ClientRules rules) {
  MC_ASSERT(kvclient::BodyType(error_body) == "error",
            "CompleteError takes error replies");
  // (get @error-registry code): only an integer the registry lists.
  auto code = error_body.find("code");
  const bool listed = code != error_body.end() && kvclient::IsInt64(*code) &&
                      kvclient::ErrorName(code->get<int64_t>()) != "unknown";
  const int64_t n = listed ? code->get<int64_t>() : -1;
  const absl::string_view name = listed ? kvclient::ErrorName(n) : "unknown";
  const bool definite = listed && kvclient::IsDefinite(n);
  Completion c;
  c.value = value;
  if (rules.errors == ErrorHandling::kNone) {
    c.type = EventType::kInfo;
    c.error = Indeterminate(
        absl::StrCat("throw+: ", RpcErrorObject(error_body, name, definite)));
    return c;
  }
  c.type = definite || rules.idempotent ? EventType::kFail : EventType::kInfo;
  auto text = error_body.find("text");
  c.error =
      Edn::Vector({Edn::Keyword(name),
                   text == error_body.end() ? Edn::Nil() : JsonToEdn(*text)})
          .Print();
  return c;
}

Completion CompleteMalformed(const Json& value, const Json& body,
                             absl::string_view why) {
  Completion c;
  c.type = EventType::kInfo;
  c.value = value;
  c.error = Indeterminate(
      absl::StrCat("Malformed RPC response. ... but instead received\n\n",
                   ClojurePrStr(body), "\n\nThis is malformed because:\n\n",
                   why, "\n\nSee doc/protocol.md for more guidance."));
  return c;
}

absl::optional<Completion> CompleteUnlessOk(const ReplySchema& schema,
                                            const Json& value,
                                            const Json& reply,
                                            ClientRules rules) {
  if (kvclient::BodyType(reply) == "error") {
    return CompleteError(value, reply, rules);
  }
  if (absl::optional<std::string> why = CheckReply(schema, reply)) {
    return CompleteMalformed(value, reply, *why);
  }
  return absl::nullopt;
}

}  // namespace jepsen
}  // namespace sim
