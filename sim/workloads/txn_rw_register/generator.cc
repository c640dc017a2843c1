#include "sim/workloads/txn_rw_register/generator.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "kvclient/assert.h"

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
  int64_t index;
  if (n <= 61) {
    const uint64_t scale = (uint64_t{1} << (n + 1)) - 2;
    const uint64_t x = prng.Uniform(scale) + 2;
    index = (63 - __builtin_clzll(x)) - 1;
  } else {
    const double scale = (std::pow(2.0, n) - 1) * 2;
    const double r = static_cast<double>(prng.Next() >> 11) * 0x1.0p-53;
    index = static_cast<int64_t>(std::floor(std::log2(r * scale + 2) - 1));
  }
  index = std::min<int64_t>(std::max<int64_t>(index, 0), n - 1);
  return active_keys_[index];
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
