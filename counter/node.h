// DRIVERS: use counter::Core and counter::MakeCore(options) from
// counter/core.h (target //counter:core), so every core (this one, and the
// test-only baseline and broken variants) runs through one interface.
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
//
// The node is four small state machines (own key, refresh round, summary
// push, push rounds; the table is in README "Algorithm"). Each state
// carries the data only it needs (quinn-proto's connection/state.rs): an
// absl::variant per machine, one struct per state, so a field cannot be
// read in a state where it means nothing. They change only by Become*
// functions, each of which checks the state it leaves. One timer table
// (counter/timers.h): TakeReady's wake_at is its earliest armed timer.
// Invariants are checked after every Step and Tick (CheckInvariants).
//
// This class is what ships, and it has no test-only switch. The
// deliberately broken variants (counter/testonly_variants.h, test-only)
// derive from it and override the protected extension points below.
#ifndef COUNTER_NODE_H_
#define COUNTER_NODE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "absl/types/variant.h"
#include "counter/backoff.h"
#include "counter/core.h"
#include "counter/log_limit.h"
#include "counter/timers.h"
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

  // The states of the four machines, by name (the data each carries is in
  // the private section: OwnState, RoundState, PushState).
  //
  // The own key (this node's "counter/<id>" in seq-kv).
  enum class OwnKey {
    kUnloaded,   // nothing known: before init, or the first read failed;
                 // after init the read goes out at Timer::kOwnRetry
    kLoading,    // the first read is in flight
    kIdle,       // own_ is the key's exact value; nothing in flight
    kWriting,    // a cas from own_ (the newest open attempt) is in flight
    kUnsure,     // a write's fate is open; nothing in flight; the read that
                 // will tell goes out at Timer::kOwnRetry (backoff)
    kResolving,  // a read to learn which write landed is in flight
  };
  // The next refresh round (README "Freshness of reads"). Reads of the
  // previous round may still be in flight in any phase but kSyncWanted.
  enum class Round {
    kOff,         // no rounds: own key not loaded yet, or no peers
    kWaiting,     // falls due at its due time (Timer::kRefresh)
    kDue,         // due; waits up to sync_grace for an add's flush to sync
                  // the view (Timer::kSyncGrace, armed once no read is out)
    kSyncWanted,  // grace over: MaybeFlush sends a zero-delta cas
    kSynced,      // an own cas sent since it fell due landed: the reads go
                  // out once the previous round's reads are done
  };
  // The summary push (README "Dissemination").
  enum class Push {
    kIdle,            // nothing to push, no summary cas in flight
    kQueued,          // holds the value to cas from: sent at once
    kInFlight,        // a summary cas is in flight
    kInFlightQueued,  // in flight, and a later read queued another push
    kRereadQueued,    // the cas lost a race: re-read the summary at once
  };
  // How this node learns the others' totals (Options::dissemination).
  enum class Spread {
    kPeerKeys,      // fixed: every peer's key each round
    kSummary,       // fixed: the summary key each round
    kAutoSummary,   // auto, currently the summary
    kAutoPeerKeys,  // auto, fell back to peer keys (summary too busy)
    kPush,          // push (fixed or auto): pushes, and rounds that read
                    // only the keys of silent peers
  };
  // Push rounds (Options::dissemination kPush; README "Dissemination").
  enum class Gossip {
    kOff,      // not pushing: another mode, own key not loaded, or no peers
    kWaiting,  // the next push round falls due at Timer::kPush
  };
  // The timer table: every deadline the node waits for.
  enum class Timer {
    kKvTimeout,    // earliest KV request deadline: treat it as lost
    kAddDeadline,  // earliest unanswered add's deadline: answer error 0
    kRefresh,      // Round::kWaiting: the round falls due
    kSyncGrace,    // Round::kDue, no read out: stop waiting for an add
    kPush,         // Gossip::kWaiting: the next push round
    kOwnRetry,     // OwnKey::kUnloaded (after init), kUnsure: the own key's
                   // read goes out (at once, or when its backoff is over)
    kCount,
  };
  // Kinds of log lines; each is rate-limited on its own (kLogLinesPerSecond
  // per second, then a count), so a bad service or client cannot fill a disk.
  enum class LogKind {
    kLifecycle,   // init, dissemination switches
    kBadRequest,  // requests and replies the node cannot use
    kStranger,    // pushes from nodes outside the cluster, or before init
    kBadPush,     // malformed push views and members
    kKvFailure,   // KV errors, garbled replies, timeouts
    kBadKvValue,  // values in seq-kv this program never writes
    kOwnKey,      // the own key moved, re-reads, re-sent writes
    kBackoff,     // a retry path waits
    kCount,
  };
  static absl::string_view LogKindName(LogKind kind);

  OwnKey own_key_state() const;
  Round round_state() const;
  Push push_state() const;
  Spread spread() const { return spread_; }
  Gossip gossip_state() const { return gossip_; }
  // Push rounds until a push reaches every node through forwarding, R =
  // ceil(log_{fanout+1} N); 0 before init.
  int push_hops() const { return push_hops_; }

  // A summary round re-reads the summary after a lost race at most this
  // many times, and never has more re-reads than this in flight.
  static constexpr int kSummaryRetries = 2;
  // Per summary read, malformed members logged one by one; the rest are
  // counted in one line.
  static constexpr int kMaxLoggedMalformedMembers = 4;
  // The body type of a push between nodes.
  static constexpr char kPushType[] = "counter_push";
  // Log lines kept per kind per second (LogKind).
  static constexpr int kLogLinesPerSecond = 10;

 protected:
  // The value of a node's key, as stored in seq-kv.
  struct Entry {
    int64_t total = 0;
    std::string tag;  // "" for "the key does not exist"
    int64_t n = 0;    // writes the key has taken: orders a node's entries
  };
  struct PendingAdd {
    std::string client;
    int64_t msg_id = 0;
    int64_t delta = 0;
    absl::Time deadline;
    bool answered =
        false;  // got an error reply already (still counts if applied)
  };
  // An own-key write whose outcome is unknown, or in flight.
  struct Attempt {
    std::string tag;
    int64_t total = 0;
    int64_t n = 0;
    size_t adds = 0;     // covers pending_[0, adds)
    absl::Time sent_at;  // of its first copy (see MaybeFlush's re-send)
    kvclient::KvRequest request;
  };
  // How an entry of another node reached this one.
  enum class Via { kRead, kPush, kSummary };

  // ------------------------------------------------- extension points --
  // Each default is the algorithm's own rule, and the only one that ships.
  // Test-only code derives from Node to build deliberately broken variants
  // (counter/testonly_variants.cc) by overriding these.

  // Of two entries of one node, whether `a` (which came `via`) is newer
  // than `b`: it has more writes. Totals do not order them: a pn-counter's
  // can fall.
  virtual bool Newer(const Entry& a, const Entry& b, Via via) const;
  // Whether an add of 0 is acknowledged at once, with no write: it changes
  // no total, so it is as durable as it will ever be. (The broken variants
  // predate this rule and write it like any add.)
  virtual bool ZeroAddsAreFree() const { return true; }
  // An admitted client read, before it is answered.
  virtual void OnClientRead() {}
  // An admitted add, just queued as the newest pending add.
  virtual void OnAddPending(PendingAdd& /*add*/) {}
  // The open attempt that wrote `read` into the own key (same tag), if any.
  virtual absl::optional<Attempt> LandedAttempt(const Entry& read) const;
  // The request that writes `to` over the own key, whose base is own_.
  virtual kvclient::KvRequest OwnWriteRequest(const Entry& to) const;
  // Arms Timer::kRefresh: the waiting round falls due at `due`.
  virtual void ArmRefresh(absl::Time due);
  // Steps of Pump (see there).
  virtual void MaybeResolve(absl::Time now);
  virtual void MaybeRefresh(absl::Time now);
  virtual void MaybePushView(absl::Time now);
  // The body of a push sent at `now`: this node's view.
  virtual kvclient::Json EncodeView(absl::Time now) const;
  // The invariants that tie the refresh round to its timers.
  virtual void CheckRoundTimers() const;
  // How long after a failed request was sent its path (the own key, the
  // refresh rounds) may send again: the backoff's delay (Backoff::delay).
  virtual absl::Duration RetryDelay(const Backoff& path) const {
    return path.delay();
  }

  // What the extension points may use besides the public interface.
  const Entry& own() const { return own_; }
  const std::deque<PendingAdd>& pending() const { return pending_; }
  int RoundReads() const;  // the last round's reads in flight
  int64_t push_rounds() const { return push_rounds_; }
  // kUnloaded -> kLoading, kUnsure -> kResolving
  void BecomeOwnReading();
  // kLoading, kResolving, kWriting -> kIdle; keep_open: the open attempts
  // stay open (the reply showed none landed), else a new base clears them.
  void BecomeOwnIdle(bool keep_open);
  // Any round but kOff -> kSynced.
  void BecomeSynced();
  void SendRoundReads(absl::Time now);
  std::vector<std::string> PushTargets(uint64_t round) const;
  void SendPush(const std::string& target, kvclient::Json body);
  void Reply(const std::string& to, kvclient::Json body);

 private:
  using Attempts = std::vector<Attempt>;
  using Summary = std::map<std::string, Entry>;  // node -> {n, total}

  // ------------------------------------------------------------ states --
  // Own key, one struct per OwnKey state in that order. `open` holds the
  // writes from base own_ whose fate is open: each carries a tag never used
  // before, and any of them may still land, so a read of the key must
  // recognize it. A new base (a confirmed or adopted value) clears them.
  // `retry_at`: when the read goes out (Timer::kOwnRetry); InfiniteFuture
  // before init.
  struct OwnUnloaded {
    absl::Time retry_at;
  };
  struct OwnLoading {};
  struct OwnKnown {
    Attempts open;
  };
  struct OwnIdle : OwnKnown {};     // open may be empty
  struct OwnWriting : OwnKnown {};  // open.back() is the cas in flight
  struct OwnUnsure : OwnKnown {     // which of open landed, if any?
    absl::Time retry_at;
  };
  struct OwnResolving : OwnKnown {};  // the read that will tell is out
  using OwnState = absl::variant<OwnUnloaded, OwnLoading, OwnIdle, OwnWriting,
                                 OwnUnsure, OwnResolving>;
  // Refresh round, one struct per Round state in that order. `due`: when
  // the round falls (or fell) due; `reads`: the previous round's reads
  // still in flight (summary: at most 1).
  struct ReadsOut {
    int count = 0;
    // One of them failed (an error, a garbled reply, a value this program
    // never writes, a timeout): when the last ends, the rounds back off.
    bool failed = false;
  };
  struct RoundOff {};
  struct RoundWaiting {
    absl::Time due;
    absl::Time reads_sent_at;  // of the previous round (InfinitePast: none)
    ReadsOut reads;
  };
  struct RoundDue {
    absl::Time due;
    ReadsOut reads;
  };
  struct RoundSyncWanted {
    absl::Time due;  // no read is out
  };
  struct RoundSynced {
    ReadsOut reads;
  };
  using RoundState = absl::variant<RoundOff, RoundWaiting, RoundDue,
                                   RoundSyncWanted, RoundSynced>;
  // Summary push, one struct per Push state in that order. `from`: the
  // summary value read, to cas from (null: the key did not exist).
  struct PushIdle {};
  struct PushQueued {
    kvclient::Json from;
  };
  struct PushInFlight {};
  struct PushInFlightQueued {
    kvclient::Json from;
  };
  struct PushRereadQueued {};
  using PushState = absl::variant<PushIdle, PushQueued, PushInFlight,
                                  PushInFlightQueued, PushRereadQueued>;

  // Per peer, what push dissemination knows besides its entry.
  struct PeerPush {
    int64_t heartbeat = -1;  // the peer's push rounds, as last heard
    absl::Time heard_at = absl::InfinitePast();  // heartbeat last advanced
    uint64_t sent_version = 0;  // view_version_ of the last push to it
    absl::Time sent_at = absl::InfinitePast();  // of the last push to it
  };
  enum class Purpose {
    kResolveOwn,
    kFlush,
    kReadPeer,
    kReadSummary,
    kRereadSummary,
    kCasSummary
  };
  struct KvCall {
    Purpose purpose;
    kvclient::KvRequest request;
    std::string peer;  // for kReadPeer
    absl::Time sent_at;
  };

  // ------------------------------------------------------ transitions --
  // With BecomeOwnReading, BecomeOwnIdle and BecomeSynced above, the only
  // writers of own_state_, round_, push_, spread_ and gossip_. Each checks
  // the state it leaves. (Reschedule moves a waiting round's due time; it
  // stays waiting.)
  // The read of the own key goes out at `retry_at` (Timer::kOwnRetry).
  void BecomeLoadDue(absl::Time retry_at);  // kUnloaded -> kUnloaded (init)
  // kLoading -> kUnloaded, kResolving -> kUnsure
  void BecomeOwnReadFailed(absl::Time retry_at);
  void BecomeOwnWriting(absl::optional<Attempt> fresh);  // kIdle -> kWriting
  void BecomeOwnUnsure(absl::Time retry_at);             // kWriting -> kUnsure
  void BecomeOwnRechecking();  // kIdle -> kResolving (a peer saw it moved)
  bool OwnLoaded() const;      // read or written at least once
  const Attempts& OpenAttempts() const;  // empty unless loaded

  // kOff, kSynced (no read out) -> kWaiting
  void BecomeWaiting(absl::Time due, absl::Time reads_sent_at);
  void BecomeDue();         // kWaiting -> kDue
  void BecomeSyncWanted();  // kDue (no read out) -> kSyncWanted
  // One of the round's reads (sent at `sent_at`) ended: answered with a
  // usable value (`ok`), or failed. Returns whether it was the last one and
  // none failed (after a failure the rounds back off: RoundFailed).
  bool EndRoundRead(bool ok, absl::Time sent_at);
  ReadsOut CurrentReads() const;
  absl::optional<absl::Time> RoundDueAt() const;  // kOff, kSynced: none
  void Reschedule(absl::Time due, absl::Time reads_sent_at);  // in kWaiting

  // Summary push. Queued: kIdle/kQueued -> kQueued, kInFlight(Queued) ->
  // kInFlightQueued. Unqueued: kQueued -> kIdle, kInFlightQueued ->
  // kInFlight. InFlight: kQueued -> kInFlight (returns its `from`). Ended:
  // kInFlight -> kIdle, kInFlightQueued -> kQueued. RereadQueued:
  // kInFlight(Queued) -> kRereadQueued. RereadDone: kRereadQueued -> kIdle
  // (the re-read was sent, or skipped at its bound).
  void BecomePushQueued(kvclient::Json from);
  void BecomePushUnqueued();
  kvclient::Json BecomePushInFlight();
  void BecomePushEnded();
  void BecomeRereadQueued();
  void BecomeRereadDone();

  // Auto dissemination switches only between its two modes; push is chosen
  // once, at init. Sets the round interval that goes with the mode.
  void BecomeSpread(Spread spread);
  bool UsesSummary() const;
  bool UsesPush() const { return spread_ == Spread::kPush; }

  void BecomeGossipWaiting(absl::Time at);  // kOff, kWaiting -> kWaiting
  bool GossipShouldRun() const;

  // ------------------------------------------------------------ inputs --
  void HandleInit(const kvclient::Message& message, absl::Time now);
  bool RejectInit(const kvclient::Message& message,
                  const kvclient::InitRequest& init,
                  const std::vector<std::string>& peers);
  void JoinCluster(const kvclient::InitRequest& init,
                   std::vector<std::string> peers, absl::Time now);
  void ChooseDissemination(const std::vector<std::string>& node_ids);
  void UpdateDissemination();
  void MeasureChangeRate(absl::Time now);
  void MeasureKvRtt(absl::Duration sample);
  void HandleClientRequest(const kvclient::Message& message, absl::Time now);
  void HandleAdd(const std::string& client, int64_t msg_id, int64_t delta,
                 absl::Time now);
  void HandlePush(const kvclient::Message& message, absl::Time now);
  void TakePushedMember(const std::string& node, int64_t n, int64_t total,
                        int64_t heartbeat, absl::Time now, bool* sender_behind);
  bool AdoptPeerEntry(const std::string& peer, const Entry& entry, Via via);
  bool IsPeer(const std::string& id) const;
  bool Silent(const std::string& peer, absl::Time now) const;
  bool AnySilent(absl::Time now) const;
  absl::Duration SilenceBound() const;
  void HandleKvReply(const kvclient::Message& message, absl::Time now);
  absl::optional<Entry> EntryFromRead(const kvclient::KvReply& reply,
                                      const std::string& node);
  void OnOwnKeyRead(const kvclient::KvReply& reply, absl::Time sent_at,
                    absl::Time now);
  void OnFlushReply(const kvclient::KvReply& reply, absl::Time sent_at,
                    absl::Time now);
  void OnPeerRead(const std::string& peer, const kvclient::KvReply& reply,
                  absl::Time sent_at);
  void OnSummaryRead(const kvclient::KvReply& reply, bool round_read,
                     absl::Time sent_at);
  void OnSummaryCasReply(const kvclient::KvCas& cas,
                         const kvclient::KvReply& reply, absl::Time sent_at);
  // Backoff (counter/backoff.h). An own-key request sent at `sent_at`
  // failed: when the next may go. A round's work failed: the next round
  // waits at least the delay after `sent_at`.
  absl::Time OwnRetryAt(absl::Time sent_at, absl::Time now);
  void RoundFailed(absl::Time sent_at);
  absl::Duration RoundBackoffCap() const;
  void MergeSummary(const Summary& summary);
  bool KnowsMoreThan(const Summary& summary) const;
  void AdaptRefreshInterval();
  void OnLocalActivity(absl::Time now);
  void OnKvTimeout(const KvCall& call, absl::Time now);
  void AdoptOwnEntry(const Entry& entry, kvclient::Json foreign);
  void Confirm(const Attempt& attempt);
  bool ProjectedTotalFits(int64_t delta) const;

  // -------------------------------------------------------- scheduling --
  void Pump(absl::Time now);  // fires due timers, starts whatever work is due
  void MaybeFlush(absl::Time now);
  Attempt NextAttempt(absl::Time now);
  absl::Duration RoundGap() const;
  void MaybePushSummary(absl::Time now);
  void ReplyTimedOutAdds(absl::Time now);
  void ArmTableTimers();  // kKvTimeout and kAddDeadline from their tables
  void CheckOptions() const;
  void CheckInvariants(absl::Time now) const;
  struct InFlight {  // KV requests in flight, by what they are for
    size_t own = 0, round = 0, summary_cas = 0, rereads = 0;
  };
  InFlight CountInFlight() const;
  void CheckOwnKey(const InFlight& in_flight) const;
  void CheckRound(const InFlight& in_flight) const;
  void CheckSummaryPush(const InFlight& in_flight) const;
  void CheckPushRounds() const;

  // ------------------------------------------------------------ output --
  void SendKv(Purpose purpose, kvclient::KvRequest request, absl::Time now,
              std::string peer = "");
  void Log(LogKind kind, std::string line);
  void AppendLog(std::string line);  // bounded per Ready
  size_t MaxReadyMessages() const;

  std::string KeyOf(const std::string& node) const;
  std::string SummaryKey() const { return KeyOf("summary"); }
  kvclient::Json EncodeSummary() const;
  Summary DecodeSummary(const kvclient::Json& value);
  static kvclient::Json EncodeEntry(const Entry& entry);
  static absl::optional<Entry> DecodeEntry(const kvclient::Json& value);

  Options options_;
  std::string node_id_;             // "" until init
  std::string reply_as_;            // our id as addressed, before init
  std::vector<std::string> peers_;  // other node ids, sorted

  // Own key. `own_` is the last value this node confirmed in seq-kv (empty
  // until loaded); it is the exact current value (the cas base) in
  // OwnKey::kIdle and kWriting.
  OwnState own_state_;
  Entry own_;
  // When own_ is a value this program never writes (tag kForeignTag): that
  // value, exactly as read. The next write is a cas from it, never a blind
  // write: a garbled read reply looks just the same, and must not erase the
  // real total.
  kvclient::Json own_foreign_;
  std::deque<PendingAdd> pending_;  // not yet durable, FIFO; bounded
  int64_t next_attempt_ = 1;
  // The first write (n) of the key that holds the current own total: zero-
  // delta syncs raise own_.n without changing the total, and need no push.
  int64_t own_total_since_ = 0;
  // The highest n a peer pushed for this node's own key. Above own_.n, a
  // write of an earlier incarnation landed after this one loaded the key
  // (it was still in flight at the restart): MaybeResolve re-reads the key
  // once, then forgets it (so a wrong push costs one read, never a loop).
  int64_t own_n_pushed_ = 0;

  // Other nodes' totals as last read (std::map: deterministic iteration).
  std::map<std::string, Entry> peers_seen_;

  // Refresh rounds.
  RoundState round_;
  absl::Duration refresh_interval_;  // current; see AdaptRefreshInterval
  absl::Duration base_interval_;     // refresh_ or summary_interval
  uint64_t rounds_started_ = 0;
  // What the rounds saw since the last round's reads went out. Independent
  // observations (any combination is legal): a quiet round (no change seen,
  // no add here) stretches the interval; the counts feed change_rate_.
  bool round_saw_change_ = true;
  bool own_changed_this_round_ = false;
  int changes_this_round_ = 0;

  // Dissemination. With kAuto the mode follows the summary key's measured
  // utilization each round (see UpdateDissemination).
  Spread spread_ = Spread::kPeerKeys;
  absl::optional<absl::Duration> kv_rtt_;  // smoothed, 1/8 gain
  // Node totals (own included) seen changing per second, smoothed per round:
  // how many pushes the summary would have to take.
  double change_rate_ = 0;
  absl::Time last_round_start_ = absl::InfinitePast();

  // Push dissemination. view_version_ counts changes of what this node would
  // push (own entry or an adopted peer entry); push_rounds_ counts rounds.
  Gossip gossip_ = Gossip::kOff;
  std::map<std::string, PeerPush> push_peers_;  // keys: peers_ only
  uint64_t view_version_ = 1;
  int64_t push_rounds_ = 0;
  int self_index_ = 0;  // in the sorted list of all node ids
  absl::Time init_at_ = absl::InfinitePast();
  int push_hops_ = 0;

  // Summary push.
  PushState push_;
  // A push that lost a race re-reads and tries again at once, this many
  // times per round: rounds of nodes can fall in step, and a node that always
  // lost to the same neighbour would otherwise never get its entry in.
  int summary_retries_left_ = 0;
  int summary_rereads_ = 0;  // re-reads in flight, <= kSummaryRetries

  // Backoff of the KV retry paths (README "Backoff"): the own key's requests
  // (load, resolve, write), and the refresh rounds' work (peer, summary and
  // fallback reads, the summary cas). Jitter from the incarnation.
  Backoff own_backoff_;
  Backoff round_backoff_;

  TimerTable<Timer> timers_;
  kvclient::RpcTracker<KvCall> rpcs_;  // bounded: see Options::max_nodes
  Ready ready_;
  size_t dropped_log_lines_ = 0;  // beyond the bound of one Ready
  // The time of the Step or Tick being handled (for the log rate limit).
  absl::Time now_ = absl::InfinitePast();
  LogLimiter<LogKind> log_limit_;
  NodeStats stats_;
};

}  // namespace counter

#endif  // COUNTER_NODE_H_
