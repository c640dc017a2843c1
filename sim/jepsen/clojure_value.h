// A JSON value as Jepsen's checkers see it once Maelstrom has parsed it with
// cheshire (integers as Long/BigInteger, other numbers as Double, arrays as
// vectors, objects as maps): Clojure's `=`, `compare`, `hash`, and how fipp
// prints it in results.edn. Pure functions (Clojure 1.12.0, the version
// Maelstrom v0.2.4 runs: clojure.lang.Util, Numbers, Murmur3,
// APersistentVector, PersistentHashMap).
//
//   JsonEqual(1, 1.0) == false            ; (= 1 1.0)
//   JsonCompare(1, 2.5) == -1             ; (compare 1 2.5)
//   JsonCompare(1, "a") == nullopt        ; ClassCastException
//   KeywordHash("a") == -2123407586       ; (hash :a)
//   JsonToEdn({"a":[1,2.0]}).Print() == R"({"a" [1 2.0]})"
//
// Map entry order: a Clojure map of up to 8 entries iterates in insertion
// order (PersistentArrayMap), a larger one by its keys' hashes
// (PersistentHashMap: the 5-bit chunks of the hash, lowest first).
// nlohmann's objects do not keep a line's key order (they are sorted by key
// bytes), so a JSON object of up to 8 keys prints in sorted order here,
// where Clojure keeps the node's order.
#ifndef SIM_JEPSEN_CLOJURE_VALUE_H_
#define SIM_JEPSEN_CLOJURE_VALUE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "kvclient/message.h"
#include "sim/maelstrom/edn.h"
#include "sim/maelstrom/validity.h"

namespace sim {
namespace jepsen {

// PersistentArrayMap.HASHTABLE_THRESHOLD is 16 array slots: 8 entries.
inline constexpr size_t kArrayMapMaxEntries = 8;

// clojure.lang.Murmur3 (seed 0), in Java's wrapping int arithmetic.
int32_t Murmur3HashInt(int32_t input);
int32_t Murmur3HashLong(int64_t input);
int32_t Murmur3HashUnencodedChars(absl::string_view utf8);  // UTF-16 units
int32_t Murmur3MixCollHash(int32_t hash, int32_t count);

// (hash x) of the scalars Jepsen's ops hold.
int32_t KeywordHash(absl::string_view name);  // (hash :name), no namespace
int32_t SymbolHash(absl::string_view name);   // (hash 'name), no namespace
int32_t LongHash(int64_t x);                  // Numbers.hasheq of a Long
int32_t DoubleHash(double x);                 // -0.0 hashes as 0.0
int32_t StringHash(absl::string_view utf8);   // hashInt(String.hashCode())

// Murmur3.hashOrdered / hashUnordered over the elements' hashes: a vector
// (or a map entry [k v]) and a map (or record, or set).
int32_t OrderedHash(const std::vector<int32_t>& element_hashes);
int32_t UnorderedHash(const std::vector<int32_t>& element_hashes);
int32_t MapEntryHash(int32_t key_hash, int32_t value_hash);

// The keys of JSON objects: cheshire gives strings; Maelstrom keywordizes
// the keys at the top level of a message body (process.clj parse-msg), so a
// reply body held as an op's :value has keyword keys there.
enum class Keys { kStrings, kKeywordsAtTop };

// (hash v) of the Clojure value cheshire parses from `v`.
int32_t JsonHash(const kvclient::Json& v, Keys keys = Keys::kStrings);

// The position of a key with this hash in PersistentHashMap's iteration:
// ordering by rank is ordering by the hash's 5-bit chunks, lowest first.
uint32_t HashMapRank(int32_t hash);

// The iteration order (indices into `key_hashes`) of a map built by
// assoc'ing distinct keys with these hashes in this order: insertion order
// up to kArrayMapMaxEntries, hash order beyond (equal hashes share a
// collision node, which keeps insertion order).
std::vector<size_t> MapIterationOrder(const std::vector<int32_t>& key_hashes);

// clojure.core/= (Util.equiv): integers equal integers of the same value,
// doubles equal doubles (0.0 = -0.0), an integer never equals a double;
// vectors and maps element-wise.
bool JsonEqual(const kvclient::Json& a, const kvclient::Json& b);

// A string that is equal for two values exactly when JsonEqual holds, for
// hash sets and frequency maps keyed the way Clojure keys them.
std::string EqualityKey(const kvclient::Json& v);

// clojure.core/compare (Util.compare): <0, 0, >0 like Java, or nullopt when
// Clojure throws ClassCastException (a number against a non-number, a
// string against a non-string, a map against anything but nil, ...). nil
// sorts before everything; numbers compare by value (as doubles when
// either is a double); strings by UTF-16 code units; vectors by count, then
// element-wise.
absl::optional<int> JsonCompare(const kvclient::Json& a,
                                const kvclient::Json& b);

// The order clojure.core/sort puts `values` in (a stable sort by
// JsonCompare), as indices into `values`; nullopt when a comparison would
// throw ClassCastException.
absl::optional<std::vector<size_t>> SortOrder(
    const std::vector<const kvclient::Json*>& values);

// How fipp prints the value in results.edn: nil, true, 12, 1.0E10 (Java's
// Double.toString), "s", [1 2], {"k" 1} (or {:k 1} for keywordized keys).
Edn JsonToEdn(const kvclient::Json& v, Keys keys = Keys::kStrings);

// A checker's :valid? as it prints: true, false, :unknown.
inline Edn ValidityEdn(Validity v) {
  switch (v) {
    case Validity::kTrue: return Edn::Bool(true);
    case Validity::kFalse: return Edn::Bool(false);
    case Validity::kUnknown: return Edn::Keyword("unknown");
  }
  return Edn::Keyword("unknown");
}

}  // namespace jepsen
}  // namespace sim

#endif  // SIM_JEPSEN_CLOJURE_VALUE_H_
