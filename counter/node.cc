#include "counter/node.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kvclient/assert.h"
#include "kvclient/counter_ops.h"
#include "kvclient/errors.h"

namespace counter {
namespace {

using kvclient::ErrorCode;
using kvclient::Json;
using kvclient::KvError;
using kvclient::KvOk;
using kvclient::KvReply;

bool IsError(const KvReply& reply, ErrorCode code) {
  const auto* e = absl::get_if<KvError>(&reply);
  return e != nullptr && e->code == static_cast<int64_t>(code);
}

// Marks an own key that held something this program never writes.
constexpr char kForeignTag[] = "?foreign";

// Log lines per Ready beyond which lines are counted, not kept.
constexpr size_t kMaxLogLines = 1024;

std::string Compact(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// KV msg_ids start at 1 + bits 20..61 of the incarnation (a random 64-bit
// id in production): each process start gets its own range, so a late seq-kv
// reply to the previous incarnation cannot match a request of this one and
// acknowledge adds that never landed. Small test incarnations start at 1.
int64_t FirstKvMsgId(uint64_t incarnation) {
  return 1 + static_cast<int64_t>(incarnation & 0x3FFFFFFFFFF00000ULL);
}

// KV requests in flight at once, at most: a round's reads (one per peer, or
// one summary read), one for the own key (a read or a cas, never both), one
// summary cas and its re-reads.
size_t MaxKvRequests(const Options& options) {
  return options.max_nodes + 2 + Node::kSummaryRetries;
}

// Pushed view members logged one by one per push; the rest are counted.
constexpr int kMaxLoggedBadPushMembers = 4;

// A pushed member: [n, total, heartbeat], n a write count like a key's,
// heartbeat -1 (never heard) or the owner's push rounds.
bool DecodePushedMember(const Json& j, int64_t* n, int64_t* total,
                        int64_t* heartbeat) {
  if (!j.is_array() || j.size() != 3 || !kvclient::IsInt64(j[0]) ||
      !kvclient::IsInt64(j[1]) || !kvclient::IsInt64(j[2])) {
    return false;
  }
  *n = j[0].get<int64_t>();
  *total = j[1].get<int64_t>();
  *heartbeat = j[2].get<int64_t>();
  return *n >= 0 && *n < std::numeric_limits<int64_t>::max() &&
         *heartbeat >= -1;
}

const char* Name(Node::OwnKey s) {
  switch (s) {
    case Node::OwnKey::kUnloaded: return "unloaded";
    case Node::OwnKey::kLoading: return "loading";
    case Node::OwnKey::kIdle: return "idle";
    case Node::OwnKey::kWriting: return "writing";
    case Node::OwnKey::kUnsure: return "unsure";
    case Node::OwnKey::kResolving: return "resolving";
  }
  return "?";
}

const char* Name(Node::Round s) {
  switch (s) {
    case Node::Round::kOff: return "off";
    case Node::Round::kWaiting: return "waiting";
    case Node::Round::kDue: return "due";
    case Node::Round::kSyncWanted: return "sync-wanted";
    case Node::Round::kSynced: return "synced";
  }
  return "?";
}

const char* Name(Node::Push s) {
  switch (s) {
    case Node::Push::kIdle: return "idle";
    case Node::Push::kQueued: return "queued";
    case Node::Push::kInFlight: return "in-flight";
    case Node::Push::kInFlightQueued: return "in-flight+queued";
    case Node::Push::kRereadQueued: return "reread-queued";
  }
  return "?";
}

const char* Name(Node::Gossip s) {
  switch (s) {
    case Node::Gossip::kOff: return "off";
    case Node::Gossip::kWaiting: return "waiting";
  }
  return "?";
}

}  // namespace

Node::Node(Options options)
    : options_(std::move(options)),
      refresh_interval_(options_.refresh_interval),
      base_interval_(options_.refresh_interval),
      rpcs_(FirstKvMsgId(options_.incarnation), MaxKvRequests(options_)) {
  CheckOptions();
}

#if COUNTER_TESTONLY_VARIANTS
namespace {
// Bugs of the seq-kv read modes (peer keys, the summary) cannot show while
// auto pushes: under auto they run auto as it was before pushes existed.
Options ForBug(Options options, Bug bug) {
  if (bug == Bug::kStaleRead || bug == Bug::kMergeByTotal) {
    options.auto_push = false;
  }
  return options;
}
}  // namespace

Node::Node(Options options, Bug bug) : Node(ForBug(std::move(options), bug)) {
  bug_ = bug;
}
#endif

// Drivers validate what users type (counter/main.cc); these are the
// contract with every driver, simulator and test included.
void Node::CheckOptions() const {
  const absl::Duration zero = absl::ZeroDuration();
  MC_ASSERT(options_.kv_timeout > zero,
            "a KV request needs time to be answered, and a zero timeout "
            "would wake the node at the instant it sends: ",
            absl::FormatDuration(options_.kv_timeout));
  MC_ASSERT(options_.refresh_interval > zero &&
                options_.summary_interval > zero &&
                options_.max_refresh_interval > zero,
            "round intervals must be positive, or rounds would never stop");
  MC_ASSERT(options_.sync_grace >= zero && options_.add_deadline >= zero,
            "sync_grace and add_deadline cannot be negative");
  MC_ASSERT(options_.push_interval > zero && options_.push_heartbeat > zero &&
                options_.push_silence > zero && options_.push_fanout >= 1,
            "push rounds need a positive interval, heartbeat, silence bound "
            "and fanout");
  MC_ASSERT(options_.max_pending_adds >= 1 && options_.max_open_attempts >= 1 &&
                options_.max_nodes >= 1,
            "bounds of zero would refuse all work");
}

// ---------------------------------------------------------------- inputs --

void Node::Step(const kvclient::Message& message, absl::Time now) {
  if (node_id_.empty()) reply_as_ = message.dest;  // before init
  absl::string_view type = kvclient::BodyType(message.body);
  if (message.src == options_.kv_service &&
      kvclient::InReplyTo(message.body).has_value()) {
    HandleKvReply(message, now);
  } else if (type == "init") {
    HandleInit(message, now);
  } else if (type == kPushType &&
             !kvclient::InReplyTo(message.body).has_value()) {
    HandlePush(message, now);
  } else if (kvclient::InReplyTo(message.body).has_value()) {
    Log(absl::StrCat("ignoring unexpected reply from ", message.src, ": ",
                     Compact(message.body)));
  } else {
    HandleClientRequest(message, now);
  }
  Pump(now);
}

void Node::Tick(absl::Time now) { Pump(now); }

Ready Node::TakeReady() {
  ready_.wake_at = timers_.Earliest();
  if (dropped_log_lines_ > 0) {
    ready_.log.push_back(
        absl::StrCat("(", dropped_log_lines_, " more log lines dropped)"));
    dropped_log_lines_ = 0;
  }
  Ready out = std::move(ready_);
  ready_ = Ready();
  return out;
}

absl::optional<int64_t> Node::ReadValue() const {
  if (!OwnLoaded() || peers_seen_.size() != peers_.size()) {
    return absl::nullopt;
  }
  // Summed wide: only the total must fit int64, not every partial sum
  // (pn-counter keys can be negative).
  absl::int128 sum = own_.total;
  for (const auto& [peer, entry] : peers_seen_) sum += entry.total;
  if (sum > std::numeric_limits<int64_t>::max() ||
      sum < std::numeric_limits<int64_t>::min()) {
    return absl::nullopt;
  }
  return static_cast<int64_t>(sum);
}

void Node::HandleInit(const kvclient::Message& message, absl::Time now) {
  absl::optional<int64_t> msg_id = kvclient::MsgId(message.body);
  auto parsed = kvclient::ParseInitRequest(message.body);
  if (const auto* error = absl::get_if<kvclient::RequestError>(&parsed)) {
    // Without a msg_id there is nothing to reply to (an error without
    // in_reply_to would be an unsolicited message to the client).
    if (msg_id.has_value()) {
      Reply(message.src, kvclient::ErrorBody(error->code, msg_id, error->text));
    }
    return;
  }
  const auto& init = absl::get<kvclient::InitRequest>(parsed);
  if (!node_id_.empty() && !msg_id.has_value()) return;  // same reason
  if (!node_id_.empty()) {
    // A repeated init for the same id is a retry: answer it again.
    if (init.node_id == node_id_ && msg_id.has_value()) {
      Reply(message.src, kvclient::InitOkBody(*msg_id));
    } else {
      Reply(message.src,
            kvclient::ErrorBody(
                ErrorCode::kMalformedRequest, msg_id,
                absl::StrCat("already initialized as ", node_id_)));
    }
    return;
  }
  std::vector<std::string> peers;
  for (const std::string& id : init.node_ids) {
    if (id != init.node_id) peers.push_back(id);
  }
  std::sort(peers.begin(), peers.end());
  peers.erase(std::unique(peers.begin(), peers.end()), peers.end());
  if (peers.size() + 1 > options_.max_nodes) {
    // Bound on the cluster (Options::max_nodes): it bounds the RPC table.
    if (msg_id.has_value()) {
      Reply(message.src,
            kvclient::ErrorBody(
                ErrorCode::kNotSupported, msg_id,
                absl::StrCat("a cluster of ", peers.size() + 1,
                             " nodes is more than this node supports (",
                             options_.max_nodes, ")")));
    }
    return;
  }
  node_id_ = init.node_id;
  peers_ = std::move(peers);
  self_index_ = static_cast<int>(
      std::lower_bound(peers_.begin(), peers_.end(), node_id_) -
      peers_.begin());
  push_hops_ = 1;
  for (int64_t reach = options_.push_fanout + 1;
       reach < static_cast<int64_t>(peers_.size()) + 1;
       reach *= options_.push_fanout + 1) {
    ++push_hops_;
  }
  init_at_ = now;
  for (const std::string& peer : peers_) {
    // No peer counts as silent before a whole bound has passed: its first
    // push is on its way (a restarted node hears from its peers once they
    // see, in its own push, that it lacks their entries).
    push_peers_[peer] = PeerPush{-1, now, 0, absl::InfinitePast()};
  }
  ChooseDissemination(init.node_ids);
  // The first refresh is due at once, with no grace to wait for an add.
  next_refresh_ = now - options_.sync_grace;
#if COUNTER_TESTONLY_VARIANTS
  if (bug_ == Bug::kForgetOnRestart) {
    // BUG: takes the key as empty without reading it (as if its read had
    // just returned "does not exist").
    own_state_ = OwnKey::kLoading;
    BecomeOwnIdle();
  }
#endif
  Log(absl::StrCat("init as ", node_id_, " with ", peers_.size(),
                   " peers, incarnation ", absl::Hex(options_.incarnation),
                   UsesPush()      ? ", push"
                   : UsesSummary() ? ", summary"
                                   : ", peer keys",
                   " rounds every ", absl::FormatDuration(base_interval_)));
  if (msg_id.has_value()) Reply(message.src, kvclient::InitOkBody(*msg_id));
}

void Node::HandleClientRequest(const kvclient::Message& message,
                               absl::Time now) {
  Admission admission =
      AdmitRequest(message.body, !node_id_.empty(), options_.allow_negative);
  if (admission.ignored) {
    Log(absl::StrCat("ignoring a request without msg_id from ", message.src,
                     ": ", Compact(message.body)));
    return;
  }
  if (admission.error.has_value()) {
    Reply(message.src, *std::move(admission.error));
    return;
  }
  const kvclient::CounterRequest& request = *admission.request;
  absl::optional<int64_t> msg_id = kvclient::MsgId(message.body);
  MC_ASSERT(msg_id.has_value(), "admission passes only requests with msg_id");
  if (request.op == kvclient::CounterOp::kRead) {
#if COUNTER_TESTONLY_VARIANTS
    if (bug_ == Bug::kStaleRead) stale_read_due_ = true;  // BUG: no sync
#endif
    absl::optional<int64_t> value = ReadValue();
    if (value.has_value()) {
      Reply(message.src, kvclient::ReadOkBody(*value, *msg_id));
    } else {
      Reply(message.src,
            kvclient::ErrorBody(ErrorCode::kTemporarilyUnavailable, msg_id,
                                "no value yet: still loading from seq-kv"));
    }
    return;
  }
  if (!ProjectedTotalFits(request.delta)) {
    Reply(message.src,
          kvclient::ErrorBody(ErrorCode::kMalformedRequest, msg_id,
                              absl::StrCat("delta ", request.delta,
                                           " would overflow the counter")));
    return;
  }
  bool zero_is_free = request.delta == 0;
#if COUNTER_TESTONLY_VARIANTS
  zero_is_free = zero_is_free && bug_ == Bug::kNone;
#endif
  if (zero_is_free) {
    // Adding 0 changes no total: it is as durable as it will ever be.
    Reply(message.src, kvclient::AddOkBody(*msg_id));
    return;
  }
  if (pending_.size() >= options_.max_pending_adds) {
    // Bound on pending_: refused before it joins anything, so definite.
    Reply(message.src,
          kvclient::ErrorBody(
              ErrorCode::kTemporarilyUnavailable, msg_id,
              absl::StrCat(pending_.size(),
                           " adds are already waiting for seq-kv; not "
                           "applied, try again")));
    return;
  }
  OnLocalActivity(now);
  PendingAdd add{message.src, *msg_id, request.delta,
                 now + options_.add_deadline, false};
#if COUNTER_TESTONLY_VARIANTS
  if (bug_ == Bug::kAckBeforeDurable) {
    Reply(add.client, kvclient::AddOkBody(add.msg_id));  // BUG: not durable
    add.answered = true;
  }
#endif
  pending_.push_back(std::move(add));
#if COUNTER_TESTONLY_VARIANTS
  // BUG kPushPendingTotal: gossips the new total at once, before it is
  // durable (EncodeView claims it as the next write).
  if (bug_ == Bug::kPushPendingTotal) eager_push_due_ = true;
#endif
}

// An add is admitted only if the total this node could ever report, with
// every pending delta applied, still fits int64 (README: overflow policy).
bool Node::ProjectedTotalFits(int64_t delta) const {
  int64_t sum = own_.total;
  for (const auto& [peer, entry] : peers_seen_) {
    if (__builtin_add_overflow(sum, entry.total, &sum)) return false;
  }
  for (const PendingAdd& add : pending_) {
    if (__builtin_add_overflow(sum, add.delta, &sum)) return false;
  }
  return !__builtin_add_overflow(sum, delta, &sum);
}

void Node::HandleKvReply(const kvclient::Message& message, absl::Time now) {
  absl::optional<KvCall> call =
      rpcs_.Complete(*kvclient::InReplyTo(message.body));
  if (!call.has_value()) return;  // late reply: already handled as a timeout
  MeasureKvRtt(now - call->sent_at);
  KvReply reply = kvclient::ParseKvReply(call->request, message.body);
  switch (call->purpose) {
    case Purpose::kResolveOwn: OnOwnKeyRead(reply); break;
    case Purpose::kFlush: OnFlushReply(reply); break;
    case Purpose::kReadPeer: OnPeerRead(call->peer, reply); break;
    case Purpose::kReadSummary: OnSummaryRead(reply, true); break;
    case Purpose::kRereadSummary: OnSummaryRead(reply, false); break;
    case Purpose::kCasSummary:
      OnSummaryCasReply(absl::get<kvclient::KvCas>(call->request), reply);
      break;
  }
}

void Node::MeasureKvRtt(absl::Duration sample) {
  kv_rtt_ = kv_rtt_.has_value() ? *kv_rtt_ + (sample - *kv_rtt_) / 8 : sample;
}

// ------------------------------------------------- own key: transitions --

bool Node::OwnLoaded() const {
  return own_state_ != OwnKey::kUnloaded && own_state_ != OwnKey::kLoading;
}

void Node::BecomeOwnReading() {
  MC_ASSERT(own_state_ == OwnKey::kUnloaded || own_state_ == OwnKey::kUnsure,
            "a read of the own key starts only when nothing is in flight "
            "and its value is not known; state ",
            Name(own_state_));
  own_state_ =
      own_state_ == OwnKey::kUnloaded ? OwnKey::kLoading : OwnKey::kResolving;
}

void Node::BecomeOwnReadFailed() {
  MC_ASSERT(own_state_ == OwnKey::kLoading || own_state_ == OwnKey::kResolving,
            "only a read in flight can fail; state ", Name(own_state_));
  own_state_ =
      own_state_ == OwnKey::kLoading ? OwnKey::kUnloaded : OwnKey::kUnsure;
}

void Node::BecomeOwnIdle() {
  MC_ASSERT(
      own_state_ == OwnKey::kLoading || own_state_ == OwnKey::kResolving ||
          own_state_ == OwnKey::kWriting,
      "the own key becomes known only from a reply; state ", Name(own_state_));
  bool first_time = own_state_ == OwnKey::kLoading;
  own_state_ = OwnKey::kIdle;
  // Rounds start once the own key is known: ReadValue answers from then on.
  if (first_time && !peers_.empty()) BecomeWaiting(next_refresh_);
  if (first_time && GossipShouldRun()) BecomeGossipWaiting(next_refresh_);
}

void Node::BecomeOwnWriting() {
  MC_ASSERT(own_state_ == OwnKey::kIdle,
            "one own-key request at a time, from a known base; state ",
            Name(own_state_));
  own_state_ = OwnKey::kWriting;
}

void Node::BecomeOwnUnsure() {
  MC_ASSERT(own_state_ == OwnKey::kWriting,
            "only a write in flight can end unsure; state ", Name(own_state_));
  MC_ASSERT(!unresolved_.empty(), "the write in flight is an open attempt");
  own_state_ = OwnKey::kUnsure;
}

void Node::BecomeOwnRechecking() {
  MC_ASSERT(own_state_ == OwnKey::kIdle,
            "a re-check reads the key only while nothing is in flight; state ",
            Name(own_state_));
  own_state_ = OwnKey::kResolving;
}

// ------------------------------------------------------- own key, exactly --

void Node::OnFlushReply(const KvReply& reply) {
  MC_ASSERT(own_state_ == OwnKey::kWriting, "a flush reply while ",
            Name(own_state_));
  if (absl::holds_alternative<KvOk>(reply)) {
    Attempt landed = unresolved_.back();
    Confirm(landed);
    return;
  }
  // 22 means some earlier attempt (maybe a previous incarnation's) landed
  // first; any other error or garbage leaves the outcome open. Either way
  // the key must be read before the next attempt.
  const auto& error = absl::get<KvError>(reply);
  Log(absl::StrCat("flush failed with error ", error.code, " (", error.text,
                   "); reading own key to learn what landed"));
  BecomeOwnUnsure();
}

// A key's entry from a read reply: absent (error 20) is the empty Entry;
// nullopt for any other error and for a value this program does not write.
absl::optional<Node::Entry> Node::EntryFromRead(const KvReply& reply,
                                                const std::string& node) {
  if (IsError(reply, ErrorCode::kKeyDoesNotExist)) return Entry{};
  const auto* ok = absl::get_if<KvOk>(&reply);
  if (ok == nullptr) return absl::nullopt;
  absl::optional<Entry> entry = DecodeEntry(ok->value);
  if (!entry.has_value()) {
    Log(absl::StrCat("key of ", node, " holds a value this program never ",
                     "writes: ", Compact(ok->value)));
  }
  return entry;
}

void Node::OnOwnKeyRead(const KvReply& reply) {
  absl::optional<Entry> entry = EntryFromRead(reply, node_id_);
  if (!entry.has_value() && absl::holds_alternative<KvOk>(reply)) {
    entry = Entry{0, kForeignTag};  // start from 0 and overwrite it
  }
  if (!entry.has_value()) {  // error or garbage: Pump retries the read
    BecomeOwnReadFailed();
    return;
  }
  bool recognize = true;
#if COUNTER_TESTONLY_VARIANTS
  // BUG kDoubleCountRetry: forgets which attempts may have landed, so a
  // landed batch is adopted as the base and then added again.
  recognize = bug_ != Bug::kDoubleCountRetry;
#endif
  if (recognize) {
    for (const Attempt& attempt : unresolved_) {
      if (attempt.tag == entry->tag) {
        Attempt landed = attempt;
        Confirm(landed);
        return;
      }
    }
  }
  if (entry->tag == own_.tag && entry->total == own_.total) {
    // Nothing landed yet; open attempts from this base may still land, so
    // they stay in unresolved_ to be recognized.
    BecomeOwnIdle();
    return;
  }
  AdoptOwnEntry(*entry);
}

// The key holds a value no open attempt of ours wrote: the first read after
// (re)start, or a late write of an earlier incarnation. It becomes the base;
// attempts from the old base can never land (tags are never reused).
void Node::AdoptOwnEntry(const Entry& entry) {
  own_total_since_ = entry.n;  // unknown: assume the total is this new
  if (own_state_ == OwnKey::kResolving) {
    Log(absl::StrCat("own key changed behind us to total ", entry.total,
                     " tag ", entry.tag));
  }
  own_ = entry;
  ++view_version_;
  BecomeOwnIdle();
  unresolved_.clear();
}

// `attempt` is in seq-kv: its deltas are durable, counted exactly once.
void Node::Confirm(const Attempt& attempt) {
  MC_ASSERT(attempt.adds <= pending_.size(),
            "an attempt covers only adds still pending: ", attempt.adds, " of ",
            pending_.size());
  MC_ASSERT(attempt.n == own_.n + 1,
            "every open attempt is one write on top of base own_: n ",
            attempt.n, " on ", own_.n);
  if (attempt.total != own_.total) {
    own_total_since_ = attempt.n;
    own_changed_this_round_ = true;
    ++view_version_;  // zero-delta syncs change nothing worth a push
  }
  own_ = Entry{attempt.total, attempt.tag, attempt.n};
  BecomeOwnIdle();
  // Freshness rule (README "Freshness of reads"): only a cas SENT once the
  // round was due moved this node's seq-kv view past every write applied
  // before it fell due. An older one, confirmed late (a lost reply resolved
  // by a read), proves nothing about writes since.
  if (round_ != Round::kOff && attempt.sent_at >= next_refresh_) {
    BecomeSynced();
  }
  for (size_t i = 0; i < attempt.adds; ++i) {
    PendingAdd& add = pending_.front();
    if (!add.answered) {
      Reply(add.client, kvclient::AddOkBody(add.msg_id));
      ++stats_.adds_acked;
    }
    pending_.pop_front();
  }
  unresolved_.clear();
}

// ------------------------------------------ refresh rounds: transitions --

bool Node::RoundsAreTimed() const {
#if COUNTER_TESTONLY_VARIANTS
  return bug_ != Bug::kStaleRead;  // BUG kStaleRead: client reads drive them
#else
  return true;
#endif
}

void Node::BecomeWaiting(absl::Time next_refresh) {
  MC_ASSERT(round_ == Round::kOff || round_ == Round::kSynced,
            "a round starts waiting at recovery or once its reads went out; "
            "state ",
            Name(round_));
  round_ = Round::kWaiting;
  next_refresh_ = next_refresh;
  timers_.Clear(Timer::kSyncGrace);
  if (RoundsAreTimed()) timers_.Set(Timer::kRefresh, next_refresh_);
}

void Node::BecomeDue() {
  MC_ASSERT(round_ == Round::kWaiting, "only a waiting round falls due; ",
            Name(round_));
  round_ = Round::kDue;
  timers_.Clear(Timer::kRefresh);
  // The grace runs only while no read of the last round is out (a round
  // still waiting for a read goes on when that read ends: its reply, or its
  // kv_timeout, which wakes the node).
  if (round_reads_ == 0) {
    timers_.Set(Timer::kSyncGrace, next_refresh_ + options_.sync_grace);
  }
}

void Node::BecomeSyncWanted() {
  MC_ASSERT(round_ == Round::kDue && round_reads_ == 0,
            "a sync is wanted only by a due round with no read out; ",
            Name(round_), ", reads ", round_reads_);
  round_ = Round::kSyncWanted;
  timers_.Clear(Timer::kSyncGrace);
}

void Node::BecomeSynced() {
  MC_ASSERT(round_ != Round::kOff, "no round to sync");
  round_ = Round::kSynced;
  timers_.Clear(Timer::kRefresh);
  timers_.Clear(Timer::kSyncGrace);
}

void Node::EndRoundRead() {
  MC_ASSERT(round_reads_ > 0, "a round read ended that was never sent");
  --round_reads_;
  if (round_reads_ == 0 && round_ == Round::kDue && RoundsAreTimed()) {
    timers_.Set(Timer::kSyncGrace, next_refresh_ + options_.sync_grace);
  }
}

// ------------------------------------------------------------- summary --

void Node::QueuePush(Json from) {
  switch (push_) {
    case Push::kIdle:
    case Push::kQueued: push_ = Push::kQueued; break;
    case Push::kInFlight:
    case Push::kInFlightQueued: push_ = Push::kInFlightQueued; break;
    case Push::kRereadQueued:
      MC_ASSERT(false,
                "a re-read is sent in the Pump that queued it, "
                "before any reply");
  }
  push_from_ = std::move(from);
}

void Node::DropQueuedPush() {
  MC_ASSERT(push_ != Push::kRereadQueued,
            "a re-read is sent in the Pump that queued it, before any reply");
  if (push_ == Push::kQueued) push_ = Push::kIdle;
  if (push_ == Push::kInFlightQueued) push_ = Push::kInFlight;
  push_from_.reset();
}

void Node::BecomePushInFlight() {
  MC_ASSERT(push_ == Push::kQueued, "one summary cas at a time; state ",
            Name(push_));
  push_ = Push::kInFlight;
  push_from_.reset();
}

void Node::EndPush() {
  MC_ASSERT(push_ == Push::kInFlight || push_ == Push::kInFlightQueued,
            "no summary cas in flight; state ", Name(push_));
  push_ = push_ == Push::kInFlight ? Push::kIdle : Push::kQueued;
}

void Node::BecomeRereadQueued() {
  MC_ASSERT(push_ == Push::kInFlight || push_ == Push::kInFlightQueued,
            "a re-read follows a lost cas; state ", Name(push_));
  push_ = Push::kRereadQueued;
  push_from_.reset();  // what it read is gone
}

void Node::OnPeerRead(const std::string& peer, const KvReply& reply) {
  EndRoundRead();
  absl::optional<Entry> entry = EntryFromRead(reply, peer);
  if (!entry.has_value()) return;
  if (UsesPush()) {
    // A push may have brought a newer entry than this read: only newer
    // entries are adopted, whichever way they came.
    AdoptPeerEntry(peer, *entry, /*pushed=*/false);
    if (round_reads_ == 0) AdaptRefreshInterval();
    return;
  }
  auto seen = peers_seen_.find(peer);
  if (seen == peers_seen_.end() || seen->second.tag != entry->tag) {
    round_saw_change_ = true;
  }
  if (seen != peers_seen_.end() && seen->second.total != entry->total) {
    ++changes_this_round_;
  }
  peers_seen_[peer] = *entry;
  if (round_reads_ == 0) AdaptRefreshInterval();
}

void Node::OnSummaryRead(const KvReply& reply, bool round_read) {
  if (round_read) {
    EndRoundRead();
  } else {
    MC_ASSERT(summary_rereads_ > 0, "a re-read answered that was never sent");
    --summary_rereads_;
  }
  absl::optional<Json> read;  // null Json: the key does not exist yet
  if (IsError(reply, ErrorCode::kKeyDoesNotExist)) {
    read = Json(nullptr);
  } else if (const auto* ok = absl::get_if<KvOk>(&reply)) {
    read = ok->value;
  }
  // Only the newest read decides what to cas from (reads of one node never
  // go back in seq-kv's order); an older value would be sure to fail.
  DropQueuedPush();
  if (read.has_value()) {
    Summary summary = DecodeSummary(*read);
    MergeSummary(summary);
    // A round with news to push is not quiet: until the push lands, keep
    // the short interval so a lost race is retried soon.
    if (KnowsMoreThan(summary)) {
      QueuePush(*std::move(read));
      round_saw_change_ = true;
    }
  }
  if (round_read) {
    summary_retries_left_ = kSummaryRetries;
    AdaptRefreshInterval();
  }
}

// Adopts every entry newer than the one seen. A peer the summary does not
// name has never been pushed: it counts as 0 until it is.
void Node::MergeSummary(const Summary& summary) {
  for (const std::string& peer : peers_) {
    auto entry = summary.find(peer);
    auto seen = peers_seen_.find(peer);
    if (seen == peers_seen_.end()) {
      peers_seen_[peer] = entry == summary.end() ? Entry{} : entry->second;
      round_saw_change_ = true;
    } else if (entry != summary.end() && Newer(entry->second, seen->second)) {
      if (seen->second.total != entry->second.total) ++changes_this_round_;
      seen->second = entry->second;
      round_saw_change_ = true;
    }
  }
}

bool Node::KnowsMoreThan(const Summary& summary) const {
  auto in_summary = [&summary](const std::string& node) {
    auto entry = summary.find(node);
    return entry == summary.end() ? Entry{} : entry->second;
  };
  Entry own_since{own_.total, "", own_total_since_};
  if (own_.n > 0 && Newer(own_since, in_summary(node_id_))) return true;
  for (const auto& [peer, entry] : peers_seen_) {
    if (Newer(entry, in_summary(peer))) return true;
  }
  return false;
}

// Write counts order one node's entries; totals do not once they can fall.
bool Node::Newer(const Entry& a, const Entry& b) const {
#if COUNTER_TESTONLY_VARIANTS
  if (bug_ == Bug::kMergeByTotal) return a.total > b.total;  // BUG
#endif
  return a.n > b.n;
}

// One cas at a time, from exactly the value read: if another node's cas
// landed in between, this one fails (22), and the node re-reads and tries
// again (twice per round, then the next round). So no push ever erases
// another's news.
void Node::MaybePushSummary(absl::Time now) {
  if (push_ == Push::kRereadQueued) {
    push_ = Push::kIdle;
    if (summary_rereads_ >= kSummaryRetries) {
      // Bound on re-reads in flight: the next round reads anyway.
      Log("summary re-read skipped: earlier re-reads are still out");
      return;
    }
    ++summary_rereads_;
    SendKv(Purpose::kRereadSummary, kvclient::KvRead{SummaryKey()}, now);
    return;
  }
  if (push_ != Push::kQueued) return;
  Json from = *std::move(push_from_);
  BecomePushInFlight();
  bool create = from.is_null();
  SendKv(
      Purpose::kCasSummary,
      kvclient::KvCas{SummaryKey(), std::move(from), EncodeSummary(), create},
      now);
}

void Node::OnSummaryCasReply(const kvclient::KvCas& cas, const KvReply& reply) {
  const auto* error = absl::get_if<KvError>(&reply);
  if (error == nullptr) {
    // A round read that overlapped this cas may have queued a push from the
    // very value this cas replaced: it could only fail (found by the fuzzer).
    bool stale = push_ == Push::kInFlightQueued && *push_from_ == cas.from;
    EndPush();
    if (stale) DropQueuedPush();
    return;
  }
  bool retry =
      error->code == static_cast<int64_t>(ErrorCode::kPreconditionFailed) &&
      summary_retries_left_ > 0;
  if (retry) {
    --summary_retries_left_;
    BecomeRereadQueued();
  } else {
    EndPush();  // a queued push (from a later read) goes out at once
  }
  Log(absl::StrCat("summary push failed with error ", error->code, " (",
                   error->text, "); ",
                   retry ? "re-reading it" : "the next round retries"));
}

// Quiet rounds stretch the interval (x2 up to max_refresh_interval); any
// change seen, or an add here, brings it back to refresh_interval. Under
// steady load every round sees a change, so the bound stays the short one.
void Node::AdaptRefreshInterval() {
  if (round_saw_change_) {
    refresh_interval_ = base_interval_;
  } else {
    refresh_interval_ =
        std::min(refresh_interval_ * 2, options_.max_refresh_interval);
  }
  round_saw_change_ = false;
  if (round_ == Round::kWaiting) {
    next_refresh_ = last_reads_at_ + RoundGap();
    if (RoundsAreTimed()) timers_.Set(Timer::kRefresh, next_refresh_);
  }
}

void Node::OnLocalActivity(absl::Time now) {
  round_saw_change_ = true;
  refresh_interval_ = base_interval_;
  if (round_ == Round::kWaiting && next_refresh_ > now + refresh_interval_) {
    last_reads_at_ = now;
    next_refresh_ = now + RoundGap();
    if (RoundsAreTimed()) timers_.Set(Timer::kRefresh, next_refresh_);
  }
}

void Node::OnKvTimeout(const KvCall& call) {
  ++stats_.kv_timeouts;
  Log(absl::StrCat("KV timeout: ", kvclient::DescribeKvRequest(call.request)));
  switch (call.purpose) {
    case Purpose::kResolveOwn: BecomeOwnReadFailed(); break;
    case Purpose::kFlush: BecomeOwnUnsure(); break;  // it may have landed
    case Purpose::kReadPeer:
    case Purpose::kReadSummary: EndRoundRead(); break;
    case Purpose::kRereadSummary:
      MC_ASSERT(summary_rereads_ > 0, "a re-read lost that was never sent");
      --summary_rereads_;
      break;
    case Purpose::kCasSummary: EndPush(); break;
  }
}

// ---------------------------------------------------------------- push --
//
// Push dissemination (README "Dissemination"). A node's view is its own
// confirmed entry and every peer entry it adopted, each {n, total,
// heartbeat}. Every entry in it was durable in its owner's key when the
// owner confirmed it, so pushing views cannot make a read count anything
// seq-kv does not hold; n orders one node's entries, so a view only ever
// moves forward. seq-kv stays the truth: a peer whose heartbeat stops (a
// partition, a dead process) is read from its key (SendRoundReads).

bool Node::GossipShouldRun() const {
  return UsesPush() && OwnLoaded() && !peers_.empty();
}

void Node::BecomeGossipWaiting(absl::Time at) {
  MC_ASSERT(GossipShouldRun(),
            "push rounds run only in push mode, own key loaded, with peers");
  gossip_ = Gossip::kWaiting;
  timers_.Set(Timer::kPush, at);
}

bool Node::IsPeer(const std::string& id) const {
  return std::binary_search(peers_.begin(), peers_.end(), id);
}

// A heartbeat travels at most push_hops_ hops, each within push_heartbeat
// of the last (a target is pushed to at least that often).
absl::Duration Node::SilenceBound() const {
  return options_.push_silence +
         options_.push_heartbeat * std::max(0, push_hops_ - 1);
}

// A peer whose entry has never arrived is silent once a push interval has
// passed since init: every node's first round pushes to everyone, so its
// entry would have come unless something cuts it off, and reads need every
// entry (a restarted node, or a cluster that starts partitioned, reads the
// missing keys instead of answering error 11 for a whole silence bound).
bool Node::Silent(const std::string& peer, absl::Time now) const {
  auto it = push_peers_.find(peer);
  MC_ASSERT(it != push_peers_.end(), "every peer has push state: ", peer);
  if (peers_seen_.count(peer) == 0) {
    return now - init_at_ > options_.push_interval;
  }
  return now - it->second.heard_at > SilenceBound();
}

bool Node::AnySilent(absl::Time now) const {
  for (const std::string& peer : peers_) {
    if (Silent(peer, now)) return true;
  }
  return false;
}

// Adopts `entry` for `peer` if it is newer than the one seen (or none is):
// by write count, so a node's entries only move forward however they come
// (pushed, forwarded, read, reordered, duplicated).
bool Node::AdoptPeerEntry(const std::string& peer, const Entry& entry,
                          bool pushed) {
  MC_ASSERT(IsPeer(peer), "only cluster members are adopted: ", peer);
  auto seen = peers_seen_.find(peer);
  bool newer = seen == peers_seen_.end() || entry.n > seen->second.n;
#if COUNTER_TESTONLY_VARIANTS
  if (bug_ == Bug::kAdoptByTotal && pushed && seen != peers_seen_.end()) {
    newer = entry.total > seen->second.total;  // BUG: totals can fall
  }
#else
  (void)pushed;
#endif
  if (!newer) return false;
  if (seen != peers_seen_.end()) {
    if (seen->second.total != entry.total) ++changes_this_round_;
    bool forward_only = true;
#if COUNTER_TESTONLY_VARIANTS
    forward_only = bug_ != Bug::kAdoptByTotal;
#endif
    MC_ASSERT(!forward_only || entry.n > seen->second.n,
              "adopted entries only move forward: n ", entry.n, " after ",
              seen->second.n);
  }
  round_saw_change_ = true;
  peers_seen_[peer] = entry;
  // With one hop every node pushes straight to every other: an adopted
  // entry reached everyone from its owner and needs no forwarding.
  if (push_hops_ > 1) ++view_version_;
  return true;
}

// {"type":"counter_push","view":{"n1":[n,total,heartbeat],...}} from a
// peer. Anything else (unknown sender, before init, malformed members) is
// logged and ignored; a malformed member never stops the others.
void Node::HandlePush(const kvclient::Message& message, absl::Time now) {
  if (node_id_.empty() || !IsPeer(message.src)) {
    Log(absl::StrCat("ignoring a push from ", message.src,
                     node_id_.empty() ? " before init" : ", not a peer"));
    return;
  }
  auto view = message.body.find("view");
  if (view == message.body.end() || !view->is_object()) {
    Log(absl::StrCat("ignoring a push without a view object from ",
                     message.src));
    return;
  }
  PeerPush& sender = push_peers_.at(message.src);
  bool sender_behind = false;  // it lacks something this node knows
  size_t known = 0;
  int bad = 0;
  for (auto it = view->begin(); it != view->end(); ++it) {
    int64_t n = 0, total = 0, heartbeat = 0;
    if (!DecodePushedMember(it.value(), &n, &total, &heartbeat)) {
      if (++bad <= kMaxLoggedBadPushMembers) {
        Log(absl::StrCat("push from ", message.src, ": member ", it.key(),
                         " is malformed: ", Compact(it.value())));
      }
      continue;
    }
    if (it.key() == node_id_) {
      ++known;
      if (n < own_.n && own_.total != total) sender_behind = true;
      bool recheck = OwnLoaded();
#if COUNTER_TESTONLY_VARIANTS
      // BUG kForgetOnRestart forgets its key for good: a peer's news of it
      // would otherwise repair the blind overwrite before it is made.
      recheck = recheck && bug_ != Bug::kForgetOnRestart;
#endif
      if (recheck) own_n_pushed_ = std::max(own_n_pushed_, n);
      continue;
    }
    if (!IsPeer(it.key())) continue;  // not in this cluster
    ++known;
    PeerPush& about = push_peers_.at(it.key());
    if (heartbeat > about.heartbeat) {
      about.heartbeat = heartbeat;
      about.heard_at = now;
    }
    AdoptPeerEntry(it.key(), Entry{total, "", n}, /*pushed=*/true);
    auto seen = peers_seen_.find(it.key());
    if (seen != peers_seen_.end() && seen->second.n > n &&
        seen->second.total != total) {
      sender_behind = true;
    }
  }
  if (bad > kMaxLoggedBadPushMembers) {
    Log(absl::StrCat("... and ", bad - kMaxLoggedBadPushMembers,
                     " more malformed members"));
  }
  // The sender lacks entries this node holds (it restarted, or a push to
  // it was lost): its next push round from here sends the view again.
  if (sender_behind || known < peers_seen_.size() + (OwnLoaded() ? 1 : 0)) {
    sender.sent_version = 0;
  }
}

// The digit schedule: in round r a node at index i pushes to i + j*b^(r mod
// R) (mod N) for j = 1..fanout, b = fanout + 1. Every offset 0..N-1 is a
// sum of one such step per digit, so a view forwarded along it reaches every
// node within R hops. With fanout >= N-1 (R = 1) every round pushes to all.
//
// The first round of an incarnation pushes to every peer (N-1 messages,
// once): everyone then holds every entry within one network delay, where
// the schedule would take R rounds, and reads need every entry.
std::vector<std::string> Node::PushTargets(uint64_t round) const {
  if (round == 0) return peers_;
  const int64_t n = static_cast<int64_t>(peers_.size()) + 1;
  const int64_t base = options_.push_fanout + 1;
  int64_t step = 1;
  for (uint64_t r = round % static_cast<uint64_t>(push_hops_); r > 0; --r) {
    step *= base;
  }
  std::vector<std::string> targets;
  const int64_t fanout = std::min<int64_t>(options_.push_fanout, n - 1);
  for (int64_t j = 1; j <= fanout; ++j) {
    int64_t index = (self_index_ + j * step) % n;
    if (index == self_index_) continue;
    const std::string& id =
        index < self_index_ ? peers_[index] : peers_[index - 1];
    if (std::find(targets.begin(), targets.end(), id) == targets.end()) {
      targets.push_back(id);
    }
  }
  MC_ASSERT(targets.size() <= static_cast<size_t>(options_.push_fanout),
            "bounded fanout: ", targets.size(), " targets");
  return targets;
}

Json Node::EncodeView(absl::Time now) const {
  Json view = Json::object();
  Entry own = own_;
  bool only_confirmed = true;
#if COUNTER_TESTONLY_VARIANTS
  if (bug_ == Bug::kPushPendingTotal && !pending_.empty()) {
    // BUG: claims the next write before it is durable.
    own.n = own_.n + 1;
    for (const PendingAdd& add : pending_) own.total += add.delta;
    only_confirmed = false;
  }
#endif
  MC_ASSERT(!only_confirmed || (own.n == own_.n && own.total == own_.total),
            "a pushed own entry is the confirmed one: n ", own.n, " of ",
            own_.n);
  // The heartbeat is the sending time in ms: it only grows, across
  // restarts too (a restarted node's round count would start again at 0,
  // and its peers would take it for silent until it passed the old one).
  // Receivers compare one owner's heartbeats with each other only.
  const int64_t heartbeat = std::max<int64_t>(0, absl::ToUnixMillis(now));
  view[node_id_] = {own.n, own.total, heartbeat};
  for (const auto& [peer, entry] : peers_seen_) {
    view[peer] = {entry.n, entry.total, push_peers_.at(peer).heartbeat};
  }
  return Json{{"type", kPushType}, {"view", std::move(view)}};
}

void Node::MaybePushView(absl::Time now) {
#if COUNTER_TESTONLY_VARIANTS
  if (eager_push_due_ && gossip_ == Gossip::kWaiting) {
    eager_push_due_ = false;
    Json body = EncodeView(now);
    for (const std::string& target : PushTargets(push_rounds_)) {
      ready_.messages.push_back(kvclient::Message{node_id_, target, body});
    }
  }
#endif
  if (gossip_ != Gossip::kWaiting || !timers_.Expired(Timer::kPush, now)) {
    return;
  }
  const uint64_t round = static_cast<uint64_t>(push_rounds_++);
  Json body;  // encoded once, for the first target that needs it
  for (const std::string& target : PushTargets(round)) {
    PeerPush& to = push_peers_.at(target);
    bool current = to.sent_version == view_version_;
    // A silent peer may not have received what was sent (a partition drops
    // it): it gets every round, so after a heal it is current within one.
    if (current && now - to.sent_at < options_.push_heartbeat &&
        !Silent(target, now)) {
      continue;
    }
    if (body.is_null()) body = EncodeView(now);
    MC_ASSERT(ready_.messages.size() < MaxReadyMessages(),
              "the driver takes Ready after every Step and Tick");
    ready_.messages.push_back(kvclient::Message{node_id_, target, body});
    ++stats_.pushes;
    to.sent_version = view_version_;
    to.sent_at = now;
  }
  BecomeGossipWaiting(now + options_.push_interval);
}

// ------------------------------------------------------------ scheduling --

void Node::Pump(absl::Time now) {
  ReplyTimedOutAdds(now);
  for (const KvCall& call : rpcs_.Expire(now)) OnKvTimeout(call);
  if (!node_id_.empty()) {
    MaybeResolve(now);
    MaybeRefresh(now);
    MaybeFlush(now);
    MaybePushSummary(now);
    MaybePushView(now);
  }
  ArmTableTimers();
  CheckInvariants(now);
}

void Node::MaybeResolve(absl::Time now) {
  if (own_state_ == OwnKey::kIdle && own_n_pushed_ > own_.n) {
    // Only pushes can tell: with nothing to write, no cas would fail on it.
    Log(absl::StrCat("a peer saw the own key at n ", own_n_pushed_, ", past n ",
                     own_.n, ": reading it again"));
    own_n_pushed_ = 0;
    BecomeOwnRechecking();
    SendKv(Purpose::kResolveOwn, kvclient::KvRead{KeyOf(node_id_)}, now);
    return;
  }
  if (own_state_ != OwnKey::kUnloaded && own_state_ != OwnKey::kUnsure) {
    return;
  }
  BecomeOwnReading();
  SendKv(Purpose::kResolveOwn, kvclient::KvRead{KeyOf(node_id_)}, now);
}

void Node::MaybeFlush(absl::Time now) {
  if (own_state_ != OwnKey::kIdle) return;
  if (pending_.empty() && round_ != Round::kSyncWanted) return;
  if (unresolved_.size() >= options_.max_open_attempts) {
    // Bound on unresolved_: send the newest open attempt again (same tag,
    // same cas). If either copy lands, a read recognizes it; adds that came
    // since wait for the next attempt. Its sent_at stays the first copy's:
    // a late confirmation must not pass for a sync (see Confirm).
    Attempt& again = unresolved_.back();
    Log(absl::StrCat(unresolved_.size(), " own-key writes are open: sending ",
                     again.tag, " again"));
    BecomeOwnWriting();
    ++stats_.flushes;
    SendKv(Purpose::kFlush, again.request, now);
    return;
  }
  Attempt attempt;
  attempt.tag =
      absl::StrCat(absl::Hex(options_.incarnation), ".", next_attempt_++);
  attempt.total = own_.total;
  attempt.n = own_.n + 1;
  // Admission checked the total the node knew then; an own key first read
  // after the add arrived (a restart) can hold more, so the batch could still
  // leave int64. Such an add certainly did not apply: reject it (12) rather
  // than wrap. Adds inside an open attempt stay: that total was checked.
  size_t covered = unresolved_.empty() ? 0 : unresolved_.back().adds;
  for (size_t i = 0; i < pending_.size();) {
    int64_t sum;
    if (!__builtin_add_overflow(attempt.total, pending_[i].delta, &sum) ||
        i < covered) {
      attempt.total = sum;
      ++i;
      continue;
    }
    if (!pending_[i].answered) {
      Reply(
          pending_[i].client,
          kvclient::ErrorBody(ErrorCode::kMalformedRequest, pending_[i].msg_id,
                              absl::StrCat("delta ", pending_[i].delta,
                                           " would overflow the counter")));
    }
    pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(i));
  }
  attempt.adds = pending_.size();
  MC_ASSERT(attempt.adds >= covered,
            "a new attempt covers every add an open one does: ", attempt.adds,
            " < ", covered);
  attempt.sent_at = now;
  BecomeOwnWriting();
  ++stats_.flushes;
  Entry to{attempt.total, attempt.tag, attempt.n};
  bool write_blind = own_.tag == kForeignTag;
#if COUNTER_TESTONLY_VARIANTS
  // BUG kForgetOnRestart: overwrites whatever the key holds.
  write_blind =
      write_blind || (bug_ == Bug::kForgetOnRestart && own_.tag.empty());
#endif
  if (write_blind) {
    attempt.request = kvclient::KvWrite{KeyOf(node_id_), EncodeEntry(to)};
  } else if (own_.tag.empty()) {
    attempt.request =
        kvclient::KvCas{KeyOf(node_id_), nullptr, EncodeEntry(to), true};
  } else {
    attempt.request = kvclient::KvCas{KeyOf(node_id_), EncodeEntry(own_),
                                      EncodeEntry(to), false};
  }
  kvclient::KvRequest request = attempt.request;
  unresolved_.push_back(std::move(attempt));
  SendKv(Purpose::kFlush, std::move(request), now);
}

void Node::ChooseDissemination(const std::vector<std::string>& node_ids) {
  if (options_.dissemination == Dissemination::kPush ||
      (options_.dissemination == Dissemination::kAuto && options_.auto_push)) {
    SetSpread(Spread::kPush);
    return;
  }
  bool allowed = false;
  switch (options_.dissemination) {
    case Dissemination::kPeerKeys:
    case Dissemination::kPush: allowed = false; break;
    case Dissemination::kSummary: allowed = true; break;
    case Dissemination::kAuto:
      allowed =
          static_cast<int>(peers_.size()) + 1 >= options_.summary_min_nodes;
      break;
  }
  // A node named "summary" would own the summary's key.
  if (std::find(node_ids.begin(), node_ids.end(), "summary") !=
      node_ids.end()) {
    allowed = false;
  }
  if (!allowed) {
    SetSpread(Spread::kPeerKeys);
  } else if (options_.dissemination == Dissemination::kSummary) {
    SetSpread(Spread::kSummary);
  } else {
    SetSpread(Spread::kAutoSummary);
  }
}

bool Node::UsesSummary() const {
  return spread_ == Spread::kSummary || spread_ == Spread::kAutoSummary;
}

void Node::SetSpread(Spread spread) {
  bool automatic =
      spread_ == Spread::kAutoSummary || spread_ == Spread::kAutoPeerKeys;
  MC_ASSERT(node_id_.empty() || !automatic || spread == Spread::kAutoSummary ||
                spread == Spread::kAutoPeerKeys,
            "auto dissemination only switches between its two modes");
  MC_ASSERT(node_id_.empty() || spread_ != Spread::kPush || spread == spread_,
            "push dissemination is chosen once, at init");
  spread_ = spread;
  // With pushes, rounds only read silent peers: one per push interval.
  base_interval_ =
      UsesSummary() ? options_.summary_interval
      : UsesPush() ? std::max(options_.refresh_interval, options_.push_interval)
                   : options_.refresh_interval;
  refresh_interval_ = base_interval_;
}

// One key takes about one successful cas per KV round trip, and a node
// needs one whenever its total changed. When changes arrive faster than half
// the key can take, pushes queue behind each other for seconds (25 nodes at
// 1000 ops/s and --latency 100: 8.5 s to converge, against 0.6 s reading
// every peer key), so auto falls back to peer keys, and comes back below a
// quarter (hysteresis).
void Node::MeasureChangeRate(absl::Time now) {
  int changes = changes_this_round_ + (own_changed_this_round_ ? 1 : 0);
  changes_this_round_ = 0;
  own_changed_this_round_ = false;
  double seconds = absl::ToDoubleSeconds(now - last_round_start_);
  last_round_start_ = now;
  if (seconds <= 0 || std::isinf(seconds)) return;
  change_rate_ += (changes / seconds - change_rate_) / 4;
}

void Node::UpdateDissemination() {
  if (spread_ != Spread::kAutoSummary && spread_ != Spread::kAutoPeerKeys) {
    return;
  }
  // Utilization of the summary key: pushes per second x seconds per push.
  absl::Duration rtt = kv_rtt_.value_or(absl::ZeroDuration());
  double utilization = change_rate_ * absl::ToDoubleSeconds(rtt);
  bool use_summary = spread_ == Spread::kAutoSummary;
  bool want = use_summary ? utilization <= 0.5 : utilization <= 0.25;
  if (want == use_summary) return;
  SetSpread(want ? Spread::kAutoSummary : Spread::kAutoPeerKeys);
  Log(absl::StrFormat("KV round trip %s x %.1f changes/s: switching to %s",
                      absl::FormatDuration(rtt), change_rate_,
                      want ? "the summary" : "peer keys"));
}

// Summary rounds get a jitter of up to 1/8 interval, drawn from the
// incarnation and the round number (the core has no other randomness):
// nodes started together would otherwise push in step, and the same node
// could lose the summary's cas race round after round.
absl::Duration Node::RoundGap() const {
  if (!UsesSummary() || !options_.jitter_summary_rounds) {
    return refresh_interval_;
  }
  uint64_t x =
      options_.incarnation + 0x9E3779B97F4A7C15ULL * (rounds_started_ + 1);
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;  // SplitMix64's finalizer
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return refresh_interval_ +
         (refresh_interval_ / 8) * (static_cast<double>(x >> 11) * 0x1.0p-53);
}

// A refresh round reads every peer's key once it is due and synced. Bound:
// if the last write lands at t, the first round due after t is due by
// t + refresh_interval (+ one round's own duration); its sync goes out within
// sync_grace and lands in one KV round trip, its reads in another.
void Node::MaybeRefresh(absl::Time now) {
  if (round_ == Round::kOff) return;
#if COUNTER_TESTONLY_VARIANTS
  if (bug_ == Bug::kStaleRead) {  // BUG: reads on demand, never syncs first
    if (!stale_read_due_ || round_reads_ > 0) return;
    stale_read_due_ = false;
    SendRoundReads(now);
    return;
  }
#endif
  if (UsesPush() && timers_.Expired(Timer::kRefresh, now) && !AnySilent(now)) {
    // Pushes are fresh: no sync, no reads; look again next interval.
    last_reads_at_ = now;
    next_refresh_ = now + RoundGap();
    timers_.Set(Timer::kRefresh, next_refresh_);
    return;
  }
  if (timers_.Expired(Timer::kRefresh, now)) BecomeDue();
  if (round_reads_ > 0) return;  // the grace starts when the last read ends
  if (round_ == Round::kSynced) {
    SendRoundReads(now);
  } else if (timers_.Expired(Timer::kSyncGrace, now)) {
    BecomeSyncWanted();  // MaybeFlush sends it; its landing syncs the round
  }
}

void Node::SendRoundReads(absl::Time now) {
  MC_ASSERT(round_reads_ == 0, "one round's reads at a time: ", round_reads_,
            " still out");
  last_reads_at_ = now;
  ++rounds_started_;
  MeasureChangeRate(now);
  UpdateDissemination();
#if COUNTER_TESTONLY_VARIANTS
  if (round_ != Round::kSynced) round_ = Round::kSynced;  // kStaleRead
#endif
  BecomeWaiting(now + RoundGap());
  if (UsesSummary()) {
    ++round_reads_;
    SendKv(Purpose::kReadSummary, kvclient::KvRead{SummaryKey()}, now);
    return;
  }
  for (const std::string& peer : peers_) {
    if (UsesPush() && !Silent(peer, now)) continue;  // its pushes are fresh
    ++round_reads_;
    SendKv(Purpose::kReadPeer, kvclient::KvRead{KeyOf(peer)}, now, peer);
  }
}

void Node::ReplyTimedOutAdds(absl::Time now) {
  for (PendingAdd& add : pending_) {
    if (add.answered || add.deadline > now) continue;
    add.answered = true;
    ++stats_.adds_timed_out;
    Reply(add.client,
          kvclient::ErrorBody(ErrorCode::kTimeout, add.msg_id,
                              "not yet durable in seq-kv; it may still be "
                              "applied"));
  }
}

// The two timers that stand for a whole table: the RPC table's earliest
// deadline and the earliest unanswered add's.
void Node::ArmTableTimers() {
  timers_.Assign(Timer::kKvTimeout, rpcs_.NextDeadline());
  absl::optional<absl::Time> add_deadline;
  for (const PendingAdd& add : pending_) {
    if (!add.answered &&
        (!add_deadline.has_value() || add.deadline < *add_deadline)) {
      add_deadline = add.deadline;
    }
  }
  timers_.Assign(Timer::kAddDeadline, add_deadline);
}

// The node's invariants, after every Step and Tick (Pump). They say which
// combinations of the three state machines, the tables and the timers are
// legal; a violation aborts (README "Assertions").
void Node::CheckInvariants(absl::Time now) const {
  // Bounds.
  MC_ASSERT(pending_.size() <= options_.max_pending_adds,
            "pending adds are bounded at admission: ", pending_.size());
  MC_ASSERT(unresolved_.size() <= options_.max_open_attempts,
            "open attempts are bounded in MaybeFlush: ", unresolved_.size());
  MC_ASSERT(rpcs_.size() <= MaxKvRequests(options_),
            "KV requests in flight: ", rpcs_.size());
  MC_ASSERT(peers_seen_.size() <= peers_.size(),
            "only cluster members are remembered");
  // Own key.
  size_t own_requests = 0, round_requests = 0, summary_cas = 0, rereads = 0;
  rpcs_.ForEach([&](int64_t, const KvCall& call) {
    switch (call.purpose) {
      case Purpose::kResolveOwn:
      case Purpose::kFlush: ++own_requests; break;
      case Purpose::kReadPeer:
      case Purpose::kReadSummary: ++round_requests; break;
      case Purpose::kCasSummary: ++summary_cas; break;
      case Purpose::kRereadSummary: ++rereads; break;
    }
  });
  bool own_in_flight = own_state_ == OwnKey::kLoading ||
                       own_state_ == OwnKey::kWriting ||
                       own_state_ == OwnKey::kResolving;
  MC_ASSERT(own_requests == (own_in_flight ? 1u : 0u),
            "one own-key request in flight exactly in loading, writing and "
            "resolving; state ",
            Name(own_state_), ", requests ", own_requests);
  MC_ASSERT(node_id_.empty() || (own_state_ != OwnKey::kUnloaded &&
                                 own_state_ != OwnKey::kUnsure),
            "after init, Pump always starts the read an unknown key needs");
  MC_ASSERT(own_state_ != OwnKey::kWriting || !unresolved_.empty(),
            "the write in flight is an open attempt");
  MC_ASSERT(OwnLoaded() || (unresolved_.empty() && own_.tag.empty()),
            "nothing is written before the own key is loaded");
  for (size_t i = 0; i < unresolved_.size(); ++i) {
    MC_ASSERT(unresolved_[i].adds <= pending_.size() &&
                  (i == 0 || unresolved_[i - 1].adds <= unresolved_[i].adds),
              "each attempt covers a prefix of pending_, and a later one "
              "covers at least as much");
    MC_ASSERT(unresolved_[i].n == own_.n + 1,
              "open attempts are built on own_ (a new base clears them)");
  }
  // Refresh round.
  MC_ASSERT((round_ == Round::kOff) == (!OwnLoaded() || peers_.empty()),
            "rounds run exactly once the own key is loaded, with peers; "
            "state ",
            Name(round_));
  MC_ASSERT(static_cast<size_t>(round_reads_) == round_requests,
            "round reads counted: ", round_reads_,
            ", in flight: ", round_requests);
  MC_ASSERT(
      round_reads_ <= static_cast<int>(std::max<size_t>(peers_.size(), 1)),
      "one read per peer per round");
  MC_ASSERT(round_ != Round::kSyncWanted || round_reads_ == 0,
            "a sync is wanted only with no read out");
  if (RoundsAreTimed()) {
    MC_ASSERT(timers_.Armed(Timer::kRefresh) == (round_ == Round::kWaiting),
              "the refresh timer is armed exactly while a round waits; ",
              Name(round_));
    MC_ASSERT(timers_.Armed(Timer::kSyncGrace) ==
                  (round_ == Round::kDue && round_reads_ == 0),
              "the grace timer runs exactly while a due round has no read "
              "out; ",
              Name(round_), ", reads ", round_reads_);
    MC_ASSERT(round_ != Round::kSynced || round_reads_ > 0,
              "a synced round with no read out sends its reads at once");
  }
  // Summary push.
  MC_ASSERT(push_from_.has_value() ==
                (push_ == Push::kQueued || push_ == Push::kInFlightQueued),
            "a push is queued exactly when there is a value to cas from; ",
            Name(push_));
  MC_ASSERT(push_ != Push::kQueued && push_ != Push::kRereadQueued,
            "Pump sends a queued push or re-read at once; ", Name(push_));
  MC_ASSERT(
      summary_cas ==
          ((push_ == Push::kInFlight || push_ == Push::kInFlightQueued) ? 1u
                                                                        : 0u),
      "one summary cas in flight exactly when the push says so; ", Name(push_),
      ", in flight ", summary_cas);
  MC_ASSERT(static_cast<size_t>(summary_rereads_) == rereads &&
                summary_rereads_ <= kSummaryRetries,
            "summary re-reads counted: ", summary_rereads_,
            ", in flight: ", rereads);
  MC_ASSERT(
      summary_retries_left_ >= 0 && summary_retries_left_ <= kSummaryRetries,
      "retries per round: ", summary_retries_left_);
  // Push rounds.
  MC_ASSERT((gossip_ == Gossip::kWaiting) == GossipShouldRun(),
            "push rounds run exactly in push mode once the own key is "
            "loaded, with peers; state ",
            Name(gossip_));
  MC_ASSERT(timers_.Armed(Timer::kPush) == (gossip_ == Gossip::kWaiting),
            "the push timer is armed exactly while push rounds run");
  MC_ASSERT(push_peers_.size() == peers_.size(),
            "push state for every peer and nothing else");
  MC_ASSERT(!UsesPush() || push_hops_ >= 1, "at least one hop");
  // Timers: after a Pump nothing armed is due any more, so the node never
  // asks to be woken at an instant it has already handled (a busy loop;
  // sim/NEEDS.md).
  absl::optional<absl::Time> wake = timers_.Earliest();
  MC_ASSERT(!wake.has_value() || *wake > now, "a timer due at ",
            absl::FormatTime(*wake), " survived the Pump at ",
            absl::FormatTime(now));
  MC_ASSERT(timers_.Get(Timer::kKvTimeout) == rpcs_.NextDeadline(),
            "the KV timer is the RPC table's earliest deadline");
}

// ---------------------------------------------------------------- output --

size_t Node::MaxReadyMessages() const {
  // Per Step or Tick: at most one reply to the message itself, one reply per
  // pending add (each is answered at most once), and the KV requests.
  // Plus one push per peer at most.
  return options_.max_pending_adds + MaxKvRequests(options_) +
         options_.max_nodes + 2;
}

void Node::SendKv(Purpose purpose, kvclient::KvRequest request, absl::Time now,
                  std::string peer) {
  MC_ASSERT(!node_id_.empty(), "KV requests only after init");
  MC_ASSERT(rpcs_.size() < MaxKvRequests(options_),
            "the RPC table's bound holds by construction (see "
            "MaxKvRequests): ",
            rpcs_.size(), " in flight");
  MC_ASSERT(ready_.messages.size() < MaxReadyMessages(),
            "the driver takes Ready after every Step and Tick");
  ++stats_.kv_requests;
  kvclient::Json body = kvclient::EncodeKvRequest(request, 0);
  int64_t msg_id =
      rpcs_.Start(now + options_.kv_timeout,
                  KvCall{purpose, std::move(request), std::move(peer), now});
  body["msg_id"] = msg_id;
  ready_.messages.push_back(
      kvclient::Message{node_id_, options_.kv_service, std::move(body)});
}

void Node::Reply(const std::string& to, Json body) {
  MC_ASSERT(ready_.messages.size() < MaxReadyMessages(),
            "the driver takes Ready after every Step and Tick");
  MC_ASSERT(kvclient::InReplyTo(body).has_value(),
            "every reply names the request it answers: ", Compact(body));
  ready_.messages.push_back(kvclient::Message{
      node_id_.empty() ? reply_as_ : node_id_, to, std::move(body)});
}

void Node::Log(std::string line) {
  if (ready_.log.size() >= kMaxLogLines) {
    ++dropped_log_lines_;
    return;
  }
  ready_.log.push_back(std::move(line));
}

std::string Node::KeyOf(const std::string& node) const {
  return absl::StrCat(options_.key_prefix, node);
}

Json Node::EncodeEntry(const Entry& entry) {
  return {{"total", entry.total}, {"tag", entry.tag}, {"n", entry.n}};
}

absl::optional<Node::Entry> Node::DecodeEntry(const Json& value) {
  if (!value.is_object()) return absl::nullopt;
  auto total = value.find("total");
  auto tag = value.find("tag");
  auto n = value.find("n");
  // n counts writes: never negative, and never INT64_MAX (the next write
  // could not count itself), so no key this program writes holds either.
  if (total == value.end() || !kvclient::IsInt64(*total) ||
      tag == value.end() || !tag->is_string() || n == value.end() ||
      !kvclient::IsInt64(*n) || n->get<int64_t>() < 0 ||
      n->get<int64_t>() == std::numeric_limits<int64_t>::max()) {
    return absl::nullopt;
  }
  return Entry{total->get<int64_t>(), tag->get<std::string>(),
               n->get<int64_t>()};
}

// Only confirmed entries, and only ones that were ever written (n > 0).
Json Node::EncodeSummary() const {
  Json out = Json::object();
  if (own_.n > 0) out[node_id_] = {own_.n, own_.total};
  for (const auto& [peer, entry] : peers_seen_) {
    if (entry.n > 0) out[peer] = {entry.n, entry.total};
  }
  return out;
}

// Members this program would not write are skipped (and logged); the next
// push replaces them.
Node::Summary Node::DecodeSummary(const Json& value) {
  Summary summary;
  if (value.is_null()) return summary;
  if (!value.is_object()) {
    Log(absl::StrCat("summary holds a value this program never writes: ",
                     Compact(value)));
    return summary;
  }
  int malformed = 0;
  for (auto it = value.begin(); it != value.end(); ++it) {
    const Json& pair = it.value();
    if (pair.is_array() && pair.size() == 2 && kvclient::IsInt64(pair[0]) &&
        kvclient::IsInt64(pair[1]) && pair[0].get<int64_t>() > 0) {
      summary[it.key()] =
          Entry{pair[1].get<int64_t>(), "", pair[0].get<int64_t>()};
    } else if (++malformed <= kMaxLoggedMalformedMembers) {
      Log(absl::StrCat("summary entry of ", it.key(),
                       " is malformed: ", Compact(pair)));
    }
  }
  if (malformed > kMaxLoggedMalformedMembers) {
    Log(absl::StrCat("... and ", malformed - kMaxLoggedMalformedMembers,
                     " more malformed summary entries"));
  }
  return summary;
}

}  // namespace counter
