#include "sim/workloads/echo/echo.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "kvclient/assert.h"
#include "sim/maelstrom/rpc.h"
#include "sim/workloads/echo/checker.h"

namespace workloads {
namespace echo {
namespace {

using kvclient::Json;

const sim::ReplySchema& EchoOkSchema() {
  static const auto* schema =
      new sim::ReplySchema{"echo_ok", {{"echo", sim::FieldSchema::kAny}}};
  return *schema;
}

// gen/each-thread over the op fn: every free thread's copy offers an op now;
// soonest-op-map breaks the tie uniformly.
class EachThreadEcho : public sim::Generator {
 public:
  sim::GenResult Next(const sim::GenContext& ctx, sim::Prng& prng) override {
    MC_ASSERT(!ctx.free_threads.empty(), "asked only with a free thread");
    const size_t pick = prng.Uniform(ctx.free_threads.size());
    sim::Op op = DrawOp(prng);
    op.thread = ctx.free_threads[pick];
    return sim::GenResult::Of(std::move(op));
  }
};

class EchoClient : public sim::Client {
 public:
  sim::ClientStep Invoke(const sim::Op& op) override {
    MC_ASSERT(op.f == "echo", "the echo client only sends echo, not ", op.f);
    return sim::ClientStep::Send({{"type", "echo"}, {"echo", op.value}});
  }
  sim::ClientStep OnReply(const sim::Op&, const Json& body) override {
    if (auto step = sim::UnlessOk(EchoOkSchema(), body,
                                  sim::ErrorHandling::kWithErrors, false)) {
      return *step;
    }
    return sim::ClientStep::Ok(body);  // (assoc op :type :ok, :value res)
  }
  sim::ClientStep OnTimeout(const sim::Op&) override {
    return sim::RpcTimeout(sim::ErrorHandling::kWithErrors, false);
  }
};

class Echo : public sim::Workload {
 public:
  std::vector<std::string> fs() const override { return {"echo"}; }
  std::unique_ptr<sim::Generator> MainGenerator() const override {
    return std::make_unique<EachThreadEcho>();
  }
  std::unique_ptr<sim::Client> NewClient() const override {
    return std::make_unique<EchoClient>();
  }
  sim::WorkloadResult Check(const sim::History& history,
                            const sim::CheckContext& context) const override {
    return EchoWorkloadResult(history, context);
  }
};

}  // namespace

sim::Op DrawOp(sim::Prng& prng) {
  return sim::Op("echo", absl::StrCat("Please echo ", prng.Uniform(128)));
}

const sim::WorkloadSpec& EchoSpec() {
  static const sim::WorkloadSpec* spec = [] {
    auto* s = new sim::WorkloadSpec;
    s->name = "echo";
    s->summary = "echo every message back (echo.clj; Gossip Glomers 1)";
    s->make = [](const sim::WorkloadParams&)
        -> absl::StatusOr<std::unique_ptr<sim::Workload>> {
      return std::unique_ptr<sim::Workload>(std::make_unique<Echo>());
    };
    return s;
  }();
  return *spec;
}

}  // namespace echo
}  // namespace workloads
