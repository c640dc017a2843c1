#include "sim/maelstrom/workload.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "kvclient/errors.h"

namespace sim {

ClientStep ClientStep::Send(kvclient::Json body) {
  ClientStep s;
  s.request = std::move(body);
  return s;
}

ClientStep ClientStep::Ok(absl::optional<kvclient::Json> value) {
  ClientStep s;
  s.type = EventType::kOk;
  s.value = std::move(value);
  return s;
}

ClientStep ClientStep::Fail(std::string error) {
  ClientStep s;
  s.type = EventType::kFail;
  s.error = std::move(error);
  return s;
}

ClientStep ClientStep::Info(std::string error) {
  ClientStep s;
  s.type = EventType::kInfo;
  s.error = std::move(error);
  return s;
}

ClientStep WithErrors(bool idempotent, const kvclient::Json* error_reply) {
  if (error_reply == nullptr) {
    return idempotent ? ClientStep::Fail("net-timeout")
                      : ClientStep::Info("net-timeout");
  }
  // Any body, however malformed: missing fields read as nil.
  const kvclient::Json none;
  auto field = [&](const char* key) -> const kvclient::Json& {
    if (!error_reply->is_object()) return none;
    auto it = error_reply->find(key);
    return it == error_reply->end() ? none : *it;
  };
  const kvclient::Json& code = field("code");
  const int64_t c = code.is_number_integer() ? code.get<int64_t>() : -1;
  const kvclient::Json& text = field("text");
  std::string error =
      absl::StrCat("[:", kvclient::ErrorName(c), " ",
                   text.is_null() ? std::string("nil") : text.dump(), "]");
  return idempotent || kvclient::IsDefinite(c)
             ? ClientStep::Fail(std::move(error))
             : ClientStep::Info(std::move(error));
}

}  // namespace sim
