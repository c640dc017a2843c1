#include "sim/maelstrom/edn_reader.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace sim {
namespace {

class Reader {
 public:
  explicit Reader(absl::string_view text) : text_(text) {}

  absl::StatusOr<EdnValue> Value(int depth = 0) {
    if (depth > 64) return Error("nested too deeply");
    SkipSpace();
    if (pos_ >= text_.size()) return Error("unexpected end");
    const char c = text_[pos_];
    if (c == '{') return Collection(EdnValue::Kind::kMap, '}', depth);
    if (c == '[') return Collection(EdnValue::Kind::kVector, ']', depth);
    if (c == '(') return Collection(EdnValue::Kind::kList, ')', depth);
    if (c == '#' && Peek(1) == '{') {
      ++pos_;
      return Collection(EdnValue::Kind::kSet, '}', depth);
    }
    if (c == '"') return String();
    if (c == ':') {
      ++pos_;
      EdnValue v;
      v.kind = EdnValue::Kind::kKeyword;
      v.text = Token();
      if (v.text.empty()) return Error("empty keyword");
      return v;
    }
    if (c == '#' && Peek(1) == '#') {
      pos_ += 2;
      const std::string t = Token();
      EdnValue v;
      v.kind = EdnValue::Kind::kFloat;
      if (t == "NaN")
        v.number = std::numeric_limits<double>::quiet_NaN();
      else if (t == "Inf")
        v.number = std::numeric_limits<double>::infinity();
      else if (t == "-Inf")
        v.number = -std::numeric_limits<double>::infinity();
      else
        return Error(absl::StrCat("unknown symbolic value ##", t));
      return v;
    }
    const std::string t = Token();
    if (t.empty())
      return Error(absl::StrCat("unexpected '", std::string(1, c), "'"));
    EdnValue v;
    if (t == "nil") return v;
    if (t == "true" || t == "false") {
      v.kind = EdnValue::Kind::kBool;
      v.boolean = t == "true";
      return v;
    }
    if (absl::SimpleAtoi(t, &v.integer)) {
      v.kind = EdnValue::Kind::kInt;
      v.number = static_cast<double>(v.integer);
      return v;
    }
    char* end = nullptr;
    v.number = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size() ||
        (t.find_first_of(".eE") == std::string::npos)) {
      return Error(absl::StrCat("not a value: ", t));
    }
    v.kind = EdnValue::Kind::kFloat;
    return v;
  }

  absl::StatusOr<std::vector<EdnValue>> All() {
    std::vector<EdnValue> values;
    for (SkipSpace(); pos_ < text_.size(); SkipSpace()) {
      absl::StatusOr<EdnValue> v = Value();
      if (!v.ok()) return v.status();
      values.push_back(*std::move(v));
    }
    return values;
  }

  bool AtEnd() {
    SkipSpace();
    return pos_ == text_.size();
  }

 private:
  char Peek(size_t ahead) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }

  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("EDN at offset ", pos_, ": ", what));
  }

  void SkipSpace() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == ',') {
        ++pos_;
      } else if (c == ';') {  // comment to end of line
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }

  std::string Token() {
    const size_t start = pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == ',' ||
          c == '(' || c == ')' || c == '[' || c == ']' || c == '{' ||
          c == '}' || c == '"' || c == ';') {
        break;
      }
      ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  absl::StatusOr<EdnValue> Collection(EdnValue::Kind kind, char close,
                                      int depth) {
    ++pos_;  // the opening bracket
    EdnValue v;
    v.kind = kind;
    std::vector<EdnValue> items;
    for (;;) {
      SkipSpace();
      if (pos_ >= text_.size()) return Error("unterminated collection");
      if (text_[pos_] == close) {
        ++pos_;
        break;
      }
      absl::StatusOr<EdnValue> item = Value(depth + 1);
      if (!item.ok()) return item.status();
      items.push_back(*std::move(item));
    }
    if (kind == EdnValue::Kind::kMap) {
      if (items.size() % 2 != 0)
        return Error("a map needs an even number of forms");
      for (size_t i = 0; i < items.size(); i += 2) {
        v.entries.emplace_back(std::move(items[i]), std::move(items[i + 1]));
      }
    } else {
      v.items = std::move(items);
    }
    return v;
  }

  absl::StatusOr<EdnValue> String() {
    ++pos_;  // the opening quote
    EdnValue v;
    v.kind = EdnValue::Kind::kString;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (static_cast<unsigned char>(c) < 0x20)
        return Error("raw control character in a string");
      if (c != '\\') {
        v.text.push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) break;
      c = text_[pos_++];
      switch (c) {
        case '"': v.text += '"'; break;
        case '\\': v.text += '\\'; break;
        case 'n': v.text += '\n'; break;
        case 't': v.text += '\t'; break;
        case 'r': v.text += '\r'; break;
        case 'b': v.text += '\b'; break;
        case 'f': v.text += '\f'; break;
        case 'u': {
          uint32_t cp = 0;
          if (pos_ + 4 > text_.size()) return Error("short \\u escape");
          for (int k = 0; k < 4; ++k) {
            const char h = text_[pos_++];
            cp = cp * 16 +
                 static_cast<uint32_t>(h >= '0' && h <= '9'   ? h - '0'
                                       : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                       : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                                              : 99);
          }
          if (cp > 0xFFFF) return Error("bad \\u escape");
          if (cp < 0x80) {
            v.text.push_back(static_cast<char>(cp));
          } else if (cp < 0x800) {
            v.text.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            v.text.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
          } else {
            v.text.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            v.text.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            v.text.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
          }
          break;
        }
        default:
          return Error(absl::StrCat("unknown escape \\", std::string(1, c)));
      }
    }
    if (pos_ >= text_.size()) return Error("unterminated string");
    ++pos_;  // the closing quote
    return v;
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

const EdnValue& EdnValue::Get(absl::string_view key) const {
  static const EdnValue* nil = new EdnValue();
  for (const auto& [k, v] : entries) {
    if (k.kind == Kind::kKeyword && k.text == key) return v;
  }
  return *nil;
}

bool EdnValue::Has(absl::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k.kind == Kind::kKeyword && k.text == key) return true;
  }
  return false;
}

std::vector<std::string> EdnValue::Keys() const {
  std::vector<std::string> keys;
  for (const auto& [k, v] : entries) {
    if (k.kind == Kind::kKeyword) keys.push_back(k.text);
  }
  return keys;
}

absl::StatusOr<EdnValue> ReadEdn(absl::string_view text) {
  Reader r(text);
  absl::StatusOr<EdnValue> v = r.Value();
  if (v.ok() && !r.AtEnd())
    return absl::InvalidArgumentError("EDN: more than one value");
  return v;
}

absl::StatusOr<std::vector<EdnValue>> ReadAllEdn(absl::string_view text) {
  return Reader(text).All();
}

}  // namespace sim
