// Maelstrom's kafka generators as sim::Generators over the project's PRNG
// (maelstrom/workload/kafka.clj workload over jepsen/tests/kafka.clj
// workload, Jepsen 0.3.7; elle/txn.clj wr-txns).
//
//   auto offsets = std::make_shared<MaxOffsetsAtom>();
//   MainGenerator main(options, offsets);    // :generator
//   FinalGenerator final(offsets);           // one per thread
//
// Main phase (:generator; core.clj staggers it by 1/rate):
//   (gen/any crash-client-gen (poll-unseen (interleave-subscribes
//     (track-key-offsets offsets (tag-rw (txn-generator wr-txns))))))
//   TxnGenerator: wr-txns with :max-txn-length 1: one micro-op per op, a
//     read (-> [["poll"]]) or an append of the key's next value 1, 2, ...
//     (-> [["send", k, v]]); keys drawn from `key_count` active keys with
//     the exponential distribution (key i is 2^i times as likely as key 0);
//     a key written max_writes_per_key times is replaced by a fresh one (the
//     largest + 1). interleave-subscribes: with probability 1/64, instead of
//     the next op, {:f :assign :value [its key]}; the op itself comes later.
//     poll-unseen: a third of the assigns also take every key with
//     sent-but-unpolled offsets. Maelstrom's StringKeys: keys as strings.
//   crash-client-gen: {:f :crash} staggered by crash-client-interval /
//     concurrency (30 s / c: uniform gaps in [0, 60 s / c)). gen/any asks
//     both and takes the sooner op, a coin deciding ties: the crash stream's
//     Stagger starts due at once, so while a crash is due each op slot is a
//     crash with probability 1/2, and a crash at t makes the next one due
//     at t + uniform[0, 60 s / c).
// Final phase (:final-generator; Maelstrom filters :debug-topic-partitions
// and clips it with (gen/time-limit 10)): (gen/each-thread (final-polls
// offsets)), the offsets read when the first thread asks: crash, assign
// every key (numeric order, seek-to-beginning), then polls staggered by
// 1/5 s (gaps uniform in [0, 400 ms)) until this thread's ok polls reach
// every offset; nothing at all if no offsets were ever seen.
#ifndef SIM_WORKLOADS_KAFKA_GENERATOR_H_
#define SIM_WORKLOADS_KAFKA_GENERATOR_H_

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/prng.h"
#include "sim/maelstrom/workload.h"

namespace workloads {
namespace kafka {

struct KafkaOptions {
  int key_count = 10;           // --key-count (absent: Elle's 10)
  int max_writes_per_key = 16;  // --max-writes-per-key (Maelstrom's 16)
  // kafka.clj :sub-p (1/64) and :crash-client-interval (30 s).
  uint64_t sub_p_denominator = 64;
  absl::Duration crash_client_interval = absl::Seconds(30);
  // gen/time-limit 10 around Maelstrom's final generator.
  absl::Duration final_time_limit = absl::Seconds(10);
};

// track-key-offsets' atom: key -> highest offset any ok main-phase op sent
// or polled, shared by the main and the final generators.
using MaxOffsetsAtom = std::map<int64_t, int64_t>;

// A micro-op of elle/txn.clj wr-txns over integer keys.
struct Mop {
  bool write = false;
  int64_t key = 0;
  int64_t value = 0;  // writes only
};

// The send/poll/assign stream (everything but the crashes).
class TxnGenerator {
 public:
  explicit TxnGenerator(KafkaOptions options);

  sim::Op Next(sim::Prng& prng);
  // PollUnseen.update / TrackKeyOffsets.update: every event.
  void Update(const sim::HistoryEvent& event);

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

class MainGenerator : public sim::Generator {
 public:
  MainGenerator(KafkaOptions options, std::shared_ptr<MaxOffsetsAtom> offsets);
  sim::GenResult Next(const sim::GenContext& ctx, sim::Prng& prng) override;
  void Update(const sim::HistoryEvent& event) override;

  // (/ crash-client-interval concurrency): Stagger's dt (gaps in [0, 2 dt)).
  static absl::Duration CrashInterval(absl::Duration interval, int concurrency);

 private:
  TxnGenerator txns_;
  std::shared_ptr<MaxOffsetsAtom> offsets_;
  absl::Duration crash_interval_;
  absl::optional<absl::Time> next_crash_;  // nil: due now (Stagger's start)
};

class FinalGenerator : public sim::Generator {
 public:
  FinalGenerator(std::shared_ptr<const MaxOffsetsAtom> offsets,
                 absl::Duration time_limit);
  sim::GenResult Next(const sim::GenContext& ctx, sim::Prng& prng) override;
  // FinalPolls.update: this thread's ok polls shrink the targets.
  void Update(const sim::HistoryEvent& event) override;
  bool caught_up() const { return started_ && targets_.empty(); }

  // (gen/stagger 1/5): gaps uniform in [0, 400 ms).
  static absl::Duration PollStaggerDt() { return absl::Milliseconds(400); }

 private:
  std::shared_ptr<const MaxOffsetsAtom> offsets_;
  absl::Duration time_limit_;
  bool started_ = false;
  absl::Time cutoff_;
  std::map<int64_t, int64_t> targets_;
  int step_ = 0;  // 0 crash, 1 assign, then polls
  absl::optional<absl::Time> next_poll_;
};

// The key offsets an ok or info op proves exist (kafka.clj op->max-offsets),
// keys parsed back to integers as StringKeys' update does.
std::map<int64_t, int64_t> MaxOffsets(const sim::HistoryEvent& e);

}  // namespace kafka
}  // namespace workloads

#endif  // SIM_WORKLOADS_KAFKA_GENERATOR_H_
