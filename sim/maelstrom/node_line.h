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
// JSON as cheshire 5.13.0 reads it (Maelstrom 0.2.4's project.clj; cheshire
// 5.13.0 depends on jackson-core 2.17.0, whose StreamReadConstraints
// defaults apply: cheshire sets none):
//   - nesting deeper than 1000, a number of more than 1000 digits, a string
//     value longer than 20,000,000 or a key longer than 50,000 UTF-16 code
//     units fail the parse (the node goes deaf), with Jackson's message;
//   - an integer beyond 64 bits is a BigInteger (an Int to schema, `=`
//     compares it with a Long by value): it is kept as a marker string
//     (BigIntegerMarker) and written back as its digits (RestoreBigIntegers),
//     so a node receives it as it was sent;
//   - a lone UTF-16 surrogate escape ("\ud800") is accepted; Maelstrom's
//     stdin writer (OutputStreamWriter, UTF-8) writes it as '?', so it is
//     '?' here.
// Known difference: a float too large for a double ("1e999") is Infinity to
// Jackson and a parse error here.
#ifndef SIM_MAELSTROM_NODE_LINE_H_
#define SIM_MAELSTROM_NODE_LINE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kvclient/message.h"

namespace sim {

// jackson-core 2.17.0 StreamReadConstraints defaults.
inline constexpr int kMaxNestingDepth = 1000;
inline constexpr int kMaxNumberLength = 1000;
inline constexpr int kMaxStringLength = 20'000'000;
inline constexpr int kMaxNameLength = 50'000;

// A JSON integer too big for 64 bits, as the harness holds it: a string
// that starts with kBigIntegerPrefix, then the lexeme ("-1234...").
inline constexpr absl::string_view kBigIntegerPrefix{"\0bigint:", 8};
std::string BigIntegerMarker(absl::string_view lexeme);
bool IsBigIntegerMarker(const kvclient::Json& value);
// Clojure's (integer? x) of the value cheshire parsed: a JSON integer of
// any size (s/Int in a schema).
bool IsClojureInteger(const kvclient::Json& value);

// The line with every integer of its first JSON value that nlohmann cannot
// hold (beyond int64/uint64) turned into its marker string, and lone
// surrogate escapes into '?'; an error for a number of more than
// kMaxNumberLength digits (Jackson's message). Exposed for tests.
//   "{\"v\":1e3,\"w\":123456789012345678901234}" ->
//   "{\"v\":1e3,\"w\":\"\\u0000bigint:123456789012345678901234\"}"
absl::StatusOr<std::string> JacksonNumbersAndSurrogates(absl::string_view text);

// A dump of JSON holding markers, with each marker written back as its
// digits: what Maelstrom writes to a node.
std::string RestoreBigIntegers(std::string dumped);

// Steps 1-4 above. The message's body is always a JSON object (step 3); the
// node's `id` is dropped (Maelstrom assigns its own, net.clj send!).
absl::StatusOr<kvclient::Message> ParseNodeLine(absl::string_view line);

// Step 1 alone: every ill-formed UTF-8 sequence (maximal subpart) replaced
// by U+FFFD, as Java's UTF-8 decoder does. Exposed for tests.
std::string SanitizeUtf8(absl::string_view bytes);

}  // namespace sim

#endif  // SIM_MAELSTROM_NODE_LINE_H_
