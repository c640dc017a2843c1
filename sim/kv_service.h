// Maelstrom's key-value services (spec §2), as pure models: `Handle` takes a
// request body and the caller's `src`, and returns the reply body, or nullopt
// when Maelstrom would not answer (unknown request type). No clock, no I/O:
// the driver delivers requests one at a time, in arrival order, and sends the
// reply back with whatever latency its network model picks.
//
//   sim::SeqKv kv;
//   sim::Prng prng(1);
//   kv.Handle("n0", {{"type","write"},{"key","k"},{"value",1},{"msg_id",1}}, prng)
//     == {"type":"write_ok","in_reply_to":1}
//   kv.Handle("n1", {{"type","read"},{"key","k"},{"msg_id",1}}, prng)
//     == read_ok 1, or error 20 (n1 may still be looking at version 0)
//
// SeqKv follows Maelstrom's `Sequential` wrapper exactly: a ring of the last
// 32 store versions; per caller the index of the version it last observed
// (starting at 0, the empty store). A request picks index
// `client + rand-int(newest - client)` — uniform in [client, newest), i.e.
// the newest version itself is only picked when the caller is already on it
// (that is what Clojure's rand-int does). If running the operation there
// leaves the store unchanged (reads, failed cas, errors, a write of the value
// already present in *that* version) the reply comes from that version and it
// becomes the caller's last-seen index. Otherwise the operation is re-run on
// the newest version, its result appended as a new version — even if the
// re-run changed nothing — and the caller's index jumps to it.
// Values compare as JSON with types: 1 and 1.0 differ (Clojure's `=`).
// Beyond the ring (caller more than 32 versions behind) the caller is treated
// as seeing the oldest kept version.
#ifndef SIM_KV_SERVICE_H_
#define SIM_KV_SERVICE_H_

#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "absl/types/optional.h"
#include "kvclient/message.h"
#include "sim/prng.h"

namespace sim {

using kvclient::Json;

// JSON equality as Clojure sees it: integers and floats never equal each
// other (nlohmann's == says 1 == 1.0), objects and arrays compared deeply.
bool StrictJsonEqual(const Json& a, const Json& b);

// One version of a store: key (as compact JSON text, so "1" and 1 differ)
// to value.
struct KvStore {
  std::map<std::string, Json> values;
  bool operator==(const KvStore& other) const;
};

// The single-version semantics shared by both services. Applies `body` to
// `store` (mutating it) and returns the reply body without in_reply_to, or
// nullopt for an unknown request type.
absl::optional<Json> ApplyKvOperation(KvStore& store, const Json& body);

// Interface so the driver can hold either service.
class KvService {
 public:
  virtual ~KvService() = default;
  virtual absl::optional<Json> Handle(const std::string& src, const Json& body,
                                      Prng& prng) = 0;
  // The newest state, for the simulator's convergence probe.
  virtual const KvStore& Newest() const = 0;
};

// lin-kv: one state, every operation on it.
class LinKv : public KvService {
 public:
  absl::optional<Json> Handle(const std::string& src, const Json& body,
                              Prng& prng) override;
  const KvStore& Newest() const override { return store_; }

 private:
  KvStore store_;
};

// seq-kv: see the header comment.
class SeqKv : public KvService {
 public:
  static constexpr int64_t kDefaultVersions = 32;
  explicit SeqKv(int64_t kept_versions = kDefaultVersions);

  absl::optional<Json> Handle(const std::string& src, const Json& body,
                              Prng& prng) override;
  const KvStore& Newest() const override { return versions_.back(); }

  int64_t newest_index() const { return newest_index_; }
  int64_t last_seen(const std::string& src) const;

 private:
  const KvStore& VersionAt(int64_t index) const;

  int64_t kept_versions_;
  std::deque<KvStore> versions_;   // versions_.back() has newest_index_
  int64_t newest_index_ = 0;
  std::map<std::string, int64_t> last_seen_;
};

}  // namespace sim

#endif  // SIM_KV_SERVICE_H_
