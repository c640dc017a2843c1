#include "sim/workloads/counter/counter.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sim/maelstrom/rpc.h"
#include "sim/workloads/counter/checker.h"

namespace workloads {
namespace counter {
namespace {

using kvclient::CounterOp;
using kvclient::Json;

class MainGenerator : public sim::Generator {
 public:
  explicit MainGenerator(bool pn) : pn_(pn) {}
  sim::GenResult Next(const sim::GenContext&, sim::Prng& prng) override {
    const DrawnOp op = DrawCounterOp(pn_, prng);
    if (op.f == CounterOp::kRead)
      return sim::GenResult::Of(sim::Op("read", nullptr));
    return sim::GenResult::Of(sim::Op("add", op.delta));
  }

 private:
  bool pn_;
};

// (gen/each-thread {:f :read, :final? true}): one op, then exhausted.
class FinalRead : public sim::Generator {
 public:
  sim::GenResult Next(const sim::GenContext&, sim::Prng&) override {
    if (done_) return sim::GenResult::Exhausted();
    done_ = true;
    return sim::GenResult::Of(sim::Op("read", nullptr, /*final_=*/true));
  }

 private:
  bool done_ = false;
};

class Client : public sim::Client {
 public:
  sim::ClientStep Invoke(const sim::Op& op) override {
    // add! / read defrpc bodies; the interpreter adds msg_id.
    if (op.f == "add")
      return sim::ClientStep::Send({{"type", "add"}, {"delta", op.value}});
    return sim::ClientStep::Send({{"type", "read"}});
  }

  sim::ClientStep OnReply(const sim::Op& op, const Json& body) override {
    // pn_counter.clj add! / read defrpc: check-body :recv (recv-schema: a
    // closed map, msg_id an Int when present) for every reply but an
    // error; the client has no with-errors, so a malformed reply escapes to
    // Jepsen's interpreter (:info "indeterminate: Malformed RPC response.
    // ...").
    static const sim::ReplySchema kAddOk{"add_ok", {}};
    static const sim::ReplySchema kReadOk{"read_ok",
                                          {{"value", sim::FieldSchema::kAny}}};
    if (kvclient::BodyType(body) != "error") {
      if (absl::optional<sim::ClientStep> malformed =
              sim::UnlessOk(op.f == "add" ? kAddOk : kReadOk, body,
                            sim::ErrorHandling::kNone, /*idempotent=*/false)) {
        return *malformed;
      }
    }
    const kvclient::CounterReply reply = kvclient::CheckCounterReply(
        op.f == "add" ? CounterOp::kAdd : CounterOp::kRead, body);
    switch (reply.kind) {
      case kvclient::CounterReply::kOk:
        // (assoc op :type :ok): an add keeps its delta, a read takes the
        // value read.
        if (op.f == "add") return sim::ClientStep::Ok();
        return sim::ClientStep::Ok(Json(reply.value));
      case kvclient::CounterReply::kError:
        return sim::ClientStep::Info(
            absl::StrCat("error ", reply.code, ": ", reply.text));
      case kvclient::CounterReply::kMalformed: break;
    }
    return sim::ClientStep::Info(absl::StrCat("malformed reply: ", reply.text));
  }
};

class Counter : public sim::Workload {
 public:
  explicit Counter(bool pn) : pn_(pn) {}

  std::vector<std::string> fs() const override { return {"add", "read"}; }
  std::unique_ptr<sim::Generator> MainGenerator() const override {
    return std::make_unique<counter::MainGenerator>(pn_);
  }
  std::unique_ptr<sim::Generator> FinalGenerator() const override {
    return std::make_unique<FinalRead>();
  }
  std::unique_ptr<sim::Client> NewClient() const override {
    return std::make_unique<Client>();
  }
  sim::WorkloadResult Check(const sim::History& history,
                            const sim::CheckContext& context) const override {
    return CounterResult(history, context);
  }
  absl::optional<Probe> ConvergenceProbe() const override {
    Probe p;
    p.request = {{"type", "read"}};
    p.value = [](const Json& body) -> absl::optional<Json> {
      kvclient::CounterReply r =
          kvclient::CheckCounterReply(CounterOp::kRead, body);
      if (r.kind != kvclient::CounterReply::kOk) return absl::nullopt;
      return Json(r.value);
    };
    p.write_f = "add";
    return p;
  }

 private:
  bool pn_;
};

sim::WorkloadSpec Spec(bool pn) {
  sim::WorkloadSpec spec;
  spec.name = pn ? "pn-counter" : "g-counter";
  spec.summary = pn ? "a counter of adds -5..4 and reads (pn_counter.clj)"
                    : "a grow-only counter: adds 0..4 and reads "
                      "(g_counter.clj; Gossip Glomers 4)";
  spec.make = [pn](const sim::WorkloadParams&)
      -> absl::StatusOr<std::unique_ptr<sim::Workload>> {
    return std::unique_ptr<sim::Workload>(std::make_unique<Counter>(pn));
  };
  return spec;
}

}  // namespace

DrawnOp DrawCounterOp(bool pn_counter, sim::Prng& prng) {
  for (;;) {
    // (gen/mix [add-fn (repeat {:f :read})]): (rand-int 2) picks one.
    if (prng.Uniform(2) == 1) return DrawnOp{CounterOp::kRead, 0};
    // add-fn: {:f :add, :value (- (rand-int 10) 5)}.
    const int64_t delta = static_cast<int64_t>(prng.Uniform(10)) - 5;
    if (pn_counter || delta >= 0) return DrawnOp{CounterOp::kAdd, delta};
    // g-counter.clj's gen/filter drops a negative add and asks the mix again.
  }
}

const sim::WorkloadSpec& GCounterSpec() {
  static const sim::WorkloadSpec* spec = new sim::WorkloadSpec(Spec(false));
  return *spec;
}

const sim::WorkloadSpec& PnCounterSpec() {
  static const sim::WorkloadSpec* spec = new sim::WorkloadSpec(Spec(true));
  return *spec;
}

}  // namespace counter
}  // namespace workloads
