// How Clojure prints a JSON value that Maelstrom parsed with cheshire, for
// the texts Maelstrom's services put in their error replies
// (maelstrom src/maelstrom/service.clj: PersistentKV/handle uses pr-str,
// LWWKV/handle uses str). Pure functions, no state.
//
//   ClojurePrStr({"total":1,"tag":"a\nb"})  == R"({"tag" "a\nb", "total" 1})"
//   ClojurePrStr(nullptr) == "nil"           ClojureStr(nullptr) == ""
//   ClojurePrStr("x")     == "\"x\""         ClojureStr("x")     == "x"
//   ClojurePrStr(1.0)     == "1.0"           ClojurePrStr(1.5e10) == "1.5E10"
//   ClojurePrStr([1,[true]]) == "[1 [true]]"
//
// What cheshire 5.13 hands Clojure (cheshire/parse.clj parse*): strings,
// Integer/Long/java.math.BigInteger for integers (BigInteger prints as plain
// digits: it has no print-method of its own, unlike clojure.lang.BigInt's
// "N"), Double for every number with a fraction or exponent, vectors for
// arrays, maps with string keys below the top level of a body.
//
// Map entry order: Clojure prints a map in its own iteration order. Up to 8
// entries cheshire builds an array map, which keeps the line's order; from 9
// on a hash map, which iterates by the keys' hashes (ClojureMapKeyOrder
// below, exact). nlohmann's objects do not keep the line's order (they are
// sorted by key bytes), so maps of up to 8 entries print in sorted order:
// the same as Maelstrom's whenever the node wrote its keys sorted (as
// nlohmann-based nodes, ours included, do); see docs/maelstrom-fidelity.md.
#ifndef SIM_MAELSTROM_CLOJURE_PRINT_H_
#define SIM_MAELSTROM_CLOJURE_PRINT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "kvclient/message.h"

namespace sim {

// (pr-str v): strings quoted with Clojure's escapes (core_print.clj
// char-escape-string), nil, true/false, numbers as Java prints them,
// vectors "[a b]", maps "{k v, k2 v2}".
std::string ClojurePrStr(const kvclient::Json& value);

// (str v): like pr-str, except that a top-level string is its raw text, nil
// is "", and infinite/NaN doubles print as Java does ("Infinity").
std::string ClojureStr(const kvclient::Json& value);

// Java's Double.toString as specified since JDK 19 (the shortest decimal
// that rounds to `d`; with one significant digit, the closest of one or two
// digits): "1.0", "0.001", "9.999E-4", "1.0E7", "4.9E-324", "-0.0".
// JDK 17 and older print longer digit strings for a few values (JDK-4511638:
// 1.0E23 prints as 9.999999999999999E22 there).
std::string JavaDoubleToString(double d);

// Clojure's (hash s) of a string: Murmur3.hashInt(String.hashCode()), with
// String.hashCode over the UTF-16 code units of the UTF-8 text (an invalid
// UTF-8 byte counts as U+FFFD).
int32_t ClojureStringHash(absl::string_view utf8);

// The order in which Clojure iterates a map that cheshire parsed from
// `object`'s entries: with up to 8 entries, `object`'s own order; with more,
// PersistentHashMap's order, i.e. by the 5-bit chunks of each key's hash
// from the lowest bits up (mask(hash, shift) in PersistentHashMap.java),
// keys with equal hashes in `object`'s order.
std::vector<std::string> ClojureMapKeyOrder(const kvclient::Json& object);

}  // namespace sim

#endif  // SIM_MAELSTROM_CLOJURE_PRINT_H_
