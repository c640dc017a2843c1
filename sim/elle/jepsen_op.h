// Jepsen's printed forms of what a checker reports: JSON values as EDN
// (cheshire's parse, then Clojure's printer) and history ops as maps.
//
//   JsonToEdn(Json::parse(R"({"5":[[0,7]]})")).Print() == "{\"5\" [[0 7]]}"
//   JepsenOp(event, 12, 3, t0, value).Print()
//     == "{:index 12, :time 1203000, :type :ok, :process 3, :f :txn,
//          :value [[:r 1 nil]]}"
// Jepsen 0.3.7 prints ops as #jepsen.history.Op{...} records; the tag is
// left out (EDN readers need a reader for it), the keys and order are
// Op's: :index :time :type :process :f :value, then :error when present.
#ifndef SIM_ELLE_JEPSEN_OP_H_
#define SIM_ELLE_JEPSEN_OP_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "kvclient/message.h"
#include "sim/maelstrom/edn.h"
#include "sim/maelstrom/history.h"

namespace elle {

// null -> nil, integers -> integers, strings -> strings, arrays -> vectors,
// objects -> maps with string keys (Maelstrom keywordizes only a body's
// top level), doubles and booleans as themselves.
sim::Edn JsonToEdn(const kvclient::Json& value);

// The op at history position `index`: :time in nanoseconds since `t0`, :f a
// keyword, `value` already rendered.
sim::Edn JepsenOp(const sim::HistoryEvent& event, int64_t index,
                  int64_t process, absl::Time t0, sim::Edn value);

// Jepsen's processes as a checker groups ops by them, from the history
// alone: thread t's k-th process (after k :info completions) is
// t + k * (highest thread + 1). Two events have the same key iff Jepsen
// gives them the same :process (generator/context.clj with-next-process);
// the numbers are Jepsen's when the concurrency is the highest thread + 1.
std::vector<int64_t> ProcessKeys(const sim::History& history);

// history[i] as Jepsen prints it inside a checker's results, with `value`
// (the workload's rendering) as its :value: `jepsen_op(i)` when the driver
// gave one (sim::CheckContext::op: Jepsen's :index, :time and :process),
// else JepsenOp with :index i, :process process[i] and :time from
// history[0].
sim::Edn OpWithValue(const std::function<sim::Edn(size_t)>& jepsen_op,
                     const sim::History& history,
                     const std::vector<int64_t>& process, size_t i,
                     sim::Edn value);

// The integer under keyword `key` of a printed op map (:time, :process);
// nullopt when absent or not an integer.
absl::optional<int64_t> IntField(const sim::Edn& op, absl::string_view key);

// The results block's `:workload` entries (sim::WorkloadResult::block) for
// a results map that may be huge (a broken kafka run lists every lost write
// with the poll that proves it): each entry but :valid? as printed, an entry
// longer than `max_chars` cut there and marked
//   "{:count 520, :errs ({:key \"3\", ... ;; 613 KB, whole in results.edn"
// Presentation only: results.edn keeps the whole map, as Jepsen's.
std::vector<std::pair<std::string, std::string>> ResultsBlock(
    const sim::Edn& results, size_t max_chars = 2000);

}  // namespace elle

#endif  // SIM_ELLE_JEPSEN_OP_H_
