#include "counter/node.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
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

// "error 22 (current value 1 is not 2)"; "error 11 (temporarily-
// unavailable)" when the reply has no text.
std::string Describe(const KvError& error) {
  return absl::StrCat(
      "error ", error.code, " (",
      error.text.empty() ? kvclient::ErrorName(error.code) : error.text, ")");
}

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

// Seeds of the backoff jitter streams: the incarnation, xor a constant per
// path, so the paths (and RoundGap's stream, the incarnation itself) draw
// independent values.
constexpr uint64_t kOwnKeyStream = 0x6f776e2d6b6579;  // "own-key"
constexpr uint64_t kRoundStream = 0x726f756e6473;     // "rounds"

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

// Whether a state machine's variant is in state S.
template <typename S, typename Variant>
bool Is(const Variant& state) {
  return absl::holds_alternative<S>(state);
}

}  // namespace

Node::Node(Options options)
    : options_(std::move(options)),
      own_state_(OwnUnloaded{absl::InfiniteFuture()}),
      refresh_interval_(options_.refresh_interval),
      base_interval_(options_.refresh_interval),
      own_backoff_({options_.retry_base, options_.retry_cap},
                   options_.incarnation ^ kOwnKeyStream),
      round_backoff_({options_.retry_base, RoundBackoffCap()},
                     options_.incarnation ^ kRoundStream),
      rpcs_(FirstKvMsgId(options_.incarnation), MaxKvRequests(options_)),
      log_limit_(kLogLinesPerSecond, absl::Seconds(1), &Node::LogKindName) {
  CheckOptions();
}

absl::string_view Node::LogKindName(LogKind kind) {
  switch (kind) {
    case LogKind::kLifecycle: return "lifecycle";
    case LogKind::kBadRequest: return "bad-request";
    case LogKind::kStranger: return "stranger";
    case LogKind::kBadPush: return "bad-push";
    case LogKind::kKvFailure: return "kv-failure";
    case LogKind::kBadKvValue: return "bad-kv-value";
    case LogKind::kOwnKey: return "own-key";
    case LogKind::kBackoff: return "backoff";
    case LogKind::kCount: break;
  }
  return "?";
}

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
  MC_ASSERT(options_.relay_interval > zero && options_.relay_heartbeat > zero &&
                options_.relay_silence > zero &&
                options_.relay_contact > options_.relay_heartbeat &&
                2 * options_.relay_contact > options_.push_heartbeat &&
                options_.relay_retry > zero,
            "relay rounds need a positive interval and retry, and a contact "
            "window longer than the heartbeat (a quiet parent pushes that "
            "often, and must not look dead)");
  MC_ASSERT(options_.max_pending_adds >= 1 && options_.max_open_attempts >= 1 &&
                options_.max_nodes >= 1,
            "bounds of zero would refuse all work");
  MC_ASSERT(KvServiceCanHoldCounter(options_.kv_service),
            "the counter lives only in seq-kv or lin-kv, not in ",
            options_.kv_service, " (drivers check what users type)");
}

// The variants list their states in the enums' order.
Node::OwnKey Node::own_key_state() const {
  static_assert(absl::variant_size<OwnState>::value == 6, "one per OwnKey");
  return static_cast<OwnKey>(own_state_.index());
}

Node::Round Node::round_state() const {
  static_assert(absl::variant_size<RoundState>::value == 5, "one per Round");
  return static_cast<Round>(round_.index());
}

Node::Push Node::push_state() const {
  static_assert(absl::variant_size<PushState>::value == 5, "one per Push");
  return static_cast<Push>(push_.index());
}

// ---------------------------------------------------------------- inputs --

void Node::Step(const kvclient::Message& message, absl::Time now) {
  now_ = now;
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
    Log(LogKind::kBadRequest,
        absl::StrCat("ignoring unexpected reply from ", message.src, ": ",
                     Compact(message.body)));
  } else {
    HandleClientRequest(message, now);
  }
  Pump(now);
}

void Node::Tick(absl::Time now) {
  now_ = now;
  Pump(now);
}

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
  std::vector<std::string> peers;
  for (const std::string& id : init.node_ids) {
    if (id != init.node_id) peers.push_back(id);
  }
  std::sort(peers.begin(), peers.end());
  peers.erase(std::unique(peers.begin(), peers.end()), peers.end());
  if (RejectInit(message, init, peers)) return;
  JoinCluster(init, std::move(peers), now);
  if (msg_id.has_value()) Reply(message.src, kvclient::InitOkBody(*msg_id));
}

// An init this node cannot take (it is initialized already, or the cluster
// is too large): answers it where there is a msg_id and returns true.
bool Node::RejectInit(const kvclient::Message& message,
                      const kvclient::InitRequest& init,
                      const std::vector<std::string>& peers) {
  absl::optional<int64_t> msg_id = kvclient::MsgId(message.body);
  if (!node_id_.empty() && !msg_id.has_value()) return true;  // no one to tell
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
    return true;
  }
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
    return true;
  }
  return false;
}

void Node::JoinCluster(const kvclient::InitRequest& init,
                       std::vector<std::string> peers, absl::Time now) {
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
  // Relaying, an entry takes two hops (up to the parent, down to the rest).
  if (UsesRelay()) push_hops_ = 2;
  BecomeLoadDue(now);  // the first read of the own key goes out at once
  Log(LogKind::kLifecycle,
      absl::StrCat("init as ", node_id_, " with ", peers_.size(),
                   " peers, incarnation ", absl::Hex(options_.incarnation),
                   UsesRelay()     ? ", relay"
                   : UsesPush()    ? ", push"
                   : UsesSummary() ? ", summary"
                                   : ", peer keys",
                   " rounds every ",
                   absl::FormatDuration(UsesRelay() ? options_.relay_interval
                                                    : base_interval_)));
}

