// Elle 0.2.2 txn.clj `rand-key` with `:key-dist :exponential` and
// `:key-dist-base 2`, the key choice of Elle's `wr-txns` generator that
// Maelstrom's kafka and txn-rw-register workloads both use.
//
// Contract: for n >= 1 active keys, returns an index in [0, n) with
// probability 2^(i+1) / (2^(n+1) - 2) (later keys likelier), drawn exactly
// in integers while n <= 61 and in doubles beyond, as Elle computes it.
// Example: with n = 2, index 0 has probability 1/3 and index 1 2/3.
#ifndef SIM_ELLE_RAND_KEY_H_
#define SIM_ELLE_RAND_KEY_H_

#include <cstdint>

#include "sim/maelstrom/prng.h"

namespace elle {

int64_t ExponentialKeyIndex(sim::Prng& prng, int n);

}  // namespace elle

#endif  // SIM_ELLE_RAND_KEY_H_
