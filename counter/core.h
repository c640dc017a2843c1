// The contract every counter strategy implements, and the factory that picks
// one. A strategy is a pure state machine (no I/O, no clock, no randomness
// beyond Options::incarnation); drivers (the stdio binary, the simulator) only
// know this interface.
//
//   std::unique_ptr<counter::Core> core = counter::MakeCore(options);
//   core->Step(message, now);   core->Tick(now);
//   counter::Ready ready = core->TakeReady();   // send ready.messages,
//                                                // wake by ready.wake_at
#ifndef COUNTER_CORE_H_
#define COUNTER_CORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "kvclient/counter_ops.h"
#include "kvclient/message.h"

namespace counter {

// Which algorithm runs. kOwnKeys is ours (counter/node.h); kBaseline is what
// most public solutions do (counter/baseline.h), kept for comparison.
enum class Strategy { kOwnKeys, kBaseline };
absl::string_view StrategyName(Strategy strategy);  // "own-keys", "baseline"
absl::optional<Strategy> ParseStrategy(absl::string_view name);

// How a node of our strategy learns the other nodes' totals (README
// "Dissemination"). Both keep every node's own key as the only truth.
enum class Dissemination {
  kAuto,      // kPeerKeys below Options::summary_min_nodes nodes, else kSummary
  kPeerKeys,  // a round reads every other node's key: 2(N-1) messages
  kSummary,   // a round reads one shared summary key and, if this node knows
              // newer entries than it holds, cas-es them in: at most 4
};
// "auto", "peer-keys", "summary"; ParseDissemination: nullopt otherwise.
absl::string_view DisseminationName(Dissemination dissemination);
absl::optional<Dissemination> ParseDissemination(absl::string_view name);

// Deliberately broken variants, used only by tests to prove the simulator and
// harness catch them. The production default is kNone.
enum class Bug {
  kNone,
  kStaleRead,          // reads the other keys without first syncing its view
  kAckBeforeDurable,   // replies add_ok before the delta is in seq-kv
  kDoubleCountRetry,   // after a failed/unknown cas, re-adds the batch blindly
  kForgetOnRestart,    // starts from total 0 instead of reading its own key
  kMergeByTotal,       // summary entries ordered by total, not by write count
                       // (right for a g-counter, wrong once totals can fall)
};

// "none", "stale-read", "ack-before-durable", "double-count-retry",
// "forget-on-restart", "merge-by-total"; ParseBug returns nullopt for anything else.
absl::string_view BugName(Bug bug);
absl::optional<Bug> ParseBug(absl::string_view name);

struct Options {
  Strategy strategy = Strategy::kOwnKeys;
  // Accept negative deltas (Maelstrom's pn-counter workload).
  bool allow_negative = false;
  // Unique per process start; tags written by this incarnation embed it.
  // The stdio adapter draws it from the OS, the simulator from its seed.
  uint64_t incarnation = 0;
  std::string kv_service = "seq-kv";
  std::string key_prefix = "counter/";
  // A KV request without a reply after this long is treated as lost (it may
  // still have been applied).
  absl::Duration kv_timeout = absl::Seconds(1);
  // How often other nodes' totals are refreshed. Bounds convergence.
  absl::Duration refresh_interval = absl::Milliseconds(500);
  // Round interval of summary dissemination. News takes two rounds there (its
  // owner cas-es it into the summary, then the others read it), so the
  // rounds are shorter to keep the convergence bound near peer-keys' one.
  absl::Duration summary_interval = absl::Milliseconds(300);
  Dissemination dissemination = Dissemination::kAuto;
  // Stretch each summary round by up to 1/8 interval, drawn from the
  // incarnation (off only for transcripts that pin exact times).
  bool jitter_summary_rounds = true;
  // With kAuto, clusters of at least this many nodes use the summary: from
  // there one read and one cas per round cost less than N-1 reads.
  int summary_min_nodes = 5;
  // Rounds that see no change stretch the interval, doubling up to this.
  absl::Duration max_refresh_interval = absl::Seconds(2);
  // How long a due refresh waits for an add's flush to sync the node's view
  // before it sends a zero-delta cas just for that (which costs 2 messages).
  absl::Duration sync_grace = absl::Milliseconds(100);
  // An add not durable this long after it arrived gets error 0 (timeout,
  // indefinite) so the client hears back before Maelstrom's 5 s timeout.
  absl::Duration add_deadline = absl::Milliseconds(4000);
  Bug bug = Bug::kNone;
};

// What the driver must do after Step/Tick: send `messages` in order, and call
// Tick no later than `wake_at`.
struct Ready {
  std::vector<kvclient::Message> messages;
  absl::optional<absl::Time> wake_at;
  std::vector<std::string> log;  // human-readable events, for stderr
};

// Counters a benchmark or test can read.
struct NodeStats {
  int64_t kv_requests = 0;
  int64_t kv_timeouts = 0;
  int64_t flushes = 0;
  int64_t adds_acked = 0;
  int64_t adds_timed_out = 0;
};

class Core {
 public:
  virtual ~Core() = default;
  virtual void Step(const kvclient::Message& message, absl::Time now) = 0;
  virtual void Tick(absl::Time now) = 0;
  virtual Ready TakeReady() = 0;
  // What a read would answer right now without asking seq-kv; nullopt while
  // it would be an error or needs a KV round trip. The simulator's
  // convergence probe.
  virtual absl::optional<int64_t> ReadValue() const = 0;
  virtual const std::string& node_id() const = 0;  // "" before init
  virtual const NodeStats& stats() const = 0;
};

std::unique_ptr<Core> MakeCore(const Options& options);

// The gate every strategy puts in front of a client's add or read: the
// request to serve, or the error reply to send. `ignored` is set (and
// neither of the others) for a request without msg_id: there is nothing to
// answer. Before init → 11; unknown type → 10; bad fields → 12.
struct Admission {
  absl::optional<kvclient::CounterRequest> request;
  absl::optional<kvclient::Json> error;
  bool ignored = false;
};
Admission AdmitRequest(const kvclient::Json& body, bool initialized,
                       bool allow_negative);

}  // namespace counter

#endif  // COUNTER_CORE_H_
