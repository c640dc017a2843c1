#include "sim/workloads/g_set/g_set.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kvclient/assert.h"
#include "sim/jepsen/set_full.h"
#include "sim/maelstrom/rpc.h"

namespace workloads {
namespace g_set {
namespace {

using kvclient::Json;

const sim::ReplySchema& AddOkSchema() {
  static const auto* schema = new sim::ReplySchema{"add_ok", {}};
  return *schema;
}
const sim::ReplySchema& ReadOkSchema() {
  static const auto* schema =
      new sim::ReplySchema{"read_ok", {{"value", sim::FieldSchema::kArray}}};
  return *schema;
}

// (gen/mix [adds (repeat {:f :read})]): adds of 0, 1, 2, ...
class Mix : public sim::Generator {
 public:
  sim::GenResult Next(const sim::GenContext&, sim::Prng& prng) override {
    if (prng.Uniform(2) == 0)
      return sim::GenResult::Of(sim::Op("add", next_element_++));
    return sim::GenResult::Of(sim::Op("read", nullptr));
  }

 private:
  int64_t next_element_ = 0;
};

// (gen/each-thread {:f :read}): one op (no :final?), then exhausted.
class FinalRead : public sim::Generator {
 public:
  sim::GenResult Next(const sim::GenContext&, sim::Prng&) override {
    if (done_) return sim::GenResult::Exhausted();
    done_ = true;
    return sim::GenResult::Of(sim::Op("read", nullptr, /*final_=*/false));
  }

 private:
  bool done_ = false;
};

class GSetClient : public sim::Client {
 public:
  sim::ClientStep Invoke(const sim::Op& op) override {
    AssertKnown(op);
    if (op.f == "read") return sim::ClientStep::Send({{"type", "read"}});
    return sim::ClientStep::Send({{"type", "add"}, {"element", op.value}});
  }
  sim::ClientStep OnReply(const sim::Op& op, const Json& body) override {
    AssertKnown(op);
    const bool read = op.f == "read";
    if (auto step = sim::UnlessOk(read ? ReadOkSchema() : AddOkSchema(), body,
                                  sim::ErrorHandling::kNone, false)) {
      return *step;
    }
    // add: (assoc op :type :ok); read: :value (:value body).
    if (!read) return sim::ClientStep::Ok();
    return sim::ClientStep::Ok(body.at("value"));
  }
  sim::ClientStep OnTimeout(const sim::Op&) override {
    return sim::RpcTimeout(sim::ErrorHandling::kNone, false);
  }

 private:
  static void AssertKnown(const sim::Op& op) {
    MC_ASSERT(op.f == "add" || op.f == "read",
              "g-set ops are add or read, not ", op.f);
  }
};

class GSet : public sim::Workload {
 public:
  std::vector<std::string> fs() const override { return {"add", "read"}; }
  std::unique_ptr<sim::Generator> MainGenerator() const override {
    return std::make_unique<Mix>();
  }
  std::unique_ptr<sim::Generator> FinalGenerator() const override {
    return std::make_unique<FinalRead>();
  }
  std::unique_ptr<sim::Client> NewClient() const override {
    return std::make_unique<GSetClient>();
  }
  sim::WorkloadResult Check(const sim::History& history,
                            const sim::CheckContext& context) const override {
    return sim::jepsen::SetFullWorkloadResult(
        history, sim::jepsen::CheckSetFull(history, context, {}));
  }
};

}  // namespace

const sim::WorkloadSpec& GSetSpec() {
  static const sim::WorkloadSpec* spec = [] {
    auto* s = new sim::WorkloadSpec;
    s->name = "g-set";
    s->summary = "a grow-only set: adds and reads (g_set.clj)";
    s->make = [](const sim::WorkloadParams&)
        -> absl::StatusOr<std::unique_ptr<sim::Workload>> {
      return std::unique_ptr<sim::Workload>(std::make_unique<GSet>());
    };
    return s;
  }();
  return *spec;
}

}  // namespace g_set
}  // namespace workloads
