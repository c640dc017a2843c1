// The project's one PRNG for simulated code: xoshiro256** seeded through
// SplitMix64. Integer-only draws, no modulo bias, and no std::*_distribution
// (whose output differs between standard libraries), so a seed replays the
// same run anywhere this binary runs.
//
// Example:
//   sim::Prng root(42);
//   sim::Prng net = root.Fork("network");   // independent of root's draws
//   uint64_t die = net.Uniform(6) + 1;       // 1..6, unbiased
//   bool lost = net.Bernoulli(1, 100);       // exactly 1/100
//   absl::Duration d = net.Exponential(absl::Milliseconds(10));
//
// Fork(name) depends only on the seed this Prng was built from and the name
// (FNV-1a, not std::hash), never on how many numbers were drawn: adding a
// draw in one component does not perturb any other component's stream.
#ifndef SIM_MAELSTROM_PRNG_H_
#define SIM_MAELSTROM_PRNG_H_

#include <cmath>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sim {

// SplitMix64's finalizer; also used to spread seeds.
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// 64-bit FNV-1a: a stable string hash (std::hash may differ per platform).
inline uint64_t StableHash(absl::string_view text) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  return h;
}

class Prng {
 public:
  explicit Prng(uint64_t seed) : seed_(seed) {
    uint64_t sm = seed;
    for (uint64_t& word : s_) word = SplitMix64(sm);
  }

  uint64_t seed() const { return seed_; }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n); n == 0 returns 0. Rejection sampling (Lemire's
  // multiply-shift with a threshold) so no value is favoured.
  uint64_t Uniform(uint64_t n) {
    if (n == 0) return 0;
    unsigned __int128 m = static_cast<unsigned __int128>(Next()) * n;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(Next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

  // Uniform in [lo, hi] (inclusive); requires lo <= hi.
  int64_t UniformInt(int64_t lo, int64_t hi) {
    uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
    return static_cast<int64_t>(static_cast<uint64_t>(lo) + Uniform(span + 1));
  }

  // True with probability numerator/denominator, exactly.
  bool Bernoulli(uint64_t numerator, uint64_t denominator) {
    if (numerator == 0 || denominator == 0) return false;
    if (numerator >= denominator) return true;
    return Uniform(denominator) < numerator;
  }

  // Uniform duration in [0, upper) at nanosecond granularity.
  absl::Duration UniformDuration(absl::Duration upper) {
    int64_t ns = absl::ToInt64Nanoseconds(upper);
    if (ns <= 0) return absl::ZeroDuration();
    return absl::Nanoseconds(static_cast<int64_t>(Uniform(ns)));
  }

  // Exponential with the given mean, rounded to whole nanoseconds:
  // -mean * ln(u) with u uniform in (0, 1] from 53 random bits.
  absl::Duration Exponential(absl::Duration mean) {
    double u = static_cast<double>((Next() >> 11) + 1) * 0x1.0p-53;
    double ns =
        -static_cast<double>(absl::ToInt64Nanoseconds(mean)) * std::log(u);
    return absl::Nanoseconds(static_cast<int64_t>(std::llround(ns)));
  }

  // An independent stream for a named component, derived from this Prng's
  // seed and the name only.
  Prng Fork(absl::string_view name) const {
    uint64_t mix = seed_ ^ StableHash(name);
    return Prng(SplitMix64(mix));
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t seed_;
  uint64_t s_[4];
};

}  // namespace sim

#endif  // SIM_MAELSTROM_PRNG_H_
