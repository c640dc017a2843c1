// Maelstrom v0.2.4's kafka workload as a sim::Workload
// (sim/maelstrom/workload.h): maelstrom/workload/kafka.clj over Jepsen
// 0.3.7's jepsen/tests/kafka.clj with :txn? false, :crash-clients? true and
// :sub-via #{:assign}.
//
//   generator  generator.h MainGenerator: sends, polls, assigns, crashes.
//   final      generator.h FinalGenerator: per thread, crash, assign every
//              key seeking to the beginning, poll until caught up (10 s).
//   client     client.h KafkaClient: send / poll (+ commit_offsets) /
//              list_committed_offsets, with-errors (idempotent: assign); not
//              Reusable (a crash or any :info gives the thread a fresh
//              client, so its offsets restart).
//   checker    checker.h CheckKafka (jepsen.tests.kafka checker).
//   options    --key-count (absent: Elle's 10), --max-writes-per-key (16);
//              Maelstrom's --max-txn-length is accepted and ignored (kafka
//              forces 1).
//
//   const sim::WorkloadSpec& k = workloads::kafka::KafkaSpec();
//   std::unique_ptr<sim::Workload> w = *k.make({{"--key-count", "4"}});
#ifndef SIM_WORKLOADS_KAFKA_KAFKA_H_
#define SIM_WORKLOADS_KAFKA_KAFKA_H_

#include "sim/maelstrom/workload.h"

namespace workloads {
namespace kafka {

// The registry's entry: "kafka".
const sim::WorkloadSpec& KafkaSpec();

}  // namespace kafka
}  // namespace workloads

#endif  // SIM_WORKLOADS_KAFKA_KAFKA_H_
