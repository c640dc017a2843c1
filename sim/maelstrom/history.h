// The record of client operations that the checker judges, in Jepsen's shape:
// every operation is an `invoke` followed by exactly one completion (`ok`,
// `fail` or `info` = indeterminate) on the same thread. Both drivers (the
// simulator and the real-process harness) produce it; the checker only
// reads it.
//
//   {t=1.203s thread=0 client=c3 invoke add 4}
//   {t=1.203s thread=0 client=c3 ok add 4}
//   {t=1.310s thread=1 client=c4 invoke read}
//   {t=6.310s thread=1 client=c4 info read "timeout"}
#ifndef SIM_MAELSTROM_HISTORY_H_
#define SIM_MAELSTROM_HISTORY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "kvclient/counter_ops.h"

namespace sim {

enum class EventType { kInvoke, kOk, kFail, kInfo };

struct HistoryEvent {
  absl::Time time;
  int thread = 0;
  std::string client;
  EventType type = EventType::kInvoke;
  kvclient::CounterOp f = kvclient::CounterOp::kRead;
  int64_t value = 0;        // add: the delta; ok read: the value read
  bool final_read = false;  // one of the reads after healing
  std::string error;        // fail/info: why
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

// One line; `start` is the run's t=0.
inline std::string FormatEvent(const HistoryEvent& e, absl::Time start) {
  std::string line = absl::StrFormat(
      "%.6fs thread=%d client=%s %s %s%s",
      absl::ToDoubleSeconds(e.time - start), e.thread, e.client,
      EventTypeName(e.type), e.f == kvclient::CounterOp::kAdd ? "add" : "read",
      e.final_read ? " (final)" : "");
  if (e.f == kvclient::CounterOp::kAdd || e.type == EventType::kOk) {
    absl::StrAppend(&line, " ", e.value);
  }
  if (!e.error.empty()) absl::StrAppend(&line, " \"", e.error, "\"");
  return line;
}

}  // namespace sim

#endif  // SIM_MAELSTROM_HISTORY_H_
