// A tiny EDN reader for tests: enough of the format (edn-format.org) to
// read back what edn.h prints and check it the way a Clojure reader would:
// nil, booleans, integers, floats (and ##NaN/##Inf), strings with escapes
// (\" \\ \n \t \r \b \f \uXXXX), keywords, vectors, lists, maps, sets, and
// commas as whitespace. Anything else is an error with its offset.
//
//   absl::StatusOr<EdnValue> v = ReadEdn("{:a [1 2.5 \"x\"], :b nil}");
//   v->Get("a").items[1].number == 2.5
#ifndef SIM_MAELSTROM_EDN_READER_H_
#define SIM_MAELSTROM_EDN_READER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sim {

struct EdnValue {
  enum class Kind {
    kNil,
    kBool,
    kInt,
    kFloat,
    kString,
    kKeyword,
    kVector,
    kList,
    kMap,
    kSet
  };
  Kind kind = Kind::kNil;
  bool boolean = false;
  int64_t integer = 0;
  double number = 0;            // kFloat (and kInt, converted)
  std::string text;             // kString contents, kKeyword name without ':'
  std::vector<EdnValue> items;  // vector, list, set
  std::vector<std::pair<EdnValue, EdnValue>> entries;  // map, in order

  // The value under keyword `key` of a map; a nil value when absent.
  const EdnValue& Get(absl::string_view key) const;
  bool Has(absl::string_view key) const;
  // Keys of a map that are keywords, in order.
  std::vector<std::string> Keys() const;
};

// Reads exactly one value (surrounding whitespace allowed).
absl::StatusOr<EdnValue> ReadEdn(absl::string_view text);
// Reads every top-level value (history.edn: one per line).
absl::StatusOr<std::vector<EdnValue>> ReadAllEdn(absl::string_view text);

}  // namespace sim

#endif  // SIM_MAELSTROM_EDN_READER_H_
