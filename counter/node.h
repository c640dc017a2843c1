// DRIVERS: use counter::Core and counter::MakeCore(options) from
// counter/core.h (target //counter:core), so every strategy (this one, the
// baseline, and the deliberately broken variants) runs through one interface.
//
// The grow-only (or, with allow_negative, PN) counter node as a pure state
// machine, in the style of etcd's raft RawNode and quinn-proto: no I/O, no
// clock, no randomness. The driver (the stdio adapter in main.cc, or the
// simulator) feeds it messages and ticks with the current time, executes the
// messages it emits, and calls Tick again no later than `wake_at`.
//
//   counter::Node node(options);
//   node.Step(message, now);            // a line from stdin / the network
//   node.Tick(now);                     // when the wake-up time has come
//   counter::Ready ready = node.TakeReady();
//   for (auto& m : ready.messages) send(m);
//   sleep_until(ready.wake_at);         // nullopt: nothing scheduled
//
// The algorithm (README "Algorithm" has the long form):
// - Each node owns one seq-kv key, "counter/<node_id>", holding
//   {"total": T, "tag": "<incarnation>.<attempt>"}. Only that node writes it,
//   always with cas from the exact value it last confirmed, and every attempt
//   carries a tag never used before. So when an attempt's fate is unknown
//   (timeout, error, restart), reading the key tells exactly which attempt,
//   if any, landed: each acknowledged delta is counted exactly once.
// - `add` joins a pending batch; the batch is flushed at once when no flush
//   is in flight (no timer on the add path) and acknowledged only after its
//   cas_ok (or after a read proves its tag landed).
// - `read` answers at once from memory: the confirmed own total plus the last
//   totals read from the other nodes' keys.
// - Every refresh_interval the node refreshes: a state-changing cas on its own
//   key sent after the refresh fell due (an add's flush, or a zero-delta sync
//   if no add comes within sync_grace) pulls its seq-kv view up to the newest
//   version; reads of the other keys issued after it lands are fresh.
//   After writes stop, every node reads the exact total within
//   refresh_interval + sync_grace + 3 KV round trips (see MaybeRefresh).
// - Dissemination (Options::dissemination; README "Dissemination"): with
//   peer keys, a round's reads go to every other node's key. With the
//   summary, meant for larger clusters, a round reads one shared key,
//   "counter/summary" = {"<node>": [n, total], ...} where n counts the writes
//   that node's own key has taken; the node adopts every entry newer than it
//   has seen and, if it knows a newer one than the summary holds (its own
//   above all), cas-es the summary from the value it read to everything it
//   knows. So the summary only ever gains knowledge, a lost race costs one
//   round, and a node's entry reaches every reader within two rounds.
// - A restarted node (same id, empty memory, new incarnation) reads its own
//   key before acknowledging anything; seq-kv keys views by node id, so that
//   read sees every write the old incarnation ever had applied.
#ifndef COUNTER_NODE_H_
#define COUNTER_NODE_H_

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "counter/core.h"
#include "kvclient/kv.h"
#include "kvclient/message.h"
#include "kvclient/rpc.h"

namespace counter {

class Node : public Core {
 public:
  explicit Node(Options options);

  void Step(const kvclient::Message& message, absl::Time now) override;
  void Tick(absl::Time now) override;
  Ready TakeReady() override;
  absl::optional<int64_t> ReadValue() const override;
  const std::string& node_id() const override { return node_id_; }
  const NodeStats& stats() const override { return stats_; }

 private:
  // The value of a node's key, as stored in seq-kv.
  struct Entry {
    int64_t total = 0;
    std::string tag;  // "" for "the key does not exist"
    int64_t n = 0;    // writes the key has taken: orders a node's entries
  };
  using Summary = std::map<std::string, Entry>;  // node -> {n, total}
  struct PendingAdd {
    std::string client;
    int64_t msg_id = 0;
    int64_t delta = 0;
    absl::Time deadline;
    bool answered = false;  // got an error reply already (still counts if applied)
  };
  // An own-key cas whose outcome is unknown, or in flight.
  struct Attempt {
    std::string tag;
    int64_t total = 0;
    int64_t n = 0;
    size_t adds = 0;  // covers pending_[0, adds)
    absl::Time sent_at;
  };
  enum class Purpose {
    kResolveOwn, kFlush, kReadPeer, kReadSummary, kRereadSummary, kCasSummary
  };
  struct KvCall {
    Purpose purpose;
    kvclient::KvRequest request;
    std::string peer;  // for kReadPeer
    absl::Time sent_at;
  };

