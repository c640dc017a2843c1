#include "sim/workloads/kafka/generator.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "kvclient/assert.h"
#include "sim/elle/rand_key.h"
#include "sim/workloads/kafka/client.h"

namespace workloads {
namespace kafka {

using kvclient::Json;

TxnGenerator::TxnGenerator(KafkaOptions options)
    : options_(std::move(options)) {
  MC_ASSERT(options_.key_count > 0, "--key-count must be positive");
  MC_ASSERT(options_.max_writes_per_key > 0,
            "--max-writes-per-key must be positive");
  for (int64_t k = 0; k < options_.key_count; ++k) active_keys_.push_back(k);
}

// elle/txn.clj rand-key :exponential with key-dist-base 2: index i with
// probability 2^(i+1) / (2^(n+1) - 2), drawn exactly in integers.
int64_t TxnGenerator::RandKey(sim::Prng& prng) const {
  const int n = static_cast<int>(active_keys_.size());
  return active_keys_[elle::ExponentialKeyIndex(prng, n)];
}

// One micro-op of wr-txns: f uniform from [:r :w]; a write of a key already
// written max-writes-per-key times retires the key and draws again.
Mop TxnGenerator::DrawMop(sim::Prng& prng) {
  while (true) {
    const bool write = prng.Bernoulli(1, 2);
    const int64_t key = RandKey(prng);
    if (!write) return {false, key, 0};
    auto it = next_value_.emplace(key, 1).first;
    if (it->second > options_.max_writes_per_key) {
      // fresh-key: replace it with (inc (reduce max active-keys)).
      const int64_t fresh =
          *std::max_element(active_keys_.begin(), active_keys_.end()) + 1;
      *std::find(active_keys_.begin(), active_keys_.end(), key) = fresh;
      continue;
    }
    return {true, key, it->second++};
  }
}

sim::Op TxnGenerator::Next(sim::Prng& prng) {
  if (!pending_) pending_ = DrawMop(prng);
  const Mop mop = *pending_;
  const std::string key = std::to_string(mop.key);
  // interleave-subscribes: (< (rand) sub-p) -> an assign of the op's keys;
  // the op stays pending.
  const bool assign = prng.Bernoulli(1, options_.sub_p_denominator);
  // poll-unseen: (< (rand) 1/3), drawn for every op.
  const bool unseen = prng.Bernoulli(1, 3);
  if (assign) {
    Json keys = Json::array({key});
    if (unseen && !sent_.empty()) {
      for (const auto& [k, offset] : sent_) {
        const std::string s = std::to_string(k);
        if (s != key) keys.push_back(s);
      }
    }
    return sim::Op("assign", std::move(keys));
  }
  pending_.reset();
  if (!mop.write) return sim::Op("poll", Json::array({Json::array({"poll"})}));
  return sim::Op("send", Json::array({Json::array({"send", key, mop.value})}));
}

std::map<int64_t, int64_t> MaxOffsets(const sim::HistoryEvent& e) {
  std::map<int64_t, int64_t> out;
  if ((e.type != sim::EventType::kOk && e.type != sim::EventType::kInfo) ||
      !e.value.is_array()) {
    return out;
  }
  auto key = [](const std::string& s) -> absl::optional<int64_t> {
    int64_t k;
    if (absl::SimpleAtoi(s, &k)) return k;
    return absl::nullopt;
  };
  std::map<int64_t, int64_t> sent;
  for (const Json& mop : e.value) {
    if (!mop.is_array() || mop.size() < 2 || !mop[0].is_string()) continue;
    if (e.f == "poll" && mop[0] == "poll" && mop[1].is_object()) {
      for (const auto& [k, pairs] : mop[1].items()) {
        auto kk = key(k);
        if (!kk) continue;
        int64_t max = -1;
        for (const auto& p : pairs) {
          if (p.is_array() && !p.empty() && kvclient::IsInt64(p[0])) {
            max = std::max(max, p[0].get<int64_t>());
          }
        }
        auto [it, fresh] = out.emplace(*kk, max);
        if (!fresh) it->second = std::max(it->second, max);
      }
    }
    if (e.f == "send" && mop[0] == "send" && mop.size() >= 3) {
      const Json& v = mop[2];
      auto kk = mop[1].is_string() ? key(mop[1].get<std::string>())
                                   : absl::optional<int64_t>();
      if (!v.is_array() || v.empty() || !kvclient::IsInt64(v[0]) || !kk) {
        sent.clear();  // the reduction turns into nil
        continue;
      }
      auto [it, fresh] =
          sent.emplace(*kk, std::max<int64_t>(0, v[0].get<int64_t>()));
      if (!fresh) it->second = std::max(it->second, v[0].get<int64_t>());
    }
  }
  for (const auto& [k, o] : sent) {
    auto [it, fresh] = out.emplace(k, o);
    if (!fresh) it->second = std::max(it->second, o);
  }
  return out;
}

void TxnGenerator::Update(const sim::HistoryEvent& e) {
  if (e.type != sim::EventType::kOk) return;
  const std::map<int64_t, int64_t> offsets = MaxOffsets(e);
  for (const auto& [k, o] : offsets) {
    auto [it, fresh] = max_offsets_.emplace(k, o);
    if (!fresh) it->second = std::max(it->second, o);
  }
  // PollUnseen.update: sent/polled maxima, then forget caught-up keys.
  const bool send = e.f == "send", poll = e.f == "poll";
  for (const auto& [k, o] : offsets) {
    auto& m = send ? sent_ : poll ? polled_ : sent_;
    if (!send && !poll) continue;
    auto [it, fresh] = m.emplace(k, o);
    if (!fresh) it->second = std::max(it->second, o);
  }
  for (auto it = sent_.begin(); it != sent_.end();) {
    auto p = polled_.find(it->first);
    const int64_t polled = p == polled_.end() ? -1 : p->second;
    if (polled >= it->second) {
      if (p != polled_.end()) polled_.erase(p);
      it = sent_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = polled_.begin(); it != polled_.end();) {
    if (!sent_.count(it->first) && it->second >= -1) {
      it = polled_.erase(it);  // (< (polled k -1) (sent k -1)) is false
    } else {
      ++it;
    }
  }
}

MainGenerator::MainGenerator(KafkaOptions options,
                             std::shared_ptr<MaxOffsetsAtom> offsets)
    : txns_(options),
      offsets_(std::move(offsets)),
      crash_interval_(options.crash_client_interval) {
  MC_ASSERT(offsets_ != nullptr, "the generators share an offsets atom");
}

absl::Duration MainGenerator::CrashInterval(absl::Duration interval,
                                            int concurrency) {
  MC_ASSERT(concurrency > 0, "concurrency is positive: ", concurrency);
  return interval / concurrency;
}

sim::GenResult MainGenerator::Next(const sim::GenContext& ctx,
                                   sim::Prng& prng) {
  // gen/any over the crash stream and the txns: both offer an op at `now`
  // once a crash is due (Stagger returns a due op at the context's time),
  // and soonest-op-map breaks the tie with (rand-int 2).
  const bool crash_due = next_crash_.value_or(ctx.now) <= ctx.now;
  if (crash_due && prng.Uniform(2) == 0) {
    const absl::Duration dt =
        2 * CrashInterval(crash_interval_, ctx.concurrency);
    next_crash_ = ctx.now + prng.UniformDuration(dt);
    return sim::GenResult::Of(sim::Op("crash", nullptr));
  }
  return sim::GenResult::Of(txns_.Next(prng));
}

void MainGenerator::Update(const sim::HistoryEvent& event) {
  txns_.Update(event);
  if (event.type != sim::EventType::kOk) return;
  // TrackKeyOffsets.update: (swap! offsets #(merge-with max % op-offsets)).
  for (const auto& [k, o] : MaxOffsets(event)) {
    auto [it, fresh] = offsets_->emplace(k, o);
    if (!fresh) it->second = std::max(it->second, o);
  }
}

FinalGenerator::FinalGenerator(std::shared_ptr<const MaxOffsetsAtom> offsets,
                               absl::Duration time_limit)
    : offsets_(std::move(offsets)), time_limit_(time_limit) {
  MC_ASSERT(offsets_ != nullptr, "the generators share an offsets atom");
}

sim::GenResult FinalGenerator::Next(const sim::GenContext& ctx,
                                    sim::Prng& prng) {
  if (!started_) {
    // final-polls' delay: the atom read once, when the phase first asks;
    // TimeLimit's cutoff from that moment (every thread is asked at once).
    started_ = true;
    targets_ = *offsets_;
    cutoff_ = ctx.now + time_limit_;
  }
  // FinalPolls.op: (when-not (empty? target-offsets) ...).
  if (targets_.empty()) return sim::GenResult::Exhausted();
  sim::Op op;
  absl::Time at = ctx.now;
  if (step_ == 0) {
    op = sim::Op("crash", nullptr);
    step_ = 1;
  } else if (step_ == 1) {
    // (The :debug-topic-partitions op between them is filtered out by
    // Maelstrom's final generator.) (keys offsets) of a sorted map.
    Json keys = Json::array();
    for (const auto& [k, o] : targets_) keys.push_back(std::to_string(k));
    op = sim::Op("assign", std::move(keys));
    op.extra[kSeekToBeginning] = true;
    step_ = 2;
  } else {
    // (gen/stagger 1/5 (repeat poll)): due at max(next-time, now).
    at = std::max(next_poll_.value_or(ctx.now), ctx.now);
    op = sim::Op("poll", Json::array({Json::array({"poll"})}));
  }
  // TimeLimit: an op at or past the cutoff ends the generator.
  if (at >= cutoff_) return sim::GenResult::Exhausted();
  if (step_ == 2 && op.f == "poll") {
    next_poll_ = at + prng.UniformDuration(PollStaggerDt());
    if (at > ctx.now) op.time = at;
  }
  return sim::GenResult::Of(std::move(op));
}

void FinalGenerator::Update(const sim::HistoryEvent& e) {
  if (e.type != sim::EventType::kOk || e.f != "poll") return;
  for (const auto& [k, seen] : MaxOffsets(e)) {
    auto it = targets_.find(k);
    if (it != targets_.end() && it->second <= seen) targets_.erase(it);
  }
}

}  // namespace kafka
}  // namespace workloads
