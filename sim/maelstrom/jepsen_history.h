// The history as Jepsen 0.3.7 holds and prints it (history.edn, and the ops
// inside a checker's results): the client events (history.h) merged by time
// with the nemesis's ops: Maelstrom's own (NemesisOpRecord: an :info invoke
// with the generator's :value, an :info completion with the nemesis's), and
// each EXTENSION fault window (derived_ops) as an :info invoke and an :info
// completion at its start (:start-<kind>) and, if it ended, at its end
// (:stop-<kind>); at equal times client events go first. Jepsen's :index
// counts that merged history; :process follows ProcessIds; :time is
// nanoseconds since t0 (the main phase's start).
//
//   sim::JepsenHistory jepsen(history, /*concurrency=*/3, t0, faults);
//   jepsen.Op(4).Print()
//     == "{:index 5, :time 1250000, :type :ok, :process 0, :f :add, "
//        ":value 4}"
//   jepsen.HistoryEdn()   // history.edn: one op per line
//
// One line of history.edn (jepsen/store.clj write-history!: one `prn`ed op
// per line):
//   {:index 0, :time 1203000, :type :invoke, :process 0, :f :add, :value 4}
//   {:index 3, :time 6310000, :type :info, :process 1, :f :read, :value nil,
//    :error "timeout"}
//   {:index 4, :time 9000000, :type :info, :process :nemesis, :f
//    :start-partition, :value nil}
//   {:index 5, :time 9000000, :type :info, :process :nemesis, :f
//    :start-partition, :value [:isolated {"n0" #{"n1"}, "n1" #{"n0"}}]}
//   {:index 6, :time 9100000, :type :info, :process :nemesis, :f :kill,
//    :value :majority}
//   {:index 7, :time 9100000, :type :info, :process :nemesis, :f :kill,
//    :value {"n2" :killed, "n0" :killed}}
//   {:index 90, ..., :type :ok, :process 4, :f :read, :value 17, :final? true}
// Keys in Jepsen's order: the Op record's fields (index time type process f
// value), then the extra keys in the order they were assoc'ed: :final? (from
// the generator's op; a completion carries its invoke's), :error (fail and
// info completions).
#ifndef SIM_MAELSTROM_JEPSEN_HISTORY_H_
#define SIM_MAELSTROM_JEPSEN_HISTORY_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "sim/maelstrom/edn.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/run_record.h"

namespace sim {

// Jepsen process ids, one per history event (generator/context.clj
// with-next-process): thread i starts as process i; after an :info
// completion the thread's next operation runs as process + concurrency.
// The :info completion itself still carries the old process.
std::vector<int64_t> ProcessIds(const History& history, int concurrency);

class JepsenHistory {
 public:
  // Keeps references: `history`, `faults` and `nemesis_ops` must outlive
  // it. `nemesis_ops` may be null (none).
  JepsenHistory(const History& history, int concurrency, absl::Time t0,
                const std::vector<FaultWindow>& faults,
                const std::vector<NemesisOpRecord>* nemesis_ops = nullptr);

  // history[i] as Jepsen's op map.
  sim::Edn Op(size_t i) const;
  // Jepsen's :index and :process of history[i].
  int64_t Index(size_t i) const { return index_[i]; }
  int64_t Process(size_t i) const { return process_[i]; }
  // Every op, client and nemesis, one `prn`ed map per line.
  std::string HistoryEdn() const;

 private:
  struct NemesisOp {
    absl::Time time;
    size_t fault;  // into faults_, or into nemesis_ops_ when `recorded`
    bool start;
    bool completion;
    bool recorded = false;
  };
  sim::Edn NemesisOpEdn(const NemesisOp& n, int64_t index) const;
  int64_t Nanos(absl::Time t) const;

  const History& history_;
  absl::Time t0_;
  const std::vector<FaultWindow>& faults_;
  const std::vector<NemesisOpRecord>* nemesis_ops_;
  std::vector<NemesisOp> nemesis_;  // sorted by time (stable)
  std::vector<int64_t> index_;      // per client event
  std::vector<int64_t> process_;    // per client event
  std::vector<bool> final_;         // per client event: :final?
};

}  // namespace sim

#endif  // SIM_MAELSTROM_JEPSEN_HISTORY_H_
