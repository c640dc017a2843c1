// UTF-8 decoding shared by the EDN printer (edn.h) and the report's escapers
// (sim/report/escape.h): which bytes are one valid, shortest-form UTF-8
// sequence of a Unicode scalar value.
//
//   uint32_t cp;
//   sim::DecodeUtf8("é!", 0, &cp) == 2;  cp == 0xE9
//   sim::Utf8SequenceLength("\xff", 0) == 0    // not a sequence
//   sim::Utf8SequenceLength("a", 1) == 0       // past the end
#ifndef SIM_MAELSTROM_UTF8_H_
#define SIM_MAELSTROM_UTF8_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace sim {

// Decodes one UTF-8 sequence at text[i] (i < text.size()). Returns its length
// and sets *cp, or returns 0 when the bytes there are not a valid,
// shortest-form sequence of a Unicode scalar value (overlong forms,
// surrogates, > U+10FFFF and truncated sequences are not).
size_t DecodeUtf8(absl::string_view text, size_t i, uint32_t* cp);

// The length of the valid sequence starting at text[i], or 0 if the bytes
// there are not one (or i is past the end).
size_t Utf8SequenceLength(absl::string_view text, size_t i);

}  // namespace sim

#endif  // SIM_MAELSTROM_UTF8_H_
