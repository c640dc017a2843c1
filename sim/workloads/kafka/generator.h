// Maelstrom's kafka generators as deterministic state machines over the
// project's PRNG (maelstrom/workload/kafka.clj workload over
// jepsen/tests/kafka.clj workload, Jepsen 0.3.7; elle/txn.clj wr-txns).
//
// Main phase (one shared generator; the driver paces it: maelstrom core.clj
// staggers it by 1/rate and merges the crash stream):
//   KafkaGenerator g(options);
//   KafkaOp op = g.Next(prng);      // send / poll / assign
//   g.Update(completion_event);    // every ok completion, in history order
//   g.CrashInterval(concurrency)   // mean gap of the {:f :crash} stream
// Final phase (gen/each-thread final-polls, after the 10 s recovery sleep;
// Maelstrom clips it to 10 s):
//   FinalPolls f(g.max_offsets());  // one per client thread, same snapshot
//   f.Next() -> crash, assign every key (seek-to-beginning), then polls
//   (staggered by 1/5 s) until this thread's polls reach every offset.
//
// What the main generator emits, by source:
//   elle txn.clj wr-txns (:max-txn-length 1, kafka.clj workload): one
//     micro-op per op: a read (-> [["poll"]]) or an append of the key's next
//     value 1, 2, ... (-> [["send", k, v]]); keys are drawn from `key_count`
//     active keys with the exponential distribution (key i is 2^i times as
//     likely as key 0), and a key written max_writes_per_key times is
//     replaced by a fresh one (the largest + 1).
//   kafka.clj interleave-subscribes: with probability 1/64, instead of the
//     next op, {:f :assign :value [its key]}; the op itself comes later.
//   kafka.clj poll-unseen: a third of the assigns also take every key with
//     sent-but-unpolled offsets.
//   maelstrom kafka.clj StringKeys: keys as strings ("0", "1", ...).
#ifndef SIM_WORKLOADS_KAFKA_GENERATOR_H_
#define SIM_WORKLOADS_KAFKA_GENERATOR_H_

#include <cstdint>
#include <map>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "sim/maelstrom/history.h"
#include "sim/prng.h"
#include "sim/workloads/kafka/client.h"

namespace kafka {

struct KafkaOptions {
  int key_count = 10;           // --key-count (absent: Elle's 10)
  int max_writes_per_key = 16;  // --max-writes-per-key (Maelstrom's 16)
  int min_txn_length = 1;       // not a Maelstrom flag; Elle's default
  // kafka.clj :sub-p (1/64) and :crash-client-interval (30 s).
  uint64_t sub_p_denominator = 64;
  absl::Duration crash_client_interval = absl::Seconds(30);
};

// elle/txn.clj wr-txns (+ list-append's :w -> :append): transactions of
// micro-ops [f k v] over integer keys; shared with txn-rw-register's
// generator in spirit, kept here so the packages stay independent.
struct Mop {
  bool write = false;
  int64_t key = 0;
  int64_t value = 0;  // writes only
};

class KafkaGenerator {
 public:
  explicit KafkaGenerator(KafkaOptions options);

  KafkaOp Next(sim::Prng& prng);
  // PollUnseen.update / TrackKeyOffsets.update: feed every completion.
  void Update(const sim::HistoryEvent& completion);

  // The stagger interval of crash-client-gen:
  // (/ crash-client-interval concurrency).
  absl::Duration CrashInterval(int concurrency) const;

  // TrackKeyOffsets' atom: key -> highest offset any ok op sent or polled.
  const std::map<int64_t, int64_t>& max_offsets() const { return max_offsets_; }
  const std::vector<int64_t>& active_keys() const { return active_keys_; }

 private:
  Mop DrawMop(sim::Prng& prng);
  int64_t RandKey(sim::Prng& prng) const;

  KafkaOptions options_;
  std::vector<int64_t> active_keys_;
  std::map<int64_t, int64_t> next_value_;  // key -> next value to write
  absl::optional<Mop> pending_;            // drawn, not yet handed out
  std::map<int64_t, int64_t> max_offsets_;
  std::map<int64_t, int64_t> sent_, polled_;  // PollUnseen
};

// kafka.clj final-polls for one client thread.
class FinalPolls {
 public:
  explicit FinalPolls(std::map<int64_t, int64_t> target_offsets);
  // The next op, or nullopt when this thread's polls have caught up (or
  // there was nothing to catch up on: then it emits nothing at all).
  absl::optional<KafkaOp> Next();
  // The stagger interval between polls: (gen/stagger 1/5).
  static absl::Duration PollInterval() { return absl::Milliseconds(200); }
  // FinalPolls.update: ok polls of this thread shrink the targets.
  void Update(const sim::HistoryEvent& completion);
  bool done() const { return targets_.empty(); }

 private:
  std::map<int64_t, int64_t> targets_;
  int step_ = 0;  // 0 crash, 1 assign, then polls
  std::vector<int64_t> keys_;
};

// The key offsets an ok or info op proves exist (kafka.clj op->max-offsets),
// keys parsed back to integers as StringKeys' update does.
std::map<int64_t, int64_t> MaxOffsets(const sim::HistoryEvent& e);

}  // namespace kafka

#endif  // SIM_WORKLOADS_KAFKA_GENERATOR_H_
