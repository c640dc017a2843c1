// The record of client operations that the checkers judge, in Jepsen's
// shape, the same for every workload: every operation is an `invoke`
// followed by exactly one completion (`ok`, `fail` or `info` =
// indeterminate) on the same thread, each carrying :f and :value as Jepsen's
// op maps do. Both drivers (the simulator and the real-process harness)
// produce it through the interpreter (interpreter.h); checkers only read it.
//
//   {t=1.203s thread=0 client=c3 invoke add 4}
//   {t=1.203s thread=0 client=c3 ok add 4}
//   {t=1.310s thread=1 client=c4 invoke read}          (value nil)
//   {t=6.310s thread=1 client=c4 info read "timeout"}
//   {t=9.100s thread=2 client=c5 ok read (final) 17}
//
// Only client operations are here: the nemesis's ops are merged in by time
// where Jepsen's history is printed (jepsen_history.h), so a position in this
// vector is the op's :index among client events, not Jepsen's :index.
#ifndef SIM_MAELSTROM_HISTORY_H_
#define SIM_MAELSTROM_HISTORY_H_

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "kvclient/message.h"

namespace sim {

enum class EventType { kInvoke, kOk, kFail, kInfo };

struct HistoryEvent {
  absl::Time time;
  int thread = 0;      // Jepsen worker thread (process ids: ProcessIds)
  std::string client;  // Maelstrom client id, "c7"
  EventType type = EventType::kInvoke;
  std::string f;         // Jepsen :f — "add", "read", "echo", "generate",
                         // "broadcast", "send", "poll", "txn", ...
  kvclient::Json value;  // Jepsen :value (null = nil), as each event carries
                         // it: an add's delta on invoke and completion, a
                         // read's nil on invoke and its value on :ok
  bool final = false;    // from the workload's final generator (:final? true)
  std::string error;     // fail/info: why (Jepsen :error)
};

using History = std::vector<HistoryEvent>;

inline const char* EventTypeName(EventType type) {
  switch (type) {
    case EventType::kInvoke: return "invoke";
    case EventType::kOk: return "ok";
    case EventType::kFail: return "fail";
    case EventType::kInfo: return "info";
  }
  return "?";
}

// A :value for people: nil as "", integers and strings as JSON writes them.
inline std::string FormatValue(const kvclient::Json& value) {
  if (value.is_null()) return "";
  return value.dump(-1, ' ', false, kvclient::Json::error_handler_t::replace);
}

// One line; `start` is the run's t=0:
// "1.203000s thread=0 client=c3 ok add 4", "... ok read (final) 17 \"why\"".
inline std::string FormatEvent(const HistoryEvent& e, absl::Time start) {
  std::string line =
      absl::StrFormat("%.6fs thread=%d client=%s %s %s%s",
                      absl::ToDoubleSeconds(e.time - start), e.thread, e.client,
                      EventTypeName(e.type), e.f, e.final ? " (final)" : "");
  if (!e.value.is_null()) absl::StrAppend(&line, " ", FormatValue(e.value));
  if (!e.error.empty()) absl::StrAppend(&line, " \"", e.error, "\"");
  return line;
}

}  // namespace sim

#endif  // SIM_MAELSTROM_HISTORY_H_
