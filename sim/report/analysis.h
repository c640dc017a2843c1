// Facts about a run that several pages show: operations paired per thread,
// the first failed check, the journal in send order with its request/reply
// pairs, and the history as Jepsen numbers it. RunAnalysis computes them
// once per run (WriteRunReport does, then hands it to every renderer).
//
//   const RunAnalysis analysis(run);     // keeps a reference to `run`
//   analysis.ops()[0].invoke == 0;  analysis.ops()[0].completion == 1
//   analysis.first_failure()->what
//     == "final read 17 on thread 2 is not in [[18 18]]"
//   analysis.replies().reply_of[i]      // i: a position in send_order()
//   analysis.jepsen().Process(i)        // history[i]'s Jepsen process
#ifndef SIM_REPORT_ANALYSIS_H_
#define SIM_REPORT_ANALYSIS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/jepsen_history.h"
#include "sim/maelstrom/run_record.h"

namespace report {

// One operation: its invoke and, once it completed, its completion (the next
// non-invoke event on the same thread). Ordered by invoke.
struct OpPair {
  size_t invoke = 0;
  absl::optional<size_t> completion;
};
std::vector<OpPair> PairOperations(const sim::History& history);

// The earliest failed check: an invalid line, or an op the workload's
// checker flagged (run.results.workload.flagged, at that op's time). None
// when neither happened.
struct Failure {
  absl::Time time;
  std::string what;
  std::string client;  // a flagged op: its client
};
absl::optional<Failure> FirstFailure(const sim::RunRecord& run);

// Indices of `messages` ordered by send time (stable: equal times keep
// journal order). Every page walks the journal in this order.
std::vector<size_t> SendOrder(const std::vector<sim::MessageRecord>& messages);

// For messages in send order (indices into `order`): reply_of[i] is the
// position of the reply to request i, request_of[j] the request that reply j
// answers, -1 when none. A reply answers the latest unanswered request sent
// before it with src/dest swapped and msg_id == its in_reply_to.
struct ReplyPairs {
  std::vector<int64_t> reply_of;
  std::vector<int64_t> request_of;
};
ReplyPairs PairReplies(const std::vector<sim::MessageRecord>& messages,
                       const std::vector<size_t>& order);

// Everything above, for one run, computed once.
class RunAnalysis {
 public:
  // Keeps references: `run` must outlive the analysis and not change.
  explicit RunAnalysis(const sim::RunRecord& run);
  RunAnalysis(const RunAnalysis&) = delete;
  RunAnalysis& operator=(const RunAnalysis&) = delete;

  const sim::RunRecord& run() const { return run_; }
  // Positions into run.messages, by send time (SendOrder).
  const std::vector<size_t>& send_order() const { return send_order_; }
  const sim::MessageRecord& message_at(size_t pos) const {
    return run_.messages[send_order_[pos]];
  }
  const ReplyPairs& replies() const { return replies_; }
  const std::vector<OpPair>& ops() const { return ops_; }
  const sim::JepsenHistory& jepsen() const { return jepsen_; }
  const absl::optional<Failure>& first_failure() const {
    return first_failure_;
  }

 private:
  const sim::RunRecord& run_;
  const std::vector<size_t> send_order_;
  const ReplyPairs replies_;
  const std::vector<OpPair> ops_;
  const sim::JepsenHistory jepsen_;
  const absl::optional<Failure> first_failure_;
};

}  // namespace report

#endif  // SIM_REPORT_ANALYSIS_H_
