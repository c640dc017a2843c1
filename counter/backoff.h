// Capped exponential backoff with jitter, for the node's KV retry paths
// (counter/node.h: the own key, the refresh rounds). Pure: no clock, and no
// std:: or absl random; the jitter is the node's own seeded randomness
// (JitterAt: the SplitMix64 stream of its incarnation), so a simulation seed
// replays every delay.
//
//   Backoff backoff({absl::Milliseconds(100), absl::Seconds(1)},
//                   /*seed=*/incarnation ^ kSomeStream);
//   backoff.Fail();     // 1st failure in a row: 0 (a single failure is
//                       // routine: the retry goes at once)
//   backoff.Fail();     // 2nd: in [50ms, 100ms]
//   backoff.Fail();     // 3rd: in [100ms, 200ms]; ... at most [cap/2, cap]
//   backoff.delay();    // the last delay drawn (0 after Succeed)
//   backoff.Succeed();  // reset: the next failure is the 1st again
//
// The delay counts from when the failed request was SENT: the retry goes at
// max(now, sent_at + delay). A request that timed out has already waited
// its timeout, so with cap <= kv_timeout a timeout never adds a wait; what
// the delay bounds is the request rate (one request per delay per path),
// which matters when a broken service answers at once.
#ifndef COUNTER_BACKOFF_H_
#define COUNTER_BACKOFF_H_

#include <cstdint>

#include "absl/time/time.h"
#include "kvclient/assert.h"

namespace counter {

// The k-th output (k >= 1) of SplitMix64 seeded with `seed`: SplitMix64
// advances its state by the golden gamma and mixes it, so output k is the
// mix of seed + k * gamma. Deterministic, stateless, cheap.
inline uint64_t SplitMix64At(uint64_t seed, uint64_t k) {
  uint64_t x = seed + 0x9E3779B97F4A7C15ULL * k;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// SplitMix64At as a fraction in [0, 1) (its top 53 bits).
inline double JitterAt(uint64_t seed, uint64_t k) {
  return static_cast<double>(SplitMix64At(seed, k) >> 11) * 0x1.0p-53;
}

struct BackoffPolicy {
  absl::Duration base;  // the delay after the 2nd failure in a row
  absl::Duration cap;   // no delay is longer
};

class Backoff {
 public:
  Backoff(BackoffPolicy policy, uint64_t seed) : policy_(policy), seed_(seed) {
    MC_ASSERT(
        policy_.base > absl::ZeroDuration() && policy_.cap >= policy_.base,
        "a backoff needs 0 < base <= cap: base ",
        absl::FormatDuration(policy_.base), ", cap ",
        absl::FormatDuration(policy_.cap));
  }

  // One more failure in a row; returns (and keeps, see delay()) how long
  // after the failed request was sent the next one may go: 0 for the first
  // failure, then d = min(cap, base * 2^(failures - 2)) drawn uniformly from
  // [d/2, d] ("equal jitter": never less than half, so the rate stays
  // bounded, and nodes that failed together spread out).
  absl::Duration Fail() {
    if (failures_ < kMaxCounted) ++failures_;
    if (failures_ == 1) {
      delay_ = absl::ZeroDuration();
      return delay_;
    }
    absl::Duration d = policy_.base;
    for (int i = 2; i < failures_ && d < policy_.cap; ++i) d *= 2;
    if (d > policy_.cap) d = policy_.cap;
    delay_ = d / 2 + (d / 2) * JitterAt(seed_, ++draws_);
    MC_ASSERT(
        delay_ >= d / 2 && delay_ <= policy_.cap,
        "a drawn delay lies in [d/2, cap]: ", absl::FormatDuration(delay_));
    return delay_;
  }

  // A success: the path is healthy again.
  void Succeed() {
    failures_ = 0;
    delay_ = absl::ZeroDuration();
  }

  int failures() const { return failures_; }       // in a row, saturating
  absl::Duration delay() const { return delay_; }  // the last Fail()'s, or 0

 private:
  // Past this many the delay is the cap anyway; the count stops growing.
  static constexpr int kMaxCounted = 64;

  BackoffPolicy policy_;
  uint64_t seed_;
  uint64_t draws_ = 0;  // jitter draws so far: the stream's index
  int failures_ = 0;
  absl::Duration delay_ = absl::ZeroDuration();
};

}  // namespace counter

#endif  // COUNTER_BACKOFF_H_
