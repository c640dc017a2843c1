// Maelstrom's wire format: one JSON object per line with `src`, `dest` and
// `body` (an optional numeric `id` is tolerated, as in Maelstrom net.clj's
// schema).
//
// Example:
//   absl::StatusOr<Message> m = ParseMessage(
//       R"({"src":"c1","dest":"n0","body":{"type":"read","msg_id":7}})");
//   m->body["type"] == "read";  BodyType(m->body) == "read";
//   EncodeMessage(*m) ==
//   R"({"body":{"msg_id":7,"type":"read"},"dest":"n0","src":"c1"})"
//
// Pure: no I/O, no global state.
#ifndef KVCLIENT_MESSAGE_H_
#define KVCLIENT_MESSAGE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "nlohmann/json.hpp"

namespace kvclient {

using Json = nlohmann::json;

struct Message {
  std::string src;
  std::string dest;
  Json body = Json::object();  // always an object
};

bool operator==(const Message& a, const Message& b);
inline bool operator!=(const Message& a, const Message& b) { return !(a == b); }

// Parses one line. Rejects (InvalidArgument, with a message that says why):
// invalid JSON, a non-object, missing or non-string `src`/`dest`, a missing or
// non-object `body`, a non-string `body.type`, a non-integer `msg_id` or
// `in_reply_to`, a non-integer top-level `id`, any other top-level key, and
// arrays/objects nested deeper than 100 levels (they would overflow the stack
// when copied or encoded).
absl::StatusOr<Message> ParseMessage(absl::string_view line);

// Compact single-line JSON (no trailing newline). Never throws: invalid UTF-8
// in strings is replaced with U+FFFD.
std::string EncodeMessage(const Message& message);

// Body accessors. They never throw; a missing or wrong-typed field is nullopt.
absl::string_view BodyType(const Json& body);  // "" when absent
absl::optional<int64_t> MsgId(const Json& body);
absl::optional<int64_t> InReplyTo(const Json& body);

// True when `j` is a JSON integer (signed or unsigned) that fits int64_t.
bool IsInt64(const Json& j);

// Client ids look like "c12"; node ids "n3"; services are named, e.g. "seq-kv".
bool IsClientId(absl::string_view id);

}  // namespace kvclient

#endif  // KVCLIENT_MESSAGE_H_
