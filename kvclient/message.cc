#include "kvclient/message.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "kvclient/assert.h"

namespace kvclient {
namespace {

absl::Status Invalid(absl::string_view why) {
  return absl::InvalidArgumentError(why);
}

// nlohmann parses and frees any depth iteratively but copies, compares and
// dumps recursively, so one line of a few million '[' would overflow the
// stack. Maelstrom's messages nest a handful of levels.
constexpr int kMaxNestingDepth = 100;

// True when arrays/objects in `text` nest deeper than kMaxNestingDepth
// (brackets inside strings do not count).
bool TooDeep(absl::string_view text) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxNestingDepth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

// Why nlohmann refuses a line, e.g. "column 13: syntax error while parsing
// value - invalid string: surrogate U+D800..U+DBFF must be followed by
// U+DC00..U+DFFF; last read: '"\ud800"'", or "number overflow parsing
// '1e400'". Only on the failure path (it parses again, with exceptions).
std::string WhyNotJson(absl::string_view line) {
  try {
    Json parsed = Json::parse(line.begin(), line.end());
    (void)parsed;
  } catch (const Json::exception& e) {
    absl::string_view what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 13: .."
    size_t tag = what.find("] ");
    if (tag != absl::string_view::npos) what.remove_prefix(tag + 2);
    for (absl::string_view prefix :
         {"parse error at line 1, ", "parse error "}) {
      if (absl::StartsWith(what, prefix)) what.remove_prefix(prefix.size());
    }
    return std::string(what);
  }
  return "";
}

absl::Status CheckOptionalInt(const Json& body, const char* field) {
  auto it = body.find(field);
  if (it != body.end() && !IsInt64(*it)) {
    return Invalid(
        absl::StrCat("body.", field, " must be an integer, got ",
                     it->dump(-1, ' ', false, Json::error_handler_t::replace)));
  }
  return absl::OkStatus();
}

}  // namespace

bool operator==(const Message& a, const Message& b) {
  return a.src == b.src && a.dest == b.dest && a.body == b.body;
}

bool IsInt64(const Json& j) {
  if (j.is_number_integer() && !j.is_number_unsigned()) return true;
  return j.is_number_unsigned() &&
         j.get<uint64_t>() <=
             static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
}

absl::StatusOr<Message> ParseMessage(absl::string_view line) {
  if (TooDeep(line)) return Invalid("JSON nested deeper than 100 levels");
  Json j = Json::parse(line.begin(), line.end(), /*cb=*/nullptr,
                       /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    std::string why = WhyNotJson(line);
    return Invalid(why.empty() ? "not valid JSON"
                               : absl::StrCat("not valid JSON (", why, ")"));
  }
  if (!j.is_object()) return Invalid("message is not a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k != "src" && k != "dest" && k != "body" && k != "id") {
      return Invalid(absl::StrCat("unexpected top-level key \"", k, "\""));
    }
  }
  auto src = j.find("src");
  auto dest = j.find("dest");
  auto body = j.find("body");
  if (src == j.end() || !src->is_string()) return Invalid("missing string src");
  if (dest == j.end() || !dest->is_string()) {
    return Invalid("missing string dest");
  }
  if (body == j.end() || !body->is_object()) {
    return Invalid("missing object body");
  }
  auto id = j.find("id");
  if (id != j.end() && !IsInt64(*id)) return Invalid("id must be an integer");
  auto type = body->find("type");
  if (type == body->end() || !type->is_string()) {
    return Invalid("body.type must be a string");
  }
  if (absl::Status s = CheckOptionalInt(*body, "msg_id"); !s.ok()) return s;
  if (absl::Status s = CheckOptionalInt(*body, "in_reply_to"); !s.ok()) {
    return s;
  }
  Message m;
  m.src = src->get<std::string>();
  m.dest = dest->get<std::string>();
  m.body = std::move(*body);
  MC_ASSERT(m.body.is_object() && m.body.contains("type"),
            "an accepted message has an object body with a type");
  return m;
}

std::string EncodeMessage(const Message& message) {
  Json j = Json::object();
  j["src"] = message.src;
  j["dest"] = message.dest;
  j["body"] = message.body;
  std::string line = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  // Maelstrom reads one message per line: compact dumps escape newlines.
  MC_ASSERT(line.find('\n') == std::string::npos,
            "an encoded message spans lines: ", line.substr(0, 200));
  return line;
}

absl::string_view BodyType(const Json& body) {
  if (!body.is_object()) return "";
  auto it = body.find("type");
  if (it == body.end() || !it->is_string()) return "";
  return it->get_ref<const std::string&>();
}

namespace {
absl::optional<int64_t> IntField(const Json& body, const char* field) {
  if (!body.is_object()) return absl::nullopt;
  auto it = body.find(field);
  if (it == body.end() || !IsInt64(*it)) return absl::nullopt;
  return it->get<int64_t>();
}
}  // namespace

absl::optional<int64_t> MsgId(const Json& body) {
  return IntField(body, "msg_id");
}

absl::optional<int64_t> InReplyTo(const Json& body) {
  return IntField(body, "in_reply_to");
}

bool IsClientId(absl::string_view id) {
  if (id.size() < 2 || id[0] != 'c') return false;
  for (char c : id.substr(1)) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace kvclient
