// Request bookkeeping for a node's outgoing RPCs: allocates msg_ids, matches
// replies by `in_reply_to`, and expires requests whose deadline passed. Time
// comes only from the caller (`now`); nothing here reads a clock.
//
// Example:
//   RpcTracker<std::string> rpcs(/*first_msg_id=*/1, /*capacity=*/64);
//   if (!rpcs.full()) {
//     int64_t id = rpcs.Start(now + absl::Seconds(1), "read counter/n1");
//     ... send {"type":"read","msg_id":id,...} ...
//   }
//   absl::optional<std::string> what = rpcs.Complete(reply_in_reply_to);
//   for (std::string& lost : rpcs.Expire(now)) { ... timed out ... }
//
// A reply that arrives after its request expired finds nothing (Complete
// returns nullopt): the caller already treated it as a timeout.
//
// Bounded: at most `capacity` requests are tracked. Starting one more is a
// bug of the caller (MC_ASSERT aborts), which must either check full() or,
// like counter::Node, bound its requests by construction.
#ifndef KVCLIENT_RPC_H_
#define KVCLIENT_RPC_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "kvclient/assert.h"

namespace kvclient {

template <typename Context>
class RpcTracker {
 public:
  static constexpr size_t kDefaultCapacity = 1024;

  RpcTracker() = default;
  // Numbers requests from `first_msg_id`. A restarted process that starts
  // elsewhere never takes a late reply meant for its previous life (same
  // node id, same msg_id) for the answer to one of its own requests.
  explicit RpcTracker(int64_t first_msg_id, size_t capacity = kDefaultCapacity)
      : next_msg_id_(first_msg_id), capacity_(capacity) {
    MC_ASSERT(capacity_ > 0, "a tracker that can hold nothing is useless");
  }

  // Registers a request and returns its fresh msg_id (1, 2, 3, ... by
  // default). Precondition: !full().
  int64_t Start(absl::Time deadline, Context context) {
    MC_ASSERT(!full(), "RPC table full (", capacity_,
              " requests in flight): the caller must bound its requests");
    MC_ASSERT(next_msg_id_ < std::numeric_limits<int64_t>::max(),
              "msg_ids are never reused");
    int64_t id = next_msg_id_++;
    bool inserted =
        pending_.emplace(id, Entry{deadline, std::move(context)}).second;
    MC_ASSERT(inserted, "msg_id ", id, " handed out twice");
    return id;
  }

  // The context of the request `in_reply_to` answers, removing it.
  absl::optional<Context> Complete(int64_t in_reply_to) {
    auto it = pending_.find(in_reply_to);
    if (it == pending_.end()) return absl::nullopt;
    Context context = std::move(it->second.context);
    pending_.erase(it);
    return context;
  }

  // Removes and returns, in msg_id order, every request with deadline <= now.
  std::vector<Context> Expire(absl::Time now) {
    std::vector<Context> expired;
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.deadline <= now) {
        expired.push_back(std::move(it->second.context));
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
    return expired;
  }

  absl::optional<absl::Time> NextDeadline() const {
    absl::optional<absl::Time> next;
    for (const auto& [id, entry] : pending_) {
      if (!next.has_value() || entry.deadline < *next) next = entry.deadline;
    }
    return next;
  }

  // Calls f(msg_id, context) for every request in flight, in msg_id order.
  template <typename F>
  void ForEach(F f) const {
    for (const auto& [id, entry] : pending_) f(id, entry.context);
  }

  size_t size() const { return pending_.size(); }
  bool empty() const { return pending_.empty(); }
  size_t capacity() const { return capacity_; }
  bool full() const { return pending_.size() >= capacity_; }
  // Hands out a msg_id without tracking it (e.g. for a one-way message).
  int64_t NextMsgId() {
    MC_ASSERT(next_msg_id_ < std::numeric_limits<int64_t>::max(),
              "msg_ids are never reused");
    return next_msg_id_++;
  }

 private:
  struct Entry {
    absl::Time deadline;
    Context context;
  };
  int64_t next_msg_id_ = 1;
  size_t capacity_ = kDefaultCapacity;
  std::map<int64_t, Entry> pending_;  // ordered: Expire is deterministic
};

}  // namespace kvclient

#endif  // KVCLIENT_RPC_H_
