#include "counter/baseline.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "kvclient/counter_ops.h"
#include "kvclient/errors.h"

namespace counter {
namespace {

using kvclient::ErrorCode;
using kvclient::Json;
using kvclient::KvError;
using kvclient::KvOk;

constexpr char kKey[] = "counter";

}  // namespace

Baseline::Baseline(Options options)
    : options_(std::move(options)),
      rpcs_(/*first_msg_id=*/1, /*capacity=*/options_.max_pending_adds) {}

void Baseline::Step(const kvclient::Message& message, absl::Time now) {
  if (node_id_.empty()) reply_as_ = message.dest;
  if (message.src == options_.kv_service &&
      kvclient::InReplyTo(message.body).has_value()) {
    HandleKvReply(message, now);
  } else if (!kvclient::InReplyTo(message.body).has_value()) {
    HandleRequest(message, now);
  }
  Tick(now);
}

void Baseline::Tick(absl::Time now) {
  for (const Call& call : rpcs_.Expire(now)) {
    ++stats_.kv_timeouts;
    auto it = ops_.find(call.op);
    if (it == ops_.end()) continue;
    if (call.stage == Stage::kCas || !it->second.is_add) {
      // A lost cas may have landed: never retry it, answer indefinitely.
      Finish(call.op,
             kvclient::ErrorBody(ErrorCode::kTimeout, it->second.msg_id,
                                 "seq-kv did not answer"));
    } else {
      Send(call.op, Stage::kRead, kvclient::KvRead{kKey}, now);
    }
  }
  for (auto it = ops_.begin(); it != ops_.end();) {
    int64_t id = it->first;
    bool late = it->second.deadline <= now;
    ++it;
    if (late) {
      Finish(id, kvclient::ErrorBody(ErrorCode::kTimeout, ops_[id].msg_id,
                                     "gave up before the client does"));
    }
  }
}

Ready Baseline::TakeReady() {
  ready_.wake_at = rpcs_.NextDeadline();
  for (const auto& [id, op] : ops_) {
    if (!ready_.wake_at.has_value() || op.deadline < *ready_.wake_at) {
      ready_.wake_at = op.deadline;
    }
  }
  Ready out = std::move(ready_);
  ready_ = Ready();
  return out;
}

// Every read asks seq-kv, so there is no value to answer without a round trip.
absl::optional<int64_t> Baseline::ReadValue() const { return absl::nullopt; }

void Baseline::HandleRequest(const kvclient::Message& message, absl::Time now) {
  absl::optional<int64_t> msg_id = kvclient::MsgId(message.body);
  if (kvclient::BodyType(message.body) == "init") {
    auto init = kvclient::ParseInitRequest(message.body);
    if (const auto* e = absl::get_if<kvclient::RequestError>(&init)) {
      Reply(message.src, kvclient::ErrorBody(e->code, msg_id, e->text));
      return;
    }
    if (node_id_.empty())
      node_id_ = absl::get<kvclient::InitRequest>(init).node_id;
    if (msg_id.has_value()) Reply(message.src, kvclient::InitOkBody(*msg_id));
    return;
  }
  Admission admission =
      AdmitRequest(message.body, !node_id_.empty(), options_.allow_negative);
  if (admission.error.has_value()) {
    Reply(message.src, *std::move(admission.error));
    return;
  }
  if (!admission.request.has_value()) return;  // no msg_id: nothing to answer
  const kvclient::CounterRequest& request = *admission.request;
  if (ops_.size() >= options_.max_pending_adds || rpcs_.full()) {
    // Bound on ops_ and on the RPC table (an op has one request in flight,
    // and each later one replaces an answered or expired one; a finished
    // op's last request may linger until its reply or kv_timeout): refused
    // before anything was sent, so definite.
    Reply(message.src,
          kvclient::ErrorBody(ErrorCode::kTemporarilyUnavailable, msg_id,
                              "too many operations in progress; not "
                              "applied, try again"));
    return;
  }
  int64_t id = next_op_++;
  bool is_add = request.op == kvclient::CounterOp::kAdd;
  ops_[id] = Op{message.src, *msg_id, is_add, request.delta,
                now + options_.add_deadline};
  if (is_add) {
    Send(id, Stage::kRead, kvclient::KvRead{kKey}, now);
  } else {
    std::string value =
        absl::StrCat(absl::Hex(options_.incarnation), ".", next_sync_++);
    Send(id, Stage::kSync,
         kvclient::KvWrite{absl::StrCat("sync/", node_id_), value}, now);
  }
}

void Baseline::HandleKvReply(const kvclient::Message& message, absl::Time now) {
  absl::optional<Call> call =
      rpcs_.Complete(*kvclient::InReplyTo(message.body));
  if (!call.has_value() || ops_.count(call->op) == 0) return;
  kvclient::KvReply reply = kvclient::ParseKvReply(call->request, message.body);
  switch (call->stage) {
    case Stage::kSync:
      Send(call->op, Stage::kRead, kvclient::KvRead{kKey}, now);
      break;
    case Stage::kRead: OnRead(call->op, reply, now); break;
    case Stage::kCas:
      if (absl::holds_alternative<KvOk>(reply)) {
        Finish(call->op, kvclient::AddOkBody(ops_[call->op].msg_id));
      } else {
        OnCas(call->op, reply, now);
      }
      break;
  }
}

void Baseline::OnRead(int64_t op, const kvclient::KvReply& reply,
                      absl::Time now) {
  int64_t value = 0;
  if (const auto* ok = absl::get_if<KvOk>(&reply)) {
    if (!kvclient::IsInt64(ok->value)) {
      Finish(op, kvclient::ErrorBody(ErrorCode::kCrash, ops_[op].msg_id,
                                     "counter key holds a non-integer"));
      return;
    }
    value = ok->value.get<int64_t>();
  } else if (absl::get<KvError>(reply).code !=
             static_cast<int64_t>(ErrorCode::kKeyDoesNotExist)) {
    Send(op, Stage::kRead, kvclient::KvRead{kKey}, now);
    return;
  }
  const Op& o = ops_[op];
  if (!o.is_add) {
    Finish(op, kvclient::ReadOkBody(value, o.msg_id));
    return;
  }
  int64_t to = 0;
  if (__builtin_add_overflow(value, o.delta, &to)) {
    Finish(op, kvclient::ErrorBody(ErrorCode::kMalformedRequest, o.msg_id,
                                   "delta would overflow the counter"));
    return;
  }
  Send(op, Stage::kCas, kvclient::KvCas{kKey, value, to, true}, now, value);
}

void Baseline::OnCas(int64_t op, const kvclient::KvReply& reply,
                     absl::Time now) {
  const auto& error = absl::get<KvError>(reply);
  if (kvclient::IsDefinite(error.code)) {
    Send(op, Stage::kRead, kvclient::KvRead{kKey}, now);  // lost the race
  } else {
    Finish(op, kvclient::ErrorBody(ErrorCode::kTimeout, ops_[op].msg_id,
                                   "cas outcome unknown"));
  }
}

void Baseline::Send(int64_t op, Stage stage, kvclient::KvRequest request,
                    absl::Time now, int64_t expected) {
  ++stats_.kv_requests;
  Json body = kvclient::EncodeKvRequest(request, 0);
  body["msg_id"] = rpcs_.Start(now + options_.kv_timeout,
                               Call{op, stage, std::move(request), expected});
  ready_.messages.push_back(
      kvclient::Message{node_id_, options_.kv_service, std::move(body)});
}

void Baseline::Finish(int64_t op, Json body) {
  auto it = ops_.find(op);
  if (it == ops_.end()) return;
  if (kvclient::BodyType(body) == "add_ok") ++stats_.adds_acked;
  Reply(it->second.client, std::move(body));
  ops_.erase(it);
}

void Baseline::Reply(const std::string& to, Json body) {
  ready_.messages.push_back(kvclient::Message{
      node_id_.empty() ? reply_as_ : node_id_, to, std::move(body)});
}

}  // namespace counter
