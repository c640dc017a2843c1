#include "sim/maelstrom/edn.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kvclient/assert.h"
#include "sim/maelstrom/utf8.h"

namespace sim {
namespace {

bool IsKeywordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '*' || c == '+' || c == '!' ||
         c == '-' || c == '_' || c == '?' || c == '<' || c == '>' || c == '=' ||
         c == '.';
}

// The shortest %g form that reads back as `d` (as a float when `single`).
std::string FormatDouble(double d, bool single) {
  if (std::isnan(d)) return "##NaN";
  if (std::isinf(d)) return d > 0 ? "##Inf" : "##-Inf";
  std::string s;
  for (int precision = 1; precision <= 17; ++precision) {
    s = absl::StrFormat("%.*g", precision, d);
    const double back = std::strtod(s.c_str(), nullptr);
    if (single ? static_cast<float>(back) == static_cast<float>(d) : back == d)
      break;
  }
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

}  // namespace

std::string EdnEscape(absl::string_view text) {
  // SanitizeUtf8 would turn controls into Control Pictures; EDN can carry
  // the real characters escaped, so only invalid bytes are replaced here.
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\t': out += "\\t"; continue;
      case '\r': out += "\\r"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      default: break;
    }
    if (c < 0x20 || c == 0x7F) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
    } else if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      // A multi-byte sequence: kept if valid, else U+FFFD for this byte.
      const size_t len = Utf8SequenceLength(text, i);
      if (len > 1) {
        out.append(text.data() + i, len);
        i += len - 1;
      } else {
        out += "\xEF\xBF\xBD";
      }
    }
  }
  return out;
}

Edn Edn::Bool(bool b) {
  Edn e(Kind::kBool);
  e.bool_ = b;
  return e;
}

Edn Edn::Int(int64_t i) {
  Edn e(Kind::kInt);
  e.int_ = i;
  return e;
}

Edn Edn::Double(double d) {
  Edn e(Kind::kDouble);
  e.double_ = d;
  return e;
}

Edn Edn::Float(float f) {
  Edn e(Kind::kFloat);
  e.double_ = f;
  return e;
}

Edn Edn::String(absl::string_view s) {
  Edn e(Kind::kString);
  e.text_ = std::string(s);
  return e;
}

Edn Edn::Keyword(absl::string_view name) {
  Edn e(Kind::kKeyword);
  for (char c : name) e.text_.push_back(IsKeywordChar(c) ? c : '-');
  if (e.text_.empty() || (e.text_[0] >= '0' && e.text_[0] <= '9')) {
    e.text_.insert(0, "_");  // a keyword may not be empty or start with a digit
  }
  return e;
}

Edn Edn::Vector(std::vector<Edn> items) {
  Edn e(Kind::kVector);
  e.items_ = std::move(items);
  return e;
}

Edn Edn::List(std::vector<Edn> items) {
  Edn e(Kind::kList);
  e.items_ = std::move(items);
  return e;
}

Edn Edn::Map() { return Edn(Kind::kMap); }

Edn Edn::FromJson(const kvclient::Json& value) {
  switch (value.type()) {
    case kvclient::Json::value_t::null: return Nil();
    case kvclient::Json::value_t::boolean: return Bool(value.get<bool>());
    case kvclient::Json::value_t::number_integer:
      return Int(value.get<int64_t>());
    case kvclient::Json::value_t::number_unsigned: {
      const uint64_t u = value.get<uint64_t>();
      if (u <= static_cast<uint64_t>(INT64_MAX))
        return Int(static_cast<int64_t>(u));
      return Double(static_cast<double>(u));  // a bigint, approximately
    }
    case kvclient::Json::value_t::number_float:
      return Double(value.get<double>());
    case kvclient::Json::value_t::string:
      return String(value.get_ref<const std::string&>());
    case kvclient::Json::value_t::array: {
      Edn v = Vector();
      for (const kvclient::Json& item : value) v.Add(FromJson(item));
      return v;
    }
    case kvclient::Json::value_t::object: {
      Edn m = Map();
      for (auto it = value.begin(); it != value.end(); ++it)
        m.Put(it.key(), FromJson(it.value()));
      return m;
    }
    default: return Nil();  // binary, discarded: not from a parsed line
  }
}

