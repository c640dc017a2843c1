#include "sim/maelstrom/node_line.h"

#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/optional.h"
#include "kvclient/assert.h"

namespace sim {
namespace {

using kvclient::Json;

absl::Status Invalid(absl::string_view why) {
  return absl::InvalidArgumentError(why);
}

// A JSON value as a short Clojure-ish rendering for error messages.
std::string Show(const Json& value) {
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > 80) text = absl::StrCat(text.substr(0, 80), "...");
  return text;
}

// JSON-pointer-like path segment ('~' and '/' escaped), so that two different
// paths never collide.
std::string Segment(absl::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Whether a JSON integer lexeme ([-]digits, no leading zero) fits int64
// (negative) or uint64: what nlohmann keeps as an integer.
bool FitsNlohmannInteger(absl::string_view lexeme) {
  const bool negative = !lexeme.empty() && lexeme[0] == '-';
  absl::string_view digits = lexeme.substr(negative ? 1 : 0);
  // int64 min is 9223372036854775808 (19 digits); uint64 max
  // 18446744073709551615 (20 digits).
  const absl::string_view limit =
      negative ? "9223372036854775808" : "18446744073709551615";
  if (digits.size() != limit.size()) return digits.size() < limit.size();
  return digits <= limit;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of a "\uXXXX" escape at text[at], or -1.
int EscapedUnit(absl::string_view text, size_t at) {
  if (at + 6 > text.size() || text[at] != '\\' || text[at + 1] != 'u')
    return -1;
  int unit = 0;
  for (size_t k = at + 2; k < at + 6; ++k) {
    const int h = HexValue(text[k]);
    if (h < 0) return -1;
    unit = unit * 16 + h;
  }
  return unit;
}

// Copies a string token starting at text[at] (the opening quote) to `out`,
// each lone UTF-16 surrogate escape replaced by '?'; returns the index
// after the closing quote (text.size() if unterminated: nlohmann reports it).
size_t CopyString(absl::string_view text, size_t at, std::string& out) {
  out += '"';
  size_t i = at + 1;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      out += '"';
      return i + 1;
    }
    if (c != '\\' || i + 1 >= text.size()) {
      out += c;
      ++i;
      continue;
    }
    const int unit = EscapedUnit(text, i);
    if (unit < 0xD800 || unit > 0xDFFF) {  // not a surrogate (or no \u)
      out.append(text.data() + i, 2);
      i += 2;
      continue;
    }
    const int low = EscapedUnit(text, i + 6);
    if (unit <= 0xDBFF && low >= 0xDC00 && low <= 0xDFFF) {  // a pair
      out.append(text.data() + i, 12);
      i += 12;
      continue;
    }
    // Jackson keeps the lone surrogate in the String; Maelstrom's stdin
    // writer (an OutputStreamWriter, UTF-8) encodes it as '?'.
    out += '?';
    i += 6;
  }
  return i;
}

}  // namespace

std::string BigIntegerMarker(absl::string_view digits) {
  return absl::StrCat(kBigIntegerPrefix, digits);
}

bool IsBigIntegerMarker(const Json& value) {
  return value.is_string() &&
         absl::StartsWith(value.get_ref<const std::string&>(),
                          kBigIntegerPrefix);
}

bool IsClojureInteger(const Json& value) {
  return value.is_number_integer() || IsBigIntegerMarker(value);
}

