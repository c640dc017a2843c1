#include "sim/report/escape.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sim/maelstrom/utf8.h"

namespace report {
namespace {

using sim::DecodeUtf8;

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

void AppendCodePoint(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

std::string SanitizeUtf8(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    uint32_t cp = 0;
    const size_t len = DecodeUtf8(text, i, &cp);
    if (len == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') {
      AppendCodePoint(0x2400 + cp, &out);  // ␀ .. ␟
    } else if (cp == 0x7F) {
      AppendCodePoint(0x2421, &out);  // ␡
    } else if ((cp >= 0x80 && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF) {
      out += kReplacement;
    } else {
      out.append(text.data() + i, len);
    }
    i += len;
  }
  return out;
}

std::string EscapeXml(absl::string_view text) {
  const std::string clean = SanitizeUtf8(text);
  std::string out;
  out.reserve(clean.size() + clean.size() / 8);
  for (char c : clean) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string UrlPath(absl::string_view path) {
  std::string out;
  for (char c : path) {
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                       (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                       c == '_' || c == '~' || c == '/';
    if (plain) {
      out.push_back(c);
    } else {
      absl::StrAppendFormat(&out, "%%%02X", static_cast<uint8_t>(c));
    }
  }
  return out;
}

std::string Truncate(absl::string_view text, size_t max_chars) {
  if (max_chars == 0) return "";
  const std::string clean = SanitizeUtf8(text);
  size_t chars = 0;
  size_t cut = clean.size();  // byte offset of code point max_chars - 1
  for (size_t i = 0; i < clean.size(); ++i) {
    if ((static_cast<uint8_t>(clean[i]) & 0xC0) == 0x80)
      continue;  // continuation
    if (chars + 1 == max_chars) cut = i;
    if (++chars > max_chars) return absl::StrCat(clean.substr(0, cut), "…");
  }
  return clean;
}

}  // namespace report
