// PROVISIONAL (wl1): replaced by struct's version on merge
#include "sim/maelstrom/history.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace sim {

const char* EventTypeName(EventType type) {
  switch (type) {
    case EventType::kInvoke: return "invoke";
    case EventType::kOk: return "ok";
    case EventType::kFail: return "fail";
    case EventType::kInfo: return "info";
  }
  return "?";
}

std::string FormatEvent(const HistoryEvent& e, absl::Time start) {
  std::string line = absl::StrFormat(
      "%.6fs thread=%d client=%s %s %s %s%s",
      absl::ToDoubleSeconds(e.time - start), e.thread, e.client,
      EventTypeName(e.type), e.f,
      e.value.dump(-1, ' ', false, kvclient::Json::error_handler_t::replace),
      e.final ? " (final)" : "");
  if (!e.error.empty()) absl::StrAppend(&line, " ", e.error);
  return line;
}

std::vector<int64_t> ProcessIds(const History& history, int concurrency) {
  std::vector<int64_t> ids;
  ids.reserve(history.size());
  std::map<int, int64_t> process;  // thread -> its current process
  for (const HistoryEvent& e : history) {
    auto it = process.emplace(e.thread, e.thread).first;
    ids.push_back(it->second);
    if (e.type == EventType::kInfo) it->second += concurrency;
  }
  return ids;
}

}  // namespace sim
