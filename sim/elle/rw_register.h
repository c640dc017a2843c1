// Elle's rw-register analysis (elle/rw_register.clj `check`, Elle 0.2.2) of
// a history of read/write transactions, and its result map
// (elle/txn.clj result-map): which anomalies occurred, whether the
// requested consistency models allow them, and the :not / :also-not
// boundary.
//
//   TxnHistory h = *TxnHistory::FromHistory(history, process, "txn");
//   RwRegisterOptions o;                      // Maelstrom's: wfr-keys,
//   o.consistency_models = {"read-committed"};  // strict-serializable default
//   RwRegisterResult r = CheckRwRegister(h, o, print_op);
//   r.valid == Validity::kFalse;  ResultMapEdn(r).Print()
//     == "{:valid? false, :anomaly-types (:G1a), :anomalies {:G1a (...)},
//          :not #{:read-committed}, :also-not #{...}}"
//
// What it finds, by source (elle/rw_register.clj unless noted):
//   internal      op-internal-case: a read that disagrees with the txn's own
//                 earlier write or read of that key.
//   G1a           g1a-cases: an ok read of a value only a failed txn wrote.
//   G1b           g1b-cases: an ok read of a txn's intermediate write.
//   lost-update   elle/txn.clj lost-update-cases: two ok txns read the same
//                 value of a key and both wrote it.
//   cyclic-versions  version-graphs: the inferred version order of a key
//                 has a cycle (the offending source is then left out).
//   G0, G1c, G-single-item, G2-item, ... and X-cycle-exists: cycles of the
//                 dependency graph (cycles.h) built from wr-graph (reads of
//                 a unique writer's value), ww+rw-graph (the version order
//                 inferred from "nil precedes every value" and, with
//                 wfr-keys, "a txn's write follows its read of the key"),
//                 plus realtime-graph or process-graph edges when the
//                 models make realtime/process anomalies reportable
//                 (elle/txn.clj additional-graphs).
//   empty-transaction-graph  no dependency at all (elle/txn.clj cycles).
// Maelstrom uses only :wfr-keys? (txn_rw_register.clj workload), never
// :sequential-keys? or :linearizable-keys?, so those inferences are absent.
#ifndef SIM_ELLE_RW_REGISTER_H_
#define SIM_ELLE_RW_REGISTER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "kvclient/message.h"
#include "sim/elle/consistency_model.h"
#include "sim/elle/cycles.h"
#include "sim/elle/ops.h"
#include "sim/maelstrom/edn.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/validity.h"

namespace elle {

// Jepsen's :valid? values (sim/maelstrom/validity.h), as EDN: true, false,
// :unknown.
using Validity = sim::Validity;
sim::Edn ValidityEdn(Validity v);

inline constexpr int32_t kNil = -1;  // the value of a read of nothing

// A micro-op with interned key and value.
struct Mop {
  bool write = false;
  uint32_t key = 0;
  int32_t value = kNil;
};

// The transactions of a history, interned.
class TxnHistory {
 public:
  // Every completion whose :f is `f`, with its invocation; each event's
  // value must be a txn [["r"|"w", key, value], ...]. Error: a malformed
  // txn (the checker then answers :unknown, as Jepsen's check-safe does
  // when a checker throws).
  static absl::StatusOr<TxnHistory> FromHistory(
      const sim::History& history, const std::vector<int64_t>& process,
      const std::string& f);

  const std::vector<Op>& ops() const { return ops_; }
  // The micro-ops of op i's completion, and of its invocation.
  std::pair<const Mop*, const Mop*> Completion(uint32_t i) const {
    return {mops_.data() + completion_[i], mops_.data() + completion_[i + 1]};
  }
  std::pair<const Mop*, const Mop*> Invocation(uint32_t i) const {
    return {mops_.data() + invocation_[i], mops_.data() + invocation_[i + 1]};
  }
  const kvclient::Json& KeyJson(uint32_t key) const { return keys_[key]; }
  const kvclient::Json& ValueJson(int32_t value) const;
  size_t key_count() const { return keys_.size(); }
  // The distinct JSON types of keys (elle/txn.clj assert-type-sanity:
  // "a mix of different types for transaction keys").
  const std::vector<std::string>& key_types() const { return key_types_; }

 private:
  std::vector<Op> ops_;
  std::vector<Mop> mops_;
  std::vector<uint32_t> completion_{0};  // per op: [completion_[i], ...)
  std::vector<uint32_t> invocation_;     // per op, then a sentinel
  std::vector<kvclient::Json> keys_, values_;
  std::vector<std::string> key_types_;
};

struct RwRegisterOptions {
  // :consistency-models; empty is Clojure's nil (nothing prohibited).
  NameSet consistency_models = {"strict-serializable"};
  // :anomalies: specific anomalies also prohibited.
  NameSet anomalies;
  bool wfr_keys = true;  // :wfr-keys?, as Maelstrom sets it
  CycleOptions cycle;
};

struct RwRegisterResult {
  Validity valid = Validity::kUnknown;
  // Non-empty when the analysis could not run (unknown model, mixed key
  // types, a value written twice): Jepsen's {:valid? :unknown, :error ...}.
  std::string error;
  Anomalies anomalies;       // every anomaly found, reportable or not
  NameSet prohibited;        // prohibited-anomaly-types
  NameSet reportable_types;  // reportable, after remove-redundant-cycle-exists
  Boundary boundary;         // friendly-boundary over every anomaly found
};

RwRegisterResult CheckRwRegister(const TxnHistory& history,
                                 const RwRegisterOptions& options,
                                 const OpPrinter& print_op);

// elle/txn.clj result-map as EDN: {:valid? true} when nothing reportable,
// else {:valid? ..., :anomaly-types (...), :anomalies {...}, :not #{...},
// :also-not #{...}}; {:valid? :unknown, :error "..."} after an error.
sim::Edn ResultMapEdn(const RwRegisterResult& result);

// Elle's printed micro-op: [:r 1 nil], [:w 1 2].
sim::Edn MopEdn(const TxnHistory& history, const Mop& mop);
// A txn value as Jepsen prints it: [["r",1,null]] -> [[:r 1 nil]]
// (maelstrom txn_rw_register.clj str->kw).
sim::Edn TxnEdn(const kvclient::Json& txn);

// elle/txn.clj prohibited-anomaly-types and reportable-anomaly-types.
NameSet ProhibitedAnomalyTypes(const RwRegisterOptions& options);
NameSet ReportableAnomalyTypes(const RwRegisterOptions& options);

}  // namespace elle

#endif  // SIM_ELLE_RW_REGISTER_H_
