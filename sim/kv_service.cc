#include "sim/kv_service.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace sim {
namespace {

std::string KeyText(const Json& key) {
  return key.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool IsIntegral(const Json& j) {
  return j.is_number_integer() || j.is_number_unsigned();
}

const Json& FieldOrNull(const Json& body, const char* name) {
  static const Json* const kNull = new Json(nullptr);
  auto it = body.find(name);
  return it == body.end() ? *kNull : *it;
}

Json KeyMissing() {
  return {{"type", "error"}, {"code", 20}, {"text", "key does not exist"}};
}

// A read never changes the store, so it needs no copy of it.
Json ReadReply(const KvStore& store, const Json& body) {
  auto current = store.values.find(KeyText(FieldOrNull(body, "key")));
  if (current == store.values.end()) return KeyMissing();
  return Json{{"type", "read_ok"}, {"value", current->second}};
}

}  // namespace

bool StrictJsonEqual(const Json& a, const Json& b) {
  if (IsIntegral(a) && IsIntegral(b)) {
    if (a.is_number_unsigned() && b.is_number_unsigned()) {
      return a.get<uint64_t>() == b.get<uint64_t>();
    }
    // A negative signed value never equals an unsigned one; otherwise the
    // value fits int64 on both sides or they differ.
    if (a.is_number_unsigned() != b.is_number_unsigned()) {
      const Json& u = a.is_number_unsigned() ? a : b;
      const Json& s = a.is_number_unsigned() ? b : a;
      int64_t sv = s.get<int64_t>();
      return sv >= 0 && static_cast<uint64_t>(sv) == u.get<uint64_t>();
    }
    return a.get<int64_t>() == b.get<int64_t>();
  }
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Json::value_t::object: {
      if (a.size() != b.size()) return false;
      for (auto it = a.begin(); it != a.end(); ++it) {
        auto other = b.find(it.key());
        if (other == b.end() || !StrictJsonEqual(*it, *other)) return false;
      }
      return true;
    }
    case Json::value_t::array: {
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (!StrictJsonEqual(a[i], b[i])) return false;
      }
      return true;
    }
    default:
      return a == b;  // same non-integer type: strings, bools, floats, null
  }
}

bool KvStore::operator==(const KvStore& other) const {
  if (values.size() != other.values.size()) return false;
  for (auto a = values.begin(), b = other.values.begin(); a != values.end();
       ++a, ++b) {
    if (a->first != b->first || !StrictJsonEqual(a->second, b->second)) {
      return false;
    }
  }
  return true;
}

absl::optional<Json> ApplyKvOperation(KvStore& store, const Json& body) {
  const std::string type = std::string(kvclient::BodyType(body));
  // Missing fields read as null, as Clojure's (:key body) would.
  const std::string key = KeyText(FieldOrNull(body, "key"));
  auto current = store.values.find(key);
  if (type == "read") return ReadReply(store, body);
  if (type == "write") {
    store.values[key] = FieldOrNull(body, "value");
    return Json{{"type", "write_ok"}};
  }
  if (type == "cas") {
    const Json& from = FieldOrNull(body, "from");
    const Json& to = FieldOrNull(body, "to");
    if (current == store.values.end()) {
      const Json& create = FieldOrNull(body, "create_if_not_exists");
      if (create.is_boolean() && create.get<bool>()) {
        store.values[key] = to;
        return Json{{"type", "cas_ok"}};
      }
      return KeyMissing();
    }
    if (!StrictJsonEqual(current->second, from)) {
      return Json{{"type", "error"},
                  {"code", 22},
                  {"text", absl::StrCat("current value ", KeyText(current->second),
                                        " is not ", KeyText(from))}};
    }
    current->second = to;
    return Json{{"type", "cas_ok"}};
  }
  return absl::nullopt;  // Maelstrom's `case` throws; the service stays silent
}

namespace {
Json WithInReplyTo(Json reply, const Json& request) {
  reply["in_reply_to"] = FieldOrNull(request, "msg_id");
  return reply;
}
}  // namespace

absl::optional<Json> LinKv::Handle(const std::string&, const Json& body,
                                   Prng&) {
  absl::optional<Json> reply = ApplyKvOperation(store_, body);
  if (!reply.has_value()) return absl::nullopt;
  return WithInReplyTo(std::move(*reply), body);
}

SeqKv::SeqKv(int64_t kept_versions) : kept_versions_(kept_versions) {
  versions_.emplace_back();  // index 0: the empty store
}

int64_t SeqKv::last_seen(const std::string& src) const {
  auto it = last_seen_.find(src);
  return it == last_seen_.end() ? 0 : it->second;
}

const KvStore& SeqKv::VersionAt(int64_t index) const {
  int64_t oldest = newest_index_ - static_cast<int64_t>(versions_.size()) + 1;
  if (index < oldest) index = oldest;
  return versions_[static_cast<size_t>(index - oldest)];
}

absl::optional<Json> SeqKv::Handle(const std::string& src, const Json& body,
                                   Prng& prng) {
  const int64_t client = last_seen(src);
  // Clojure: (+ client (rand-int (- newest client))); rand-int 0 is 0.
  const int64_t index =
      client + static_cast<int64_t>(prng.Uniform(
                   static_cast<uint64_t>(newest_index_ - client)));
  if (kvclient::BodyType(body) == "read") {
    // Never changes the store: answer from the chosen version without
    // copying it (most traffic is reads; the copy dominated large runs).
    Json reply = ReadReply(VersionAt(index), body);
    last_seen_[src] = index;
    return WithInReplyTo(std::move(reply), body);
  }
  KvStore speculative = VersionAt(index);
  absl::optional<Json> reply = ApplyKvOperation(speculative, body);
  if (!reply.has_value()) return absl::nullopt;
  if (speculative == VersionAt(index)) {
    last_seen_[src] = index;
    return WithInReplyTo(std::move(*reply), body);
  }
  KvStore next = versions_.back();
  reply = ApplyKvOperation(next, body);
  versions_.push_back(std::move(next));
  ++newest_index_;
  while (static_cast<int64_t>(versions_.size()) > kept_versions_) {
    versions_.pop_front();
  }
  last_seen_[src] = newest_index_;
  return WithInReplyTo(std::move(*reply), body);
}

}  // namespace sim