  void HandleInit(const kvclient::Message& message, absl::Time now);
  void ChooseDissemination(const std::vector<std::string>& node_ids);
  void UpdateDissemination();
  void UseSummary(bool summary);  // and its round interval
  void MeasureChangeRate(absl::Time now);
  void HandleClientRequest(const kvclient::Message& message, absl::Time now);
  void HandleKvReply(const kvclient::Message& message, absl::Time now);
  absl::optional<Entry> EntryFromRead(const kvclient::KvReply& reply,
                                      const std::string& node);
  void OnOwnKeyRead(const kvclient::KvReply& reply);
  void OnFlushReply(const kvclient::KvReply& reply);
  void OnPeerRead(const std::string& peer, const kvclient::KvReply& reply);
  void OnSummaryRead(const kvclient::KvReply& reply, bool round_read);
  void OnSummaryCasReply(const kvclient::KvCas& cas,
                         const kvclient::KvReply& reply);
  void MergeSummary(const Summary& summary);
  bool KnowsMoreThan(const Summary& summary) const;
  bool Newer(const Entry& a, const Entry& b) const;
  void AdaptRefreshInterval();
  void OnLocalActivity(absl::Time now);
  void OnKvTimeout(const KvCall& call);
  void AdoptOwnEntry(const Entry& entry);
  void Confirm(const Attempt& attempt);
  bool ProjectedTotalFits(int64_t delta) const;

  void Pump(absl::Time now);  // starts whatever work is due
  void MaybeResolve(absl::Time now);
  void MaybeFlush(absl::Time now);
  void MaybeRefresh(absl::Time now);
  void SendRoundReads(absl::Time now);
  absl::Duration RoundGap() const;
  void MaybePushSummary(absl::Time now);
  absl::optional<absl::Time> WakeAt() const;
  void ReplyTimedOutAdds(absl::Time now);
  void SendKv(Purpose purpose, kvclient::KvRequest request, absl::Time now,
              std::string peer = "");
  void Reply(const std::string& to, kvclient::Json body);
  void Log(std::string line);

  std::string KeyOf(const std::string& node) const;
  std::string SummaryKey() const { return KeyOf("summary"); }
  kvclient::Json EncodeSummary() const;
  Summary DecodeSummary(const kvclient::Json& value);
  static kvclient::Json EncodeEntry(const Entry& entry);
  static absl::optional<Entry> DecodeEntry(const kvclient::Json& value);

  Options options_;
  std::string node_id_;                 // "" until init
  std::string reply_as_;                // our id as addressed, before init
  std::vector<std::string> peers_;      // other node ids, sorted

  // Own key. `own_` is the last value this node confirmed in seq-kv; it is
  // the exact current value while own_exact_ (then it is the cas base).
  bool recovered_ = false;  // own_ was read or written at least once
  bool own_exact_ = false;
  bool resolving_ = false;  // a read of the own key is in flight
  Entry own_;
  std::deque<PendingAdd> pending_;      // not yet durable, FIFO
  std::vector<Attempt> unresolved_;     // attempts from base own_, fate open
  bool flush_in_flight_ = false;
  int64_t next_attempt_ = 1;

  // Other nodes' totals as last read (std::map: deterministic iteration).
  std::map<std::string, Entry> peers_seen_;
  int peer_reads_in_flight_ = 0;  // a summary read counts as one
  // Dissemination. summary_allowed_ is decided at init (options, cluster
  // size); with kAuto, use_summary_ then follows the measured KV round trip
  // each round (see UpdateDissemination).
  bool summary_allowed_ = false;
  bool use_summary_ = false;
  absl::Duration kv_rtt_ = absl::ZeroDuration();  // smoothed, 1/8 gain
  bool kv_rtt_measured_ = false;
  // Node totals (own included) seen changing per second, smoothed per round:
  // how many pushes the summary would have to take.
  double change_rate_ = 0;
  int changes_this_round_ = 0;
  bool own_changed_this_round_ = false;
  absl::Time last_round_start_ = absl::InfinitePast();
  uint64_t rounds_started_ = 0;
  absl::Duration base_interval_;  // refresh_ or summary_interval
  // After a summary read showed that this node knows more: the value read,
  // to cas from (null: the key did not exist). MaybePushSummary sends it.
  absl::optional<kvclient::Json> summary_push_from_;
  bool summary_cas_in_flight_ = false;
  // A push that lost a race re-reads and tries again at once, this many
  // times per round: rounds of nodes can fall in step, and a node that always
  // lost to the same neighbour would otherwise never get its entry in.
  int summary_retries_left_ = 0;
  bool summary_reread_wanted_ = false;
  // The first write (n) of the key that holds the current own total: zero-
  // delta syncs raise own_.n without changing the total, and need no push.
  int64_t own_total_since_ = 0;
  absl::Time next_refresh_ = absl::InfinitePast();
  absl::Duration refresh_interval_;  // current; see AdaptRefreshInterval
  absl::Time last_reads_at_ = absl::InfinitePast();
  bool round_saw_change_ = true;
  // A refresh round is due at next_refresh_. Its reads go out only once an
  // own cas sent at or after that time has landed (`synced_`): that cas moved
  // this node's seq-kv view to the newest version, so the reads see every
  // write applied before the round was due. want_sync_ asks for a zero-delta
  // cas when no add brings a flush within sync_grace.
  bool synced_ = false;
  bool want_sync_ = false;
  bool refresh_due_ = false;

  kvclient::RpcTracker<KvCall> rpcs_;
  Ready ready_;
  NodeStats stats_;
};

}  // namespace counter

#endif  // COUNTER_NODE_H_
