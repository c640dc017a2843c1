#include "kvclient/envelope.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "kvclient/assert.h"

namespace kvclient {
namespace {

// A cursor over the line with the tolerant grammar (see envelope.h).
class Scanner {
 public:
  explicit Scanner(absl::string_view text) : text_(text) {}

  bool AtEnd() {
    SkipSpace();
    return i_ == text_.size();
  }

  // Consumes `c` (after space) if it is next.
  bool Eat(char c) {
    SkipSpace();
    if (i_ < text_.size() && text_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }

  bool Next(char c) {
    SkipSpace();
    return i_ < text_.size() && text_[i_] == c;
  }

  // A string token. With `decoded`, its value when it is valid UTF-8 with
  // valid escapes (else nullopt). False when there is no string here or it
  // never ends.
  bool String(absl::optional<std::string>* decoded) {
    if (!Eat('"')) return false;
    std::string out;
    bool valid = true;
    while (i_ < text_.size()) {
      const unsigned char c = static_cast<unsigned char>(text_[i_]);
      if (c == '"') {
        ++i_;
        if (decoded != nullptr) {
          *decoded =
              valid ? absl::make_optional(std::move(out)) : absl::nullopt;
        }
        return true;
      }
      if (c == '\\') {
        if (i_ + 1 >= text_.size()) return false;
        valid = Escape(&out) && valid;
        continue;
      }
      if (c < 0x20) valid = false;  // a raw control byte, NUL included
      if (c < 0x80) {
        out.push_back(static_cast<char>(c));
        ++i_;
        continue;
      }
      valid = Utf8Sequence(&out) && valid;
    }
    return false;
  }

  // A number token of any size, exactly as written, e.g. "-12.5e400".
  bool Number(std::string* text) {
    SkipSpace();
    const size_t start = i_;
    bool digits = false;
    while (i_ < text_.size()) {
      const char c = text_[i_];
      if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
        digits = true;
      } else if (c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E') {
        break;
      }
      ++i_;
    }
    if (text != nullptr) *text = std::string(text_.substr(start, i_ - start));
    return digits;
  }

  // Any value, containers of any depth included, iteratively; `raw` gets
  // its text as written. False when the structure is broken.
  bool Value(std::string* raw) {
    SkipSpace();
    const size_t start = i_;
    std::string open;  // the containers we are in: '{' or '['
    for (;;) {
      if (!Scalar()) {
        if (Eat('{')) {
          open.push_back('{');
          if (!Eat('}')) {
            if (!String(nullptr) || !Eat(':')) return false;
            continue;  // the member's value
          }
        } else if (Eat('[')) {
          open.push_back('[');
          if (!Eat(']')) continue;  // the first element
        } else {
          return false;
        }
        open.pop_back();  // an empty container: a scalar after all
      }
      // After a value: a comma to the next, or closing brackets.
      for (;;) {
        if (open.empty()) {
          if (raw != nullptr)
            *raw = std::string(text_.substr(start, i_ - start));
          return true;
        }
        if (Eat(',')) {
          if (open.back() == '{' && (!String(nullptr) || !Eat(':'))) {
            return false;
          }
          break;  // the next value
        }
        if (!Eat(open.back() == '{' ? '}' : ']')) return false;
        open.pop_back();
      }
    }
  }

 private:
  void SkipSpace() {
    // JSON's space, plus every other control byte (NUL included).
    while (i_ < text_.size() && static_cast<unsigned char>(text_[i_]) <= 0x20) {
      ++i_;
    }
  }

  // A string, a number or a literal; false (consuming nothing) otherwise.
  bool Scalar() {
    SkipSpace();
    if (i_ >= text_.size()) return false;
    const char c = text_[i_];
    if (c == '"') return String(nullptr);
    if (c == '-' || absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return Number(nullptr);
    }
    for (absl::string_view word : {"true", "false", "null"}) {
      if (text_.substr(i_, word.size()) == word) {
        i_ += word.size();
        return true;
      }
    }
    return false;
  }

  // One escape at i_ (a backslash); appends what it means. False when it is
  // not valid JSON (an unknown escape, a lone surrogate).
  bool Escape(std::string* out) {
    const char e = text_[i_ + 1];
    i_ += 2;
    switch (e) {
      case '"': out->push_back('"'); return true;
      case '\\': out->push_back('\\'); return true;
      case '/': out->push_back('/'); return true;
      case 'b': out->push_back('\b'); return true;
      case 'f': out->push_back('\f'); return true;
      case 'n': out->push_back('\n'); return true;
      case 'r': out->push_back('\r'); return true;
      case 't': out->push_back('\t'); return true;
      case 'u': break;
      default: return false;
    }
    absl::optional<uint32_t> unit = Hex4();
    if (!unit.has_value()) return false;
    uint32_t code = *unit;
    if (code >= 0xDC00 && code <= 0xDFFF) return false;  // a lone low half
    if (code >= 0xD800 && code <= 0xDBFF) {
      if (text_.substr(i_, 2) != "\\u") return false;  // a lone high half
      i_ += 2;
      absl::optional<uint32_t> low = Hex4();
      if (!low.has_value() || *low < 0xDC00 || *low > 0xDFFF) return false;
      code = 0x10000 + ((code - 0xD800) << 10) + (*low - 0xDC00);
    }
    AppendUtf8(code, out);
    return true;
  }

