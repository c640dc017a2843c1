#include "kvclient/errors.h"

#include <string>

#include "kvclient/assert.h"

namespace kvclient {

bool IsDefinite(int64_t code) {
  switch (code) {
    case 1:
    case 10:
    case 11:
    case 12:
    case 14:
    case 20:
    case 21:
    case 22:
    case 30: return true;
    default: return false;
  }
}

absl::string_view ErrorName(int64_t code) {
  switch (code) {
    case 0: return "timeout";
    case 1: return "node-not-found";
    case 10: return "not-supported";
    case 11: return "temporarily-unavailable";
    case 12: return "malformed-request";
    case 13: return "crash";
    case 14: return "abort";
    case 20: return "key-does-not-exist";
    case 21: return "key-already-exists";
    case 22: return "precondition-failed";
    case 30: return "txn-conflict";
    default: return "unknown";
  }
}

Json ErrorBody(ErrorCode code, absl::optional<int64_t> in_reply_to,
               absl::string_view text) {
  MC_ASSERT(
      ErrorName(static_cast<int64_t>(code)) != "unknown",
      "we only send error codes Maelstrom defines: ", static_cast<int>(code));
  Json body = {{"type", "error"},
               {"code", static_cast<int>(code)},
               {"text", std::string(text)}};
  if (in_reply_to.has_value()) body["in_reply_to"] = *in_reply_to;
  return body;
}

}  // namespace kvclient
