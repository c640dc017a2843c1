// A small EDN value and printer, enough for Jepsen's history.edn and
// results.edn. Maps keep insertion order (Clojure's array maps print that
// way for the few keys Jepsen uses).
//
//   Edn op = Edn::Map();
//   op.Put("index", Edn::Int(0)).Put("type", Edn::Keyword("invoke"))
//     .Put("value", Edn::Nil());
//   op.Print() == "{:index 0, :type :invoke, :value nil}"
//   Edn::String("a\"b\n").Print() == "\"a\\\"b\\n\""
//   Edn::List({Edn::Int(1), Edn::Int(2)}).Print() == "(1 2)"
//
// Strings: \" \\ \n \t \r \b \f as Clojure's pr-str writes them; other
// control characters (and DEL) as \uXXXX, which clojure.edn reads; invalid
// UTF-8 bytes as U+FFFD. Keywords are restricted to EDN's symbol characters
// (anything else becomes '-'). Doubles print in the shortest form that reads
// back exactly, always with a '.' or exponent ("1.0"); NaN and infinities as
// ##NaN, ##Inf, ##-Inf. Jepsen's ratios are (float ...): see Float.
#ifndef SIM_MAELSTROM_EDN_H_
#define SIM_MAELSTROM_EDN_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "kvclient/message.h"

namespace sim {

class Edn {
 public:
  enum class Kind {
    kNil,
    kBool,
    kInt,
    kDouble,
    kFloat,
    kString,
    kKeyword,
    kVector,
    kList,
    kMap,
    kTagged,
    kRaw
  };

  static Edn Nil() { return Edn(Kind::kNil); }
  static Edn Bool(bool b);
  static Edn Int(int64_t i);
  static Edn Double(double d);
  // A Java float, as Clojure's (float x) prints it: the shortest decimal
  // that reads back as the same float (0.6666667, not 0.6666666865).
  static Edn Float(float f);
  static Edn String(absl::string_view s);
  static Edn Keyword(absl::string_view name);  // without the ':'
  static Edn Vector(std::vector<Edn> items = {});
  static Edn List(std::vector<Edn> items = {});
  static Edn Map();
  // A JSON value as Maelstrom holds it after parsing a node's message
  // (cheshire, keys keywordized): null -> nil, numbers, strings, arrays ->
  // vectors, objects -> maps with keyword keys (in the JSON's key order).
  //   FromJson({"a":[1,null]}).Print() == "{:a [1 nil]}"
  static Edn FromJson(const kvclient::Json& value);
  // A tagged literal, as fipp prints a record in results.edn:
  //   Tagged("jepsen.history.Op", op).Print() == "#jepsen.history.Op{...}"
  static Edn Tagged(absl::string_view tag, Edn form);
  // One EDN element printed verbatim; the caller guarantees it is one (a
  // BigInteger's digits, a double as Java prints it: "1.0E-4").
  static Edn Raw(absl::string_view text);

  // Vectors and lists: append. Maps: add an entry with a keyword key.
  Edn& Add(Edn item);
  Edn& Put(absl::string_view keyword, Edn value);
  // Maps: an entry with any key ({0.5 12}, {"n1-7" 2}, {[1 2] :x}).
  Edn& PutKey(const Edn& key, Edn value);

  Kind kind() const { return kind_; }
  // A map's entries (keyword name, value), in insertion order; a PutKey
  // entry whose key is not a keyword has its printed key instead.
  const std::vector<std::pair<std::string, Edn>>& entries() const {
    return entries_;
  }
  // A map's value under `keyword` (the first such entry), or nullptr.
  const Edn* Find(absl::string_view keyword) const;
  // An integer's value (kInt only).
  int64_t int_value() const;

  // One line, as Clojure's prn prints it: {:a 1, :b [1 2]}.
  std::string Print() const;
  // Maps one entry per line, nested maps indented under their key, as
  // Jepsen's results.edn (pprint) reads; everything else as Print().
  std::string Pretty() const;

 private:
  explicit Edn(Kind kind) : kind_(kind) {}
  void PrintTo(std::string* out) const;
  void PrettyTo(std::string* out, size_t column) const;

  Kind kind_;
  bool bool_ = false;
  int64_t int_ = 0;
  double double_ = 0;
  std::string text_;        // string contents, keyword name, tag, raw text
  std::vector<Edn> items_;  // tagged: the one form
  std::vector<std::pair<std::string, Edn>> entries_;
  std::vector<bool> printed_key_;  // per entry: first is a printed key
};

// The body of an EDN string literal, without the quotes.
std::string EdnEscape(absl::string_view text);

}  // namespace sim

#endif  // SIM_MAELSTROM_EDN_H_
