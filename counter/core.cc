#include "counter/core.h"

#include "counter/node.h"
#include "kvclient/assert.h"
#include "kvclient/errors.h"

namespace counter {

absl::string_view DisseminationName(Dissemination dissemination) {
  switch (dissemination) {
    case Dissemination::kAuto: return "auto";
    case Dissemination::kPeerKeys: return "peer-keys";
    case Dissemination::kSummary: return "summary";
    case Dissemination::kPush: return "push";
  }
  return "auto";
}

absl::optional<Dissemination> ParseDissemination(absl::string_view name) {
  for (Dissemination d : {Dissemination::kAuto, Dissemination::kPeerKeys,
                          Dissemination::kSummary, Dissemination::kPush}) {
    if (DisseminationName(d) == name) return d;
  }
  return absl::nullopt;
}

Admission AdmitRequest(const kvclient::Json& body, bool initialized,
                       bool allow_negative) {
  Admission admission;
  absl::optional<int64_t> msg_id = kvclient::MsgId(body);
  if (!msg_id.has_value()) {
    admission.ignored = true;
  } else if (!initialized) {
    admission.error =
        kvclient::ErrorBody(kvclient::ErrorCode::kTemporarilyUnavailable,
                            msg_id, "not initialized yet");
  } else {
    auto parsed = kvclient::ParseCounterRequest(body, allow_negative);
    if (const auto* e = absl::get_if<kvclient::RequestError>(&parsed)) {
      admission.error = kvclient::ErrorBody(e->code, msg_id, e->text);
    } else {
      admission.request = absl::get<kvclient::CounterRequest>(parsed);
    }
  }
  MC_ASSERT(int{admission.ignored} + int{admission.request.has_value()} +
                    int{admission.error.has_value()} ==
                1,
            "a request is served, refused or ignored: exactly one");
  return admission;
}

bool KvServiceCanHoldCounter(absl::string_view service) {
  return service == "seq-kv" || service == "lin-kv";
}

std::unique_ptr<Core> MakeCore(const Options& options) {
  return std::make_unique<Node>(options);
}

}  // namespace counter
