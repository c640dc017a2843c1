#include "kvclient/kv.h"

#include "absl/strings/str_cat.h"
#include "kvclient/assert.h"
#include "kvclient/errors.h"

namespace kvclient {
namespace {

std::string Compact(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

const char* RequestType(const KvRequest& request) {
  switch (request.index()) {
    case 0: return "read";
    case 1: return "write";
    case 2: return "cas";
  }
  MC_ASSERT(false, "a KvRequest is a read, a write or a cas: index ",
            request.index());
  return "";
}

KvError BadReply(absl::string_view why, const Json& body) {
  KvError error{
      static_cast<int64_t>(ErrorCode::kCrash),
      absl::StrCat("malformed KV reply (", why, "): ", Compact(body))};
  MC_ASSERT(!IsDefinite(error.code),
            "a reply we cannot read must leave the outcome open");
  return error;
}

}  // namespace

Json EncodeKvRequest(const KvRequest& request, int64_t msg_id) {
  Json body = {{"type", RequestType(request)}, {"msg_id", msg_id}};
  if (const auto* r = absl::get_if<KvRead>(&request)) {
    body["key"] = r->key;
  } else if (const auto* w = absl::get_if<KvWrite>(&request)) {
    body["key"] = w->key;
    body["value"] = w->value;
  } else {
    const auto& c = absl::get<KvCas>(request);
    body["key"] = c.key;
    body["from"] = c.from;
    body["to"] = c.to;
    if (c.create_if_not_exists) body["create_if_not_exists"] = true;
  }
  return body;
}

absl::StatusOr<KvRequest> ParseKvRequest(const Json& body) {
  absl::string_view type = BodyType(body);
  auto field = [&](const char* name) -> const Json* {
    auto it = body.find(name);
    return it == body.end() ? nullptr : &*it;
  };
  const Json* key = field("key");
  if (type != "read" && type != "write" && type != "cas") {
    return absl::NotFoundError(
        absl::StrCat("unknown KV request type \"", type, "\""));
  }
  if (key == nullptr) return absl::InvalidArgumentError("missing key");
  if (type == "read") return KvRequest(KvRead{*key});
  if (type == "write") {
    const Json* value = field("value");
    if (value == nullptr) return absl::InvalidArgumentError("missing value");
    return KvRequest(KvWrite{*key, *value});
  }
  const Json* from = field("from");
  const Json* to = field("to");
  if (from == nullptr || to == nullptr) {
    return absl::InvalidArgumentError("cas needs from and to");
  }
  const Json* create = field("create_if_not_exists");
  bool create_flag =
      create != nullptr && create->is_boolean() && create->get<bool>();
  return KvRequest(KvCas{*key, *from, *to, create_flag});
}

KvReply ParseKvReply(const KvRequest& request, const Json& body) {
  absl::string_view type = BodyType(body);
  if (type == "error") {
    auto code = body.find("code");
    if (code == body.end() || !IsInt64(*code)) {
      return BadReply("error without integer code", body);
    }
    auto text = body.find("text");
    return KvError{code->get<int64_t>(), text != body.end() && text->is_string()
                                             ? text->get<std::string>()
                                             : std::string()};
  }
  if (type != absl::StrCat(RequestType(request), "_ok")) {
    return BadReply(absl::StrCat("expected ", RequestType(request), "_ok"),
                    body);
  }
  if (absl::holds_alternative<KvRead>(request)) {
    auto value = body.find("value");
    if (value == body.end()) return BadReply("read_ok without value", body);
    return KvOk{*value};
  }
  return KvOk{nullptr};
}

Json EncodeKvReply(const KvRequest& request, const KvReply& reply,
                   int64_t in_reply_to) {
  if (const auto* e = absl::get_if<KvError>(&reply)) {
    return {{"type", "error"},
            {"in_reply_to", in_reply_to},
            {"code", e->code},
            {"text", e->text}};
  }
  Json body = {{"type", absl::StrCat(RequestType(request), "_ok")},
               {"in_reply_to", in_reply_to}};
  if (absl::holds_alternative<KvRead>(request)) {
    body["value"] = absl::get<KvOk>(reply).value;
  }
  return body;
}

std::string DescribeKvRequest(const KvRequest& request) {
  if (const auto* r = absl::get_if<KvRead>(&request)) {
    return absl::StrCat("read ", Compact(r->key));
  }
  if (const auto* w = absl::get_if<KvWrite>(&request)) {
    return absl::StrCat("write ", Compact(w->key), " ", Compact(w->value));
  }
  const auto& c = absl::get<KvCas>(request);
  return absl::StrCat("cas ", Compact(c.key), " ", Compact(c.from), " -> ",
                      Compact(c.to), c.create_if_not_exists ? " (create)" : "");
}

}  // namespace kvclient