  absl::optional<uint32_t> Hex4() {
    if (i_ + 4 > text_.size()) return absl::nullopt;
    uint32_t value = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text_[i_ + k];
      if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
        return absl::nullopt;
      }
      value =
          value * 16 + static_cast<uint32_t>(
                           absl::ascii_isdigit(static_cast<unsigned char>(c))
                               ? c - '0'
                               : absl::ascii_tolower(c) - 'a' + 10);
    }
    i_ += 4;
    return value;
  }

  static void AppendUtf8(uint32_t code, std::string* out) {
    if (code < 0x80) {
      out->push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (code >> 6)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (code >> 12)));
      out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (code >> 18)));
      out->push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
  }

  // A multi-byte UTF-8 sequence at i_ (its first byte is >= 0x80). Appends
  // it and returns true when well-formed (RFC 3629: no overlong forms, no
  // surrogates, nothing above U+10FFFF); else consumes one byte, false.
  bool Utf8Sequence(std::string* out) {
    const unsigned char b0 = static_cast<unsigned char>(text_[i_]);
    int length = 0;
    uint32_t min = 0, code = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      length = 2, min = 0x80, code = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      length = 3, min = 0x800, code = b0 & 0x0F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      length = 4, min = 0x10000, code = b0 & 0x07;
    } else {
      ++i_;
      return false;
    }
    if (i_ + length > text_.size()) {
      ++i_;
      return false;
    }
    for (int k = 1; k < length; ++k) {
      const unsigned char b = static_cast<unsigned char>(text_[i_ + k]);
      if ((b & 0xC0) != 0x80) {
        ++i_;
        return false;
      }
      code = (code << 6) | (b & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      ++i_;
      return false;
    }
    out->append(text_.data() + i_, static_cast<size_t>(length));
    i_ += static_cast<size_t>(length);
    return true;
  }

  absl::string_view text_;
  size_t i_ = 0;
};

// The body object's members; the scanner is at its '{'.
bool ScanBody(Scanner& scan, Envelope* envelope) {
  if (!scan.Eat('{')) return false;
  envelope->body_is_object = true;
  envelope->has_in_reply_to = false;
  envelope->msg_id_text.reset();
  if (scan.Eat('}')) return true;
  do {
    absl::optional<std::string> key;
    if (!scan.String(&key) || !scan.Eat(':')) return false;
    std::string raw;
    if (!scan.Value(&raw)) return false;
    if (key == "msg_id") envelope->msg_id_text = std::move(raw);
    if (key == "in_reply_to") envelope->has_in_reply_to = true;
  } while (scan.Eat(','));
  return scan.Eat('}');
}

// One member of the top-level object, after its key.
bool ScanMember(Scanner& scan, const absl::optional<std::string>& key,
                Envelope* envelope) {
  if (key == "src" || key == "dest") {
    absl::optional<std::string>& field =
        key == "src" ? envelope->src : envelope->dest;
    field.reset();
    if (scan.Next('"')) return scan.String(&field);
    return scan.Value(nullptr);
  }
  if (key == "body") {
    envelope->body_is_object = false;
    envelope->has_in_reply_to = false;
    envelope->msg_id_text.reset();
    if (scan.Next('{')) return ScanBody(scan, envelope);
  }
  return scan.Value(nullptr);
}

}  // namespace

absl::optional<Envelope> ScanEnvelope(absl::string_view line) {
  Scanner scan(line);
  Envelope envelope;
  if (!scan.Eat('{')) return absl::nullopt;
  if (!scan.Eat('}')) {
    do {
      absl::optional<std::string> key;
      if (!scan.String(&key) || !scan.Eat(':')) return absl::nullopt;
      if (!ScanMember(scan, key, &envelope)) return absl::nullopt;
    } while (scan.Eat(','));
    if (!scan.Eat('}')) return absl::nullopt;
  }
  if (!scan.AtEnd()) return absl::nullopt;  // e.g. two objects on one line
  return envelope;
}

absl::optional<Json> ReplyableMsgId(absl::string_view text) {
  if (text.empty()) return absl::nullopt;
  for (size_t k = 0; k < text.size(); ++k) {
    const bool sign = k == 0 && text[k] == '-' && text.size() > 1;
    if (!sign && !absl::ascii_isdigit(static_cast<unsigned char>(text[k]))) {
      return absl::nullopt;  // 7.5, 1e3, "7", null ...
    }
  }
  // JSON writes an integer without leading zeros ("007" is no JSON number,
  // and no client wrote it: which request it means is a guess).
  const absl::string_view digits = text[0] == '-' ? text.substr(1) : text;
  if (digits.size() > 1 && digits[0] == '0') return absl::nullopt;
  int64_t signed_value = 0;
  if (absl::SimpleAtoi(text, &signed_value)) return Json(signed_value);
  uint64_t unsigned_value = 0;
  if (text[0] != '-' && absl::SimpleAtoi(text, &unsigned_value)) {
    return Json(unsigned_value);
  }
  return absl::nullopt;  // beyond 64 bits
}

}  // namespace kvclient
