#include "sim/workloads/broadcast/broadcast.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "kvclient/assert.h"
#include "sim/jepsen/set_full.h"
#include "sim/maelstrom/rpc.h"
#include "sim/workloads/broadcast/topology.h"

namespace workloads {
namespace broadcast {
namespace {

using kvclient::Json;

const sim::ReplySchema& TopologyOkSchema() {
  static const auto* schema = new sim::ReplySchema{"topology_ok", {}};
  return *schema;
}
const sim::ReplySchema& BroadcastOkSchema() {
  static const auto* schema = new sim::ReplySchema{"broadcast_ok", {}};
  return *schema;
}
const sim::ReplySchema& ReadOkSchema() {
  static const auto* schema =
      new sim::ReplySchema{"read_ok", {{"messages", sim::FieldSchema::kArray}}};
  return *schema;
}

// (gen/mix [broadcasts (repeat {:f :read})]): Mix draws which generator
// after every op; the broadcasts' seq hands out 0, 1, 2, ...
class Mix : public sim::Generator {
 public:
  sim::GenResult Next(const sim::GenContext&, sim::Prng& prng) override {
    if (prng.Uniform(2) == 0)
      return sim::GenResult::Of(sim::Op("broadcast", next_message_++));
    return sim::GenResult::Of(sim::Op("read", nullptr));
  }

 private:
  int64_t next_message_ = 0;
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

class BroadcastClient : public sim::Client {
 public:
  sim::ClientStep Invoke(const sim::Op& op) override {
    AssertKnown(op);
    if (op.f == "read") return sim::ClientStep::Send({{"type", "read"}});
    return sim::ClientStep::Send(
        {{"type", "broadcast"}, {"message", op.value}});
  }
  sim::ClientStep OnReply(const sim::Op& op, const Json& body) override {
    AssertKnown(op);
    const bool read = op.f == "read";
    if (auto step =
            sim::UnlessOk(read ? ReadOkSchema() : BroadcastOkSchema(), body,
                          sim::ErrorHandling::kWithErrors, read)) {
      return *step;
    }
    // broadcast: (assoc op :type :ok); read: :value (:messages body).
    if (!read) return sim::ClientStep::Ok();
    return sim::ClientStep::Ok(body.at("messages"));
  }
  sim::ClientStep OnTimeout(const sim::Op& op) override {
    return sim::RpcTimeout(sim::ErrorHandling::kWithErrors, op.f == "read");
  }

 private:
  static void AssertKnown(const sim::Op& op) {
    MC_ASSERT(op.f == "broadcast" || op.f == "read",
              "broadcast ops are broadcast or read, not ", op.f);
  }
};

class Broadcast : public sim::Workload {
 public:
  explicit Broadcast(TopologyKind topology) : topology_(topology) {}

  std::vector<std::string> fs() const override { return {"broadcast", "read"}; }
  std::unique_ptr<sim::Generator> MainGenerator() const override {
    return std::make_unique<Mix>();
  }
  std::unique_ptr<sim::Generator> FinalGenerator() const override {
    return std::make_unique<FinalRead>();
  }
  std::unique_ptr<sim::Client> NewClient() const override {
    return std::make_unique<BroadcastClient>();
  }
  absl::optional<Json> SetupRequest(
      const std::string&,
      const std::vector<std::string>& nodes) const override {
    return Json{{"type", "topology"},
                {"topology", TopologyJson(MakeTopology(topology_, nodes))}};
  }
  std::string CheckSetupReply(const Json& body) const override {
    // topology! is a bare defrpc: throw-errors!, then check-body.
    if (kvclient::BodyType(body) == "error") {
      return absl::StrCat(
          "topology got an error reply: ",
          body.dump(-1, ' ', false, Json::error_handler_t::replace));
    }
    if (absl::optional<std::string> why = CheckReply(TopologyOkSchema(), body))
      return absl::StrCat("Malformed RPC response to topology: ", *why);
    return "";
  }
  sim::WorkloadResult Check(const sim::History& history,
                            const sim::CheckContext& context) const override {
    sim::jepsen::SetFullOptions options;
    options.add_f = "broadcast";  // "set-full, but with :add as :broadcast"
    return sim::jepsen::SetFullWorkloadResult(
        history, sim::jepsen::CheckSetFull(history, context, options));
  }

 private:
  TopologyKind topology_;
};

}  // namespace

const sim::WorkloadSpec& BroadcastSpec() {
  static const sim::WorkloadSpec* spec = [] {
    auto* s = new sim::WorkloadSpec;
    s->name = "broadcast";
    s->summary =
        "gossip every broadcast to every node (broadcast.clj; Gossip "
        "Glomers 3a-3e)";
    s->flags = {{"--topology", "NAME",
                 "broadcast's topology message: grid, line, total, tree "
                 "(tree2), tree3, tree4 (default grid)",
                 [](const std::string& v) -> std::string {
                   return ParseTopology(v).has_value() ? "" : TopologyChoices();
                 }}};
    s->make = [](const sim::WorkloadParams& params)
        -> absl::StatusOr<std::unique_ptr<sim::Workload>> {
      TopologyKind kind = kDefaultTopology;
      auto it = params.find("--topology");
      if (it != params.end()) {
        absl::optional<TopologyKind> parsed = ParseTopology(it->second);
        if (!parsed.has_value())
          return absl::InvalidArgumentError(TopologyChoices());
        kind = *parsed;
      }
      return std::unique_ptr<sim::Workload>(std::make_unique<Broadcast>(kind));
    };
    return s;
  }();
  return *spec;
}

}  // namespace broadcast
}  // namespace workloads
