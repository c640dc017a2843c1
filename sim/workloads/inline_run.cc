#include "sim/workloads/inline_run.h"

#include <algorithm>
#include <map>
#include <utility>

#include "kvclient/assert.h"
#include "sim/maelstrom/prng.h"

namespace workloads {

using kvclient::Json;
using kvclient::Message;

InlineRun::InlineRun(sim::WorkloadOptions options,
                     const sim::Workload& workload,
                     std::vector<std::string> nodes, absl::Duration latency)
    : interpreter_(std::move(options), workload, std::move(nodes)),
      latency_(latency) {}

const sim::History& InlineRun::Run(const Handler& handler, uint64_t seed) {
  sim::Prng prng(seed);
  // Replies in flight, by arrival time (FIFO among equal times).
  std::multimap<absl::Time, Message> in_flight;
  absl::Time now = t0_;
  auto answer = [&](const Message& m) {
    ++messages_;
    absl::optional<Json> body;
    if (kvclient::BodyType(m.body) == "init") {
      body = Json{{"type", "init_ok"}};
    } else {
      body = handler(m.dest, m.body);
    }
    if (!body.has_value()) return;  // lost: the client times out
    (*body)["in_reply_to"] = m.body["msg_id"];
    in_flight.emplace(now + latency_, Message{m.dest, m.src, std::move(*body)});
  };
  for (const Message& init : interpreter_.StartInits(now)) answer(init);
  while (!interpreter_.done() && interpreter_.harness_error().empty()) {
    absl::Time next = interpreter_.NextWakeAt();
    if (!in_flight.empty()) next = std::min(next, in_flight.begin()->first);
    MC_ASSERT(next != absl::InfiniteFuture(),
              "an unfinished run has something to wait for");
    now = std::max(now, next);
    while (!in_flight.empty() && in_flight.begin()->first <= now) {
      std::string note;
      interpreter_.OnClientMessage(in_flight.begin()->second, now, &note);
      in_flight.erase(in_flight.begin());
    }
    for (const Message& m : interpreter_.Poll(now, prng).messages) answer(m);
  }
  return interpreter_.history();
}

}  // namespace workloads
