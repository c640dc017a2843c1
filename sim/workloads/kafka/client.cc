#include "sim/workloads/kafka/client.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "kvclient/assert.h"
#include "kvclient/errors.h"

namespace workloads {
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

namespace {

// A key or message as people write it: strings bare, the rest as JSON.
std::string Plain(const Json& j) {
  return j.is_string() ? j.get<std::string>() : sim::FormatValue(j);
}

// One mop: ["send" k v] / ["send" k [offset v]] / ["poll"] /
// ["poll" {k [[offset v] ...]}]; false when it is none of these.
bool MopText(const Json& mop, std::string* out) {
  if (!mop.is_array() || mop.empty() || !mop[0].is_string()) return false;
  const std::string f = mop[0].get<std::string>();
  if (f == "send" && mop.size() == 3) {
    const Json& v = mop[2];
    const bool known = v.is_array() && v.size() == 2;
    absl::StrAppend(out, Plain(mop[1]), "@",
                    known ? sim::FormatValue(v[0]) : "?", "=",
                    Plain(known ? v[1] : v));
    return true;
  }
  if (f != "poll") return false;
  if (mop.size() == 1) return true;  // invoked: nothing learned yet
  if (mop.size() != 2 || !mop[1].is_object()) return false;
  const size_t start = out->size();
  for (const auto& [key, pairs] : mop[1].items()) {
    if (!pairs.is_array()) return false;
    for (const Json& p : pairs) {
      if (!p.is_array() || p.size() != 2) return false;
      absl::StrAppend(out, out->size() > start ? " " : "", key, "@",
                      sim::FormatValue(p[0]), "=", Plain(p[1]));
    }
  }
  if (out->size() == start) *out += "(nothing)";
  return true;
}

}  // namespace

std::string KafkaText(const sim::HistoryEvent& e) {
  const Json& v = e.value;
  if (e.f == "assign" && v.is_array()) {
    std::string out;
    for (const Json& k : v)
      absl::StrAppend(&out, out.empty() ? "" : " ", Plain(k));
    return out;
  }
  if (!v.is_array()) return sim::FormatValue(v);
  std::string out;
  for (const Json& mop : v) {
    if (!out.empty()) out += " ";
    if (!MopText(mop, &out)) return sim::FormatValue(v);
  }
  return out;
}

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

sim::ClientStep KafkaClient::Done(sim::ClientStep step) {
  stage_ = Stage::kIdle;
  return step;
}

sim::ClientStep KafkaClient::Invoke(const sim::Op& op) {
  MC_ASSERT(stage_ == Stage::kIdle, "a Maelstrom client does one op at a time");
  if (op.f == "crash")
    return sim::ClientStep::Info("");  // (assoc op :type :info)
  if (op.f == "assign") {
    auto seek = op.extra.find(kSeekToBeginning);
    if (seek != op.extra.end() && seek->second == true) {
      // (reset! offsets (zipmap value (repeat 0)))
      offsets_.clear();
      for (const Json& k : op.value) offsets_[k.get<std::string>()] = 0;
      return sim::ClientStep::Ok();
    }
    stage_ = Stage::kListCommitted;
    return sim::ClientStep::Send(
        Json{{"type", "list_committed_offsets"}, {"keys", op.value}});
  }
  if (op.f == "poll") {
    stage_ = Stage::kPoll;
    Json offsets = Json::object();
    for (const auto& [k, o] : offsets_) offsets[k] = o;
    return sim::ClientStep::Send(Json{{"type", "poll"}, {"offsets", offsets}});
  }
  MC_ASSERT(op.f == "send" && op.value.is_array() && op.value.size() == 1 &&
                op.value[0].size() == 3,
            "kafka ops are send, poll, assign or crash; got ", op.f, " ",
            op.value.dump());
  stage_ = Stage::kSend;
  return sim::ClientStep::Send(
      Json{{"type", "send"}, {"key", op.value[0][1]}, {"msg", op.value[0][2]}});
}

sim::ClientStep KafkaClient::OnReply(const sim::Op& op, const Json& body) {
  MC_ASSERT(stage_ != Stage::kIdle, "a reply with no request outstanding");
  if (kvclient::BodyType(body) == "error") {
    // client.clj throw-errors!, before any schema check; with-errors.
    return Done(sim::WithErrors(/*idempotent=*/op.f == "assign", &body));
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
    // Not caught by with-errors: Jepsen's interpreter records :info.
    return Done(sim::ClientStep::Info(
        absl::StrCat("indeterminate: Malformed RPC response. Expected a ",
                     expected, " body; ", why, ": ", body.dump())));
  }
  switch (stage_) {
    case Stage::kListCommitted: return OnOffsetsListed(op, body);
    case Stage::kPoll: return OnPolled(body);
    case Stage::kCommit:
      return Done(
          sim::ClientStep::Ok(Json::array({Json::array({"poll", polled_})})));
    case Stage::kSend:
      return Done(sim::ClientStep::Ok(Json::array(
          {Json::array({"send", op.value[0][1],
                        Json::array({body["offset"], op.value[0][2]})})})));
    case Stage::kIdle: break;
  }
  MC_ASSERT(false, "unreachable");
  return sim::ClientStep::Info("unreachable");
}

// Assigned keys keep their local offsets; the others start from the
// committed offset, or 0.
sim::ClientStep KafkaClient::OnOffsetsListed(const sim::Op& op,
                                             const Json& body) {
  std::map<std::string, int64_t> next;
  for (const Json& k : op.value) {
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
  return Done(sim::ClientStep::Ok());
}

// Every polled key advances past its highest offset; then the highest
// offsets are committed, or the poll is done if it got nothing.
sim::ClientStep KafkaClient::OnPolled(const Json& body) {
  polled_ = body["msgs"];
  Json commit = Json::object();
  for (const auto& [k, pairs] : polled_.items()) {
    int64_t max = -1;
    for (const Json& p : pairs) {
      const int64_t o = p[0].get<int64_t>();
      max = std::max(max, o);
      // txn-offsets: (max (get offsets k 0) offset)
      commit[k] = std::max(commit.value(k, int64_t{0}), o);
    }
    auto [it, fresh] = offsets_.emplace(k, max + 1);
    if (!fresh) it->second = std::max(it->second, max + 1);
  }
  if (commit.empty()) {
    return Done(
        sim::ClientStep::Ok(Json::array({Json::array({"poll", polled_})})));
  }
  stage_ = Stage::kCommit;
  return sim::ClientStep::Send(
      Json{{"type", "commit_offsets"}, {"offsets", commit}});
}

sim::ClientStep KafkaClient::OnTimeout(const sim::Op& op) {
  MC_ASSERT(stage_ != Stage::kIdle, "a timeout with no request outstanding");
  return Done(sim::WithErrors(/*idempotent=*/op.f == "assign", nullptr));
}

}  // namespace kafka
}  // namespace workloads
