#include "counter/node.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
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

std::string Compact(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

namespace {
// KV msg_ids start at 1 + bits 20..61 of the incarnation (a random 64-bit
// id in production): each process start gets its own range, so a late seq-kv
// reply to the previous incarnation cannot match a request of this one and
// acknowledge adds that never landed. Small test incarnations start at 1.
int64_t FirstKvMsgId(uint64_t incarnation) {
  return 1 + static_cast<int64_t>(incarnation & 0x3FFFFFFFFFF00000ULL);
}
}  // namespace

Node::Node(Options options)
    : options_(std::move(options)),
      base_interval_(options_.refresh_interval),
      refresh_interval_(options_.refresh_interval),
      rpcs_(FirstKvMsgId(options_.incarnation)) {}

// ---------------------------------------------------------------- inputs --

void Node::Step(const kvclient::Message& message, absl::Time now) {
  if (node_id_.empty()) reply_as_ = message.dest;  // before init
  absl::string_view type = kvclient::BodyType(message.body);
  if (message.src == options_.kv_service &&
      kvclient::InReplyTo(message.body).has_value()) {
    HandleKvReply(message, now);
  } else if (type == "init") {
    HandleInit(message, now);
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
  ready_.wake_at = WakeAt();
  Ready out = std::move(ready_);
  ready_ = Ready();
  return out;
}

absl::optional<int64_t> Node::ReadValue() const {
  if (!recovered_ || peers_seen_.size() != peers_.size()) return absl::nullopt;
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
            kvclient::ErrorBody(ErrorCode::kMalformedRequest, msg_id,
                                absl::StrCat("already initialized as ",
                                             node_id_)));
    }
    return;
  }
  node_id_ = init.node_id;
  for (const std::string& id : init.node_ids) {
    if (id != node_id_) peers_.push_back(id);
  }
  std::sort(peers_.begin(), peers_.end());
  peers_.erase(std::unique(peers_.begin(), peers_.end()), peers_.end());
  ChooseDissemination(init.node_ids);
  if (options_.bug == Bug::kForgetOnRestart) {
    own_exact_ = recovered_ = true;  // BUG: assumes an empty key
  }
  // The first refresh is due at once, with no grace to wait for an add.
  next_refresh_ = now - options_.sync_grace;
  Log(absl::StrCat("init as ", node_id_, " with ", peers_.size(),
                   " peers, incarnation ", absl::Hex(options_.incarnation),
                   use_summary_ ? ", summary" : ", peer keys",
                   " rounds every ", absl::FormatDuration(base_interval_)));
  if (msg_id.has_value()) Reply(message.src, kvclient::InitOkBody(*msg_id));
}

