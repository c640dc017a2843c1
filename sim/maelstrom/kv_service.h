// Maelstrom v0.2.4's built-in services (maelstrom src/maelstrom/service.clj
// default-services): seq-kv, lin-kv, lww-kv and lin-tso, as pure models.
// `Handle` takes a request body and the caller's `src` and returns the reply
// body, or nullopt when Maelstrom sends none (an unknown request `type`
// throws inside the service's swap!: no reply, no state change). No clock,
// no I/O: the driver delivers requests one at a time, in arrival order, and
// sends the reply back with whatever latency its network model picks.
//
//   auto services = sim::MakeDefaultKvServices();   // name -> service
//   sim::Prng prng(1);
//   services["seq-kv"]->Handle("n0",
//       {{"type","write"},{"key","k"},{"value",1},{"msg_id",1}}, prng)
//     == {"type":"write_ok","in_reply_to":1}
//   services["seq-kv"]->Handle("n1",
//   {{"type","read"},{"key","k"},{"msg_id",1}}, prng)
//     == read_ok 1, or error 20 (n1 may still be on version 0)
//
// Every reply carries "in_reply_to": the request's msg_id as sent (JSON
// null when the request had none; service-thread assocs (:msg_id body)),
// and no msg_id of its own.
//
// The operations (service.clj PersistentKV/handle, used by seq-kv and
// lin-kv): read -> read_ok / 20 "key does not exist"; write -> write_ok; cas
// on a present key whose value equals `from` (Clojure's =: 1 and 1.0
// differ, maps compare structurally) -> cas_ok; present but different -> 22
// "current value <pr-str current> is not <pr-str from>"; absent with a
// truthy create_if_not_exists (anything but absent, null or false: 0 and ""
// are truthy) -> create, cas_ok; absent otherwise -> 20. Keys are any JSON
// value ("1" and 1 are different keys); missing fields read as null.
//
// seq-kv (service.clj Sequential/handle!) keeps the last 32 versions of the
// whole store in an amalloy RingBuffer and, per caller `src`, the index of
// the version it last observed (0, the empty store, at first). A request
// picks index = last-seen + rand-int(newest - last-seen + 1), uniform over
// [last-seen, newest] both ends included, and runs on the version the ring
// returns for it: RingBuffer's nth wraps modulo its length, so a caller k
// versions behind gets version newest - (k mod 32) once the ring is full (32
// behind reads the NEWEST, 33 behind newest-1; no clamping). If the
// operation leaves that version unchanged (reads, failed cas, errors, a
// write or cas storing the value already there in THAT version) the reply
// comes from it and the caller's last-seen becomes the picked index, even
// when the wrap made it read a newer version. Otherwise the operation is
// re-run on the newest version, its result appended as a new version even
// if the re-run changed nothing, and the caller jumps to the new newest.
//
// lin-kv (Linearizable over PersistentKV): every operation on one state.
// lww-kv (Eventual over LWWKV, 2 replicas): each request draws three
// rand-int 2 (merge source, merge destination, target replica); the merge's
// result is discarded in v0.2.4 (the second `replicas'` binding starts again
// from the original vector), so the replicas never converge; the request
// runs on the target replica. LWWKV: read and write as above; cas on a
// present equal value sets it; present but different -> 22 "current value
// <pr-str current> is not <str from>" (from NOT pr-str'd: a string prints
// bare, nil as nothing); absent -> 20, create_if_not_exists ignored.
// lin-tso (Linearizable over PersistentTSO): "ts" -> {"type":"ts_ok","ts":t}
// with t = 0, 1, 2, ...
#ifndef SIM_MAELSTROM_KV_SERVICE_H_
#define SIM_MAELSTROM_KV_SERVICE_H_

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "kvclient/message.h"
#include "sim/maelstrom/prng.h"

namespace sim {

using kvclient::Json;

// JSON equality as Clojure's = sees cheshire's values: integers and floats
// never equal each other (nlohmann's == says 1 == 1.0), objects and arrays
// compared deeply.
bool StrictJsonEqual(const Json& a, const Json& b);

// Clojure truthiness of a field: anything but absent/null/false.
bool ClojureTruthy(const Json& value);

// One version of a store: key (as compact JSON text, so "1" and 1 differ)
// to value.
struct KvStore {
  std::map<std::string, Json> values;
  bool operator==(const KvStore& other) const;
};

// PersistentKV/handle: applies `body` to `store` (mutating it) and returns
// the reply body without in_reply_to, or nullopt for an unknown request type.
absl::optional<Json> ApplyKvOperation(KvStore& store, const Json& body);

// A Maelstrom service the drivers route messages to.
class KvService {
 public:
  virtual ~KvService() = default;
  // The service's node id: "seq-kv", "lin-kv", "lww-kv" or "lin-tso".
  virtual absl::string_view name() const = 0;
  virtual absl::optional<Json> Handle(const std::string& src, const Json& body,
                                      Prng& prng) = 0;
  // The state a linearizable read would see now, for the simulator's
  // convergence probe; nullptr when the service has no single such state
  // (lww-kv's replicas, lin-tso).
  virtual const KvStore* NewestStore() const = 0;
  // Counts state changes (new versions/writes); a driver compares it
  // between calls to learn that NewestStore() may have changed.
  virtual int64_t changes() const = 0;
};

// The names of Maelstrom's default services, sorted
// (service.clj default-services).
const std::vector<std::string>& DefaultKvServiceNames();
// A fresh service by name; nullptr for a name Maelstrom does not have.
std::unique_ptr<KvService> MakeKvService(absl::string_view name);
// All four, as Maelstrom starts them for every test (db.clj setup!).
std::map<std::string, std::unique_ptr<KvService>> MakeDefaultKvServices();

// lin-kv.
class LinKv : public KvService {
 public:
  absl::string_view name() const override { return "lin-kv"; }
  absl::optional<Json> Handle(const std::string& src, const Json& body,
                              Prng& prng) override;
  const KvStore* NewestStore() const override { return &store_; }
  int64_t changes() const override { return changes_; }
  const KvStore& Newest() const { return store_; }

