// Escaping for the report's three output languages. Input is arbitrary bytes
// (node output, message bodies, file names): invalid UTF-8, control
// characters, quotes, markup.
//
//   SanitizeUtf8("a\xff\x01b")   == "a\uFFFD\u2401b"   (U+FFFD, then ␁)
//   EscapeXml("<a href=\"x\">&") == "&lt;a href=&quot;x&quot;&gt;&amp;"
//   UrlPath("node-logs/n 0#.log") == "node-logs/n%200%23.log"
//
// SanitizeUtf8 makes text that is valid in XML 1.0 and HTML5: each byte of an
// invalid UTF-8 sequence (overlong forms, surrogates, > U+10FFFF, truncated)
// becomes U+FFFD; C0 controls other than tab, newline and carriage return
// become their visible Control Pictures (U+2400 + c), DEL becomes U+2421, C1
// controls and the noncharacters U+FFFE/U+FFFF become U+FFFD. Valid text passes
// through unchanged. The EDN escaper (sim/maelstrom/edn.h) has its own rules;
// both decode with sim/maelstrom/utf8.h.
#ifndef SIM_REPORT_ESCAPE_H_
#define SIM_REPORT_ESCAPE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace report {

std::string SanitizeUtf8(absl::string_view text);

// Sanitized text for XML/HTML text nodes and (double- or single-quoted)
// attribute values: & < > " ' escaped.
std::string EscapeXml(absl::string_view text);

// A relative path for an href/src attribute: every byte outside
// [A-Za-z0-9-._~/] percent-encoded (still to be passed through EscapeXml,
// which then changes nothing).
std::string UrlPath(absl::string_view path);

// Sanitized text of at most `max_chars` code points; longer text keeps
// max_chars - 1 of them and ends in "…" (Maelstrom viz.clj truncate-string).
std::string Truncate(absl::string_view text, size_t max_chars);

}  // namespace report

#endif  // SIM_REPORT_ESCAPE_H_