absl::StatusOr<std::string> JacksonNumbersAndSurrogates(
    absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  int depth = 0;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      i = CopyString(text, i, out);
      if (depth == 0) break;  // a string was the first value
    } else if (c == '-' || IsDigit(c)) {
      size_t end = i + 1;
      while (end < text.size() && IsDigit(text[end])) ++end;
      const size_t int_digits = end - i - (c == '-' ? 1 : 0);
      size_t fp_digits = 0;  // fraction and exponent digits
      bool fp = false;
      if (end < text.size() && text[end] == '.') {
        fp = true;
        for (++end; end < text.size() && IsDigit(text[end]); ++end) ++fp_digits;
      }
      if (end < text.size() && (text[end] == 'e' || text[end] == 'E')) {
        fp = true;
        ++end;
        if (end < text.size() && (text[end] == '+' || text[end] == '-')) ++end;
        for (; end < text.size() && IsDigit(text[end]); ++end) ++fp_digits;
      }
      // ParserBase resetInt / resetFloat: validateIntegerLength(intLen),
      // validateFPLength(intLen + fractLen + expLen).
      const size_t length = int_digits + fp_digits;
      if (length > static_cast<size_t>(kMaxNumberLength)) {
        return Invalid(absl::StrCat(
            "Number value length (", length, ") exceeds the maximum allowed (",
            kMaxNumberLength,
            ", from `StreamReadConstraints.getMaxNumberLength()`)"));
      }
      const absl::string_view lexeme = text.substr(i, end - i);
      const absl::string_view digits = lexeme.substr(c == '-' ? 1 : 0);
      const bool valid_integer =
          !fp && !digits.empty() && (digits[0] != '0' || digits.size() == 1);
      if (valid_integer && !FitsNlohmannInteger(lexeme)) {
        out += Json(BigIntegerMarker(lexeme)).dump();
      } else {
        out.append(lexeme.data(), lexeme.size());
      }
      i = end;
      if (depth == 0) break;  // a scalar was the first value
    } else {
      out += c;
      ++i;
      if (c == '{' || c == '[') {
        ++depth;
      } else if ((c == '}' || c == ']') && --depth <= 0) {
        break;  // the first value ended
      } else if (depth == 0 && c != ' ' && c != '\t' && c != '\r' &&
                 c != '\n') {
        // A literal (true, false, null) or junk: nothing of ours follows.
        out.append(text.data() + i, text.size() - i);
        return out;
      }
    }
  }
  out.append(text.data() + i, text.size() - i);
  return out;
}

std::string RestoreBigIntegers(std::string dumped) {
  // A marker dumps as "\u0000bigint:<lexeme>" (nlohmann escapes U+0000).
  static const std::string kDumped = "\"\\u0000bigint:";
  std::string out;
  size_t from = 0;
  for (size_t at = dumped.find(kDumped); at != std::string::npos;
       at = dumped.find(kDumped, from)) {
    const size_t begin = at + kDumped.size();
    const size_t close = dumped.find('"', begin);
    MC_ASSERT(close != std::string::npos, "a marker string ends");
    out.append(dumped, from, at - from);
    out.append(dumped, begin, close - begin);
    from = close + 1;
  }
  if (from == 0) return dumped;
  out.append(dumped, from, std::string::npos);
  return out;
}

namespace {

// UTF-16 code units of a UTF-8 string: Java's String.length().
size_t Utf16Length(const std::string& s) {
  size_t units = 0;
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) != 0x80) ++units;  // a lead byte
    if (c >= 0xF0) ++units;           // a supplementary character: a pair
  }
  return units;
}

// Builds the DOM of the first JSON value on the line (nlohmann's SAX parser,
// non-strict: the rest of the line is never read, as cheshire's parse-string
// reads one value), with Jackson 2.17.0's StreamReadConstraints defaults
// for nesting, string and name lengths (numbers: JacksonNumbersAndSurrogates).
class DomBuilder {
 public:
  bool null() { return Put(Json(nullptr)); }
  bool boolean(bool b) { return Put(Json(b)); }
  bool number_integer(Json::number_integer_t v) { return Put(Json(v)); }
  bool number_unsigned(Json::number_unsigned_t v) { return Put(Json(v)); }
  bool number_float(Json::number_float_t v, const std::string& /*lexeme*/) {
    return Put(Json(v));
  }
  bool string(std::string& s) {
    // StreamReadConstraints validateStringLength.
    const size_t length = Utf16Length(s);
    if (length > static_cast<size_t>(kMaxStringLength)) {
      error_ =
          absl::StrCat("String value length (", length,
                       ") exceeds the maximum allowed (", kMaxStringLength,
                       ", from `StreamReadConstraints.getMaxStringLength()`)");
      return false;
    }
    return Put(Json(std::move(s)));
  }
  bool binary(Json::binary_t&) {
    return Put(Json());
  }  // never produced by JSON text
  bool start_object(std::size_t) { return Open(Json::object()); }
  bool key(std::string& k) {
    // StreamReadConstraints validateNameLength.
    const size_t length = Utf16Length(k);
    if (length > static_cast<size_t>(kMaxNameLength)) {
      error_ = absl::StrCat(
          "Name length (", length, ") exceeds the maximum allowed (",
          kMaxNameLength, ", from `StreamReadConstraints.getMaxNameLength()`)");
      return false;
    }
    key_ = k;
    return true;
  }
  bool end_object() { return Close(); }
  bool start_array(std::size_t) { return Open(Json::array()); }
  bool end_array() { return Close(); }
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& e) {
    error_ =
        absl::StrCat("not well-formed JSON at byte ", position, ": ", e.what());
    return false;
  }

  Json& root() { return root_; }
  const std::string& error() const { return error_; }

 private:
  struct Open_ {
    Json* container;
    std::string path;  // of the container itself
  };

  std::string NextPath() const {
    if (stack_.empty()) return "";
    const Open_& top = stack_.back();
    const std::string slot = top.container->is_object()
                                 ? Segment(key_)
                                 : absl::StrCat(top.container->size());
    return absl::StrCat(top.path, "/", slot);
  }

  // Inserts `value` where the parser is and returns where it landed.
  Json* Insert(Json value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Json& c = *stack_.back().container;
    if (c.is_object()) {
      Json& slot =
          c[key_];  // a repeated key: the last one wins, as in cheshire
      slot = std::move(value);
      return &slot;
    }
    c.push_back(std::move(value));
    return &c.back();
  }

  bool Put(Json value) {
    Insert(std::move(value));
    return true;
  }

  bool Open(Json container) {
    if (static_cast<int>(stack_.size()) >= kMaxNestingDepth) {
      error_ =
          absl::StrCat("JSON nested deeper than ", kMaxNestingDepth, " levels");
      return false;
    }
    std::string path = NextPath();
    // The parent is not appended to while this child is open, so the
    // pointer stays valid until Close.
    Json* where = Insert(std::move(container));
    stack_.push_back(Open_{where, std::move(path)});
    return true;
  }

  bool Close() {
    MC_ASSERT(!stack_.empty(), "the parser closes only what it opened");
    stack_.pop_back();
    return true;
  }

  Json root_;
  std::vector<Open_> stack_;
  std::string key_;
  std::string error_;
};

