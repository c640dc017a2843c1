// The g-counter / pn-counter workload's RPCs (Maelstrom workload/g_counter.clj,
// pn_counter.clj), for both ends. A node parses requests with
// ParseCounterRequest; Maelstrom's clients (the simulator and harness) build
// requests and check replies strictly, as Maelstrom does: an extra key or a
// non-integer value makes a reply malformed.
//
// Example:
//   ParseCounterRequest({"type":"add","delta":3,"msg_id":1},
//   /*allow_negative=*/false)
//     → CounterRequest{kAdd, delta=3}
//   ParseCounterRequest({"type":"add","delta":-1,"msg_id":1}, false)
//     → error 12 "delta must be >= 0 in a g-counter (got -1)"
//   CheckCounterReply(kRead, {"type":"read_ok","value":3.0,"in_reply_to":1})
//     → kMalformed ("value must be an integer")
#ifndef KVCLIENT_COUNTER_OPS_H_
#define KVCLIENT_COUNTER_OPS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/variant.h"
#include "kvclient/errors.h"
#include "kvclient/message.h"

namespace kvclient {

enum class CounterOp { kAdd, kRead };

struct InitRequest {
  std::string node_id;
  std::vector<std::string> node_ids;
};

// A request a counter node accepts. For kAdd, `delta` is set.
struct CounterRequest {
  CounterOp op = CounterOp::kRead;
  int64_t delta = 0;
};

// Why a request is rejected, and the error code to reply with.
struct RequestError {
  ErrorCode code;
  std::string text;
};

// Parses "add"/"read". Unknown type → 10; missing or wrong-typed field or a
// negative delta when !allow_negative → 12.
absl::variant<CounterRequest, RequestError> ParseCounterRequest(
    const Json& body, bool allow_negative);

// Parses "init": node_id a non-empty string, node_ids an array of non-empty
// strings containing it; error 12 otherwise.
absl::variant<InitRequest, RequestError> ParseInitRequest(const Json& body);

Json AddRequestBody(int64_t delta, int64_t msg_id);
Json ReadRequestBody(int64_t msg_id);
Json AddOkBody(int64_t in_reply_to);
Json ReadOkBody(int64_t value, int64_t in_reply_to);
Json InitOkBody(int64_t in_reply_to);

// Client side: how a reply to an add or read turned out.
struct CounterReply {
  enum Kind { kOk, kError, kMalformed } kind = kMalformed;
  int64_t value = 0;  // read_ok's value
  int64_t code = 0;   // error code
  std::string text;   // error text, or why the reply is malformed
};
CounterReply CheckCounterReply(CounterOp op, const Json& body);

}  // namespace kvclient

#endif  // KVCLIENT_COUNTER_OPS_H_
