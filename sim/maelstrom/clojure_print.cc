#include "sim/maelstrom/clojure_print.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kvclient/assert.h"

namespace sim {
namespace {

using kvclient::Json;

// Cheshire builds an array map up to this many entries (Clojure's
// PersistentArrayMap.HASHTABLE_THRESHOLD is 16 array slots), a hash map
// beyond.
constexpr size_t kArrayMapMaxEntries = 8;

// core_print.clj char-escape-string.
const char* CharEscape(char c) {
  switch (c) {
    case '\n': return "\\n";
    case '\t': return "\\t";
    case '\r': return "\\r";
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\f': return "\\f";
    case '\b': return "\\b";
    default: return nullptr;
  }
}

// core_print.clj print-method String, *print-readably* true. The escapes
// are all ASCII, so working on UTF-8 bytes gives the same text as Java's
// work on UTF-16 chars.
void AppendQuoted(const std::string& s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    if (const char* e = CharEscape(c)) {
      out->append(e);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

// core_print.clj print-method Double: ##Inf, ##-Inf, ##NaN, else (str d).
std::string PrDouble(double d) {
  if (std::isnan(d)) return "##NaN";
  if (std::isinf(d)) return d > 0 ? "##Inf" : "##-Inf";
  return JavaDoubleToString(d);
}

void AppendPr(const Json& v, std::string* out);

void AppendMap(const Json& object, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (const std::string& key : ClojureMapKeyOrder(object)) {
    if (!first) out->append(", ");
    first = false;
    AppendQuoted(key, out);
    out->push_back(' ');
    AppendPr(object.at(key), out);
  }
  out->push_back('}');
}

void AppendPr(const Json& v, std::string* out) {
  switch (v.type()) {
    case Json::value_t::null: out->append("nil"); return;
    case Json::value_t::boolean:
      out->append(v.get<bool>() ? "true" : "false");
      return;
    case Json::value_t::number_integer:
      absl::StrAppend(out, v.get<int64_t>());
      return;
    // Above int64 cheshire yields a java.math.BigInteger: plain digits.
    case Json::value_t::number_unsigned:
      absl::StrAppend(out, v.get<uint64_t>());
      return;
    case Json::value_t::number_float:
      out->append(PrDouble(v.get<double>()));
      return;
    case Json::value_t::string:
      AppendQuoted(v.get_ref<const std::string&>(), out);
      return;
    case Json::value_t::array: {
      out->push_back('[');
      for (size_t i = 0; i < v.size(); ++i) {
        if (i > 0) out->push_back(' ');
        AppendPr(v[i], out);
      }
      out->push_back(']');
      return;
    }
    case Json::value_t::object: AppendMap(v, out); return;
    case Json::value_t::binary:
    case Json::value_t::discarded: break;
  }
  // No parser produces these; print something recognisable, never crash.
  out->append("#<unprintable>");
}

int32_t RotateLeft(int32_t x, int k) {
  const uint32_t u = static_cast<uint32_t>(x);
  return static_cast<int32_t>((u << k) | (u >> (32 - k)));
}

// Java int arithmetic wraps; do it in uint32_t to stay defined in C++.
int32_t Mul(int32_t a, uint32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) * b);
}
int32_t Add(int32_t a, uint32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + b);
}
int32_t ShiftRightUnsigned(int32_t x, int k) {
  return static_cast<int32_t>(static_cast<uint32_t>(x) >> k);
}

// clojure.lang.Murmur3.hashInt (seed 0).
int32_t MurmurHashInt(int32_t input) {
  if (input == 0) return 0;
  int32_t k1 = Mul(input, 0xcc9e2d51u);
  k1 = RotateLeft(k1, 15);
  k1 = Mul(k1, 0x1b873593u);
  int32_t h1 = 0 ^ k1;
  h1 = RotateLeft(h1, 13);
  h1 = Add(Mul(h1, 5u), 0xe6546b64u);
  h1 ^= 4;  // fmix(h1, 4)
  h1 ^= ShiftRightUnsigned(h1, 16);
  h1 = Mul(h1, 0x85ebca6bu);
  h1 ^= ShiftRightUnsigned(h1, 13);
  h1 = Mul(h1, 0xc2b2ae35u);
  h1 ^= ShiftRightUnsigned(h1, 16);
  return h1;
}

// Decodes one code point at `i` (advancing it); a byte that does not start
// a complete sequence is U+FFFD. (Jackson rejects such lines, so Maelstrom
// never hashes them; any fixed rule will do.)
uint32_t NextCodePoint(absl::string_view s, size_t& i) {
  const unsigned char lead = static_cast<unsigned char>(s[i]);
  size_t extra = 0;
  uint32_t cp = 0;
  if (lead < 0x80) {
    ++i;
    return lead;
  } else if ((lead & 0xE0) == 0xC0) {
    extra = 1;
    cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2;
    cp = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3;
    cp = lead & 0x07;
  } else {
    ++i;
    return 0xFFFD;
  }
  if (s.size() - i <= extra) {
    ++i;
    return 0xFFFD;
  }
  for (size_t k = 1; k <= extra; ++k) {
    const unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  i += extra + 1;
  return cp;
}

// The 32-bit hash rearranged so that ordering by it is ordering by the
// hash's 5-bit chunks, lowest chunk first (PersistentHashMap's iteration).
uint32_t IterationRank(int32_t hash) {
  const uint32_t h = static_cast<uint32_t>(hash);
  uint32_t rank = 0;
  int bits_left = 32;
  for (int shift = 0; shift < 32; shift += 5) {
    const int width = std::min(5, 32 - shift);
    const uint32_t chunk = (h >> shift) & ((1u << width) - 1);
    bits_left -= width;
    rank |= chunk << bits_left;
  }
  return rank;
}

}  // namespace

std::string JavaDoubleToString(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  // Shortest round-trip digits, e.g. "1.2345e+07" -> digits 12345, exp 7.
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof(buf), std::fabs(d),
                              std::chars_format::scientific);
  MC_ASSERT(result.ec == std::errc(),
            "64 bytes hold any double in scientific form");
  std::string sci(buf, result.ptr);
  if (sci.find('.') == std::string::npos) {
    // One significant digit: Java picks the closest decimal of one or two
    // digits that still rounds to d (4.9E-324, not 5.0E-324).
    char two[64];
    std::snprintf(two, sizeof(two), "%.1e", std::fabs(d));
    if (std::strtod(two, nullptr) == std::fabs(d)) sci = two;
  }
  const size_t e = sci.find('e');
  MC_ASSERT(e != std::string::npos, "scientific form has an exponent: ", sci);
  int exponent = std::atoi(sci.c_str() + e + 1);
  std::string digits;
  for (size_t i = 0; i < e; ++i) {
    if (sci[i] != '.') digits.push_back(sci[i]);
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out = std::signbit(d) ? "-" : "";
  if (exponent >= -3 && exponent < 7) {
    if (exponent >= 0) {
      const size_t int_len = static_cast<size_t>(exponent) + 1;
      std::string int_part = digits.substr(0, std::min(int_len, digits.size()));
      int_part.append(int_len - int_part.size(), '0');
      std::string frac = digits.size() > int_len ? digits.substr(int_len) : "0";
      absl::StrAppend(&out, int_part, ".", frac);
    } else {
      absl::StrAppend(&out, "0.",
                      std::string(static_cast<size_t>(-exponent - 1), '0'),
                      digits);
    }
    return out;
  }
  absl::StrAppend(&out, digits.substr(0, 1), ".",
                  digits.size() > 1 ? digits.substr(1) : "0", "E", exponent);
  return out;
}

int32_t ClojureStringHash(absl::string_view utf8) {
  int32_t h = 0;  // java.lang.String.hashCode
  auto mix = [&h](uint32_t unit) { h = Add(Mul(h, 31u), unit); };
  for (size_t i = 0; i < utf8.size();) {
    const uint32_t cp = NextCodePoint(utf8, i);
    if (cp >= 0x10000) {
      mix(0xD800 + ((cp - 0x10000) >> 10));
      mix(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      mix(cp);
    }
  }
  return MurmurHashInt(h);
}

std::vector<std::string> ClojureMapKeyOrder(const Json& object) {
  MC_ASSERT(object.is_object(),
            "only maps have key orders: ", object.type_name());
  std::vector<std::string> keys;
  keys.reserve(object.size());
  for (auto it = object.begin(); it != object.end(); ++it)
    keys.push_back(it.key());
  if (keys.size() <= kArrayMapMaxEntries) return keys;
  std::vector<std::pair<uint32_t, size_t>> ranked;
  ranked.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    ranked.emplace_back(IterationRank(ClojureStringHash(keys[i])), i);
  }
  // Equal hashes share a HashCollisionNode, which keeps insertion order:
  // the pair's second element keeps `object`'s order among them.
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> ordered;
  ordered.reserve(keys.size());
  for (const auto& [rank, index] : ranked)
    ordered.push_back(std::move(keys[index]));
  return ordered;
}

std::string ClojurePrStr(const Json& value) {
  std::string out;
  AppendPr(value, &out);
  return out;
}

std::string ClojureStr(const Json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_float()) return JavaDoubleToString(value.get<double>());
  return ClojurePrStr(value);
}

}  // namespace sim