// One entry of a keywordized map: a nil key (Clojure's (keyword x) of a
// non-string) is nullopt. `path` locates the value in the parsed line.
struct Entry {
  absl::optional<std::string> key;
  Json value;
  std::string path;
};
using KeywordMap = std::vector<Entry>;  // assoc order; see Assoc

void Assoc(KeywordMap& map, Entry entry) {
  for (Entry& e : map) {
    if (e.key == entry.key) {
      e = std::move(entry);
      return;
    }
  }
  map.push_back(std::move(entry));
}

// The i-th code point of a UTF-8 string as a string, or nullopt past the end
// (Clojure's (nth s i nil) on a String gives a Character or nil).
absl::optional<std::string> NthCodePoint(const std::string& s, size_t i) {
  size_t at = 0;
  for (size_t k = 0; at < s.size(); ++k) {
    size_t len = 1;
    const unsigned char c = static_cast<unsigned char>(s[at]);
    if (c >= 0xF0) {
      len = 4;
    } else if (c >= 0xE0) {
      len = 3;
    } else if (c >= 0xC0) {
      len = 2;
    }
    if (k == i) return s.substr(at, len);
    at += len;
  }
  return absl::nullopt;
}

// process.clj keywordize-keys-1: (reduce (fn [m [k v]] (assoc! m (keyword k)
// v)) {} x).
absl::StatusOr<KeywordMap> KeywordizeKeys1(const Json& x,
                                           const std::string& path) {
  KeywordMap map;
  if (x.is_null()) return map;  // (reduce f init nil) is init
  if (x.is_object()) {
    for (auto it = x.begin(); it != x.end(); ++it) {
      Assoc(map, Entry{it.key(), it.value(),
                       absl::StrCat(path, "/", Segment(it.key()))});
    }
    return map;
  }
  if (x.is_string()) {
    // A String is a seq of Characters, and [k v] cannot destructure one.
    if (x.get_ref<const std::string&>().empty()) return map;
    return Invalid(
        "keywordize-keys-1: nth not supported on this type: Character");
  }
  if (!x.is_array()) {
    return Invalid(absl::StrCat(
        "keywordize-keys-1: Don't know how to create ISeq from ", Show(x)));
  }
  for (size_t i = 0; i < x.size(); ++i) {
    const Json& pair = x[i];
    const std::string at = absl::StrCat(path, "/", i);
    Entry e;
    if (pair.is_null()) {  // (nth nil i nil) is nil
      e.value = nullptr;
    } else if (pair.is_array()) {
      if (!pair.empty() && pair[0].is_string())
        e.key = pair[0].get<std::string>();
      e.value = pair.size() > 1 ? pair[1] : Json(nullptr);
      e.path = absl::StrCat(at, "/1");
    } else if (pair.is_string()) {  // k is a Character: (keyword \a) is nil
      absl::optional<std::string> second =
          NthCodePoint(pair.get<std::string>(), 1);
      e.value = second ? Json(*second) : Json(nullptr);
    } else {
      return Invalid(
          absl::StrCat("keywordize-keys-1: nth not supported on ", Show(pair)));
    }
    Assoc(map, std::move(e));
  }
  return map;
}

}  // namespace

