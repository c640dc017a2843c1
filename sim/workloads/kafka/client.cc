#include "sim/workloads/kafka/client.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "kvclient/assert.h"
#include "kvclient/errors.h"

namespace kafka {

using kvclient::Json;

namespace {

// schema.core/Int: a JSON integer.
bool IsInt(const Json& j) { return j.is_number_integer(); }

// {Key Offset}: an object of integers (keys are always strings in JSON).
std::string CheckOffsets(const Json& j) {
  if (!j.is_object()) return "offsets is not a map of keys to offsets";
  for (const auto& [k, v] : j.items()) {
    if (!IsInt(v))
      return absl::StrCat("offset of key ", k, " is not an integer");
  }
  return "";
}

// {Key [[Offset Msg]]}
std::string CheckMsgs(const Json& j) {
  if (!j.is_object()) return "msgs is not a map of keys to messages";
  for (const auto& [k, pairs] : j.items()) {
    if (!pairs.is_array())
      return absl::StrCat("msgs of key ", k, " is not a list");
    for (const auto& p : pairs) {
      if (!p.is_array() || p.size() != 2 || !IsInt(p[0])) {
        return absl::StrCat(
            "msgs of key ", k,
            " has an element that is not [offset, msg]: ", p.dump());
      }
    }
  }
  return "";
}

}  // namespace

std::string CheckReply(const std::string& type, const Json& body) {
  if (!body.is_object()) return "the body is not a map";
  if (!body.contains("type") || body["type"] != type) {
    return absl::StrCat("type is not \"", type, "\"");
  }
  if (!body.contains("in_reply_to") || !IsInt(body["in_reply_to"])) {
    return "in_reply_to is missing or not an integer";
  }
  if (body.contains("msg_id") && !IsInt(body["msg_id"])) {
    return "msg_id is not an integer";
  }
  std::vector<std::string> fields;
  if (type == "send_ok") fields = {"offset"};
  if (type == "poll_ok") fields = {"msgs"};
  if (type == "list_committed_offsets_ok") fields = {"offsets"};
  for (const auto& [k, v] : body.items()) {
    if (k == "type" || k == "in_reply_to" || k == "msg_id") continue;
    if (std::find(fields.begin(), fields.end(), k) == fields.end()) {
      return absl::StrCat(k, " is disallowed (the schema is a closed map)");
    }
  }
  for (const auto& f : fields) {
    if (!body.contains(f)) return absl::StrCat(f, " is missing");
  }
  if (type == "send_ok" && !IsInt(body["offset"])) {
    return "offset is not an integer";
  }
  if (type == "poll_ok") return CheckMsgs(body["msgs"]);
  if (type == "list_committed_offsets_ok") return CheckOffsets(body["offsets"]);
  return "";
}

KafkaClient::Step KafkaClient::Done(sim::EventType type, Json value,
                                    std::string error) {
  stage_ = Stage::kIdle;
  Step s;
  s.done = Completion{type, std::move(value), std::move(error)};
  return s;
}

// client.clj with-errors: :fail when the error is definite or the op is
// idempotent (assign), else :info; the op keeps its invocation's value.
KafkaClient::Step KafkaClient::Fail(const std::string& error, bool definite) {
  const bool idempotent = op_.f == "assign";
  return Done(
      definite || idempotent ? sim::EventType::kFail : sim::EventType::kInfo,
      op_.value, error);
}

KafkaClient::Step KafkaClient::Start(const KafkaOp& op) {
  MC_ASSERT(stage_ == Stage::kIdle, "a Maelstrom client does one op at a time");
  op_ = op;
  Step s;
  if (op.f == "crash") return Done(sim::EventType::kInfo, op.value, "");
  if (op.f == "assign") {
    if (op.seek_to_beginning) {
      offsets_.clear();
      for (const auto& k : op.value) offsets_[k.get<std::string>()] = 0;
      return Done(sim::EventType::kOk, op.value, "");
    }
    stage_ = Stage::kListCommitted;
    s.request = Json{{"type", "list_committed_offsets"}, {"keys", op.value}};
    return s;
  }
  if (op.f == "poll") {
    stage_ = Stage::kPoll;
    Json offsets = Json::object();
    for (const auto& [k, o] : offsets_) offsets[k] = o;
    s.request = Json{{"type", "poll"}, {"offsets", offsets}};
    return s;
  }
  MC_ASSERT(op.f == "send" && op.value.is_array() && op.value.size() == 1 &&
                op.value[0].size() == 3,
            "kafka ops are send, poll, assign or crash; got ", op.f, " ",
            op.value.dump());
  stage_ = Stage::kSend;
  s.request =
      Json{{"type", "send"}, {"key", op.value[0][1]}, {"msg", op.value[0][2]}};
  return s;
}

KafkaClient::Step KafkaClient::OnReply(const Json& body) {
  MC_ASSERT(stage_ != Stage::kIdle, "a reply with no request outstanding");
  if (body.is_object() && body.value("type", Json()) == "error") {
    // client.clj throw-errors!: before any schema check.
    const Json code = body.value("code", Json());
    const int64_t c = kvclient::IsInt64(code) ? code.get<int64_t>() : -1;
    const Json text = body.value("text", Json());
    return Fail(
        absl::StrCat(kvclient::ErrorName(c), ": ",
                     text.is_string() ? text.get<std::string>() : text.dump()),
        kvclient::IsDefinite(c));
  }
  const char* expected = "";
  switch (stage_) {
    case Stage::kListCommitted: expected = "list_committed_offsets_ok"; break;
    case Stage::kPoll: expected = "poll_ok"; break;
    case Stage::kCommit: expected = "commit_offsets_ok"; break;
    case Stage::kSend: expected = "send_ok"; break;
    case Stage::kIdle: break;
  }
  const std::string why = CheckReply(expected, body);
  if (!why.empty()) {
    // Not caught by with-errors: the interpreter's :info.
    return Done(
        sim::EventType::kInfo, op_.value,
        absl::StrCat("indeterminate: Malformed RPC response. ", "Expected a ",
                     expected, " body; ", why, ": ", body.dump()));
  }
  switch (stage_) {
    case Stage::kListCommitted: {
      std::map<std::string, int64_t> next;
      for (const auto& k : op_.value) {
        const std::string key = k.get<std::string>();
        auto local = offsets_.find(key);
        if (local != offsets_.end()) {
          next[key] = local->second;
        } else if (body["offsets"].contains(key)) {
          next[key] = body["offsets"][key].get<int64_t>();
        } else {
          next[key] = 0;
        }
      }
      offsets_ = std::move(next);
      return Done(sim::EventType::kOk, op_.value, "");
    }
    case Stage::kPoll: {
      polled_ = body["msgs"];
      Json commit = Json::object();
      for (const auto& [k, pairs] : polled_.items()) {
        int64_t max = -1;
        for (const auto& p : pairs) {
          const int64_t o = p[0].get<int64_t>();
          max = std::max(max, o);
          // txn-offsets: (max (get offsets k 0) offset)
          commit[k] = std::max(commit.value(k, int64_t{0}), o);
        }
        auto [it, fresh] = offsets_.emplace(k, max + 1);
        if (!fresh) it->second = std::max(it->second, max + 1);
      }
      if (commit.empty()) {
        return Done(sim::EventType::kOk,
                    Json::array({Json::array({"poll", polled_})}), "");
      }
      stage_ = Stage::kCommit;
      Step s;
      s.request = Json{{"type", "commit_offsets"}, {"offsets", commit}};
      return s;
    }
    case Stage::kCommit:
      return Done(sim::EventType::kOk,
                  Json::array({Json::array({"poll", polled_})}), "");
    case Stage::kSend:
      return Done(sim::EventType::kOk,
                  Json::array({Json::array(
                      {"send", op_.value[0][1],
                       Json::array({body["offset"], op_.value[0][2]})})}),
                  "");
    case Stage::kIdle: break;
  }
  MC_ASSERT(false, "unreachable");
  return {};
}

KafkaClient::Step KafkaClient::OnTimeout() {
  MC_ASSERT(stage_ != Stage::kIdle, "a timeout with no request outstanding");
  return Fail("net-timeout", /*definite=*/false);
}

}  // namespace kafka
