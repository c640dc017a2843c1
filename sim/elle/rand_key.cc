#include "sim/elle/rand_key.h"

#include <algorithm>
#include <cmath>

#include "kvclient/assert.h"

namespace elle {

int64_t ExponentialKeyIndex(sim::Prng& prng, int n) {
  MC_ASSERT(n >= 1, "rand-key needs at least one active key");
  int64_t index;
  if (n <= 61) {
    const uint64_t scale = (uint64_t{1} << (n + 1)) - 2;
    const uint64_t x = prng.Uniform(scale) + 2;
    index = (63 - __builtin_clzll(x)) - 1;
  } else {
    // (Math/pow 2 n) in doubles, as Elle computes it.
    const double scale = (std::pow(2.0, n) - 1) * 2;
    const double r = static_cast<double>(prng.Next() >> 11) * 0x1.0p-53;
    index = static_cast<int64_t>(std::floor(std::log2(r * scale + 2) - 1));
  }
  return std::min<int64_t>(std::max<int64_t>(index, 0), n - 1);
}

}  // namespace elle
