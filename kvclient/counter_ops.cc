#include "kvclient/counter_ops.h"

#include "absl/strings/str_cat.h"
#include "kvclient/assert.h"

namespace kvclient {
namespace {

std::string Compact(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

RequestError Malformed(std::string text) {
  return RequestError{ErrorCode::kMalformedRequest, std::move(text)};
}

// True when every key of `body` is in `allowed`.
bool OnlyKeys(const Json& body, std::initializer_list<const char*> allowed,
              std::string* extra) {
  for (auto it = body.begin(); it != body.end(); ++it) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || it.key() == a;
    if (!ok) {
      *extra = it.key();
      return false;
    }
  }
  return true;
}

}  // namespace

absl::variant<CounterRequest, RequestError> ParseCounterRequest(
    const Json& body, bool allow_negative) {
  absl::string_view type = BodyType(body);
  if (type == "read") return CounterRequest{CounterOp::kRead, 0};
  if (type != "add") {
    return RequestError{
        ErrorCode::kNotSupported,
        absl::StrCat("unsupported message type \"", type, "\"")};
  }
  auto delta = body.find("delta");
  if (delta == body.end()) return Malformed("add needs an integer delta");
  if (!IsInt64(*delta)) {
    return Malformed(absl::StrCat(
        "delta must be an integer that fits int64, got ", Compact(*delta)));
  }
  int64_t d = delta->get<int64_t>();
  if (d < 0 && !allow_negative) {
    return Malformed(absl::StrCat(
        "delta must be >= 0 in a g-counter (got ", d,
        "); start the node with --pn_counter to accept negative deltas"));
  }
  MC_ASSERT(allow_negative || d >= 0, "a g-counter add is never negative");
  return CounterRequest{CounterOp::kAdd, d};
}

absl::variant<InitRequest, RequestError> ParseInitRequest(const Json& body) {
  auto id = body.find("node_id");
  auto ids = body.find("node_ids");
  if (id == body.end() || !id->is_string() ||
      id->get_ref<const std::string&>().empty()) {
    return Malformed("init needs a non-empty string node_id");
  }
  if (ids == body.end() || !ids->is_array()) {
    return Malformed("init needs an array node_ids");
  }
  InitRequest init;
  init.node_id = id->get<std::string>();
  bool self_listed = false;
  for (const Json& n : *ids) {
    if (!n.is_string() || n.get_ref<const std::string&>().empty()) {
      return Malformed("node_ids must all be non-empty strings");
    }
    init.node_ids.push_back(n.get<std::string>());
    self_listed = self_listed || init.node_ids.back() == init.node_id;
  }
  if (!self_listed) {
    return Malformed(
        absl::StrCat("node_ids does not contain node_id ", init.node_id));
  }
  MC_ASSERT(!init.node_ids.empty() && !init.node_id.empty(),
            "an accepted init names its node, and lists it");
  return init;
}

Json AddRequestBody(int64_t delta, int64_t msg_id) {
  return {{"type", "add"}, {"delta", delta}, {"msg_id", msg_id}};
}
Json ReadRequestBody(int64_t msg_id) {
  return {{"type", "read"}, {"msg_id", msg_id}};
}
Json AddOkBody(int64_t in_reply_to) {
  return {{"type", "add_ok"}, {"in_reply_to", in_reply_to}};
}
Json ReadOkBody(int64_t value, int64_t in_reply_to) {
  return {{"type", "read_ok"}, {"value", value}, {"in_reply_to", in_reply_to}};
}
Json InitOkBody(int64_t in_reply_to) {
  return {{"type", "init_ok"}, {"in_reply_to", in_reply_to}};
}

namespace {
CounterReply CheckCounterReplyUnchecked(CounterOp op, const Json& body);
}  // namespace

CounterReply CheckCounterReply(CounterOp op, const Json& body) {
  CounterReply r = CheckCounterReplyUnchecked(op, body);
  MC_ASSERT(r.kind != CounterReply::kMalformed || !r.text.empty(),
            "a malformed reply is reported with the reason");
  MC_ASSERT(
      r.kind != CounterReply::kOk ||
          BodyType(body) == (op == CounterOp::kAdd ? "add_ok" : "read_ok"),
      "only the reply type the request expects is ok");
  return r;
}

namespace {
CounterReply CheckCounterReplyUnchecked(CounterOp op, const Json& body) {
  CounterReply r;
  absl::string_view type = BodyType(body);
  std::string extra;
  if (type == "error") {
    auto code = body.find("code");
    if (code == body.end() || !IsInt64(*code)) {
      r.text = "error reply without an integer code";
      return r;
    }
    r.kind = CounterReply::kError;
    r.code = code->get<int64_t>();
    auto text = body.find("text");
    if (text != body.end() && text->is_string())
      r.text = text->get<std::string>();
    return r;
  }
  if (op == CounterOp::kAdd) {
    if (type != "add_ok") {
      r.text = absl::StrCat("expected add_ok, got \"", type, "\"");
    } else if (!OnlyKeys(body, {"type", "in_reply_to", "msg_id"}, &extra)) {
      r.text = absl::StrCat("add_ok has unexpected key \"", extra, "\"");
    } else {
      r.kind = CounterReply::kOk;
    }
    return r;
  }
  auto value = body.find("value");
  if (type != "read_ok") {
    r.text = absl::StrCat("expected read_ok, got \"", type, "\"");
  } else if (!OnlyKeys(body, {"type", "in_reply_to", "msg_id", "value"},
                       &extra)) {
    r.text = absl::StrCat("read_ok has unexpected key \"", extra, "\"");
  } else if (value == body.end() || !IsInt64(*value)) {
    r.text = absl::StrCat("read_ok value must be an integer, got ",
                          value == body.end() ? "nothing" : Compact(*value));
  } else {
    r.kind = CounterReply::kOk;
    r.value = value->get<int64_t>();
  }
  return r;
}

}  // namespace

}  // namespace kvclient
