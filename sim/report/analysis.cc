#include "sim/report/analysis.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace report {

std::vector<OpPair> PairOperations(const sim::History& history) {
  std::vector<OpPair> ops;
  std::map<int, size_t> open;  // thread → index in ops of its open invoke
  for (size_t i = 0; i < history.size(); ++i) {
    const sim::HistoryEvent& e = history[i];
    if (e.type == sim::EventType::kInvoke) {
      open[e.thread] = ops.size();
      ops.push_back(OpPair{i, absl::nullopt});
      continue;
    }
    auto it = open.find(e.thread);
    if (it == open.end()) continue;  // a completion without invoke: not an op
    ops[it->second].completion = i;
    open.erase(it);
  }
  return ops;
}

absl::optional<Failure> FirstFailure(const sim::RunRecord& run) {
  absl::optional<Failure> first;
  auto consider = [&](absl::Time t, std::string what, std::string client) {
    if (!first || t < first->time)
      first = Failure{t, std::move(what), std::move(client)};
  };
  for (const sim::InvalidLine& line : run.invalid_lines) {
    consider(line.time,
             absl::StrCat("invalid line from ", line.node, ": ", line.why), "");
  }
  for (const sim::FlaggedOp& op : run.results.workload.flagged) {
    if (op.index >= run.history.size()) continue;
    const sim::HistoryEvent& e = run.history[op.index];
    consider(e.time, op.what, e.client);
  }
  return first;
}

std::vector<size_t> SendOrder(const std::vector<sim::MessageRecord>& messages) {
  std::vector<size_t> order(messages.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return messages[a].sent < messages[b].sent;
  });
  return order;
}

ReplyPairs PairReplies(const std::vector<sim::MessageRecord>& messages,
                       const std::vector<size_t>& order) {
  ReplyPairs pairs;
  pairs.reply_of.assign(order.size(), -1);
  pairs.request_of.assign(order.size(), -1);
  // (requester, responder, msg_id) → positions of unanswered requests. Each
  // entry is removed when answered, so the table never outgrows the journal.
  std::map<std::tuple<std::string, std::string, int64_t>, std::vector<int64_t>>
      waiting;
  for (size_t pos = 0; pos < order.size(); ++pos) {
    const sim::MessageRecord& m = messages[order[pos]];
    if (absl::optional<int64_t> to = kvclient::InReplyTo(m.body)) {
      auto it = waiting.find({m.dest, m.src, *to});
      if (it != waiting.end() && !it->second.empty()) {
        const int64_t request = it->second.back();
        it->second.pop_back();
        if (it->second.empty()) waiting.erase(it);
        pairs.reply_of[request] = static_cast<int64_t>(pos);
        pairs.request_of[pos] = request;
      }
    }
    if (absl::optional<int64_t> id = kvclient::MsgId(m.body)) {
      waiting[{m.src, m.dest, *id}].push_back(static_cast<int64_t>(pos));
    }
  }
  return pairs;
}

RunAnalysis::RunAnalysis(const sim::RunRecord& run)
    : run_(run),
      send_order_(SendOrder(run.messages)),
      replies_(PairReplies(run.messages, send_order_)),
      ops_(PairOperations(run.history)),
      jepsen_(run.history, run.concurrency, run.t0, run.faults,
              &run.nemesis_ops),
      first_failure_(FirstFailure(run)) {}

}  // namespace report
