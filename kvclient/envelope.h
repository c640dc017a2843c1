// What a message line names even when it is not valid JSON: its sender, its
// destination and its body's msg_id, so that a line the codec refuses can
// still be answered with Maelstrom's error 12 (malformed request).
//
//   absl::optional<Envelope> e = ScanEnvelope(
//       R"({"src":"c1","dest":"n1","body":{"type":"read","msg_id":7,)"
//       R"("x":"\ud800"}})");
//   *e->src == "c1";  *e->msg_id_text == "7";  e->body_is_object;
//   ReplyableMsgId("7") == Json(7);  ReplyableMsgId("7.5") == nullopt
//
// The scan is JSON's grammar with what makes nlohmann (and RFC 8259) refuse
// a line tolerated: inside strings any bytes (invalid UTF-8, raw control
// bytes and NUL) and any \u escape (lone surrogates); numbers of any size
// (1e400, a 400-digit delta); control bytes (NUL included) between tokens.
// Anything else that breaks the structure (a line cut short, two objects on
// one line, a missing comma) makes the line name nothing: a msg_id cut short
// ("7" of "75") would answer the wrong request. Iterative, so nesting of any
// depth costs no stack; linear in the line.
//
// Pure: no I/O, no global state.
#ifndef KVCLIENT_ENVELOPE_H_
#define KVCLIENT_ENVELOPE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "kvclient/message.h"

namespace kvclient {

struct Envelope {
  // Set only for a string that decodes to valid UTF-8 (a reply can be
  // addressed to it). For repeated keys, the last one counts, as in
  // nlohmann.
  absl::optional<std::string> src;
  absl::optional<std::string> dest;
  bool body_is_object = false;
  bool has_in_reply_to = false;  // body.in_reply_to is present: a reply
  // body.msg_id exactly as written: "7", "9223372036854775808", "7.5",
  // "\"7\"", "null".
  absl::optional<std::string> msg_id_text;
};

// nullopt when the line is not a JSON object even under the tolerances.
absl::optional<Envelope> ScanEnvelope(absl::string_view line);

// The in_reply_to a reply to `msg_id_text` can carry: an integer as JSON
// writes it (no leading zeros; "-0" is 0), within int64 or uint64 (Json
// keeps 2^63 .. 2^64-1 exactly). nullopt for anything else (7.5, 7.0, 1e3,
// "7", 007, integers beyond 64 bits):
// Maelstrom's client matches a reply with Clojure `=` on the msg_id it sent
// (client.clj `recv!`: `(not= target-msg-id (:in_reply_to (:body msg)))`),
// which is always an integer from its own counter; an integer equals an
// integer of any width, never a float, so only an exact integer can match.
absl::optional<Json> ReplyableMsgId(absl::string_view msg_id_text);

}  // namespace kvclient

#endif  // KVCLIENT_ENVELOPE_H_
