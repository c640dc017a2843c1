// A History seen as Jepsen 0.3.7's ops (jepsen.history Op records:
// index, time, type, process, f, value, then extra keys such as :final?),
// for checkers that print or hash ops the way Jepsen does.
//
//   OpView ops(history, {t0, /*concurrency=*/5});
//   ops.time(3) == 1203000               ; :time, nanoseconds since t0
//   ops.process(3) == 5                  ; thread 0 after one :info
//   ops.invocation(4) == 3               ; the invoke a completion answers
//   OpRecordEdn(ops, 4, "add").Print() ==
//     "#jepsen.history.Op{:index 4, :time 1250000, :type :ok, :process 5, "
//     ":f :add, :value 3}"
//
// An op's :index is its position in the History (the layout's rule).
#ifndef SIM_JEPSEN_OP_H_
#define SIM_JEPSEN_OP_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sim/jepsen/clojure_value.h"
#include "sim/maelstrom/edn.h"
#include "sim/maelstrom/history.h"

namespace sim {
namespace jepsen {

// What turns a History into Jepsen's ops: the run's time origin (Jepsen's
// :time counts nanoseconds from it) and the number of client threads
// (process ids, see sim::ProcessIds).
struct OpContext {
  absl::Time t0 = absl::UnixEpoch();
  int concurrency = 1;
};

class OpView {
 public:
  // `history` must outlive the view.
  OpView(const History& history, const OpContext& context);

  size_t size() const { return history_.size(); }
  const HistoryEvent& event(size_t i) const { return history_[i]; }
  int64_t time(size_t i) const;
  int64_t process(size_t i) const { return process_[i]; }
  // The invoke a completion answers (the latest invoke on its thread), or
  // -1 for an invoke and for a completion without one.
  int64_t invocation(size_t i) const { return invocation_[i]; }

 private:
  const History& history_;
  OpContext context_;
  std::vector<int64_t> process_;
  std::vector<int64_t> invocation_;
};

// The op as fipp prints an Op record in results.edn: a tagged literal of
// (into {} op), fields in record order, then :final? when the op came from
// a final generator. `f` is the :f the checker saw (broadcast's checker
// renames :broadcast to :add). Only for ops without an :error (invokes and
// oks), which is all Jepsen's checkers here print.
Edn OpRecordEdn(const OpView& ops, size_t i, absl::string_view f,
                Keys value_keys = Keys::kStrings);

// (hash op) of that record: defrecord's hasheq, (hash 'jepsen.history.Op)
// xor the unordered hash of its entries.
int32_t OpRecordHash(const OpView& ops, size_t i, absl::string_view f,
                     Keys value_keys = Keys::kStrings);

}  // namespace jepsen
}  // namespace sim

#endif  // SIM_JEPSEN_OP_H_
