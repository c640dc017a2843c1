#include "sim/jepsen/clojure_value.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "kvclient/assert.h"
#include "sim/maelstrom/clojure_print.h"

namespace sim {
namespace jepsen {
namespace {

using kvclient::Json;

// Java int arithmetic wraps; do it in uint32_t to stay defined in C++.
uint32_t U(int32_t x) { return static_cast<uint32_t>(x); }
int32_t I(uint32_t x) { return static_cast<int32_t>(x); }
int32_t Rotl(int32_t x, int k) { return I((U(x) << k) | (U(x) >> (32 - k))); }

int32_t MixK1(int32_t k1) {
  k1 = I(U(k1) * 0xcc9e2d51u);
  k1 = Rotl(k1, 15);
  return I(U(k1) * 0x1b873593u);
}

int32_t MixH1(int32_t h1, int32_t k1) {
  h1 ^= k1;
  h1 = Rotl(h1, 13);
  return I(U(h1) * 5u + 0xe6546b64u);
}

int32_t Fmix(int32_t h1, int32_t length) {
  h1 ^= length;
  h1 ^= I(U(h1) >> 16);
  h1 = I(U(h1) * 0x85ebca6bu);
  h1 ^= I(U(h1) >> 13);
  h1 = I(U(h1) * 0xc2b2ae35u);
  h1 ^= I(U(h1) >> 16);
  return h1;
}

// Util.hashCombine (a la boost).
int32_t HashCombine(int32_t seed, int32_t hash) {
  const uint32_t s = U(seed);
  return I(s ^ (U(hash) + 0x9e3779b9u + (s << 6) + U(seed >> 2)));
}

// The UTF-16 code units of UTF-8 text; an invalid byte counts as U+FFFD
// (Jackson rejects such lines, so Maelstrom never sees them).
std::u16string Utf16(absl::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char lead = static_cast<unsigned char>(s[i]);
    size_t extra = lead < 0x80             ? 0
                   : (lead & 0xE0) == 0xC0 ? 1
                   : (lead & 0xF0) == 0xE0 ? 2
                   : (lead & 0xF8) == 0xF0 ? 3
                                           : 4;
    uint32_t cp = extra == 0 ? lead : lead & (0x3F >> extra);
    bool ok = extra < 4 && i + extra < s.size();
    for (size_t k = 1; ok && k <= extra; ++k) {
      const unsigned char c = static_cast<unsigned char>(s[i + k]);
      ok = (c & 0xC0) == 0x80;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (!ok) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    if (cp >= 0x10000) {
      out.push_back(static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
    i += extra + 1;
  }
  return out;
}

bool IsInteger(const Json& v) {
  return v.is_number_integer();  // signed or unsigned
}

// Java's BigInteger.hashCode of a value in [2^63, 2^64): the magnitude's
// two big-endian ints folded with 31.
int32_t BigIntegerHash(uint64_t x) {
  const int32_t hi = I(static_cast<uint32_t>(x >> 32));
  const int32_t lo = I(static_cast<uint32_t>(x));
  return I(U(hi) * 31u + U(lo));
}

bool FitsLong(const Json& v) {
  return v.is_number_integer() &&
         (!v.is_number_unsigned() ||
          v.get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX));
}

int Sign(int c) { return c < 0 ? -1 : c > 0 ? 1 : 0; }

// Numbers.compare: exact for two integers, as doubles when either is one.
int CompareNumbers(const Json& a, const Json& b) {
  if (IsInteger(a) && IsInteger(b)) {
    const bool a_big = !FitsLong(a), b_big = !FitsLong(b);
    if (a_big || b_big) {
      if (a_big && b_big) {
        const uint64_t x = a.get<uint64_t>(), y = b.get<uint64_t>();
        return x < y ? -1 : x > y ? 1 : 0;
      }
      return a_big ? 1 : -1;  // only values above Long/MAX_VALUE are big
    }
    const int64_t x = a.get<int64_t>(), y = b.get<int64_t>();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const double x = a.get<double>(), y = b.get<double>();
  return x < y ? -1 : y < x ? 1 : 0;  // NaN: neither is less
}

}  // namespace

int32_t Murmur3HashInt(int32_t input) {
  if (input == 0) return 0;
  return Fmix(MixH1(0, MixK1(input)), 4);
}

int32_t Murmur3HashLong(int64_t input) {
  if (input == 0) return 0;
  const uint64_t u = static_cast<uint64_t>(input);
  int32_t h1 = MixH1(0, MixK1(I(static_cast<uint32_t>(u))));
  h1 = MixH1(h1, MixK1(I(static_cast<uint32_t>(u >> 32))));
  return Fmix(h1, 8);
}

int32_t Murmur3HashUnencodedChars(absl::string_view utf8) {
  const std::u16string s = Utf16(utf8);
  int32_t h1 = 0;
  for (size_t i = 1; i < s.size(); i += 2) {
    const int32_t k1 = I(static_cast<uint32_t>(s[i - 1]) |
                         (static_cast<uint32_t>(s[i]) << 16));
    h1 = MixH1(h1, MixK1(k1));
  }
  if (s.size() % 2 == 1) h1 ^= MixK1(I(static_cast<uint32_t>(s.back())));
  return Fmix(h1, I(static_cast<uint32_t>(2 * s.size())));
}

int32_t Murmur3MixCollHash(int32_t hash, int32_t count) {
  return Fmix(MixH1(0, MixK1(hash)), count);
}

int32_t SymbolHash(absl::string_view name) {
  return HashCombine(Murmur3HashUnencodedChars(name), 0);  // Util.hash(null)
}

int32_t KeywordHash(absl::string_view name) {
  return I(U(SymbolHash(name)) + 0x9e3779b9u);
}

int32_t LongHash(int64_t x) { return Murmur3HashLong(x); }

int32_t DoubleHash(double x) {
  if (x == 0) return 0;  // Numbers.hasheq: -0.0 matches 0.0
  uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  if (std::isnan(x)) bits = 0x7ff8000000000000ULL;  // Double.doubleToLongBits
  return I(static_cast<uint32_t>(bits ^ (bits >> 32)));
}

int32_t StringHash(absl::string_view utf8) { return ClojureStringHash(utf8); }

int32_t OrderedHash(const std::vector<int32_t>& element_hashes) {
  uint32_t hash = 1;
  for (int32_t h : element_hashes) hash = 31u * hash + U(h);
  return Murmur3MixCollHash(I(hash),
                            I(static_cast<uint32_t>(element_hashes.size())));
}

int32_t UnorderedHash(const std::vector<int32_t>& element_hashes) {
  uint32_t hash = 0;
  for (int32_t h : element_hashes) hash += U(h);
  return Murmur3MixCollHash(I(hash),
                            I(static_cast<uint32_t>(element_hashes.size())));
}

int32_t MapEntryHash(int32_t key_hash, int32_t value_hash) {
  return OrderedHash({key_hash, value_hash});
}

int32_t JsonHash(const Json& v, Keys keys) {
  switch (v.type()) {
    case Json::value_t::null: return 0;
    case Json::value_t::boolean: return v.get<bool>() ? 1231 : 1237;
    case Json::value_t::number_integer: return LongHash(v.get<int64_t>());
    case Json::value_t::number_unsigned:
      return FitsLong(v) ? LongHash(v.get<int64_t>())
                         : BigIntegerHash(v.get<uint64_t>());
    case Json::value_t::number_float: return DoubleHash(v.get<double>());
    case Json::value_t::string:
      return StringHash(v.get_ref<const std::string&>());
    case Json::value_t::array: {
      std::vector<int32_t> hashes;
      hashes.reserve(v.size());
      for (const Json& x : v) hashes.push_back(JsonHash(x));
      return OrderedHash(hashes);
    }
    case Json::value_t::object: {
      std::vector<int32_t> hashes;
      hashes.reserve(v.size());
      for (auto it = v.begin(); it != v.end(); ++it) {
        const int32_t k = keys == Keys::kKeywordsAtTop ? KeywordHash(it.key())
                                                       : StringHash(it.key());
        hashes.push_back(MapEntryHash(k, JsonHash(it.value())));
      }
      return UnorderedHash(hashes);
    }
    case Json::value_t::binary:
    case Json::value_t::discarded: break;
  }
  return 0;  // no parser produces these
}

uint32_t HashMapRank(int32_t hash) {
  const uint32_t h = U(hash);
  uint32_t rank = 0;
  int bits_left = 32;
  for (int shift = 0; shift < 32; shift += 5) {
    const int width = std::min(5, 32 - shift);
    bits_left -= width;
    rank |= ((h >> shift) & ((1u << width) - 1)) << bits_left;
  }
  return rank;
}

std::vector<size_t> MapIterationOrder(const std::vector<int32_t>& key_hashes) {
  std::vector<size_t> order(key_hashes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (order.size() <= kArrayMapMaxEntries) return order;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return HashMapRank(key_hashes[a]) < HashMapRank(key_hashes[b]);
  });
  return order;
}

std::string EqualityKey(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "n";
    case Json::value_t::boolean: return v.get<bool>() ? "T" : "F";
    case Json::value_t::number_integer:
      return absl::StrCat("i", v.get<int64_t>());
    case Json::value_t::number_unsigned:
      return absl::StrCat("i", v.get<uint64_t>());
    case Json::value_t::number_float: {
      const double d = v.get<double>() == 0 ? 0.0 : v.get<double>();
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      return absl::StrCat("d", bits);
    }
    case Json::value_t::string: {
      const std::string& s = v.get_ref<const std::string&>();
      return absl::StrCat("s", s.size(), ":", s);
    }
    case Json::value_t::array: {
      std::string out = absl::StrCat("[", v.size(), ":");
      for (const Json& x : v) absl::StrAppend(&out, EqualityKey(x), ",");
      return out;
    }
    case Json::value_t::object: {
      std::string out = absl::StrCat("{", v.size(), ":");
      for (auto it = v.begin(); it != v.end(); ++it) {
        absl::StrAppend(&out, it.key().size(), ":", it.key(),
                        EqualityKey(it.value()), ",");
      }
      return out;
    }
    case Json::value_t::binary:
    case Json::value_t::discarded: break;
  }
  return "?";
}

bool JsonEqual(const Json& a, const Json& b) {
  return EqualityKey(a) == EqualityKey(b);
}

absl::optional<int> JsonCompare(const Json& a, const Json& b) {
  if (a.is_null()) return b.is_null() ? 0 : -1;
  if (b.is_null()) return 1;
  if (a.is_number()) {
    if (!b.is_number()) return absl::nullopt;
    return CompareNumbers(a, b);
  }
  if (a.is_string()) {
    if (!b.is_string()) return absl::nullopt;
    return Sign(Utf16(a.get_ref<const std::string&>())
                    .compare(Utf16(b.get_ref<const std::string&>())));
  }
  if (a.is_boolean()) {
    if (!b.is_boolean()) return absl::nullopt;
    return static_cast<int>(a.get<bool>()) - static_cast<int>(b.get<bool>());
  }
  if (a.is_array()) {
    if (!b.is_array()) return absl::nullopt;
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    for (size_t i = 0; i < a.size(); ++i) {
      const absl::optional<int> c = JsonCompare(a[i], b[i]);
      if (!c.has_value() || *c != 0) return c;
    }
    return 0;
  }
  return absl::nullopt;  // maps are not Comparable
}

absl::optional<std::vector<size_t>> SortOrder(
    const std::vector<const Json*>& values) {
  std::vector<size_t> order(values.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  // A merge sort (stable, like Java's) whose comparator may fail.
  std::vector<size_t> scratch(order.size());
  for (size_t width = 1; width < order.size(); width *= 2) {
    for (size_t lo = 0; lo < order.size(); lo += 2 * width) {
      const size_t mid = std::min(lo + width, order.size());
      const size_t hi = std::min(lo + 2 * width, order.size());
      size_t a = lo, b = mid, out = lo;
      while (a < mid && b < hi) {
        const absl::optional<int> c =
            JsonCompare(*values[order[b]], *values[order[a]]);
        if (!c.has_value()) return absl::nullopt;
        scratch[out++] = *c < 0 ? order[b++] : order[a++];
      }
      while (a < mid) scratch[out++] = order[a++];
      while (b < hi) scratch[out++] = order[b++];
    }
    order.swap(scratch);
  }
  return order;
}

Edn JsonToEdn(const Json& v, Keys keys) {
  switch (v.type()) {
    case Json::value_t::null: return Edn::Nil();
    case Json::value_t::boolean: return Edn::Bool(v.get<bool>());
    case Json::value_t::number_integer: return Edn::Int(v.get<int64_t>());
    case Json::value_t::number_unsigned:
      return FitsLong(v) ? Edn::Int(v.get<int64_t>())
                         : Edn::Raw(absl::StrCat(v.get<uint64_t>()));
    case Json::value_t::number_float: {
      const double d = v.get<double>();
      return std::isfinite(d) ? Edn::Raw(JavaDoubleToString(d))
                              : Edn::Double(d);
    }
    case Json::value_t::string:
      return Edn::String(v.get_ref<const std::string&>());
    case Json::value_t::array: {
      Edn out = Edn::Vector();
      for (const Json& x : v) out.Add(JsonToEdn(x));
      return out;
    }
    case Json::value_t::object: {
      const bool keywords = keys == Keys::kKeywordsAtTop;
      std::vector<std::string> names;
      std::vector<int32_t> hashes;
      for (auto it = v.begin(); it != v.end(); ++it) {
        names.push_back(it.key());
        hashes.push_back(keywords ? KeywordHash(it.key())
                                  : StringHash(it.key()));
      }
      Edn out = Edn::Map();
      for (size_t i : MapIterationOrder(hashes)) {
        Edn key = keywords ? Edn::Keyword(names[i]) : Edn::String(names[i]);
        out.PutKey(key, JsonToEdn(v.at(names[i])));
      }
      return out;
    }
    case Json::value_t::binary:
    case Json::value_t::discarded: break;
  }
  return Edn::Nil();  // no parser produces these
}

}  // namespace jepsen
}  // namespace sim