Edn Edn::Tagged(absl::string_view tag, Edn form) {
  MC_ASSERT(!tag.empty(), "a tagged literal needs a tag");
  Edn e(Kind::kTagged);
  e.text_ = std::string(tag);
  e.items_.push_back(std::move(form));
  return e;
}

Edn Edn::Raw(absl::string_view text) {
  MC_ASSERT(!text.empty(), "a raw element is not empty");
  Edn e(Kind::kRaw);
  e.text_ = std::string(text);
  return e;
}

Edn& Edn::Add(Edn item) {
  MC_ASSERT(kind_ == Kind::kVector || kind_ == Kind::kList,
            "Add is for vectors and lists; this is kind ",
            static_cast<int>(kind_));
  items_.push_back(std::move(item));
  return *this;
}

Edn& Edn::Put(absl::string_view keyword, Edn value) {
  MC_ASSERT(kind_ == Kind::kMap, "Put is for maps; this is kind ",
            static_cast<int>(kind_));
  entries_.emplace_back(Keyword(keyword).text_, std::move(value));
  printed_key_.push_back(false);
  return *this;
}

Edn& Edn::PutKey(const Edn& key, Edn value) {
  if (key.kind_ == Kind::kKeyword) return Put(key.text_, std::move(value));
  MC_ASSERT(kind_ == Kind::kMap, "PutKey is for maps; this is kind ",
            static_cast<int>(kind_));
  entries_.emplace_back(key.Print(), std::move(value));
  printed_key_.push_back(true);
  return *this;
}

const Edn* Edn::Find(absl::string_view keyword) const {
  MC_ASSERT(kind_ == Kind::kMap, "Find is for maps; this is kind ",
            static_cast<int>(kind_));
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (!printed_key_[i] && entries_[i].first == keyword)
      return &entries_[i].second;
  }
  return nullptr;
}

int64_t Edn::int_value() const {
  MC_ASSERT(kind_ == Kind::kInt, "int_value is for integers; this is kind ",
            static_cast<int>(kind_));
  return int_;
}

std::string Edn::Print() const {
  std::string out;
  PrintTo(&out);
  return out;
}

void Edn::PrintTo(std::string* out) const {
  switch (kind_) {
    case Kind::kNil: *out += "nil"; return;
    case Kind::kBool: *out += bool_ ? "true" : "false"; return;
    case Kind::kInt: absl::StrAppend(out, int_); return;
    case Kind::kDouble: *out += FormatDouble(double_, /*single=*/false); return;
    case Kind::kFloat: *out += FormatDouble(double_, /*single=*/true); return;
    case Kind::kString:
      absl::StrAppend(out, "\"", EdnEscape(text_), "\"");
      return;
    case Kind::kKeyword: absl::StrAppend(out, ":", text_); return;
    case Kind::kRaw: *out += text_; return;
    case Kind::kTagged:
      absl::StrAppend(out, "#", text_);
      items_[0].PrintTo(out);
      return;
    case Kind::kVector:
    case Kind::kList: {
      *out += kind_ == Kind::kVector ? "[" : "(";
      for (size_t i = 0; i < items_.size(); ++i) {
        if (i) *out += " ";
        items_[i].PrintTo(out);
      }
      *out += kind_ == Kind::kVector ? "]" : ")";
      return;
    }
    case Kind::kMap: {
      *out += "{";
      for (size_t i = 0; i < entries_.size(); ++i) {
        if (i) *out += ", ";
        absl::StrAppend(out, printed_key_[i] ? "" : ":", entries_[i].first,
                        " ");
        entries_[i].second.PrintTo(out);
      }
      *out += "}";
      return;
    }
  }
}

std::string Edn::Pretty() const {
  std::string out;
  PrettyTo(&out, 0);
  return out;
}

void Edn::PrettyTo(std::string* out, size_t column) const {
  if (kind_ == Kind::kTagged) {
    absl::StrAppend(out, "#", text_);
    items_[0].PrettyTo(out, column + 1 + text_.size());
    return;
  }
  if (kind_ != Kind::kMap || entries_.empty()) {
    PrintTo(out);
    return;
  }
  *out += "{";
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (i) absl::StrAppend(out, ",\n", std::string(column + 1, ' '));
    const std::string key =
        absl::StrCat(printed_key_[i] ? "" : ":", entries_[i].first, " ");
    *out += key;
    entries_[i].second.PrettyTo(out, column + 1 + key.size());
  }
  *out += "}";
}

}  // namespace sim