 private:
  KvStore store_;
  int64_t changes_ = 0;
};

// seq-kv: see the header comment.
class SeqKv : public KvService {
 public:
  // (sequential 32 ...) in service.clj default-services.
  static constexpr int64_t kDefaultVersions = 32;
  // Bound on the per-caller table. Callers are registered network endpoints
  // (nodes, services, open clients), so a run never comes near it; at the
  // bound a request from a caller not yet in the table is refused: no
  // reply, no state change, and refused_callers() counts it so the driver
  // can report a harness error.
  static constexpr size_t kDefaultMaxCallers = 1 << 16;

  explicit SeqKv(int64_t kept_versions = kDefaultVersions,
                 size_t max_callers = kDefaultMaxCallers);

  absl::string_view name() const override { return "seq-kv"; }
  absl::optional<Json> Handle(const std::string& src, const Json& body,
                              Prng& prng) override;
  // Handle with the pick made by the caller instead of a Prng: the request
  // runs on index last-seen + pick mod (newest - last-seen + 1), as if
  // rand-int had returned that. For a fuzzer, whose input bytes decide what
  // Maelstrom leaves to chance; pick = newest_index() - last_seen(src) is
  // the newest version.
  absl::optional<Json> HandleWithPick(const std::string& src, const Json& body,
                                      uint64_t pick);
  const KvStore* NewestStore() const override { return &versions_.back(); }
  int64_t changes() const override { return newest_index_; }

  const KvStore& Newest() const { return versions_.back(); }
  // The newest version's value of `key` (a JSON string or any JSON value,
  // compared as Maelstrom compares keys), or nullptr.
  const Json* NewestValue(const Json& key) const;
  int64_t newest_index() const { return newest_index_; }
  // The caller's last-seen index (0 for a caller never seen).
  int64_t last_seen(const std::string& src) const;
  // The version the ring returns for `index` (newest_index() - index
  // versions behind the newest, wrapping as RingBuffer's nth does).
  const KvStore& VersionAt(int64_t index) const;
  size_t callers() const { return last_seen_.size(); }
  int64_t refused_callers() const { return refused_callers_; }

 private:
  void Append(KvStore next);
  // Handle's body; `offset(n)` picks in [0, n).
  absl::optional<Json> HandleAt(const std::string& src, const Json& body,
                                absl::FunctionRef<uint64_t(uint64_t)> offset);

  int64_t kept_versions_;
  size_t max_callers_;
  std::deque<KvStore> versions_;  // oldest first; back() has newest_index_
  int64_t newest_index_ = 0;
  std::map<std::string, int64_t> last_seen_;
  int64_t refused_callers_ = 0;
};

// One LWWKV replica: a Lamport clock and key -> {ts, value}.
struct LwwReplica {
  struct Stamped {
    int64_t ts = 0;
    Json value;
  };
  int64_t clock = 0;
  std::map<std::string, Stamped> m;
};

// LWWKV/handle on one replica (mutating it): the reply body without
// in_reply_to, or nullopt for an unknown request type.
absl::optional<Json> ApplyLwwOperation(LwwReplica& replica, const Json& body);

// lww-kv.
class LwwKv : public KvService {
 public:
  static constexpr int kReplicas = 2;  // (eventual 2 ...) by default

  absl::string_view name() const override { return "lww-kv"; }
  absl::optional<Json> Handle(const std::string& src, const Json& body,
                              Prng& prng) override;
  const KvStore* NewestStore() const override { return nullptr; }
  int64_t changes() const override { return changes_; }

  const LwwReplica& replica(int i) const;

 private:
  std::array<LwwReplica, kReplicas> replicas_;
  int64_t changes_ = 0;
};

// lin-tso.
class LinTso : public KvService {
 public:
  absl::string_view name() const override { return "lin-tso"; }
  absl::optional<Json> Handle(const std::string& src, const Json& body,
                              Prng& prng) override;
  const KvStore* NewestStore() const override { return nullptr; }
  int64_t changes() const override { return next_ts_; }

 private:
  int64_t next_ts_ = 0;
};

}  // namespace sim

#endif  // SIM_MAELSTROM_KV_SERVICE_H_
