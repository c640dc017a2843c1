// PROVISIONAL (wl1): replaced by struct's version on merge
//
// The record of client operations that checkers judge, in Jepsen's shape
// (the generic history of the layout decided for issue 18): every
// operation is an `invoke` followed by exactly one completion (`ok`, `fail`
// or `info` = indeterminate) on the same thread. Position in the vector is
// Jepsen's :index.
//
//   {t=1.203s thread=0 client=c3 invoke echo "Please echo 7"}
//   {t=1.204s thread=0 client=c3 ok echo {"echo":"Please echo 7",...}}
#ifndef SIM_MAELSTROM_HISTORY_H_
#define SIM_MAELSTROM_HISTORY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "kvclient/message.h"

namespace sim {

enum class EventType { kInvoke, kOk, kFail, kInfo };

struct HistoryEvent {
  absl::Time time;
  int thread = 0;      // Jepsen worker thread (process ids: ProcessIds)
  std::string client;  // Maelstrom client id, "c7"
  EventType type = EventType::kInvoke;
  std::string f;         // Jepsen :f: "add", "read", "echo", "generate", ...
  kvclient::Json value;  // Jepsen :value (null = nil), as each event carries it
  bool final = false;    // from the workload's final generator (:final? true)
  std::string error;     // fail/info: why (Jepsen :error)
};

using History = std::vector<HistoryEvent>;

const char* EventTypeName(EventType type);

// One line; `start` is the run's t=0.
std::string FormatEvent(const HistoryEvent& e, absl::Time start);

// Jepsen's :process of each event: a thread starts as process `thread` and
// moves to process + concurrency after each :info completion
// (jepsen generator/interpreter.clj run!: a crashed process is replaced).
std::vector<int64_t> ProcessIds(const History& history, int concurrency);

}  // namespace sim

#endif  // SIM_MAELSTROM_HISTORY_H_
