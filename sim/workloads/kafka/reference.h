// TEST-ONLY: a correct single-node Kafka-style log (challenge 5a) and
// deliberately broken variants, as a pure request -> reply function: the
// reference node the package's tests, its checker bench and the simulator's
// sweeps run the workload against. Not the node under test of anything.
//
//   ReferenceLog log;                                   // correct
//   log.Handle({{"type","send"},{"key","1"},{"msg",5}})
//     == {"type":"send_ok","offset":0}
//   log.Handle({{"type","poll"},{"offsets",{{"1",0}}}})
//     == {"type":"poll_ok","msgs":{"1":[[0,5]]}}
//
// Each key is an append-only log; offsets are 0, 1, 2, ...; a poll answers
// up to `poll_limit` messages per key from the requested offset;
// commit_offsets keeps the highest offset per key. Broken variants (the
// checker's teeth, as testing/fixtures/kafka.py):
//   kSkipOffset  polls never return offsets 7, 17, 27, ... (a skipped
//                offset: lost writes, skips, unseen messages).
//   kLoseSends   every 5th send is acknowledged but never stored (its
//                offset is reused: inconsistent offsets, lost writes).
#ifndef SIM_WORKLOADS_KAFKA_REFERENCE_H_
#define SIM_WORKLOADS_KAFKA_REFERENCE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "kvclient/message.h"

namespace workloads {
namespace kafka {

class ReferenceLog {
 public:
  enum class Bug { kNone, kSkipOffset, kLoseSends };
  explicit ReferenceLog(Bug bug = Bug::kNone, int poll_limit = 10)
      : bug_(bug), poll_limit_(poll_limit) {}

  // The reply body (without in_reply_to) to a client request body; an
  // error 10 (not supported) for anything else.
  kvclient::Json Handle(const kvclient::Json& request);

  size_t keys() const { return logs_.size(); }

 private:
  Bug bug_;
  int poll_limit_;
  int64_t sends_ = 0;
  std::map<std::string, std::vector<kvclient::Json>> logs_;
  std::map<std::string, int64_t> committed_;
};

}  // namespace kafka
}  // namespace workloads

#endif  // SIM_WORKLOADS_KAFKA_REFERENCE_H_
