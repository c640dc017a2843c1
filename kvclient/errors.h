// Maelstrom's error codes (resources/errors.edn) and whether each is definite:
// a definite error promises the operation did not happen; an indefinite one (0
// timeout, 13 crash, any unknown code) leaves it open.
//
// Example:
//   ErrorBody(ErrorCode::kMalformedRequest, 7, "delta must be >= 0")
//     == {"type":"error","in_reply_to":7,"code":12,"text":"delta must be >= 0"}
//   IsDefinite(12) == true;  IsDefinite(0) == false;  IsDefinite(99) == false
#ifndef KVCLIENT_ERRORS_H_
#define KVCLIENT_ERRORS_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "kvclient/message.h"

namespace kvclient {

enum class ErrorCode : int {
  kTimeout = 0,
  kNodeNotFound = 1,
  kNotSupported = 10,
  kTemporarilyUnavailable = 11,
  kMalformedRequest = 12,
  kCrash = 13,
  kAbort = 14,
  kKeyDoesNotExist = 20,
  kKeyAlreadyExists = 21,
  kPreconditionFailed = 22,
  kTxnConflict = 30,
};

bool IsDefinite(int64_t code);
// "timeout", "key-does-not-exist", ...; "unknown" for codes Maelstrom lacks.
absl::string_view ErrorName(int64_t code);

// An error reply body. `in_reply_to` is omitted when nullopt.
Json ErrorBody(ErrorCode code, absl::optional<int64_t> in_reply_to,
               absl::string_view text);

}  // namespace kvclient

#endif  // KVCLIENT_ERRORS_H_