void Node::HandleClientRequest(const kvclient::Message& message,
                               absl::Time now) {
  Admission admission =
      AdmitRequest(message.body, !node_id_.empty(), options_.allow_negative);
  if (admission.ignored) {
    Log(LogKind::kBadRequest,
        absl::StrCat("ignoring a request without msg_id from ", message.src,
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
  if (request.op == kvclient::CounterOp::kAdd) {
    HandleAdd(message.src, *msg_id, request.delta, now);
    return;
  }
  OnClientRead();
  absl::optional<int64_t> value = ReadValue();
  if (value.has_value()) {
    Reply(message.src, kvclient::ReadOkBody(*value, *msg_id));
    return;
  }
  // Every total known, and their sum does not fit int64 (README "Overflow
  // policy"): say so, rather than "loading", which would never end.
  const bool loaded = OwnLoaded() && peers_seen_.size() == peers_.size();
  Reply(message.src,
        kvclient::ErrorBody(
            ErrorCode::kTemporarilyUnavailable, msg_id,
            loaded ? "the total of the nodes' keys does not fit int64"
                   : absl::StrCat("no value yet: still loading from ",
                                  options_.kv_service)));
}

void Node::HandleAdd(const std::string& client, int64_t msg_id, int64_t delta,
                     absl::Time now) {
  if (!ProjectedTotalFits(delta)) {
    Reply(client,
          kvclient::ErrorBody(
              ErrorCode::kMalformedRequest, msg_id,
              absl::StrCat("delta ", delta, " would overflow the counter")));
    return;
  }
  if (delta == 0 && ZeroAddsAreFree()) {
    Reply(client, kvclient::AddOkBody(msg_id));
    return;
  }
  if (pending_.size() >= options_.max_pending_adds) {
    // Bound on pending_: refused before it joins anything, so definite.
    Reply(client, kvclient::ErrorBody(
                      ErrorCode::kTemporarilyUnavailable, msg_id,
                      absl::StrCat(pending_.size(),
                                   " adds are already waiting for seq-kv; not "
                                   "applied, try again")));
    return;
  }
  OnLocalActivity(now);
  pending_.push_back(
      PendingAdd{client, msg_id, delta, now + options_.add_deadline, false});
  OnAddPending(pending_.back());
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
  const absl::Time sent_at = call->sent_at;
  switch (call->purpose) {
    case Purpose::kResolveOwn: OnOwnKeyRead(reply, sent_at, now); break;
    case Purpose::kFlush: OnFlushReply(reply, sent_at, now); break;
    case Purpose::kReadPeer: OnPeerRead(call->peer, reply, sent_at); break;
    case Purpose::kReadSummary: OnSummaryRead(reply, true, sent_at); break;
    case Purpose::kRereadSummary: OnSummaryRead(reply, false, sent_at); break;
    case Purpose::kCasSummary:
      OnSummaryCasReply(absl::get<kvclient::KvCas>(call->request), reply,
                        sent_at);
      break;
  }
}

void Node::MeasureKvRtt(absl::Duration sample) {
  kv_rtt_ = kv_rtt_.has_value() ? *kv_rtt_ + (sample - *kv_rtt_) / 8 : sample;
}

// ------------------------------------------------- own key: transitions --

bool Node::OwnLoaded() const {
  return !Is<OwnUnloaded>(own_state_) && !Is<OwnLoading>(own_state_);
}

const Node::Attempts& Node::OpenAttempts() const {
  static const Attempts* const kNone = new Attempts();
  return absl::visit(
      [](const auto& state) -> const Attempts& {
        using State = std::decay_t<decltype(state)>;
        if constexpr (std::is_base_of<OwnKnown, State>::value) {
          return state.open;
        } else {
          return *kNone;
        }
      },
      own_state_);
}

void Node::BecomeOwnReading() {
  timers_.Clear(Timer::kOwnRetry);
  if (Is<OwnUnloaded>(own_state_)) {
    own_state_ = OwnLoading{};
    return;
  }
  auto* unsure = absl::get_if<OwnUnsure>(&own_state_);
  MC_ASSERT(unsure != nullptr,
            "a read of the own key starts only when nothing is in flight "
            "and its value is not known; state ",
            Name(own_key_state()));
  own_state_ = OwnResolving{{std::move(unsure->open)}};
}

void Node::BecomeLoadDue(absl::Time retry_at) {
  auto* unloaded = absl::get_if<OwnUnloaded>(&own_state_);
  MC_ASSERT(unloaded != nullptr && unloaded->retry_at == absl::InfiniteFuture(),
            "init schedules the first read of a key never read; state ",
            Name(own_key_state()));
  unloaded->retry_at = retry_at;
  timers_.Set(Timer::kOwnRetry, retry_at);
}

void Node::BecomeOwnReadFailed(absl::Time retry_at) {
  timers_.Set(Timer::kOwnRetry, retry_at);
  if (Is<OwnLoading>(own_state_)) {
    own_state_ = OwnUnloaded{retry_at};
    return;
  }
  auto* resolving = absl::get_if<OwnResolving>(&own_state_);
  MC_ASSERT(resolving != nullptr, "only a read in flight can fail; state ",
            Name(own_key_state()));
  own_state_ = OwnUnsure{{std::move(resolving->open)}, retry_at};
}

void Node::BecomeOwnIdle(bool keep_open) {
  const bool first_time = Is<OwnLoading>(own_state_);
  MC_ASSERT(
      first_time || Is<OwnResolving>(own_state_) || Is<OwnWriting>(own_state_),
      "the own key becomes known only from a reply; state ",
      Name(own_key_state()));
  Attempts open;
  if (keep_open) open = OpenAttempts();
  own_state_ = OwnIdle{{std::move(open)}};
  if (first_time) own_backoff_.Succeed();  // loaded: the path is healthy
  // Rounds start once the own key is known: ReadValue answers from then
  // on. The first is due at once, with no grace to wait for an add.
  const absl::Time first_round = init_at_ - options_.sync_grace;
  if (first_time && !peers_.empty()) {
    BecomeWaiting(first_round, absl::InfinitePast());
  }
  if (first_time && GossipShouldRun()) BecomeGossipWaiting(first_round);
}

void Node::BecomeOwnWriting(absl::optional<Attempt> fresh) {
  auto* idle = absl::get_if<OwnIdle>(&own_state_);
  MC_ASSERT(idle != nullptr,
            "one own-key request at a time, from a known base; state ",
            Name(own_key_state()));
  OwnWriting writing{{std::move(idle->open)}};
  if (fresh.has_value()) writing.open.push_back(*std::move(fresh));
  MC_ASSERT(!writing.open.empty(), "the write in flight is an open attempt");
  own_state_ = std::move(writing);
}

void Node::BecomeOwnUnsure(absl::Time retry_at) {
  auto* writing = absl::get_if<OwnWriting>(&own_state_);
  MC_ASSERT(writing != nullptr, "only a write in flight can end unsure; state ",
            Name(own_key_state()));
  MC_ASSERT(!writing->open.empty(), "the write in flight is an open attempt");
  own_state_ = OwnUnsure{{std::move(writing->open)}, retry_at};
  timers_.Set(Timer::kOwnRetry, retry_at);
}

void Node::BecomeOwnRechecking() {
  auto* idle = absl::get_if<OwnIdle>(&own_state_);
  MC_ASSERT(idle != nullptr,
            "a re-check reads the key only while nothing is in flight; state ",
            Name(own_key_state()));
  own_state_ = OwnResolving{{std::move(idle->open)}};
}

// ------------------------------------------------------- own key, exactly --

void Node::OnFlushReply(const KvReply& reply, absl::Time sent_at,
                        absl::Time now) {
  const auto* writing = absl::get_if<OwnWriting>(&own_state_);
  MC_ASSERT(writing != nullptr, "a flush reply while ", Name(own_key_state()));
  if (absl::holds_alternative<KvOk>(reply)) {
    Attempt landed = writing->open.back();
    Confirm(landed);
    return;
  }
  // 22 means some earlier attempt (maybe a previous incarnation's) landed
  // first; any other error or garbage leaves the outcome open. Either way
  // the key must be read before the next attempt.
  const auto& error = absl::get<KvError>(reply);
  Log(LogKind::kKvFailure,
      absl::StrCat("flush failed with ", Describe(error),
                   "; reading own key to learn what landed"));
  BecomeOwnUnsure(OwnRetryAt(sent_at, now));
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
    Log(LogKind::kBadKvValue,
        absl::StrCat("key of ", node, " holds a value this program never ",
                     "writes: ", Compact(ok->value)));
  }
  return entry;
}

void Node::OnOwnKeyRead(const KvReply& reply, absl::Time sent_at,
                        absl::Time now) {
  absl::optional<Entry> entry = EntryFromRead(reply, node_id_);
  Json foreign;  // the value, when it is one this program never writes
  if (!entry.has_value() && absl::holds_alternative<KvOk>(reply)) {
    foreign = absl::get<KvOk>(reply).value;
    // A value this program never writes is taken only by the first read,
    // or when it is the foreign base again ("nothing landed"): start from 0
    // with a cas from exactly that value. Any other time it is a garbled
    // reply as far as the node can tell (kv-garble found it): adopting it
    // would forget the open attempts, one of which may have landed, and
    // count its adds twice.
    if (Is<OwnLoading>(own_state_) ||
        (own_.tag == kForeignTag && foreign == own_foreign_)) {
      entry = Entry{0, kForeignTag, 0};
    }
  }
  if (!entry.has_value()) {  // error or garbage: retried after a backoff
    Log(LogKind::kKvFailure,
        absl::StrCat("reading own key failed with ",
                     absl::holds_alternative<KvError>(reply)
                         ? Describe(absl::get<KvError>(reply))
                         : "a value this program never writes"));
    BecomeOwnReadFailed(OwnRetryAt(sent_at, now));
    return;
  }
  if (absl::optional<Attempt> landed = LandedAttempt(*entry)) {
    Confirm(*landed);
    return;
  }
  if (entry->tag == own_.tag && entry->total == own_.total &&
      foreign == own_foreign_) {
    // Nothing landed yet; open attempts from this base may still land, so
    // they stay open to be recognized.
    BecomeOwnIdle(/*keep_open=*/true);
    return;
  }
  AdoptOwnEntry(*entry, foreign);
}

// Tags are never reused, so the tag alone says which attempt wrote it.
absl::optional<Node::Attempt> Node::LandedAttempt(const Entry& read) const {
  for (const Attempt& attempt : OpenAttempts()) {
    if (attempt.tag == read.tag) return attempt;
  }
  return absl::nullopt;
}

// The key holds a value no open attempt of ours wrote: the first read after
// (re)start, or a late write of an earlier incarnation. It becomes the base;
// attempts from the old base can never land (tags are never reused).
void Node::AdoptOwnEntry(const Entry& entry, Json foreign) {
  own_total_since_ = entry.n;  // unknown: assume the total is this new
  if (Is<OwnResolving>(own_state_)) {
    Log(LogKind::kOwnKey, absl::StrCat("own key changed behind us to total ",
                                       entry.total, " tag ", entry.tag));
  }
  own_ = entry;
  own_foreign_ = std::move(foreign);
  ++view_version_;
  view_changed_at_ = now_;
  BecomeOwnIdle(/*keep_open=*/false);
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
    view_changed_at_ = now_;
  }
  own_ = Entry{attempt.total, attempt.tag, attempt.n};
  own_foreign_ = nullptr;
  BecomeOwnIdle(/*keep_open=*/false);
  own_backoff_.Succeed();  // a write landed: the path is healthy
  // Freshness rule (README "Freshness of reads"): only a cas SENT once the
  // round was due moved this node's seq-kv view past every write applied
  // before it fell due. An older one, confirmed late (a lost reply resolved
  // by a read), proves nothing about writes since.
  const absl::optional<absl::Time> due = RoundDueAt();
  if (due.has_value() && attempt.sent_at >= *due) BecomeSynced();
  for (size_t i = 0; i < attempt.adds; ++i) {
    PendingAdd& add = pending_.front();
    if (!add.answered) {
      Reply(add.client, kvclient::AddOkBody(add.msg_id));
      ++stats_.adds_acked;
    }
    pending_.pop_front();
  }
}

// ------------------------------------------ refresh rounds: transitions --

int Node::RoundReads() const { return CurrentReads().count; }

Node::ReadsOut Node::CurrentReads() const {
  if (const auto* s = absl::get_if<RoundWaiting>(&round_)) return s->reads;
  if (const auto* s = absl::get_if<RoundDue>(&round_)) return s->reads;
  if (const auto* s = absl::get_if<RoundSynced>(&round_)) return s->reads;
  return ReadsOut{};
}

// When the round that is not synced yet fell (or falls) due; nullopt when
// there is none (kOff, kSynced).
absl::optional<absl::Time> Node::RoundDueAt() const {
  if (const auto* s = absl::get_if<RoundWaiting>(&round_)) return s->due;
  if (const auto* s = absl::get_if<RoundDue>(&round_)) return s->due;
  if (const auto* s = absl::get_if<RoundSyncWanted>(&round_)) return s->due;
  return absl::nullopt;
}

void Node::ArmRefresh(absl::Time due) { timers_.Set(Timer::kRefresh, due); }

void Node::BecomeWaiting(absl::Time due, absl::Time reads_sent_at) {
  MC_ASSERT(Is<RoundOff>(round_) || Is<RoundSynced>(round_),
            "a round starts waiting at recovery or once its reads went out; "
            "state ",
            Name(round_state()));
  MC_ASSERT(RoundReads() == 0, "one round's reads at a time: ", RoundReads(),
            " still out");
  round_ = RoundWaiting{due, reads_sent_at, ReadsOut{}};
  timers_.Clear(Timer::kSyncGrace);
  ArmRefresh(due);
}

// The waiting round falls due at `due` instead; its reads went out at
// `reads_sent_at`.
void Node::Reschedule(absl::Time due, absl::Time reads_sent_at) {
  auto* waiting = absl::get_if<RoundWaiting>(&round_);
  MC_ASSERT(waiting != nullptr, "only a waiting round is rescheduled; ",
            Name(round_state()));
  waiting->due = due;
  waiting->reads_sent_at = reads_sent_at;
  ArmRefresh(due);
}

void Node::BecomeDue() {
  const auto* waiting = absl::get_if<RoundWaiting>(&round_);
  MC_ASSERT(waiting != nullptr, "only a waiting round falls due; ",
            Name(round_state()));
  const RoundDue due{waiting->due, waiting->reads};
  round_ = due;
  timers_.Clear(Timer::kRefresh);
  // The grace runs only while no read of the last round is out (a round
  // still waiting for a read goes on when that read ends: its reply, or its
  // kv_timeout, which wakes the node).
  if (due.reads.count == 0) {
    timers_.Set(Timer::kSyncGrace, due.due + options_.sync_grace);
  }
}

void Node::BecomeSyncWanted() {
  const auto* due = absl::get_if<RoundDue>(&round_);
  MC_ASSERT(due != nullptr && due->reads.count == 0,
            "a sync is wanted only by a due round with no read out; ",
            Name(round_state()), ", reads ", RoundReads());
  round_ = RoundSyncWanted{due->due};
  timers_.Clear(Timer::kSyncGrace);
}

void Node::BecomeSynced() {
  MC_ASSERT(!Is<RoundOff>(round_), "no round to sync");
  round_ = RoundSynced{CurrentReads()};
  timers_.Clear(Timer::kRefresh);
  timers_.Clear(Timer::kSyncGrace);
}

bool Node::EndRoundRead(bool ok, absl::Time sent_at) {
  MC_ASSERT(RoundReads() > 0, "a round read ended that was never sent");
  absl::visit(
      [ok](auto& state) {
        using State = std::decay_t<decltype(state)>;
        if constexpr (std::is_same<State, RoundWaiting>::value ||
                      std::is_same<State, RoundDue>::value ||
                      std::is_same<State, RoundSynced>::value) {
          --state.reads.count;
          if (!ok) state.reads.failed = true;
        }
      },
      round_);
  const auto* due = absl::get_if<RoundDue>(&round_);
  if (due != nullptr && due->reads.count == 0) {
    timers_.Set(Timer::kSyncGrace, due->due + options_.sync_grace);
  }
  const ReadsOut reads = CurrentReads();
  if (reads.count > 0) return false;
  if (reads.failed) RoundFailed(sent_at);
  return !reads.failed;
}

// ------------------------------------------------------------- summary --

void Node::BecomePushQueued(Json from) {
  MC_ASSERT(!Is<PushRereadQueued>(push_),
            "a re-read is sent in the Pump that queued it, before any reply");
  if (Is<PushIdle>(push_) || Is<PushQueued>(push_)) {
    push_ = PushQueued{std::move(from)};
  } else {
    push_ = PushInFlightQueued{std::move(from)};
  }
}

void Node::BecomePushUnqueued() {
  MC_ASSERT(!Is<PushRereadQueued>(push_),
            "a re-read is sent in the Pump that queued it, before any reply");
  if (Is<PushQueued>(push_)) push_ = PushIdle{};
  if (Is<PushInFlightQueued>(push_)) push_ = PushInFlight{};
}

Json Node::BecomePushInFlight() {
  auto* queued = absl::get_if<PushQueued>(&push_);
  MC_ASSERT(queued != nullptr, "one summary cas at a time; state ",
            Name(push_state()));
  Json from = std::move(queued->from);
  push_ = PushInFlight{};
  return from;
}

void Node::BecomePushEnded() {
  if (Is<PushInFlight>(push_)) {
    push_ = PushIdle{};
    return;
  }
  auto* queued = absl::get_if<PushInFlightQueued>(&push_);
  MC_ASSERT(queued != nullptr, "no summary cas in flight; state ",
            Name(push_state()));
  push_ = PushQueued{std::move(queued->from)};
}

void Node::BecomeRereadQueued() {
  MC_ASSERT(Is<PushInFlight>(push_) || Is<PushInFlightQueued>(push_),
            "a re-read follows a lost cas; state ", Name(push_state()));
  push_ = PushRereadQueued{};  // what it read is gone
}

void Node::BecomeRereadDone() {
  MC_ASSERT(Is<PushRereadQueued>(push_), "no re-read was queued; state ",
            Name(push_state()));
  push_ = PushIdle{};
}

void Node::OnPeerRead(const std::string& peer, const KvReply& reply,
                      absl::Time sent_at) {
  absl::optional<Entry> entry = EntryFromRead(reply, peer);
  if (EndRoundRead(entry.has_value(), sent_at)) round_backoff_.Succeed();
  if (!entry.has_value()) return;
  if (UsesPush()) {
    // A push may have brought a newer entry than this read: only newer
    // entries are adopted, whichever way they came.
    AdoptPeerEntry(peer, *entry, Via::kRead);
    if (RoundReads() == 0) {
      AdaptRefreshInterval();
      // A relay root forwards what its reads found at once rather than at
      // its next round: its children know nothing else across a partition.
      if (UsesRelay() && gossip_ == Gossip::kWaiting) {
        timers_.Set(Timer::kPush, now_);
      }
    }
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
  if (RoundReads() == 0) AdaptRefreshInterval();
}

void Node::OnSummaryRead(const KvReply& reply, bool round_read,
                         absl::Time sent_at) {
  absl::optional<Json> read;  // null Json: the key does not exist yet
  if (IsError(reply, ErrorCode::kKeyDoesNotExist)) {
    read = Json(nullptr);
  } else if (const auto* ok = absl::get_if<KvOk>(&reply)) {
    read = ok->value;
  }
  bool round_done = false;  // the round's read, and it was answered
  if (round_read) {
    round_done = EndRoundRead(read.has_value(), sent_at);
  } else {
    MC_ASSERT(summary_rereads_ > 0, "a re-read answered that was never sent");
    --summary_rereads_;
    if (!read.has_value()) RoundFailed(sent_at);  // this round's push is off
  }
  // Only the newest read decides what to cas from (reads of one node never
  // go back in seq-kv's order); an older value would be sure to fail.
  BecomePushUnqueued();
  if (read.has_value()) {
    Summary summary = DecodeSummary(*read);
    MergeSummary(summary);
    // A round with news to push is not quiet: until the push lands, keep
    // the short interval so a lost race is retried soon.
    if (KnowsMoreThan(summary)) {
      BecomePushQueued(*std::move(read));
      round_saw_change_ = true;
    }
  }
  // A round that has nothing to push did all its work; one that pushes is
  // done when its cas lands (OnSummaryCasReply).
  if (round_done && !Is<PushQueued>(push_) && !Is<PushInFlightQueued>(push_)) {
    round_backoff_.Succeed();
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
    } else if (entry != summary.end() &&
               Newer(entry->second, seen->second, Via::kSummary)) {
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
  if (own_.n > 0 && Newer(own_since, in_summary(node_id_), Via::kSummary)) {
    return true;
  }
  for (const auto& [peer, entry] : peers_seen_) {
    if (Newer(entry, in_summary(peer), Via::kSummary)) return true;
  }
  return false;
}

// Write counts order one node's entries, however they came; totals do not
// once they can fall.
bool Node::Newer(const Entry& a, const Entry& b, Via) const {
  return a.n > b.n;
}

// One cas at a time, from exactly the value read: if another node's cas
// landed in between, this one fails (22), and the node re-reads and tries
// again (twice per round, then the next round). So no push ever erases
// another's news.
void Node::MaybePushSummary(absl::Time now) {
  if (Is<PushRereadQueued>(push_)) {
    BecomeRereadDone();
    if (summary_rereads_ >= kSummaryRetries) {
      // Bound on re-reads in flight: the next round reads anyway.
      Log(LogKind::kKvFailure,
          "summary re-read skipped: earlier re-reads are still out");
      return;
    }
    ++summary_rereads_;
    SendKv(Purpose::kRereadSummary, kvclient::KvRead{SummaryKey()}, now);
    return;
  }
  if (!Is<PushQueued>(push_)) return;
  Json from = BecomePushInFlight();
  bool create = from.is_null();
  SendKv(
      Purpose::kCasSummary,
      kvclient::KvCas{SummaryKey(), std::move(from), EncodeSummary(), create},
      now);
}

void Node::OnSummaryCasReply(const kvclient::KvCas& cas, const KvReply& reply,
                             absl::Time sent_at) {
  const auto* error = absl::get_if<KvError>(&reply);
  if (error == nullptr) {
    // A round read that overlapped this cas may have queued a push from the
    // very value this cas replaced: it could only fail (found by the fuzzer).
    const auto* queued = absl::get_if<PushInFlightQueued>(&push_);
    bool stale = queued != nullptr && queued->from == cas.from;
    BecomePushEnded();
    if (stale) BecomePushUnqueued();
    round_backoff_.Succeed();
    return;
  }
  bool retry =
      error->code == static_cast<int64_t>(ErrorCode::kPreconditionFailed) &&
      summary_retries_left_ > 0;
  if (retry) {
    --summary_retries_left_;
    BecomeRereadQueued();
  } else {
    BecomePushEnded();  // a queued push (from a later read) goes out at once
  }
  Log(LogKind::kKvFailure,
      absl::StrCat("summary push failed with ", Describe(*error), "; ",
                   retry ? "re-reading it" : "the next round retries"));
  // A lost race is re-read at once (at most kSummaryRetries times a round);
  // a push that did not land this round is a failure of the round's work.
  if (!retry) RoundFailed(sent_at);
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
  if (const auto* waiting = absl::get_if<RoundWaiting>(&round_)) {
    Reschedule(waiting->reads_sent_at +
                   std::max(RoundGap(), RetryDelay(round_backoff_)),
               waiting->reads_sent_at);
  }
}

// An add here brings a stretched round back to the short interval, unless
// the rounds are backing off (an add does not heal seq-kv).
void Node::OnLocalActivity(absl::Time now) {
  round_saw_change_ = true;
  refresh_interval_ = base_interval_;
  const auto* waiting = absl::get_if<RoundWaiting>(&round_);
  if (waiting != nullptr && waiting->due > now + refresh_interval_ &&
      RetryDelay(round_backoff_) == absl::ZeroDuration()) {
    Reschedule(now + RoundGap(), now);
  }
}

void Node::OnKvTimeout(const KvCall& call, absl::Time now) {
  ++stats_.kv_timeouts;
  Log(LogKind::kKvFailure,
      absl::StrCat("KV timeout: ", kvclient::DescribeKvRequest(call.request)));
  switch (call.purpose) {
    case Purpose::kResolveOwn:
      BecomeOwnReadFailed(OwnRetryAt(call.sent_at, now));
      break;
    case Purpose::kFlush:  // it may have landed
      BecomeOwnUnsure(OwnRetryAt(call.sent_at, now));
      break;
    case Purpose::kReadPeer:
    case Purpose::kReadSummary: EndRoundRead(false, call.sent_at); break;
    case Purpose::kRereadSummary:
      MC_ASSERT(summary_rereads_ > 0, "a re-read lost that was never sent");
      --summary_rereads_;
      RoundFailed(call.sent_at);
      break;
    case Purpose::kCasSummary:
      BecomePushEnded();
      RoundFailed(call.sent_at);
      break;
  }
}

// ------------------------------------------------------------- backoff --
//
// Every KV retry path backs off (counter/backoff.h, README "Backoff"): the
// first retry after a success goes at once, later ones wait a capped,
// jittered, doubling delay counted from the failed request's sending, and
// a success resets it. The own key (load, resolve, write) waits in kUnloaded
// or kUnsure for Timer::kOwnRetry; the refresh rounds (peer, summary and
// fallback reads, the summary cas and its re-reads, at most kSummaryRetries
// a round) wait in kWaiting for a later due time.

absl::Duration Node::RoundBackoffCap() const {
  return std::max(options_.retry_cap, options_.max_refresh_interval);
}

absl::Time Node::OwnRetryAt(absl::Time sent_at, absl::Time now) {
  own_backoff_.Fail();
  const absl::Time at = std::max(now, sent_at + RetryDelay(own_backoff_));
  if (at > now) {
    Log(LogKind::kBackoff,
        absl::StrCat("own key: ", own_backoff_.failures(),
                     " failed requests in a row; the next in ",
                     absl::FormatDuration(at - now)));
  }
  return at;
}

void Node::RoundFailed(absl::Time sent_at) {
  round_backoff_.Fail();
  const absl::Duration delay = RetryDelay(round_backoff_);
  if (delay == absl::ZeroDuration()) return;
  Log(LogKind::kBackoff,
      absl::StrCat("refresh rounds: ", round_backoff_.failures(),
                   " failed in a row; the next waits at least ",
                   absl::FormatDuration(delay), " after the last"));
  if (const auto* waiting = absl::get_if<RoundWaiting>(&round_)) {
    if (sent_at + delay > waiting->due) {
      Reschedule(sent_at + delay, waiting->reads_sent_at);
    }
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
absl::Duration Node::SilenceBound(absl::Time now) const {
  if (UsesRelay() && Busy(now)) {
    return options_.relay_silence + options_.relay_heartbeat;
  }
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
  return now - it->second.heard_at > SilenceBound(now);
}

bool Node::AnySilent(absl::Time now) const {
  for (const std::string& peer : peers_) {
    if (Silent(peer, now)) return true;
  }
  return false;
}

// Relaying while the view changes, heartbeats go every relay_heartbeat and
// silence and contact bounds are short: staleness accrues only while there
// is news, and a partition must be noticed then. Once nothing changed for
// push_heartbeat they relax to the push mode's (a quiet cluster costs
// 2(N-1) pushes per push_heartbeat).
bool Node::Busy(absl::Time now) const {
  return now - view_changed_at_ < options_.push_heartbeat;
}

absl::Duration Node::Heartbeat(absl::Time now) const {
  return UsesRelay() && Busy(now) ? options_.relay_heartbeat
                                  : options_.push_heartbeat;
}

absl::Duration Node::Contact(absl::Time now) const {
  return Busy(now) ? options_.relay_contact : 2 * options_.relay_contact;
}

bool Node::FallbackWanted(absl::Time now) const {
  return AnySilent(now) && (!UsesRelay() || RelayRoot(now));
}

// ---------------------------------------------------------------- relay --
//
// Relay dissemination (README "Dissemination: relay"). Ranks are the
// sorted node ids. Each round a node pushes its view "up" to its parent,
// the first peer in rank order that pushed to it directly within
// relay_contact (live), and to every peer that pushed up to it within
// relay_contact (its children). With no partition everyone's parent is the
// lowest id, n0 (whose own is the next, n1): N-1 pushes up and N-1 down per
// round, and news takes two hops. A parent that goes quiet is dead to its
// children after relay_contact; they move to the next live peer, and probe
// the earlier ones again every relay_retry (one up push each), so the tree
// returns to the lowest id after a heal. Parent edges connect each group a
// partition leaves; the lowest rank of a group has no live parent of lower
// rank (it is a root), and only roots read silent peers' keys, forwarding
// what they read to their children like any entry: a partition costs a few
// roots' reads per round, not N-1 reads at every node.

bool Node::Live(const std::string& peer, absl::Time now) const {
  return now - push_peers_.at(peer).direct_at <= Contact(now);
}

bool Node::RelayRoot(absl::Time now) const {
  MC_ASSERT(UsesRelay(), "roots exist only when relaying");
  for (const std::string& peer : peers_) {
    if (peer > node_id_) break;  // peers_ is sorted: the rest rank higher
    if (Live(peer, now)) return false;
  }
  return true;
}

std::vector<std::string> Node::RelayParents(absl::Time now) {
  std::vector<std::string> parents;
  bool probed = false;  // at most one new probe per round: bounded cost
  for (const std::string& peer : peers_) {
    PeerPush& p = push_peers_.at(peer);
    if (Live(peer, now)) {
      parents.push_back(peer);
      break;  // the parent: nothing after it is asked
    }
    if (!probed && now - p.probe_at >= options_.relay_retry) {
      probed = true;
      p.probe_at = now;
      parents.push_back(peer);
    }
  }
  MC_ASSERT(parents.size() <= 2,
            "one live parent and one probe at most: ", parents.size());
  return parents;
}

std::vector<std::string> Node::RelayTargets(absl::Time now,
                                            std::vector<std::string>* parents) {
  *parents = RelayParents(now);
  std::vector<std::string> targets = *parents;
  for (const std::string& peer : peers_) {
    if (now - push_peers_.at(peer).up_at <= Contact(now)) {
      targets.push_back(peer);  // a child
    }
  }
  std::sort(targets.begin(), targets.end());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
  std::sort(parents->begin(), parents->end());
  MC_ASSERT(targets.size() <= peers_.size(), "each peer once at most");
  return targets;
}

// Adopts `entry` for `peer` if it is newer than the one seen (or none is):
// by write count, so a node's entries only move forward however they come
// (pushed, forwarded, read, reordered, duplicated).
bool Node::AdoptPeerEntry(const std::string& peer, const Entry& entry,
                          Via via) {
  MC_ASSERT(IsPeer(peer), "only cluster members are adopted: ", peer);
  auto seen = peers_seen_.find(peer);
  bool newer = seen == peers_seen_.end() || Newer(entry, seen->second, via);
  if (!newer) return false;
  if (seen != peers_seen_.end() && seen->second.total != entry.total) {
    ++changes_this_round_;
  }
  round_saw_change_ = true;
  peers_seen_[peer] = entry;
  // With one hop every node pushes straight to every other: an adopted
  // entry reached everyone from its owner and needs no forwarding.
  if (push_hops_ > 1) ++view_version_;
  view_changed_at_ = now_;
  return true;
}

// {"type":"counter_push","view":{"n1":[n,total,heartbeat],...}} from a
// peer. Anything else (unknown sender, before init, malformed members) is
// logged and ignored; a malformed member never stops the others.
void Node::HandlePush(const kvclient::Message& message, absl::Time now) {
  if (node_id_.empty() || !IsPeer(message.src)) {
    Log(LogKind::kStranger,
        absl::StrCat("ignoring a push from ", message.src,
                     node_id_.empty() ? " before init" : ", not a peer"));
    return;
  }
  auto view = message.body.find("view");
  if (view == message.body.end() || !view->is_object()) {
    Log(LogKind::kBadPush,
        absl::StrCat("ignoring a push without a view object from ",
                     message.src));
    return;
  }
  bool sender_behind = false;  // it lacks something this node knows
  size_t known = 0;
  int bad = 0;
  for (auto it = view->begin(); it != view->end(); ++it) {
    int64_t n = 0, total = 0, heartbeat = 0;
    if (!DecodePushedMember(it.value(), &n, &total, &heartbeat)) {
      if (++bad <= kMaxLoggedBadPushMembers) {
        Log(LogKind::kBadPush,
            absl::StrCat("push from ", message.src, ": member ", it.key(),
                         " is malformed: ", Compact(it.value())));
      }
      continue;
    }
    if (it.key() != node_id_ && !IsPeer(it.key())) continue;  // a stranger
    ++known;
    TakePushedMember(it.key(), n, total, heartbeat, now, &sender_behind);
  }
  if (bad > kMaxLoggedBadPushMembers) {
    Log(LogKind::kBadPush,
        absl::StrCat("... and ", bad - kMaxLoggedBadPushMembers,
                     " more malformed members"));
  }
  PeerPush& from = push_peers_.at(message.src);
  from.direct_at = now;
  auto up = message.body.find("up");
  if (up != message.body.end() && *up == true) {
    // A new child gets the whole view at the next round, however recently
    // it had a heartbeat from here.
    if (now - from.up_at > Contact(now)) sender_behind = true;
    from.up_at = now;
  }
  // The sender lacks entries this node holds (it restarted, or a push to
  // it was lost): its next push round from here sends the view again.
  if (sender_behind || known < peers_seen_.size() + (OwnLoaded() ? 1 : 0)) {
    from.sent_version = 0;
  }
}

// One well-formed member of a push, about this node or one of its peers.
void Node::TakePushedMember(const std::string& node, int64_t n, int64_t total,
                            int64_t heartbeat, absl::Time now,
                            bool* sender_behind) {
  if (node == node_id_) {
    if (n < own_.n && own_.total != total) *sender_behind = true;
    if (OwnLoaded()) own_n_pushed_ = std::max(own_n_pushed_, n);
    return;
  }
  PeerPush& about = push_peers_.at(node);
  if (heartbeat > about.heartbeat) {
    about.heartbeat = heartbeat;
    about.heard_at = now;
  }
  AdoptPeerEntry(node, Entry{total, "", n}, Via::kPush);
  auto seen = peers_seen_.find(node);
  if (seen != peers_seen_.end() && seen->second.n > n &&
      seen->second.total != total) {
    *sender_behind = true;
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

// Only confirmed entries: the own one as last confirmed in seq-kv.
Json Node::EncodeView(absl::Time now) const {
  Json view = Json::object();
  // The heartbeat is the sending time in ms: it only grows, across
  // restarts too (a restarted node's round count would start again at 0,
  // and its peers would take it for silent until it passed the old one).
  // Receivers compare one owner's heartbeats with each other only.
  const int64_t heartbeat = std::max<int64_t>(0, absl::ToUnixMillis(now));
  view[node_id_] = {own_.n, own_.total, heartbeat};
  for (const auto& [peer, entry] : peers_seen_) {
    view[peer] = {entry.n, entry.total, push_peers_.at(peer).heartbeat};
  }
  return Json{{"type", kPushType}, {"view", std::move(view)}};
}

void Node::MaybePushView(absl::Time now) {
  if (gossip_ != Gossip::kWaiting || !timers_.Expired(Timer::kPush, now)) {
    return;
  }
  const uint64_t round = static_cast<uint64_t>(push_rounds_++);
  // Relaying, after the first round (to everyone): parents and children.
  std::vector<std::string> parents;
  const bool relay = UsesRelay() && round > 0;
  std::vector<std::string> targets =
      relay ? RelayTargets(now, &parents) : PushTargets(round);
  Json body;  // encoded once, for the first target that needs it
  for (const std::string& target : targets) {
    PeerPush& to = push_peers_.at(target);
    const bool up = std::binary_search(parents.begin(), parents.end(), target);
    bool current = to.sent_version == view_version_;
    // A silent peer may not have received what was sent (a partition drops
    // it): it gets every round, so after a heal it is current within one.
    // A probe, or the first push to a new parent, goes out whatever it
    // was last sent: the receiver learns it has a child.
    if (current && now - to.sent_at < Heartbeat(now) && !Silent(target, now) &&
        !(up && (to.probe_at == now || !to.sent_up))) {
      continue;
    }
    if (body.is_null()) body = EncodeView(now);
    if (up) {
      Json up_body = body;
      up_body["up"] = true;  // "relay for me": the receiver's child now
      SendPush(target, std::move(up_body));
    } else {
      SendPush(target, body);
    }
    ++stats_.pushes;
    to.sent_version = view_version_;
    to.sent_at = now;
    to.sent_up = up;
  }
  BecomeGossipWaiting(
      now + (UsesRelay() ? options_.relay_interval : options_.push_interval));
}

// ------------------------------------------------------------ scheduling --

void Node::Pump(absl::Time now) {
  ReplyTimedOutAdds(now);
  for (const KvCall& call : rpcs_.Expire(now)) OnKvTimeout(call, now);
  if (!node_id_.empty()) {
    MaybeResolve(now);
    MaybeRefresh(now);
    MaybeFlush(now);
    MaybePushSummary(now);
    MaybePushView(now);
  }
  ArmTableTimers();
  std::vector<std::string> counts;  // log lines the rate limit dropped
  log_limit_.Report(now, &counts);
  for (std::string& line : counts) AppendLog(std::move(line));
  CheckInvariants(now);
}

void Node::MaybeResolve(absl::Time now) {
  if (Is<OwnIdle>(own_state_) && own_n_pushed_ > own_.n) {
    // Only pushes can tell: with nothing to write, no cas would fail on it.
    Log(LogKind::kOwnKey,
        absl::StrCat("a peer saw the own key at n ", own_n_pushed_, ", past n ",
                     own_.n, ": reading it again"));
    own_n_pushed_ = 0;
    BecomeOwnRechecking();
    SendKv(Purpose::kResolveOwn, kvclient::KvRead{KeyOf(node_id_)}, now);
    return;
  }
  // A key not known (not loaded yet, or a write's fate open) is read when
  // its retry timer fires: at once, or after a backoff.
  if (!Is<OwnUnloaded>(own_state_) && !Is<OwnUnsure>(own_state_)) return;
  if (!timers_.Expired(Timer::kOwnRetry, now)) return;
  BecomeOwnReading();
  SendKv(Purpose::kResolveOwn, kvclient::KvRead{KeyOf(node_id_)}, now);
}

void Node::MaybeFlush(absl::Time now) {
  if (!Is<OwnIdle>(own_state_)) return;
  if (pending_.empty() && !Is<RoundSyncWanted>(round_)) return;
  const Attempts& open = OpenAttempts();
  if (open.size() >= options_.max_open_attempts) {
    // Bound on open attempts: send the newest again (same tag, same cas).
    // If either copy lands, a read recognizes it; adds that came since
    // wait for the next attempt. Its sent_at stays the first copy's: a
    // late confirmation must not pass for a sync (see Confirm).
    Log(LogKind::kOwnKey,
        absl::StrCat(open.size(), " own-key writes are open: sending ",
                     open.back().tag, " again"));
    kvclient::KvRequest again = open.back().request;
    BecomeOwnWriting(absl::nullopt);
    ++stats_.flushes;
    SendKv(Purpose::kFlush, std::move(again), now);
    return;
  }
  Attempt attempt = NextAttempt(now);
  kvclient::KvRequest request = attempt.request;
  BecomeOwnWriting(std::move(attempt));
  ++stats_.flushes;
  SendKv(Purpose::kFlush, std::move(request), now);
}

// A new attempt from base own_ with every pending add, a tag never used.
Node::Attempt Node::NextAttempt(absl::Time now) {
  Attempt attempt;
  attempt.tag =
      absl::StrCat(absl::Hex(options_.incarnation), ".", next_attempt_++);
  attempt.total = own_.total;
  attempt.n = own_.n + 1;
  // Admission checked the total the node knew then; an own key first read
  // after the add arrived (a restart) can hold more, so the batch could still
  // leave int64. Such an add certainly did not apply: reject it (12) rather
  // than wrap. Adds inside an open attempt stay: that total was checked.
  const Attempts& open = OpenAttempts();
  size_t covered = open.empty() ? 0 : open.back().adds;
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
  attempt.request =
      OwnWriteRequest(Entry{attempt.total, attempt.tag, attempt.n});
  return attempt;
}

// A foreign value is replaced only if it is still exactly what was read (a
// garbled read reply looks like a foreign value: a blind write would erase
// the real total); an absent key is created; our own value is replaced
// only if it is still exactly what we confirmed.
kvclient::KvRequest Node::OwnWriteRequest(const Entry& to) const {
  if (own_.tag == kForeignTag) {
    return kvclient::KvCas{KeyOf(node_id_), own_foreign_, EncodeEntry(to),
                           false};
  }
  if (own_.tag.empty()) {
    return kvclient::KvCas{KeyOf(node_id_), nullptr, EncodeEntry(to), true};
  }
  return kvclient::KvCas{KeyOf(node_id_), EncodeEntry(own_), EncodeEntry(to),
                         false};
}

void Node::ChooseDissemination(const std::vector<std::string>& node_ids) {
  const bool auto_push =
      options_.dissemination == Dissemination::kAuto && options_.auto_push;
  // auto: pushes while one hop reaches everyone (N <= fanout + 1), else a
  // relay (2(N-1) pushes a round and two hops, where the digit schedule
  // takes fanout x N and R hops of up to R rounds each).
  const bool one_hop =
      static_cast<int64_t>(peers_.size()) <= options_.push_fanout;
  if (options_.dissemination == Dissemination::kRelay ||
      (auto_push && !one_hop)) {
    BecomeSpread(Spread::kRelay);
    return;
  }
  if (options_.dissemination == Dissemination::kPush || auto_push) {
    BecomeSpread(Spread::kPush);
    return;
  }
  bool allowed = false;
  switch (options_.dissemination) {
    case Dissemination::kPeerKeys:
    case Dissemination::kPush:
    case Dissemination::kRelay: allowed = false; break;
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
    BecomeSpread(Spread::kPeerKeys);
  } else if (options_.dissemination == Dissemination::kSummary) {
    BecomeSpread(Spread::kSummary);
  } else {
    BecomeSpread(Spread::kAutoSummary);
  }
}

bool Node::UsesSummary() const {
  return spread_ == Spread::kSummary || spread_ == Spread::kAutoSummary;
}

void Node::BecomeSpread(Spread spread) {
  bool automatic =
      spread_ == Spread::kAutoSummary || spread_ == Spread::kAutoPeerKeys;
  MC_ASSERT(node_id_.empty() || !automatic || spread == Spread::kAutoSummary ||
                spread == Spread::kAutoPeerKeys,
            "auto dissemination only switches between its two modes");
  MC_ASSERT(node_id_.empty() || !UsesPush() || spread == spread_,
            "push and relay dissemination are chosen once, at init");
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
  BecomeSpread(want ? Spread::kAutoSummary : Spread::kAutoPeerKeys);
  Log(LogKind::kLifecycle,
      absl::StrFormat("KV round trip %s x %.1f changes/s: switching to %s",
                      absl::FormatDuration(rtt), change_rate_,
                      want ? "the summary" : "peer keys"));
}

// Summary rounds get a jitter of up to 1/8 interval, drawn from the
// incarnation's SplitMix64 stream at the round number (the core has no
// other randomness; the backoffs draw from streams of their own): nodes
// started together would otherwise push in step, and the same node could
// lose the summary's cas race round after round.
absl::Duration Node::RoundGap() const {
  if (!UsesSummary() || !options_.jitter_summary_rounds) {
    return refresh_interval_;
  }
  return refresh_interval_ +
         (refresh_interval_ / 8) *
             JitterAt(options_.incarnation, rounds_started_ + 1);
}

// A refresh round reads every peer's key once it is due and synced. Bound:
// if the last write lands at t, the first round due after t is due by
// t + refresh_interval (+ one round's own duration); its sync goes out within
// sync_grace and lands in one KV round trip, its reads in another.
void Node::MaybeRefresh(absl::Time now) {
  if (Is<RoundOff>(round_)) return;
  if (UsesPush() && timers_.Expired(Timer::kRefresh, now) &&
      !FallbackWanted(now)) {
    // Pushes are fresh (or, relaying, a parent of lower rank reads the
    // silent peers): no sync, no reads; look again next interval.
    Reschedule(now + RoundGap(), now);
    return;
  }
  if (timers_.Expired(Timer::kRefresh, now)) BecomeDue();
  if (RoundReads() > 0) return;  // the grace starts when the last read ends
  if (Is<RoundSynced>(round_)) {
    SendRoundReads(now);
  } else if (timers_.Expired(Timer::kSyncGrace, now)) {
    BecomeSyncWanted();  // MaybeFlush sends it; its landing syncs the round
  }
}

void Node::SendRoundReads(absl::Time now) {
  MC_ASSERT(RoundReads() == 0, "one round's reads at a time: ", RoundReads(),
            " still out");
  ++rounds_started_;
  MeasureChangeRate(now);
  UpdateDissemination();
  // The previous round's work is over: after failures the next one waits
  // at least the backoff delay.
  BecomeWaiting(now + std::max(RoundGap(), RetryDelay(round_backoff_)), now);
  RoundWaiting& round = absl::get<RoundWaiting>(round_);
  if (UsesSummary()) {
    ++round.reads.count;
    SendKv(Purpose::kReadSummary, kvclient::KvRead{SummaryKey()}, now);
    return;
  }
  for (const std::string& peer : peers_) {
    if (UsesPush() && !Silent(peer, now)) continue;  // its pushes are fresh
    ++round.reads.count;
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

// ------------------------------------------------------------ invariants --

// The node's invariants, after every Step and Tick (Pump). They say which
// combinations of the state machines, the tables and the timers are legal
// (what a state's data rules out by construction is not repeated here); a
// violation aborts (README "Assertions").
void Node::CheckInvariants(absl::Time now) const {
  // Bounds.
  MC_ASSERT(pending_.size() <= options_.max_pending_adds,
            "pending adds are bounded at admission: ", pending_.size());
  MC_ASSERT(OpenAttempts().size() <= options_.max_open_attempts,
            "open attempts are bounded in MaybeFlush: ", OpenAttempts().size());
  MC_ASSERT(rpcs_.size() <= MaxKvRequests(options_),
            "KV requests in flight: ", rpcs_.size());
  MC_ASSERT(peers_seen_.size() <= peers_.size(),
            "only cluster members are remembered");
  const InFlight in_flight = CountInFlight();
  CheckOwnKey(in_flight);
  CheckRound(in_flight);
  CheckSummaryPush(in_flight);
  CheckPushRounds();
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

Node::InFlight Node::CountInFlight() const {
  InFlight count;
  rpcs_.ForEach([&count](int64_t, const KvCall& call) {
    switch (call.purpose) {
      case Purpose::kResolveOwn:
      case Purpose::kFlush: ++count.own; break;
      case Purpose::kReadPeer:
      case Purpose::kReadSummary: ++count.round; break;
      case Purpose::kCasSummary: ++count.summary_cas; break;
      case Purpose::kRereadSummary: ++count.rereads; break;
    }
  });
  return count;
}

void Node::CheckOwnKey(const InFlight& in_flight) const {
  const bool own_in_flight = Is<OwnLoading>(own_state_) ||
                             Is<OwnWriting>(own_state_) ||
                             Is<OwnResolving>(own_state_);
  MC_ASSERT(in_flight.own == (own_in_flight ? 1u : 0u),
            "one own-key request in flight exactly in loading, writing and "
            "resolving; state ",
            Name(own_key_state()), ", requests ", in_flight.own);
  // An unknown key is read when Timer::kOwnRetry fires, so after init it
  // is armed exactly then, at the state's retry time (past the Pump: the
  // read goes out in the Pump its time comes).
  const auto* unloaded = absl::get_if<OwnUnloaded>(&own_state_);
  const auto* unsure = absl::get_if<OwnUnsure>(&own_state_);
  const bool waits =
      (unloaded != nullptr && !node_id_.empty()) || unsure != nullptr;
  MC_ASSERT(timers_.Armed(Timer::kOwnRetry) == waits,
            "the own key's retry timer runs exactly while an unknown key "
            "waits to be read; state ",
            Name(own_key_state()));
  MC_ASSERT(!waits || timers_.Get(Timer::kOwnRetry) ==
                          (unsure ? unsure->retry_at : unloaded->retry_at),
            "the retry timer fires at the state's retry time");
  MC_ASSERT(node_id_.empty() || unloaded == nullptr ||
                unloaded->retry_at != absl::InfiniteFuture(),
            "after init the first read is scheduled");
  if (const auto* writing = absl::get_if<OwnWriting>(&own_state_)) {
    MC_ASSERT(!writing->open.empty(), "the write in flight is an open attempt");
  }
  MC_ASSERT(OwnLoaded() || own_.tag.empty(),
            "nothing is written before the own key is loaded");
  const Attempts& open = OpenAttempts();
  for (size_t i = 0; i < open.size(); ++i) {
    MC_ASSERT(open[i].adds <= pending_.size() &&
                  (i == 0 || open[i - 1].adds <= open[i].adds),
              "each attempt covers a prefix of pending_, and a later one "
              "covers at least as much");
    MC_ASSERT(open[i].n == own_.n + 1,
              "open attempts are built on own_ (a new base clears them)");
  }
}

void Node::CheckRound(const InFlight& in_flight) const {
  MC_ASSERT(Is<RoundOff>(round_) == (!OwnLoaded() || peers_.empty()),
            "rounds run exactly once the own key is loaded, with peers; "
            "state ",
            Name(round_state()));
  MC_ASSERT(static_cast<size_t>(RoundReads()) == in_flight.round,
            "round reads counted: ", RoundReads(),
            ", in flight: ", in_flight.round);
  MC_ASSERT(
      RoundReads() <= static_cast<int>(std::max<size_t>(peers_.size(), 1)),
      "one read per peer per round");
  CheckRoundTimers();
}

void Node::CheckRoundTimers() const {
  const auto* waiting = absl::get_if<RoundWaiting>(&round_);
  MC_ASSERT(
      timers_.Armed(Timer::kRefresh) == (waiting != nullptr) &&
          (waiting == nullptr || timers_.Get(Timer::kRefresh) == waiting->due),
      "the refresh timer is armed exactly while a round waits, for "
      "its due time; ",
      Name(round_state()));
  MC_ASSERT(timers_.Armed(Timer::kSyncGrace) ==
                (Is<RoundDue>(round_) && RoundReads() == 0),
            "the grace timer runs exactly while a due round has no read "
            "out; ",
            Name(round_state()), ", reads ", RoundReads());
  MC_ASSERT(!Is<RoundSynced>(round_) || RoundReads() > 0,
            "a synced round with no read out sends its reads at once");
}

void Node::CheckSummaryPush(const InFlight& in_flight) const {
  MC_ASSERT(!Is<PushQueued>(push_) && !Is<PushRereadQueued>(push_),
            "Pump sends a queued push or re-read at once; ",
            Name(push_state()));
  const bool cas_out = Is<PushInFlight>(push_) || Is<PushInFlightQueued>(push_);
  MC_ASSERT(in_flight.summary_cas == (cas_out ? 1u : 0u),
            "one summary cas in flight exactly when the push says so; ",
            Name(push_state()), ", in flight ", in_flight.summary_cas);
  MC_ASSERT(static_cast<size_t>(summary_rereads_) == in_flight.rereads &&
                summary_rereads_ <= kSummaryRetries,
            "summary re-reads counted: ", summary_rereads_,
            ", in flight: ", in_flight.rereads);
  MC_ASSERT(
      summary_retries_left_ >= 0 && summary_retries_left_ <= kSummaryRetries,
      "retries per round: ", summary_retries_left_);
}

void Node::CheckPushRounds() const {
  MC_ASSERT((gossip_ == Gossip::kWaiting) == GossipShouldRun(),
            "push rounds run exactly in push mode once the own key is "
            "loaded, with peers; state ",
            Name(gossip_));
  MC_ASSERT(timers_.Armed(Timer::kPush) == (gossip_ == Gossip::kWaiting),
            "the push timer is armed exactly while push rounds run");
  MC_ASSERT(push_peers_.size() == peers_.size(),
            "push state for every peer and nothing else");
  MC_ASSERT(!UsesPush() || push_hops_ >= 1, "at least one hop");
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

void Node::SendPush(const std::string& target, Json body) {
  MC_ASSERT(ready_.messages.size() < MaxReadyMessages(),
            "the driver takes Ready after every Step and Tick");
  ready_.messages.push_back(
      kvclient::Message{node_id_, target, std::move(body)});
}

void Node::Reply(const std::string& to, Json body) {
  MC_ASSERT(ready_.messages.size() < MaxReadyMessages(),
            "the driver takes Ready after every Step and Tick");
  MC_ASSERT(kvclient::InReplyTo(body).has_value(),
            "every reply names the request it answers: ", Compact(body));
  ready_.messages.push_back(kvclient::Message{
      node_id_.empty() ? reply_as_ : node_id_, to, std::move(body)});
}

// Rate-limited per kind (kLogLinesPerSecond a second, then a count that
// Pump reports once the second is over), and bounded per Ready.
void Node::Log(LogKind kind, std::string line) {
  std::vector<std::string> counts;  // a previous second's count, if any
  const bool keep = log_limit_.Admit(kind, now_, &counts);
  for (std::string& count : counts) AppendLog(std::move(count));
  if (keep) AppendLog(std::move(line));
}

void Node::AppendLog(std::string line) {
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
    Log(LogKind::kBadKvValue,
        absl::StrCat("summary holds a value this program never writes: ",
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
      Log(LogKind::kBadKvValue, absl::StrCat("summary entry of ", it.key(),
                                             " is malformed: ", Compact(pair)));
    }
  }
  if (malformed > kMaxLoggedMalformedMembers) {
    Log(LogKind::kBadKvValue,
        absl::StrCat("... and ", malformed - kMaxLoggedMalformedMembers,
                     " more malformed summary entries"));
  }
  return summary;
}

}  // namespace counter
