#include "sim/elle/ops.h"

#include <algorithm>
#include <map>

#include "kvclient/assert.h"

namespace elle {

std::vector<Op> CompletedOps(
    const sim::History& history, const std::vector<int64_t>& process,
    const std::function<bool(const sim::HistoryEvent&)>& keep) {
  MC_ASSERT(process.size() == history.size(), "one process id per event");
  std::vector<Op> ops;
  std::map<int, int64_t> open;  // thread -> its invocation's index
  for (size_t i = 0; i < history.size(); ++i) {
    const sim::HistoryEvent& e = history[i];
    if (e.type == sim::EventType::kInvoke) {
      open[e.thread] = static_cast<int64_t>(i);
      continue;
    }
    auto it = open.find(e.thread);
    MC_ASSERT(it != open.end(), "completion at index ", i, " on thread ",
              e.thread, " has no invocation");
    const int64_t invoke = it->second;
    open.erase(it);
    if (!keep(e)) continue;
    ops.push_back({static_cast<int64_t>(i), invoke, process[i], e.type});
  }
  return ops;
}

void AddRealtimeEdges(const std::vector<Op>& ops, Digraph::Builder* b) {
  // The history's events among these ops, in order: (position, op, is
  // completion).
  struct Event {
    int64_t position;
    uint32_t op;
    bool completion;
  };
  std::vector<Event> events;
  events.reserve(2 * ops.size());
  for (uint32_t i = 0; i < ops.size(); ++i) {
    events.push_back({ops[i].invoke_index, i, false});
    events.push_back({ops[i].index, i, true});
  }
  std::sort(events.begin(), events.end(), [](const Event& x, const Event& y) {
    return x.position < y.position;
  });
  // oks: completed ok ops not yet implied by a later ok op.
  std::vector<uint32_t> oks;
  std::vector<bool> in_oks(ops.size(), false);
  // Per op, the oks linked to it at its invocation (its in-edges).
  std::vector<std::vector<uint32_t>> linked(ops.size());
  for (const Event& e : events) {
    if (!e.completion) {
      size_t kept = 0;
      for (uint32_t x : oks) {
        if (!in_oks[x]) continue;  // compact lazily
        oks[kept++] = x;
        b->Link(x, e.op, kRealtime);
        linked[e.op].push_back(x);
      }
      oks.resize(kept);
      continue;
    }
    if (ops[e.op].type != sim::EventType::kOk) continue;
    for (uint32_t x : linked[e.op]) in_oks[x] = false;
    std::vector<uint32_t>().swap(linked[e.op]);
    in_oks[e.op] = true;
    oks.push_back(e.op);
  }
}

void AddProcessEdges(const std::vector<Op>& ops, Digraph::Builder* b) {
  std::map<int64_t, uint32_t> last;  // process -> its last ok op
  std::vector<uint32_t> order(ops.size());
  for (uint32_t i = 0; i < ops.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    return ops[x].index < ops[y].index;
  });
  for (uint32_t i : order) {
    if (ops[i].type != sim::EventType::kOk) continue;
    auto it = last.find(ops[i].process);
    if (it != last.end()) {
      b->Link(it->second, i, kProcess);
      it->second = i;
    } else {
      last.emplace(ops[i].process, i);
    }
  }
}

}  // namespace elle
