// A realistic sim::RunRecord built from data, for the report's tests and its
// browser test: Maelstrom's g-counter challenge shape (3 nodes, 3 client
// threads, rate 100, 20 s, partitions, a 10 s recovery sleep, final reads)
// played by a toy counter: each node writes its adds to seq-kv with a cas
// (re-reading its key after an error 22), reads its peers' keys every
// 500 ms and gossips its total to its peers (gossip is what partitions
// drop). Deterministic in `seed`. Not a model of anything: just traffic of
// the right shape and size (about 6,000 messages).
//
//   SyntheticOptions o;  o.bad_final_read = true;
//   sim::RunRecord run = SyntheticRun(o);   // run.history, run.messages, ...
//
// Options add the failures the report must point at: a final read outside
// the acceptable set, an invalid line (a reply to a departed client, after
// which the node is no longer read), and a seq-kv cut that makes adds time
// out (:info, new client ids, a wider acceptable set).
#ifndef SIM_REPORT_SYNTHETIC_RUN_H_
#define SIM_REPORT_SYNTHETIC_RUN_H_

#include <cstdint>

#include "absl/time/time.h"
#include "sim/maelstrom/run_record.h"

namespace report {

struct SyntheticOptions {
  uint64_t seed = 1;
  int nodes = 3;
  int concurrency = 3;
  double rate = 100;
  absl::Duration time_limit = absl::Seconds(20);
  absl::Duration final_sleep = absl::Seconds(10);
  absl::Duration latency = absl::Milliseconds(2);  // node↔node, node↔seq-kv
  bool bad_final_read = false;  // the last node's final read is 100 too high
  bool invalid_line = false;    // n1 answers a departed client at ~t=12s
  bool kv_cut = true;           // n2's seq-kv requests dropped for 6.0-7.5s
  bool partitions = true;
};

sim::RunRecord SyntheticRun(const SyntheticOptions& options);

}  // namespace report

#endif  // SIM_REPORT_SYNTHETIC_RUN_H_