void Node::HandleClientRequest(const kvclient::Message& message,
                               absl::Time now) {
  Admission admission = AdmitRequest(message.body, !node_id_.empty(),
                                     options_.allow_negative);
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
  if (request.op == kvclient::CounterOp::kRead) {
    if (options_.bug == Bug::kStaleRead) refresh_due_ = true;
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
  if (request.delta == 0 && options_.bug == Bug::kNone) {
    // Adding 0 changes no total: it is as durable as it will ever be.
    Reply(message.src, kvclient::AddOkBody(*msg_id));
    return;
  }
  OnLocalActivity(now);
  PendingAdd add{message.src, *msg_id, request.delta,
                 now + options_.add_deadline, false};
  if (options_.bug == Bug::kAckBeforeDurable) {
    Reply(add.client, kvclient::AddOkBody(add.msg_id));  // BUG: not durable
    add.answered = true;
  }
  pending_.push_back(std::move(add));
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
  absl::Duration sample = now - call->sent_at;
  kv_rtt_ = kv_rtt_measured_ ? kv_rtt_ + (sample - kv_rtt_) / 8 : sample;
  kv_rtt_measured_ = true;
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

// ------------------------------------------------------- own key, exactly --

void Node::OnFlushReply(const KvReply& reply) {
  flush_in_flight_ = false;
  if (absl::holds_alternative<KvOk>(reply)) {
    Confirm(unresolved_.back());
    return;
  }
  // 22 means some earlier attempt (maybe a previous incarnation's) landed
  // first; any other error or garbage leaves the outcome open. Either way
  // the key must be read before the next attempt.
  const auto& error = absl::get<KvError>(reply);
  Log(absl::StrCat("flush failed with error ", error.code, " (", error.text,
                   "); reading own key to learn what landed"));
  own_exact_ = false;
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
  resolving_ = false;
  absl::optional<Entry> entry = EntryFromRead(reply, node_id_);
  if (!entry.has_value() && absl::holds_alternative<KvOk>(reply)) {
    entry = Entry{0, kForeignTag};  // start from 0 and overwrite it
  }
  if (!entry.has_value()) return;  // error or garbage: Pump retries the read
  // BUG kDoubleCountRetry: forgets which attempts may have landed, so a
  // landed batch is adopted as the base and then added again.
  if (options_.bug != Bug::kDoubleCountRetry) {
    for (const Attempt& attempt : unresolved_) {
      if (attempt.tag == entry->tag) {
        Confirm(attempt);
        return;
      }
    }
  }
  if (entry->tag == own_.tag && entry->total == own_.total) {
    own_exact_ = true;  // nothing landed yet; unresolved attempts may still
    recovered_ = true;
    return;
  }
  AdoptOwnEntry(*entry);
}

// The key holds a value no open attempt of ours wrote: the first read after
// (re)start, or a late write of an earlier incarnation. It becomes the base;
// attempts from the old base can never land (tags are never reused).
void Node::AdoptOwnEntry(const Entry& entry) {
  own_total_since_ = entry.n;  // unknown: assume the total is this new
  if (recovered_) {
    Log(absl::StrCat("own key changed behind us to total ", entry.total,
                     " tag ", entry.tag));
  }
  own_ = entry;
  own_exact_ = true;
  recovered_ = true;
  unresolved_.clear();
}

// `attempt` is in seq-kv: its deltas are durable, counted exactly once.
void Node::Confirm(const Attempt& attempt) {
  if (attempt.total != own_.total) {
    own_total_since_ = attempt.n;
    own_changed_this_round_ = true;
  }
  own_ = Entry{attempt.total, attempt.tag, attempt.n};
  own_exact_ = true;
  recovered_ = true;
  if (attempt.sent_at >= next_refresh_) synced_ = true;
  for (size_t i = 0; i < attempt.adds && !pending_.empty(); ++i) {
    PendingAdd& add = pending_.front();
    if (!add.answered) {
      Reply(add.client, kvclient::AddOkBody(add.msg_id));
      ++stats_.adds_acked;
    }
    pending_.pop_front();
  }
  unresolved_.clear();
}

void Node::OnPeerRead(const std::string& peer, const KvReply& reply) {
  --peer_reads_in_flight_;
  absl::optional<Entry> entry = EntryFromRead(reply, peer);
  if (!entry.has_value()) return;
  auto seen = peers_seen_.find(peer);
  if (seen == peers_seen_.end() || seen->second.tag != entry->tag) {
    round_saw_change_ = true;
  }
  if (seen != peers_seen_.end() && seen->second.total != entry->total) {
    ++changes_this_round_;
  }
  peers_seen_[peer] = *entry;
  if (peer_reads_in_flight_ == 0) AdaptRefreshInterval();
}

// ------------------------------------------------------------- summary --

void Node::OnSummaryRead(const KvReply& reply, bool round_read) {
  if (round_read) --peer_reads_in_flight_;
  absl::optional<Json> read;  // null Json: the key does not exist yet
  if (IsError(reply, ErrorCode::kKeyDoesNotExist)) {
    read = Json(nullptr);
  } else if (const auto* ok = absl::get_if<KvOk>(&reply)) {
    read = ok->value;
  }
  // Only the newest read decides what to cas from (reads of one node never
  // go back in seq-kv's order); an older value would be sure to fail.
  summary_push_from_.reset();
  if (read.has_value()) {
    Summary summary = DecodeSummary(*read);
    MergeSummary(summary);
    // A round with news to push is not quiet: until the push lands, keep
    // the short interval so a lost race is retried soon.
    if (KnowsMoreThan(summary)) {
      summary_push_from_ = std::move(read);
      round_saw_change_ = true;
    }
  }
  if (round_read) {
    summary_retries_left_ = 2;
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
  if (options_.bug == Bug::kMergeByTotal) return a.total > b.total;  // BUG
  return a.n > b.n;
}

// One cas at a time, from exactly the value read: if another node's cas
// landed in between, this one fails (22), and the node re-reads and tries
// again (twice per round, then the next round). So no push ever erases
// another's news.
void Node::MaybePushSummary(absl::Time now) {
  if (summary_reread_wanted_ && !summary_cas_in_flight_) {
    summary_reread_wanted_ = false;
    SendKv(Purpose::kRereadSummary, kvclient::KvRead{SummaryKey()}, now);
    return;
  }
  if (!summary_push_from_.has_value() || summary_cas_in_flight_) return;
  Json from = *std::move(summary_push_from_);
  summary_push_from_.reset();
  summary_cas_in_flight_ = true;
  bool create = from.is_null();
  SendKv(Purpose::kCasSummary,
         kvclient::KvCas{SummaryKey(), std::move(from), EncodeSummary(), create},
         now);
}

void Node::OnSummaryCasReply(const kvclient::KvCas& cas, const KvReply& reply) {
  summary_cas_in_flight_ = false;
  const auto* error = absl::get_if<KvError>(&reply);
  if (error == nullptr) {
    // A round read that overlapped this cas may have queued a push from the
    // very value this cas replaced: it could only fail (found by the fuzzer).
    if (summary_push_from_.has_value() && *summary_push_from_ == cas.from) {
      summary_push_from_.reset();
    }
    return;
  }
  bool retry = error->code == static_cast<int64_t>(ErrorCode::kPreconditionFailed) &&
               summary_retries_left_ > 0;
  if (retry) {
    --summary_retries_left_;
    summary_reread_wanted_ = true;
    summary_push_from_.reset();  // what it read is gone
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
  if (!refresh_due_) next_refresh_ = last_reads_at_ + RoundGap();
}

void Node::OnLocalActivity(absl::Time now) {
  round_saw_change_ = true;
  refresh_interval_ = base_interval_;
  if (!refresh_due_ && recovered_ && next_refresh_ > now + refresh_interval_) {
    last_reads_at_ = now;
  next_refresh_ = now + RoundGap();
  }
}

void Node::OnKvTimeout(const KvCall& call) {
  ++stats_.kv_timeouts;
  Log(absl::StrCat("KV timeout: ", kvclient::DescribeKvRequest(call.request)));
  switch (call.purpose) {
    case Purpose::kResolveOwn: resolving_ = false; break;
    case Purpose::kFlush:
      flush_in_flight_ = false;
      own_exact_ = false;  // it may or may not have landed
      break;
    case Purpose::kReadPeer:
    case Purpose::kReadSummary: --peer_reads_in_flight_; break;
    case Purpose::kRereadSummary: break;
    case Purpose::kCasSummary: summary_cas_in_flight_ = false; break;
  }
}

// ------------------------------------------------------------ scheduling --

void Node::Pump(absl::Time now) {
  ReplyTimedOutAdds(now);
  for (const KvCall& call : rpcs_.Expire(now)) OnKvTimeout(call);
  if (node_id_.empty()) return;
  MaybeResolve(now);
  MaybeRefresh(now);
  MaybeFlush(now);
  MaybePushSummary(now);
}

void Node::MaybeResolve(absl::Time now) {
  if (own_exact_ || resolving_ || flush_in_flight_) return;
  resolving_ = true;
  SendKv(Purpose::kResolveOwn, kvclient::KvRead{KeyOf(node_id_)}, now);
}

void Node::MaybeFlush(absl::Time now) {
  if (!own_exact_ || flush_in_flight_ || resolving_) return;
  if (pending_.empty() && !want_sync_) return;
  Attempt attempt;
  attempt.tag = absl::StrCat(absl::Hex(options_.incarnation), ".",
                             next_attempt_++);
  attempt.total = own_.total;
  attempt.n = own_.n + 1;
  // Admission checked the total the node knew then; an own key first read
  // after the add arrived (a restart) can hold more, so the batch could still
  // leave int64. Such an add certainly did not apply: reject it (12) rather
  // than wrap. Adds inside an open attempt stay: that total was checked.
  size_t covered = 0;
  for (const Attempt& open : unresolved_) covered = std::max(covered, open.adds);
  for (size_t i = 0; i < pending_.size();) {
    int64_t sum;
    if (!__builtin_add_overflow(attempt.total, pending_[i].delta, &sum) ||
        i < covered) {
      attempt.total = sum;
      ++i;
      continue;
    }
    if (!pending_[i].answered) {
      Reply(pending_[i].client,
            kvclient::ErrorBody(ErrorCode::kMalformedRequest, pending_[i].msg_id,
                                absl::StrCat("delta ", pending_[i].delta,
                                             " would overflow the counter")));
    }
    pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(i));
  }
  attempt.adds = pending_.size();
  attempt.sent_at = now;
  want_sync_ = false;
  flush_in_flight_ = true;
  ++stats_.flushes;
  kvclient::KvRequest request;
  Entry to{attempt.total, attempt.tag, attempt.n};
  if (options_.bug == Bug::kForgetOnRestart && own_.tag.empty()) {
    request = kvclient::KvWrite{KeyOf(node_id_), EncodeEntry(to)};  // BUG
  } else if (own_.tag.empty()) {
    request = kvclient::KvCas{KeyOf(node_id_), nullptr, EncodeEntry(to), true};
  } else if (own_.tag == kForeignTag) {
    request = kvclient::KvWrite{KeyOf(node_id_), EncodeEntry(to)};
  } else {
    request = kvclient::KvCas{KeyOf(node_id_), EncodeEntry(own_),
                              EncodeEntry(to), false};
  }
  unresolved_.push_back(std::move(attempt));
  SendKv(Purpose::kFlush, std::move(request), now);
}

void Node::ChooseDissemination(const std::vector<std::string>& node_ids) {
  switch (options_.dissemination) {
    case Dissemination::kPeerKeys: summary_allowed_ = false; break;
    case Dissemination::kSummary: summary_allowed_ = true; break;
    case Dissemination::kAuto:
      summary_allowed_ = static_cast<int>(peers_.size()) + 1 >=
                         options_.summary_min_nodes;
      break;
  }
  // A node named "summary" would own the summary's key.
  if (std::find(node_ids.begin(), node_ids.end(), "summary") != node_ids.end()) {
    summary_allowed_ = false;
  }
  UseSummary(summary_allowed_);
}

void Node::UseSummary(bool summary) {
  use_summary_ = summary;
  base_interval_ =
      summary ? options_.summary_interval : options_.refresh_interval;
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
  if (!summary_allowed_ || options_.dissemination == Dissemination::kSummary) {
    return;
  }
  // Utilization of the summary key: pushes per second x seconds per push.
  double utilization = change_rate_ * absl::ToDoubleSeconds(kv_rtt_);
  bool want = use_summary_ ? utilization <= 0.5 : utilization <= 0.25;
  if (want == use_summary_) return;
  UseSummary(want);
  Log(absl::StrFormat("KV round trip %s x %.1f changes/s: switching to %s",
                      absl::FormatDuration(kv_rtt_), change_rate_,
                      use_summary_ ? "the summary" : "peer keys"));
}

// Summary rounds get a jitter of up to 1/8 interval, drawn from the
// incarnation and the round number (the core has no other randomness):
// nodes started together would otherwise push in step, and the same node
// could lose the summary's cas race round after round.
absl::Duration Node::RoundGap() const {
  if (!use_summary_ || !options_.jitter_summary_rounds) {
    return refresh_interval_;
  }
  uint64_t x = options_.incarnation + 0x9E3779B97F4A7C15ULL * (rounds_started_ + 1);
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;  // SplitMix64's finalizer
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return refresh_interval_ + (refresh_interval_ / 8) * (static_cast<double>(x >> 11) * 0x1.0p-53);
}

// A refresh round reads every peer's key once it is due and synced. Bound:
// if the last write lands at t, the first round due after t is due by
// t + refresh_interval (+ one round's own duration); its sync goes out within
// sync_grace and lands in one KV round trip, its reads in another.
void Node::MaybeRefresh(absl::Time now) {
  if (!recovered_ || peers_.empty()) return;
  bool timer_driven = options_.bug != Bug::kStaleRead;
  if (timer_driven && now >= next_refresh_) refresh_due_ = true;
  // A round still waiting for a read starts when that read ends (its reply or
  // its kv_timeout, which wakes the node).
  if (!refresh_due_ || peer_reads_in_flight_ > 0) return;
  if (synced_ || !timer_driven) {  // BUG kStaleRead: reads without a sync
    SendRoundReads(now);
  } else if (now >= next_refresh_ + options_.sync_grace) {
    want_sync_ = true;  // MaybeFlush sends it; its landing sets synced_
  }
}

void Node::SendRoundReads(absl::Time now) {
  refresh_due_ = false;
  synced_ = false;
  want_sync_ = false;
  last_reads_at_ = now;
  ++rounds_started_;
  MeasureChangeRate(now);
  UpdateDissemination();
  next_refresh_ = now + RoundGap();
  if (use_summary_) {
    ++peer_reads_in_flight_;
    SendKv(Purpose::kReadSummary, kvclient::KvRead{SummaryKey()}, now);
    return;
  }
  for (const std::string& peer : peers_) {
    ++peer_reads_in_flight_;
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

absl::optional<absl::Time> Node::WakeAt() const {
  absl::optional<absl::Time> wake = rpcs_.NextDeadline();
  auto consider = [&wake](absl::Time t) {
    if (!wake.has_value() || t < *wake) wake = t;
  };
  for (const PendingAdd& add : pending_) {
    if (!add.answered) consider(add.deadline);
  }
  bool timer_driven = options_.bug != Bug::kStaleRead;
  if (recovered_ && timer_driven && !peers_.empty()) {
    if (!refresh_due_) consider(next_refresh_);
    if (refresh_due_ && !synced_ && !want_sync_ &&
        peer_reads_in_flight_ == 0) {
      consider(next_refresh_ + options_.sync_grace);
    }
  }
  return wake;
}

// ---------------------------------------------------------------- output --

void Node::SendKv(Purpose purpose, kvclient::KvRequest request, absl::Time now,
                  std::string peer) {
  ++stats_.kv_requests;
  kvclient::Json body = kvclient::EncodeKvRequest(request, 0);
  int64_t msg_id = rpcs_.Start(now + options_.kv_timeout,
                               KvCall{purpose, std::move(request),
                                      std::move(peer), now});
  body["msg_id"] = msg_id;
  ready_.messages.push_back(
      kvclient::Message{node_id_, options_.kv_service, std::move(body)});
}

void Node::Reply(const std::string& to, Json body) {
  ready_.messages.push_back(
      kvclient::Message{node_id_.empty() ? reply_as_ : node_id_, to,
                        std::move(body)});
}

void Node::Log(std::string line) { ready_.log.push_back(std::move(line)); }

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
  if (total == value.end() || !kvclient::IsInt64(*total) ||
      tag == value.end() || !tag->is_string() || n == value.end() ||
      !kvclient::IsInt64(*n) || n->get<int64_t>() < 0) {
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
  for (auto it = value.begin(); it != value.end(); ++it) {
    const Json& pair = it.value();
    if (pair.is_array() && pair.size() == 2 && kvclient::IsInt64(pair[0]) &&
        kvclient::IsInt64(pair[1]) && pair[0].get<int64_t>() > 0) {
      summary[it.key()] = Entry{pair[1].get<int64_t>(), "",
                                pair[0].get<int64_t>()};
    } else {
      Log(absl::StrCat("summary entry of ", it.key(), " is malformed: ",
                       Compact(pair)));
    }
  }
  return summary;
}

}  // namespace counter
