// TEST-ONLY: runs a workload through Jepsen's interpreter
// (sim/maelstrom/interpreter.h) against nodes that live in this process: a
// function from a client request to its reply, answered after a fixed
// latency. No network, no nemesis, no node binary: for the workloads' own
// tests (the generator, client and checker working together) and their
// checker benches (histories made by the real generators and clients).
//
//   workloads::InlineRun run(options, *workload, {"n0"});
//   sim::History h = run.Run(
//       [&](const std::string& node, const kvclient::Json& request)
//           -> absl::optional<kvclient::Json> { return core.Handle(request); },
//       /*seed=*/1);
//   run.interpreter().harness_error() == "";
//
// A handler's nullopt is a lost request: the client times out. Replies get
// in_reply_to from the request; init is answered with init_ok by the run.
#ifndef SIM_WORKLOADS_INLINE_RUN_H_
#define SIM_WORKLOADS_INLINE_RUN_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "kvclient/message.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/interpreter.h"
#include "sim/maelstrom/workload.h"

namespace workloads {

class InlineRun {
 public:
  using Handler = std::function<absl::optional<kvclient::Json>(
      const std::string& node, const kvclient::Json& request)>;

  // `workload` must outlive the run.
  InlineRun(sim::WorkloadOptions options, const sim::Workload& workload,
            std::vector<std::string> nodes,
            absl::Duration latency = absl::Milliseconds(1));

  // Until the interpreter is done (or has a harness error); the history.
  const sim::History& Run(const Handler& handler, uint64_t seed);

  const sim::Interpreter& interpreter() const { return interpreter_; }
  absl::Time t0() const { return t0_; }
  int64_t messages() const { return messages_; }

 private:
  sim::Interpreter interpreter_;
  absl::Duration latency_;
  absl::Time t0_ = absl::UnixEpoch();
  int64_t messages_ = 0;
};

}  // namespace workloads

#endif  // SIM_WORKLOADS_INLINE_RUN_H_
