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

#include <cstdint>

#include "absl/time/time.h"
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

}  // namespace elle

#endif  // SIM_ELLE_JEPSEN_OP_H_
