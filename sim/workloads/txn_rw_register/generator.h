// Maelstrom's txn-rw-register generator (maelstrom/workload/txn_rw_register.clj
// workload -> jepsen/tests/cycle/wr.clj gen -> elle/rw_register.clj gen ->
// elle/txn.clj wr-txns), as a deterministic state machine over the
// project's PRNG.
//
//   TxnGenerator g({.key_count = 10, .max_txn_length = 4});
//   kvclient::Json txn = g.Next(prng);   // [["r",3,null],["w",7,1]]
//
// Each transaction has a length uniform in [min_txn_length, max_txn_length]
// (Maelstrom: --max-txn-length, default 4; no --min-txn-length flag, so 1).
// Each micro-op is a read or a write with equal odds, on a key drawn from
// `key_count` active integer keys (Maelstrom: --key-count, absent -> 10)
// with the exponential distribution (elle txn.clj rand-key :exponential,
// base 2: key i of the active list is 2^i times as likely as key 0).
// Writes to a key are 1, 2, 3, ... (unique per key); once a key has been
// written max_writes_per_key times (Maelstrom: 16) a write to it retires the
// key for a fresh one (the largest + 1) and the micro-op is drawn again.
#ifndef SIM_WORKLOADS_TXN_RW_REGISTER_GENERATOR_H_
#define SIM_WORKLOADS_TXN_RW_REGISTER_GENERATOR_H_

#include <cstdint>
#include <map>
#include <vector>

#include "kvclient/message.h"
#include "sim/maelstrom/prng.h"

namespace workloads {
namespace txn_rw_register {

struct TxnGeneratorOptions {
  int key_count = 10;
  int min_txn_length = 1;
  int max_txn_length = 4;
  int max_writes_per_key = 16;
};

class TxnGenerator {
 public:
  explicit TxnGenerator(TxnGeneratorOptions options);

  // The next transaction's invocation value (reads carry null).
  kvclient::Json Next(sim::Prng& prng);

  const std::vector<int64_t>& active_keys() const { return active_keys_; }

 private:
  int64_t RandKey(sim::Prng& prng) const;

  TxnGeneratorOptions options_;
  std::vector<int64_t> active_keys_;
  std::map<int64_t, int64_t> next_value_;
};

}  // namespace txn_rw_register
}  // namespace workloads

#endif  // SIM_WORKLOADS_TXN_RW_REGISTER_GENERATOR_H_
