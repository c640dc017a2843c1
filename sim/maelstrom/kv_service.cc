#include "sim/maelstrom/kv_service.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "kvclient/assert.h"
#include "sim/maelstrom/clojure_print.h"

namespace sim {
namespace {

bool HasNegativeZero(const Json& j) {
  if (j.is_number_float())
    return j.get<double>() == 0 && std::signbit(j.get<double>());
  if (j.is_array() || j.is_object()) {
    for (const Json& element : j) {
      if (HasNegativeZero(element)) return true;
    }
  }
  return false;
}

Json WithoutNegativeZero(const Json& j) {
  if (j.is_number_float() && j.get<double>() == 0) return Json(0.0);
  if (!j.is_array() && !j.is_object()) return j;
  Json copy = j;
  for (auto it = copy.begin(); it != copy.end(); ++it)
    *it = WithoutNegativeZero(*it);
  return copy;
}

// A map key as text: two keys are the same iff Clojure's map finds one with
// the other (= and hasheq): JSON text tells 1 from 1.0 and "1", objects come
// out key-sorted, and 0.0 and -0.0 are one key (Numbers.hasheq maps -0.0 to
// 0.0's hash; Numbers.equiv calls them equal).
std::string KeyText(const Json& key) {
  if (HasNegativeZero(key)) {
    return WithoutNegativeZero(key).dump(-1, ' ', false,
                                         Json::error_handler_t::replace);
  }
  return key.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool IsIntegral(const Json& j) {
  return j.is_number_integer() || j.is_number_unsigned();
}

// Clojure's (:field body): a missing field is nil.
const Json& FieldOrNull(const Json& body, const char* name) {
  static const Json* const kNull = new Json(nullptr);
  if (!body.is_object()) return *kNull;
  auto it = body.find(name);
  return it == body.end() ? *kNull : *it;
}

Json KeyMissing() {
  return {{"type", "error"}, {"code", 20}, {"text", "key does not exist"}};
}

Json PreconditionFailed(std::string text) {
  return {{"type", "error"}, {"code", 22}, {"text", std::move(text)}};
}

// service-thread: (assoc (handle! service message) :in_reply_to (:msg_id
// body)).
Json WithInReplyTo(Json reply, const Json& request) {
  reply["in_reply_to"] = FieldOrNull(request, "msg_id");
  return reply;
}

// A read never changes the store, so it needs no copy of it.
Json ReadReply(const KvStore& store, const Json& body) {
  auto current = store.values.find(KeyText(FieldOrNull(body, "key")));
  if (current == store.values.end()) return KeyMissing();
  return Json{{"type", "read_ok"}, {"value", current->second}};
}

// PersistentKV touches only the request's key, so whether an operation
// changes a version can be decided on a copy of that one entry.
bool ChangesStore(const KvStore& store, const Json& body) {
  const std::string key = KeyText(FieldOrNull(body, "key"));
  KvStore before;
  auto current = store.values.find(key);
  if (current != store.values.end()) before.values.insert(*current);
  KvStore after = before;
  ApplyKvOperation(after, body);
  return !(after == before);
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

bool ClojureTruthy(const Json& value) {
  return !value.is_null() && !(value.is_boolean() && !value.get<bool>());
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
  const absl::string_view type = kvclient::BodyType(body);
  if (type == "read") return ReadReply(store, body);
  const std::string key = KeyText(FieldOrNull(body, "key"));
  if (type == "write") {
    store.values[key] = FieldOrNull(body, "value");
    return Json{{"type", "write_ok"}};
  }
  if (type == "cas") {
    const Json& from = FieldOrNull(body, "from");
    auto current = store.values.find(key);
    if (current == store.values.end()) {
      if (!ClojureTruthy(FieldOrNull(body, "create_if_not_exists")))
        return KeyMissing();
      store.values[key] = FieldOrNull(body, "to");
      return Json{{"type", "cas_ok"}};
    }
    if (!StrictJsonEqual(from, current->second)) {
      return PreconditionFailed(absl::StrCat("current value ",
                                             ClojurePrStr(current->second),
                                             " is not ", ClojurePrStr(from)));
    }
    current->second = FieldOrNull(body, "to");
    return Json{{"type", "cas_ok"}};
  }
  return absl::nullopt;  // Maelstrom's `case` throws; the service stays silent
}

const std::vector<std::string>& DefaultKvServiceNames() {
  static const auto* const kNames =
      new std::vector<std::string>{"lin-kv", "lin-tso", "lww-kv", "seq-kv"};
  return *kNames;
}

std::unique_ptr<KvService> MakeKvService(absl::string_view name) {
  if (name == "seq-kv") return std::make_unique<SeqKv>();
  if (name == "lin-kv") return std::make_unique<LinKv>();
  if (name == "lww-kv") return std::make_unique<LwwKv>();
  if (name == "lin-tso") return std::make_unique<LinTso>();
  return nullptr;
}

std::map<std::string, std::unique_ptr<KvService>> MakeDefaultKvServices() {
  std::map<std::string, std::unique_ptr<KvService>> services;
  for (const std::string& name : DefaultKvServiceNames()) {
    services[name] = MakeKvService(name);
    MC_ASSERT(services[name] != nullptr && services[name]->name() == name,
              "every default service name has a model: ", name);
  }
  return services;
}

// --- lin-kv ----------------------------------------------------------------

absl::optional<Json> LinKv::Handle(const std::string&, const Json& body,
                                   Prng&) {
  const bool changes = ChangesStore(store_, body);
  absl::optional<Json> reply = ApplyKvOperation(store_, body);
  if (!reply.has_value()) return absl::nullopt;
  changes_ += changes;
  return WithInReplyTo(std::move(*reply), body);
}

// --- seq-kv ----------------------------------------------------------------

SeqKv::SeqKv(int64_t kept_versions, size_t max_callers)
    : kept_versions_(kept_versions), max_callers_(max_callers) {
  MC_ASSERT(kept_versions_ >= 1,
            "the ring holds at least the newest version: ", kept_versions_);
  MC_ASSERT(max_callers_ >= 1, "a caller table that admits no one is useless");
  versions_.emplace_back();  // index 0: the empty store
}

int64_t SeqKv::last_seen(const std::string& src) const {
  auto it = last_seen_.find(src);
  return it == last_seen_.end() ? 0 : it->second;
}

const KvStore& SeqKv::VersionAt(int64_t index) const {
  MC_ASSERT(index >= 0 && index <= newest_index_,
            "Sequential picks between the caller's index and the newest: ",
            index, " of ", newest_index_);
  const int64_t len = static_cast<int64_t>(versions_.size());
  // (nth buffer (dec (- index last-index))): RingBuffer/nth with a negative
  // offset is (nth buf (mod (+ start i) len)), so being k versions behind
  // reads newest - (k mod len).
  const int64_t behind = (newest_index_ - index) % len;
  return versions_[static_cast<size_t>(len - 1 - behind)];
}

void SeqKv::Append(KvStore next) {
  versions_.push_back(std::move(next));
  ++newest_index_;
  if (static_cast<int64_t>(versions_.size()) > kept_versions_)
    versions_.pop_front();
  MC_ASSERT(
      static_cast<int64_t>(versions_.size()) ==
          std::min(newest_index_ + 1, kept_versions_),
      "the ring holds every version up to its capacity: ", versions_.size(),
      " versions, newest index ", newest_index_, ", capacity ", kept_versions_);
}

absl::optional<Json> SeqKv::Handle(const std::string& src, const Json& body,
                                   Prng& prng) {
  return HandleAt(src, body, [&prng](uint64_t n) { return prng.Uniform(n); });
}

absl::optional<Json> SeqKv::HandleWithPick(const std::string& src,
                                           const Json& body, uint64_t pick) {
  return HandleAt(src, body, [pick](uint64_t n) { return pick % n; });
}

const Json* SeqKv::NewestValue(const Json& key) const {
  auto it = versions_.back().values.find(KeyText(key));
  return it == versions_.back().values.end() ? nullptr : &it->second;
}

absl::optional<Json> SeqKv::HandleAt(
    const std::string& src, const Json& body,
    absl::FunctionRef<uint64_t(uint64_t)> offset) {
  auto caller = last_seen_.find(src);
  if (caller == last_seen_.end() && last_seen_.size() >= max_callers_) {
    ++refused_callers_;
    return absl::nullopt;
  }
  const int64_t client = caller == last_seen_.end() ? 0 : caller->second;
  MC_ASSERT(client >= 0 && client <= newest_index_,
            "a caller's last-seen index is one that existed: ", src, " at ",
            client, ", newest ", newest_index_);
  // (+ client-index (rand-int (inc (- last-index client-index)))).
  const int64_t index =
      client + static_cast<int64_t>(
                   offset(static_cast<uint64_t>(newest_index_ - client + 1)));
  const KvStore& picked = VersionAt(index);
  const absl::string_view type = kvclient::BodyType(body);
  if (type != "read" && type != "write" && type != "cas") {
    return absl::nullopt;  // `case` throws inside swap!: nothing changes
  }
  if (!ChangesStore(picked, body)) {
    // (= service service'): answer from the picked version.
    KvStore scratch;
    absl::optional<Json> reply;
    if (type == "read") {
      reply = ReadReply(picked, body);
    } else {
      // Unchanged, so running it on a copy of the one key gives the reply.
      const std::string key = KeyText(FieldOrNull(body, "key"));
      auto current = picked.values.find(key);
      if (current != picked.values.end()) scratch.values.insert(*current);
      reply = ApplyKvOperation(scratch, body);
    }
    last_seen_[src] = index;
    return WithInReplyTo(std::move(*reply), body);
  }
  // Re-run on the newest version and append the result, changed or not.
  KvStore next = versions_.back();
  absl::optional<Json> reply = ApplyKvOperation(next, body);
  MC_ASSERT(reply.has_value(), "a known request type always has a reply");
  Append(std::move(next));
  last_seen_[src] = newest_index_;
  MC_ASSERT(last_seen_.size() <= max_callers_,
            "the caller table is bounded: ", last_seen_.size());
  return WithInReplyTo(std::move(*reply), body);
}

// --- lww-kv ----------------------------------------------------------------

absl::optional<Json> ApplyLwwOperation(LwwReplica& replica, const Json& body) {
  const absl::string_view type = kvclient::BodyType(body);
  const std::string key = KeyText(FieldOrNull(body, "key"));
  auto current = replica.m.find(key);
  if (type == "read") {
    if (current == replica.m.end()) return KeyMissing();
    return Json{{"type", "read_ok"}, {"value", current->second.value}};
  }
  if (type == "write") {
    replica.m[key] =
        LwwReplica::Stamped{replica.clock, FieldOrNull(body, "value")};
    ++replica.clock;
    return Json{{"type", "write_ok"}};
  }
  if (type == "cas") {
    if (current == replica.m.end()) return KeyMissing();
    const Json& from = FieldOrNull(body, "from");
    if (!StrictJsonEqual(from, current->second.value)) {
      // (str "current value " (pr-str (:value (m k))) " is not " (:from body))
      return PreconditionFailed(
          absl::StrCat("current value ", ClojurePrStr(current->second.value),
                       " is not ", ClojureStr(from)));
    }
    current->second =
        LwwReplica::Stamped{replica.clock, FieldOrNull(body, "to")};
    ++replica.clock;
    return Json{{"type", "cas_ok"}};
  }
  return absl::nullopt;
}

absl::optional<Json> LwwKv::Handle(const std::string&, const Json& body,
                                   Prng& prng) {
  // Eventual/handle!: merge-source, merge-dest, then the target replica.
  // v0.2.4 computes the merge and throws it away (the second `replicas'`
  // binding starts again from the original vector), so only its two draws
  // remain.
  prng.Uniform(kReplicas);  // merge-source
  prng.Uniform(kReplicas);  // merge-dest
  LwwReplica& target = replicas_[static_cast<size_t>(prng.Uniform(kReplicas))];
  const int64_t clock_before = target.clock;
  absl::optional<Json> reply = ApplyLwwOperation(target, body);
  if (!reply.has_value()) return absl::nullopt;
  changes_ += target.clock != clock_before;
  return WithInReplyTo(std::move(*reply), body);
}

const LwwReplica& LwwKv::replica(int i) const {
  MC_ASSERT(i >= 0 && i < kReplicas, "replica index in range: ", i);
  return replicas_[static_cast<size_t>(i)];
}

// --- lin-tso ---------------------------------------------------------------

absl::optional<Json> LinTso::Handle(const std::string&, const Json& body,
                                    Prng&) {
  if (kvclient::BodyType(body) != "ts") return absl::nullopt;
  Json reply = {{"type", "ts_ok"}, {"ts", next_ts_++}};
  return WithInReplyTo(std::move(reply), body);
}

}  // namespace sim
