#include "sim/maelstrom/node_line.h"

#include <cstdint>
#include <set>
#include <utility>
#include <vector>

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

bool IsIntegerLexeme(absl::string_view lexeme) {
  if (!lexeme.empty() && lexeme[0] == '-') lexeme.remove_prefix(1);
  if (lexeme.empty()) return false;
  for (char c : lexeme) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Builds the DOM of the first JSON value on the line (nlohmann's SAX parser,
// non-strict: the rest of the line is never read, as cheshire's parse-string
// reads one value). Two things nlohmann's own DOM parser would not give us:
// the nesting bound, and which near-top-level numbers were integers too big
// for 64 bits (Jackson keeps them as BigInteger, so they are still Int to
// Maelstrom's schema; nlohmann turns them into doubles).
class DomBuilder {
 public:
  bool null() { return Put(Json(nullptr)); }
  bool boolean(bool b) { return Put(Json(b)); }
  bool number_integer(Json::number_integer_t v) { return Put(Json(v)); }
  bool number_unsigned(Json::number_unsigned_t v) { return Put(Json(v)); }
  bool number_float(Json::number_float_t v, const std::string& lexeme) {
    // Only the top-level id can need this: at most two levels down
    // (an object's "id", or a [k v] pair of a top-level array).
    if (IsIntegerLexeme(lexeme) && stack_.size() <= 2)
      big_integers_.insert(NextPath());
    return Put(Json(v));
  }
  bool string(std::string& s) { return Put(Json(std::move(s))); }
  bool binary(Json::binary_t&) {
    return Put(Json());
  }  // never produced by JSON text
  bool start_object(std::size_t) { return Open(Json::object()); }
  bool key(std::string& k) {
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
  const std::set<std::string>& big_integers() const { return big_integers_; }

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
  std::set<std::string> big_integers_;
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
  const std::string text = SanitizeUtf8(line);
  DomBuilder dom;
  const bool parsed =
      Json::sax_parse(text.begin(), text.end(), &dom,
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
      const bool integer =
          e.value.is_number_integer() ||
          (e.value.is_number_float() && dom.big_integers().count(e.path));
      if (!integer)
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
