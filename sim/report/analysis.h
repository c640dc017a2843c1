// Facts about a run that several pages show: operations paired per thread,
// the first failed check, and request/reply pairs in the message journal.
//
//   std::vector<OpPair> ops = PairOperations(run.history);
//   ops[0].invoke == 0;  ops[0].completion == 1   (indices into the history)
//   absl::optional<Failure> f = FirstFailure(run);
//   f->what == "final read 17 on thread 2 is not in [[18 18]]"
//   std::vector<int> reply_of = PairReplies(sorted_messages);
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

}  // namespace report

#endif  // SIM_REPORT_ANALYSIS_H_
