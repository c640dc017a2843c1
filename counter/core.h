// The contract every counter core implements, and the factory that builds
// the one we ship (counter::Node, counter/node.h). A core is a pure state
// machine (no I/O, no clock, no randomness beyond Options::incarnation);
// drivers (the stdio binary, the simulator) only know this interface.
//
//   std::unique_ptr<counter::Core> core = counter::MakeCore(options);
//   core->Step(message, now);   core->Tick(now);
//   counter::Ready ready = core->TakeReady();   // send ready.messages,
//                                                // wake by ready.wake_at
//
// The baseline strategy and the deliberately broken variants are test-only:
// counter/testonly_variants.h (//counter:testonly_variants) builds them; the
// shipped library and binary contain neither.
#ifndef COUNTER_CORE_H_
#define COUNTER_CORE_H_

#include <cstddef>
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

// How a node of our strategy learns the other nodes' totals (README
// "Dissemination"). All keep every node's own key as the only truth.
enum class Dissemination {
  kAuto,      // kPush (see Options::auto_push); without it kPeerKeys below
              // Options::summary_min_nodes nodes, else kSummary
  kPeerKeys,  // a round reads every other node's key: 2(N-1) messages
  kSummary,   // a round reads one shared summary key and, if this node knows
              // newer entries than it holds, cas-es them in: at most 4
  kPush,      // nodes push their confirmed entries straight to each other
              // (one message, no reply; at most push_fanout per push round);
              // only peers silent beyond the silence bound are read from
              // seq-kv, with the peer-keys freshness rule
};
// "auto", "peer-keys", "summary", "push"; ParseDissemination: nullopt
// otherwise.
absl::string_view DisseminationName(Dissemination dissemination);
absl::optional<Dissemination> ParseDissemination(absl::string_view name);

struct Options {
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
  // With kAuto: push dissemination (false: peer keys or the summary by
  // cluster size, as before pushes existed).
  bool auto_push = true;
  // Push dissemination (README "Dissemination"). Every push_interval a node
  // sends its view ({n, total, heartbeat} per node, confirmed entries only;
  // the heartbeat is the owner's clock in ms when it pushed)
  // to at most push_fanout peers, chosen by a fixed digit schedule in base
  // push_fanout + 1 so that any entry reaches every node within
  // R = ceil(log_{fanout+1} N) hops. A target is skipped when the view sent
  // to it last is still current and it heard from this node within
  // push_heartbeat.
  absl::Duration push_interval = absl::Milliseconds(1000);
  int push_fanout = 4;
  absl::Duration push_heartbeat = absl::Seconds(3);
  // A peer whose heartbeat has not advanced for this long (plus R push
  // intervals for forwarding) is read from seq-kv instead, each round.
  absl::Duration push_silence = absl::Seconds(4);
  // Rounds that see no change stretch the interval, doubling up to this.
  absl::Duration max_refresh_interval = absl::Seconds(2);
  // How long a due refresh waits for an add's flush to sync the node's view
  // before it sends a zero-delta cas just for that (which costs 2 messages).
  absl::Duration sync_grace = absl::Milliseconds(100);
  // An add not durable this long after it arrived gets error 0 (timeout,
  // indefinite) so the client hears back before Maelstrom's 5 s timeout.
  absl::Duration add_deadline = absl::Milliseconds(4000);
  // Backoff of the KV retry paths (counter/backoff.h; README "Backoff"):
  // after the 2nd failure in a row a path waits retry_base, doubling per
  // failure up to retry_cap for the own key, and up to the larger of
  // retry_cap and max_refresh_interval for the refresh rounds; a success
  // resets it. Counted from when the failed request was sent: with
  // retry_cap <= kv_timeout a timeout never adds a wait.
  absl::Duration retry_base = absl::Milliseconds(100);
  absl::Duration retry_cap = absl::Seconds(1);

  // Bounds (README "Bounds"). Adds waiting to be made durable, answered or
  // not: one beyond this is answered with error 11 (temporarily
  // unavailable; definite: it was not applied). With Maelstrom's clients a
  // node holds about one add per client thread; adds only pile up while
  // seq-kv does not answer (about 90 s of a 1000 ops/s test on 3 nodes).
  size_t max_pending_adds = 10000;
  // Own-key writes from the same base whose fate is open. At the bound the
  // node re-sends the newest of them (same tag) instead of a new one, so a
  // landed write is always recognized; adds that arrived since wait.
  size_t max_open_attempts = 32;
  // Cluster size, the node included. An init naming more nodes is answered
  // with error 10 (not supported). Bounds the RPC table: at most one
  // request per peer plus four of the node's own are ever in flight.
  size_t max_nodes = 1000;
};

// What the driver must do after every Step and every Tick: take it
// (TakeReady; a core bounds what one Ready may hold, counter::Node by an
// assertion), send `messages` in order, and call Tick no later than
// `wake_at`.
struct Ready {
  std::vector<kvclient::Message> messages;
  absl::optional<absl::Time> wake_at;
  std::vector<std::string> log;  // human-readable events, for stderr
};

// Counters a benchmark or test can read.
struct NodeStats {
  int64_t kv_requests = 0;
  int64_t kv_timeouts = 0;
  int64_t pushes = 0;  // node-to-node pushes sent (push dissemination)
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

// Whether the named Maelstrom service can hold the counter: seq-kv and
// lin-kv (read, write, cas on one key store). lww-kv cannot: in Maelstrom
// v0.2.4 it is two replicas that never merge, each request served by one
// picked at random, and its cas never creates a key (service.clj `Eventual`,
// `LWWKV`); lin-tso is no key-value store at all.
bool KvServiceCanHoldCounter(absl::string_view service);
// "seq-kv or lin-kv", for errors and help.
constexpr char kCounterKvServices[] = "seq-kv or lin-kv";

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
