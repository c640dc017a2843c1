// A virtual clock and a queue of timed events for the simulator's driver.
// Events fire in (time, insertion order): two events at the same instant run
// in the order they were scheduled, so a run never depends on container
// internals. Time starts at absl::UnixEpoch() and only moves forward when an
// event is popped.
//
// Example:
//   sim::EventQueue<std::string> q;
//   q.Schedule(q.now() + absl::Seconds(1), "b");
//   q.Schedule(q.now() + absl::Seconds(1), "c");   // same time: after "b"
//   q.Schedule(q.now(), "a");
//   q.Pop()->event == "a";  q.Pop()->event == "b";  q.now() == epoch + 1s
//
// Models (network, kv service, workload) never hold this clock: they take
// `now` as an argument, so a real-time harness can drive them too.
#ifndef SIM_MAELSTROM_EVENT_QUEUE_H_
#define SIM_MAELSTROM_EVENT_QUEUE_H_

#include <cstdint>
#include <map>
#include <utility>

#include "absl/time/time.h"
#include "absl/types/optional.h"

namespace sim {

template <typename Event>
class EventQueue {
 public:
  struct Entry {
    absl::Time time;
    Event event;
  };

  absl::Time now() const { return now_; }

  // Scheduling in the past runs the event "now" (time never goes back).
  void Schedule(absl::Time at, Event event) {
    if (at < now_) at = now_;
    events_.emplace(Key{at, next_sequence_++}, std::move(event));
  }

  bool empty() const { return events_.empty(); }
  size_t size() const { return events_.size(); }

  absl::optional<absl::Time> NextTime() const {
    if (events_.empty()) return absl::nullopt;
    return events_.begin()->first.first;
  }

  // Removes the earliest event and advances the clock to its time.
  absl::optional<Entry> Pop() {
    if (events_.empty()) return absl::nullopt;
    auto it = events_.begin();
    Entry entry{it->first.first, std::move(it->second)};
    events_.erase(it);
    now_ = entry.time;
    return entry;
  }

 private:
  using Key = std::pair<absl::Time, uint64_t>;
  absl::Time now_ = absl::UnixEpoch();
  uint64_t next_sequence_ = 0;
  std::map<Key, Event> events_;
};

}  // namespace sim

#endif  // SIM_MAELSTROM_EVENT_QUEUE_H_
