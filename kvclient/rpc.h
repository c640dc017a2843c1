// Request bookkeeping for a node's outgoing RPCs: allocates msg_ids, matches
// replies by `in_reply_to`, and expires requests whose deadline passed. Time
// comes only from the caller (`now`); nothing here reads a clock.
//
// Example:
//   RpcTracker<std::string> rpcs;
//   int64_t id = rpcs.Start(now + absl::Seconds(1), "read counter/n1");
//   ... send {"type":"read","msg_id":id,...} ...
//   absl::optional<std::string> what = rpcs.Complete(reply_in_reply_to);
//   for (std::string& lost : rpcs.Expire(now)) { ... timed out ... }
//
// A reply that arrives after its request expired finds nothing (Complete
// returns nullopt): the caller already treated it as a timeout.
#ifndef KVCLIENT_RPC_H_
#define KVCLIENT_RPC_H_

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"

namespace kvclient {

template <typename Context>
class RpcTracker {
 public:
  RpcTracker() = default;
  // Numbers requests from `first_msg_id`. A restarted process that starts
  // elsewhere never takes a late reply meant for its previous life (same
  // node id, same msg_id) for the answer to one of its own requests.
  explicit RpcTracker(int64_t first_msg_id) : next_msg_id_(first_msg_id) {}

  // Registers a request and returns its fresh msg_id (1, 2, 3, ... by
  // default).
  int64_t Start(absl::Time deadline, Context context) {
    int64_t id = next_msg_id_++;
    pending_.emplace(id, Entry{deadline, std::move(context)});
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

  size_t size() const { return pending_.size(); }
  bool empty() const { return pending_.empty(); }
  // Hands out a msg_id without tracking it (e.g. for a one-way message).
  int64_t NextMsgId() { return next_msg_id_++; }

 private:
  struct Entry {
    absl::Time deadline;
    Context context;
  };
  int64_t next_msg_id_ = 1;
  std::map<int64_t, Entry> pending_;  // ordered: Expire is deterministic
};

}  // namespace kvclient

#endif  // KVCLIENT_RPC_H_