std::string SanitizeUtf8(absl::string_view bytes) {
  static constexpr char kReplacement[] = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(bytes.size());
  size_t i = 0;
  while (i < bytes.size()) {
    const unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    // Expected length and the valid range of the second byte (Unicode's
    // well-formed table): the rest must be 0x80..0xBF.
    int len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c == 0xE0) {
      len = 3, lo = 0xA0;
    } else if (c >= 0xE1 && c <= 0xEC) {
      len = 3;
    } else if (c == 0xED) {
      len = 3, hi = 0x9F;
    } else if (c >= 0xEE && c <= 0xEF) {
      len = 3;
    } else if (c == 0xF0) {
      len = 4, lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      len = 4;
    } else if (c == 0xF4) {
      len = 4, hi = 0x8F;
    }
    if (len == 0) {  // never a lead byte
      out += kReplacement;
      ++i;
      continue;
    }
    // The maximal subpart: consume continuation bytes while they fit.
    size_t k = 1;
    for (; k < static_cast<size_t>(len) && i + k < bytes.size(); ++k) {
      const unsigned char b = static_cast<unsigned char>(bytes[i + k]);
      const unsigned char min = k == 1 ? lo : 0x80;
      const unsigned char max = k == 1 ? hi : 0xBF;
      if (b < min || b > max) break;
    }
    if (k == static_cast<size_t>(len)) {
      out.append(bytes.data() + i, len);
    } else {
      out += kReplacement;
    }
    i += k;
  }
  return out;
}

absl::StatusOr<kvclient::Message> ParseNodeLine(absl::string_view line) {
  absl::StatusOr<std::string> text =
      JacksonNumbersAndSurrogates(SanitizeUtf8(line));
  if (!text.ok()) return text.status();
  DomBuilder dom;
  const bool parsed =
      Json::sax_parse(text->begin(), text->end(), &dom,
                      Json::input_format_t::json, /*strict=*/false);
  if (!parsed) {
    return Invalid(dom.error().empty() ? std::string("not well-formed JSON")
                                       : dom.error());
  }
  absl::StatusOr<KeywordMap> top = KeywordizeKeys1(dom.root(), "");
  if (!top.ok()) return top.status();
  // (update message :body keywordize-keys-1): an absent body is nil.
  Json body_value;
  std::string body_path;
  for (const Entry& e : *top) {
    if (e.key == std::string("body")) body_value = e.value, body_path = e.path;
  }
  absl::StatusOr<KeywordMap> body = KeywordizeKeys1(body_value, body_path);
  if (!body.ok()) return body.status();

  // net.clj Message: {:src String, :dest String, :body Any, (optional :id)
  // Int}.
  std::vector<std::string> errors;
  const Json* src = nullptr;
  const Json* dest = nullptr;
  for (const Entry& e : *top) {
    const std::string name = e.key ? *e.key : std::string("nil");
    if (e.key == std::string("src")) {
      src = &e.value;
    } else if (e.key == std::string("dest")) {
      dest = &e.value;
    } else if (e.key == std::string("id")) {
      if (!IsClojureInteger(e.value))
        errors.push_back(
            absl::StrCat(":id (not (integer? ", Show(e.value), "))"));
    } else if (e.key != std::string("body")) {
      errors.push_back(absl::StrCat(e.key ? ":" : "", name, " disallowed-key"));
    }
  }
  if (src == nullptr) {
    errors.push_back(":src missing-required-key");
  } else if (!src->is_string()) {
    errors.push_back(absl::StrCat(":src (not (instance? java.lang.String ",
                                  Show(*src), "))"));
  }
  if (dest == nullptr) {
    errors.push_back(":dest missing-required-key");
  } else if (!dest->is_string()) {
    errors.push_back(absl::StrCat(":dest (not (instance? java.lang.String ",
                                  Show(*dest), "))"));
  }
  if (!errors.empty()) {
    return Invalid(absl::StrCat("malformed message (net.clj Message): {",
                                absl::StrJoin(errors, ", "), "}"));
  }
  kvclient::Message m;
  m.src = src->get<std::string>();
  m.dest = dest->get<std::string>();
  m.body = Json::object();
  // A nil key has no JSON spelling; it is kept under "" (only an array body
  // of odd pairs can produce one).
  for (Entry& e : *body)
    m.body[e.key ? *e.key : std::string()] = std::move(e.value);
  return m;
}

}  // namespace sim
