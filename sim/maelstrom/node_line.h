// Maelstrom's acceptance of one line a node writes on stdout, exactly as
// Maelstrom v0.2.4 does it before a message enters its network:
//
//   1. process.clj stdout-thread: the bytes are decoded as UTF-8 (invalid
//      sequences become U+FFFD) and split into lines.
//   2. process.clj parse-msg: cheshire parses the FIRST JSON value of the line
//      (anything after it is never looked at); a line that is not JSON fails.
//   3. keywordize-keys-1 on the top level, then on :body: a JSON object keeps
//      its keys; null (and an absent body) becomes {}; an array becomes a map
//      of its [k v] pairs (Clojure's nth: missing parts are nil, a non-string
//      k becomes a nil key); "" becomes {}; anything else throws.
//   4. net.clj Message, via check-message: the CLOSED schema
//      {:src String, :dest String, :body Any, (optional :id) Int}; any other
//      top-level key, a non-string src/dest, or a non-integer id fails.
//
// The last check, net.clj validate-msg (src AND dest must be registered
// endpoints), needs the network's state and lives in the driver (see
// sim/driver/driver.h). Any failure is caught by process.clj's io-thread, which
// logs it and never reads that node's stdout again.
//
//   ParseNodeLine(R"({"src":"n1","dest":"c3","body":{"type":"read_ok","value":4,"in_reply_to":1}})")
//     -> Message{n1, c3, {...}}
//   ParseNodeLine(R"({"src":"n1","dest":"c3","body":{}} trailing text)")   ->
//   accepted ParseNodeLine(R"({"src":"n1","dest":"c3"})")      -> accepted,
//   body {} ParseNodeLine(R"({"src":"n1","dest":"c3","body":{},"extra":1})")
//     -> InvalidArgument "malformed message (net.clj Message): {:extra
//     disallowed-key}"
//   ParseNodeLine("")  -> InvalidArgument (an empty line is not a message)
//
// Bounds (EXTENSIONS, documented in docs/maelstrom-fidelity.md): JSON
// nested deeper than kMaxNestingDepth is rejected (Maelstrom's JVM would
// overflow its stack somewhere in the thousands, with the same effect: the
// node goes deaf). Known difference: a lone UTF-16 surrogate escape
// ("\ud800") is accepted by Jackson but rejected here.
#ifndef SIM_MAELSTROM_NODE_LINE_H_
#define SIM_MAELSTROM_NODE_LINE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kvclient/message.h"

namespace sim {

inline constexpr int kMaxNestingDepth = 1000;

// Steps 1-4 above. The message's body is always a JSON object (step 3); the
// node's `id` is dropped (Maelstrom assigns its own, net.clj send!).
absl::StatusOr<kvclient::Message> ParseNodeLine(absl::string_view line);

// Step 1 alone: every ill-formed UTF-8 sequence (maximal subpart) replaced
// by U+FFFD, as Java's UTF-8 decoder does. Exposed for tests.
std::string SanitizeUtf8(absl::string_view bytes);

}  // namespace sim

#endif  // SIM_MAELSTROM_NODE_LINE_H_
