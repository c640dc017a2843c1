#include "sim/workloads/txn_rw_register/generator.h"

#include <algorithm>
#include <utility>

#include "kvclient/assert.h"
#include "sim/elle/rand_key.h"

namespace workloads {
namespace txn_rw_register {

using kvclient::Json;

TxnGenerator::TxnGenerator(TxnGeneratorOptions options)
    : options_(std::move(options)) {
  MC_ASSERT(options_.key_count > 0, "--key-count must be positive");
  MC_ASSERT(options_.min_txn_length >= 0 &&
                options_.min_txn_length <= options_.max_txn_length,
            "need 0 <= min-txn-length <= max-txn-length");
  MC_ASSERT(options_.max_writes_per_key > 0,
            "--max-writes-per-key must be positive");
  for (int64_t k = 0; k < options_.key_count; ++k) active_keys_.push_back(k);
}

// elle/txn.clj rand-key :exponential, key-dist-base 2: index i with
// probability 2^(i+1) / (2^(n+1) - 2), drawn exactly in integers.
int64_t TxnGenerator::RandKey(sim::Prng& prng) const {
  const int n = static_cast<int>(active_keys_.size());
  return active_keys_[elle::ExponentialKeyIndex(prng, n)];
}

Json TxnGenerator::Next(sim::Prng& prng) {
  const int64_t length =
      prng.UniformInt(options_.min_txn_length, options_.max_txn_length);
  Json txn = Json::array();
  while (static_cast<int64_t>(txn.size()) < length) {
    const bool write = prng.Bernoulli(1, 2);  // (rand-nth [:r :w])
    const int64_t key = RandKey(prng);
    if (!write) {
      txn.push_back(Json::array({"r", key, nullptr}));
      continue;
    }
    auto it = next_value_.emplace(key, 1).first;
    if (it->second > options_.max_writes_per_key) {
      const int64_t fresh =
          *std::max_element(active_keys_.begin(), active_keys_.end()) + 1;
      *std::find(active_keys_.begin(), active_keys_.end(), key) = fresh;
      continue;
    }
    txn.push_back(Json::array({"w", key, it->second++}));
  }
  return txn;
}

}  // namespace txn_rw_register
}  // namespace workloads
