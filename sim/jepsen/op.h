// A History seen as Jepsen 0.3.7's ops (jepsen.history Op records:
// index, time, type, process, f, value, then extra keys such as :final?),
// for checkers that print or hash ops the way Jepsen does.
//
//   OpView ops(history, context);        // context.op: Jepsen's op maps
//   ops.index(4) == 6                    ; :index, nemesis ops counted
//   ops.time(3) == 1203000               ; :time, nanoseconds since t0
//   ops.process(3) == 5                  ; thread 0 after one :info
//   ops.invocation(4) == 3               ; the invoke a completion answers
//   OpRecordEdn(ops, 4, "add").Print() ==
//     "#jepsen.history.Op{:index 6, :time 1250000, :type :ok, :process 5, "
//     ":f :add, :value 3}"
//
// :index, :time and :process come from CheckContext::op (the driver's
// JepsenHistory: Jepsen's :index counts the nemesis's ops too); without
// one, :index is the History position, :time counts from the Unix epoch
// and :process is the thread (CheckContext's documented default).
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
#include "sim/maelstrom/workload.h"

namespace sim {
namespace jepsen {

class OpView {
 public:
  // `history` and `context` must outlive the view.
  OpView(const History& history, const CheckContext& context);

  size_t size() const { return history_.size(); }
  const HistoryEvent& event(size_t i) const { return history_[i]; }
  int64_t index(size_t i) const { return Fields(i).index; }
  int64_t time(size_t i) const { return Fields(i).time; }
  int64_t process(size_t i) const { return Fields(i).process; }
  // The invoke a completion answers (the latest invoke on its thread), or
  // -1 for an invoke and for a completion without one.
  int64_t invocation(size_t i) const { return invocation_[i]; }

 private:
  struct OpFields {
    bool known = false;
    int64_t index = 0, time = 0, process = 0;
  };
  // Read from context.op(i) on first use (a read's op map may be large).
  const OpFields& Fields(size_t i) const;

  const History& history_;
  const CheckContext& context_;
  mutable std::vector<OpFields> fields_;
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
