#include "sim/workload.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"

namespace sim {

using kvclient::CounterOp;
using kvclient::Message;

Workload::Workload(WorkloadOptions options, std::vector<std::string> nodes)
    : options_(options), nodes_(std::move(nodes)) {
  for (int i = 0; i < options_.concurrency; ++i) {
    Thread t;
    t.node = nodes_[i % nodes_.size()];
    threads_.push_back(std::move(t));
  }
}

std::string Workload::NewClient() { return absl::StrCat("c", next_client_++); }

std::vector<Message> Workload::StartInits(absl::Time now) {
  std::vector<Message> out;
  for (const std::string& node : nodes_) out.push_back(InitFor(node, now));
  return out;
}

Message Workload::InitFor(const std::string& node, absl::Time now) {
  std::string client = NewClient();
  pending_inits_[client] = PendingInit{node, now + options_.init_timeout};
  kvclient::Json body = {{"type", "init"},
                         {"msg_id", 1},
                         {"node_id", node},
                         {"node_ids", nodes_}};
  return Message{client, node, std::move(body)};
}

void Workload::CancelInits(const std::string& node) {
  for (auto it = pending_inits_.begin(); it != pending_inits_.end();) {
    if (it->second.node == node) {
      departed_clients_.insert(it->first);
      it = pending_inits_.erase(it);
    } else {
      ++it;
    }
  }
}

Message Workload::Invoke(int thread, CounterOp f, int64_t delta,
                         bool final_read, absl::Time now) {
  Thread& t = threads_[thread];
  Request r;
  r.msg_id = t.next_msg_id++;
  r.f = f;
  r.delta = delta;
  r.final_read = final_read;
  r.deadline = now + options_.client_timeout;
  t.outstanding = r;
  HistoryEvent e;
  e.time = now;
  e.thread = thread;
  e.client = t.client;
  e.type = EventType::kInvoke;
  e.f = f;
  e.value = delta;
  e.final_read = final_read;
  history_.push_back(e);
  kvclient::Json body = f == CounterOp::kAdd
                            ? kvclient::AddRequestBody(delta, r.msg_id)
                            : kvclient::ReadRequestBody(r.msg_id);
  return Message{t.client, t.node, std::move(body)};
}

void Workload::Complete(int thread, EventType type, int64_t value,
                        std::string error, absl::Time now) {
  Thread& t = threads_[thread];
  const Request r = *t.outstanding;
  t.outstanding.reset();
  HistoryEvent e;
  e.time = now;
  e.thread = thread;
  e.client = t.client;
  e.type = type;
  e.f = r.f;
  e.value = r.f == CounterOp::kAdd ? r.delta : value;
  e.final_read = r.final_read;
  e.error = std::move(error);
  history_.push_back(std::move(e));
  if (r.final_read) t.final_done = true;
  if (type != EventType::kOk) {
    // Jepsen's process crashes on an indeterminate op: new client id.
    thread_of_client_.erase(t.client);
    departed_clients_.insert(t.client);
    t.client = NewClient();
    thread_of_client_[t.client] = thread;
  }
}

void Workload::ExpireTimeouts(absl::Time now) {
  for (int i = 0; i < static_cast<int>(threads_.size()); ++i) {
    if (threads_[i].outstanding && threads_[i].outstanding->deadline <= now) {
      Complete(i, EventType::kInfo, 0, "timeout", now);
    }
  }
  for (const auto& [client, init] : pending_inits_) {
    if (init.deadline <= now && harness_error_.empty()) {
      harness_error_ = absl::StrCat(init.node, " did not answer init (from ",
                                    client, ") within ",
                                    absl::FormatDuration(options_.init_timeout));
    }
  }
}

absl::Duration Workload::NextGap(Prng& prng) const {
  const int64_t mean_gap_ns =
      static_cast<int64_t>(std::llround(1e9 / std::max(options_.rate, 1e-9)));
  return prng.UniformDuration(absl::Nanoseconds(2 * mean_gap_ns));
}

bool Workload::AnyOutstanding() const {
  for (const Thread& t : threads_) {
    if (t.outstanding) return true;
  }
  return false;
}

void Workload::IssueDue(absl::Time now, Prng& prng, Output& out) {
  const absl::Time end = start_time_ + options_.time_limit;
  while (next_issue_at_ <= now && next_issue_at_ < end) {
    std::vector<int> free;
    for (int i = 0; i < static_cast<int>(threads_.size()); ++i) {
      if (!threads_[i].outstanding) free.push_back(i);
    }
    if (free.empty()) return;  // issued as soon as a thread frees up
    int thread = free[prng.Uniform(free.size())];
    bool add = options_.pn_counter ? prng.Bernoulli(1, 2) : prng.Bernoulli(1, 3);
    int64_t delta = add ? (options_.pn_counter ? prng.UniformInt(-5, 4)
                                               : prng.UniformInt(0, 4))
                        : 0;
    out.messages.push_back(Invoke(thread, add ? CounterOp::kAdd : CounterOp::kRead,
                                  delta, false, now));
    next_issue_at_ += NextGap(prng);
  }
}

Workload::Output Workload::Poll(absl::Time now, Prng& prng) {
  Output out;
  ExpireTimeouts(now);
  if (phase_ == Phase::kInit && pending_inits_.empty()) {
    phase_ = Phase::kMain;
    start_time_ = now;
    for (int i = 0; i < static_cast<int>(threads_.size()); ++i) {
      threads_[i].client = NewClient();
      thread_of_client_[threads_[i].client] = i;
    }
    next_issue_at_ = now + NextGap(prng);
  }
  if (phase_ == Phase::kMain) {
    IssueDue(now, prng, out);
    if (now >= start_time_ + options_.time_limit) phase_ = Phase::kDrain;
  }
  if (phase_ == Phase::kDrain && !AnyOutstanding()) {
    phase_ = Phase::kSleep;
    heal_time_ = now;
    out.heal = true;
  }
  if (phase_ == Phase::kSleep && now >= *heal_time_ + options_.final_sleep) {
    phase_ = Phase::kFinal;
    for (int i = 0; i < static_cast<int>(threads_.size()); ++i) {
      out.messages.push_back(Invoke(i, CounterOp::kRead, 0, true, now));
    }
  }
  if (phase_ == Phase::kFinal && !AnyOutstanding()) phase_ = Phase::kDone;
  return out;
}

absl::Time Workload::NextWakeAt() const {
  absl::Time next = absl::InfiniteFuture();
  for (const Thread& t : threads_) {
    if (t.outstanding) next = std::min(next, t.outstanding->deadline);
  }
  for (const auto& [client, init] : pending_inits_) {
    next = std::min(next, init.deadline);
  }
  switch (phase_) {
    case Phase::kMain: {
      // With every thread busy the next op waits for a reply, which the
      // driver hands over with OnClientMessage and then polls.
      bool any_free = false;
      for (const Thread& t : threads_) any_free |= !t.outstanding.has_value();
      if (any_free) next = std::min(next, next_issue_at_);
      next = std::min(next, start_time_ + options_.time_limit);
      break;
    }
    case Phase::kSleep:
      next = std::min(next, *heal_time_ + options_.final_sleep);
      break;
    case Phase::kDrain:
    case Phase::kFinal:
      // Nothing left in flight: the next phase starts at once.
      if (!AnyOutstanding()) next = absl::InfinitePast();
      break;
    default:
      break;
  }
  return next;
}

Workload::Delivery Workload::OnClientMessage(const Message& message,
                                             absl::Time now, std::string* note) {
  auto init = pending_inits_.find(message.dest);
  if (init != pending_inits_.end()) {
    if (kvclient::BodyType(message.body) == "init_ok" &&
        kvclient::InReplyTo(message.body) == absl::optional<int64_t>(1)) {
      departed_clients_.insert(message.dest);  // init clients close after
      pending_inits_.erase(init);
      return Delivery::kAccepted;
    }
    *note = absl::StrCat("unexpected reply to init: ", message.body.dump());
    return Delivery::kIgnored;
  }
  auto live = thread_of_client_.find(message.dest);
  if (live == thread_of_client_.end()) {
    *note = absl::StrCat(departed_clients_.count(message.dest) ? "departed" : "unknown",
                         " client ", message.dest);
    return Delivery::kDepartedClient;
  }
  const int thread = live->second;
  const auto& outstanding = threads_[thread].outstanding;
  if (!outstanding ||
      kvclient::InReplyTo(message.body) != absl::optional<int64_t>(outstanding->msg_id)) {
    *note = absl::StrCat("reply to no outstanding request: ", message.body.dump());
    return Delivery::kIgnored;
  }
  kvclient::CounterReply reply = kvclient::CheckCounterReply(outstanding->f, message.body);
  switch (reply.kind) {
    case kvclient::CounterReply::kOk:
      Complete(thread, EventType::kOk, reply.value, "", now);
      break;
    case kvclient::CounterReply::kError:
      Complete(thread, EventType::kInfo, 0,
               absl::StrCat("error ", reply.code, ": ", reply.text), now);
      break;
    case kvclient::CounterReply::kMalformed:
      Complete(thread, EventType::kInfo, 0,
               absl::StrCat("malformed reply: ", reply.text), now);
      break;
  }
  return Delivery::kAccepted;
}

int64_t Workload::client_operations() const {
  int64_t n = 0;
  for (const HistoryEvent& e : history_) n += e.type != EventType::kInvoke;
  return n;
}

}  // namespace sim
