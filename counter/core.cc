#include "counter/core.h"

#include "counter/baseline.h"
#include "counter/node.h"
#include "kvclient/errors.h"

namespace counter {

absl::string_view StrategyName(Strategy strategy) {
  return strategy == Strategy::kBaseline ? "baseline" : "own-keys";
}

absl::optional<Strategy> ParseStrategy(absl::string_view name) {
  for (Strategy s : {Strategy::kOwnKeys, Strategy::kBaseline}) {
    if (StrategyName(s) == name) return s;
  }
  return absl::nullopt;
}

absl::string_view DisseminationName(Dissemination dissemination) {
  switch (dissemination) {
    case Dissemination::kAuto: return "auto";
    case Dissemination::kPeerKeys: return "peer-keys";
    case Dissemination::kSummary: return "summary";
  }
  return "auto";
}

absl::optional<Dissemination> ParseDissemination(absl::string_view name) {
  for (Dissemination d : {Dissemination::kAuto, Dissemination::kPeerKeys,
                          Dissemination::kSummary}) {
    if (DisseminationName(d) == name) return d;
  }
  return absl::nullopt;
}

absl::string_view BugName(Bug bug) {
  switch (bug) {
    case Bug::kNone: return "none";
    case Bug::kStaleRead: return "stale-read";
    case Bug::kAckBeforeDurable: return "ack-before-durable";
    case Bug::kDoubleCountRetry: return "double-count-retry";
    case Bug::kForgetOnRestart: return "forget-on-restart";
    case Bug::kMergeByTotal: return "merge-by-total";
  }
  return "none";
}

absl::optional<Bug> ParseBug(absl::string_view name) {
  for (Bug bug : {Bug::kNone, Bug::kStaleRead, Bug::kAckBeforeDurable,
                  Bug::kDoubleCountRetry, Bug::kForgetOnRestart,
                  Bug::kMergeByTotal}) {
    if (BugName(bug) == name) return bug;
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
  return admission;
}

std::unique_ptr<Core> MakeCore(const Options& options) {
  if (options.strategy == Strategy::kBaseline) {
    return std::make_unique<Baseline>(options);
  }
  return std::make_unique<Node>(options);
}

}  // namespace counter
