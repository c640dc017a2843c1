#include "sim/workloads/unique_ids/unique_ids.h"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "kvclient/assert.h"
#include "sim/jepsen/clojure_value.h"
#include "sim/jepsen/unique_ids.h"
#include "sim/maelstrom/rpc.h"

namespace workloads {
namespace unique_ids {
namespace {

using kvclient::Json;

const sim::ReplySchema& GenerateOkSchema() {
  static const auto* schema =
      new sim::ReplySchema{"generate_ok", {{"id", sim::FieldSchema::kAny}}};
  return *schema;
}

class RepeatGenerate : public sim::Generator {
 public:
  sim::GenResult Next(const sim::GenContext&, sim::Prng&) override {
    return sim::GenResult::Of(sim::Op("generate", nullptr));
  }
};

class GenerateClient : public sim::Client {
 public:
  sim::ClientStep Invoke(const sim::Op& op) override {
    MC_ASSERT(op.f == "generate", "unique-ids only sends generate, not ", op.f);
    return sim::ClientStep::Send({{"type", "generate"}});
  }
  sim::ClientStep OnReply(const sim::Op&, const Json& body) override {
    if (auto step = sim::UnlessOk(GenerateOkSchema(), body,
                                  sim::ErrorHandling::kWithErrors, false)) {
      return *step;
    }
    return sim::ClientStep::Ok(body.at("id"));  // (:id (generate! ...))
  }
  sim::ClientStep OnTimeout(const sim::Op&) override {
    return sim::RpcTimeout(sim::ErrorHandling::kWithErrors, false);
  }
};

class UniqueIds : public sim::Workload {
 public:
  std::vector<std::string> fs() const override { return {"generate"}; }
  std::unique_ptr<sim::Generator> MainGenerator() const override {
    return std::make_unique<RepeatGenerate>();
  }
  std::unique_ptr<sim::Client> NewClient() const override {
    return std::make_unique<GenerateClient>();
  }
  bool reusable_clients() const override { return true; }
  sim::WorkloadResult Check(const sim::History& history,
                            const sim::CheckContext&) const override {
    return UniqueIdsWorkloadResult(history);
  }
};

}  // namespace

sim::WorkloadResult UniqueIdsWorkloadResult(const sim::History& history) {
  sim::jepsen::UniqueIdsResult r = sim::jepsen::CheckUniqueIds(history);
  sim::WorkloadResult w;
  w.validity = r.valid;
  if (!r.error.empty()) w.analysis_errors.push_back(r.error);
  for (const auto& [id, count] : r.duplicated) {
    w.errors.push_back(absl::StrCat("id ", sim::FormatValue(id),
                                    " acknowledged ", count, " times"));
  }
  // The pages: every ok that acknowledged an id a second time or more.
  std::map<std::string, int64_t> seen;  // EqualityKey -> oks so far
  for (size_t i = 0; i < history.size(); ++i) {
    const sim::HistoryEvent& e = history[i];
    if (e.type != sim::EventType::kOk || e.f != "generate") continue;
    if (seen[sim::jepsen::EqualityKey(e.value)]++ == 0) continue;
    w.report.flagged.push_back({i,
                                absl::StrCat("id ", sim::FormatValue(e.value),
                                             " was already acknowledged"),
                                "duplicate id"});
  }
  w.report.valid = r.valid == sim::Validity::kTrue;
  w.report.results = std::move(r.edn);
  w.report.summary = {
      {"ids", absl::StrCat(r.acknowledged_count, " acknowledged of ",
                           r.attempted_count, " attempted")},
      {"duplicated", absl::StrCat(r.duplicates.size())}};
  w.report.flagged_label = "duplicate id";
  w.json = {{"errors", w.errors},
            {"attempted-count", r.attempted_count},
            {"acknowledged-count", r.acknowledged_count},
            {"duplicated-count", r.duplicates.size()},
            {"range", Json::array({r.range_min, r.range_max})}};
  return w;
}

const sim::WorkloadSpec& UniqueIdsSpec() {
  static const sim::WorkloadSpec* spec = [] {
    auto* s = new sim::WorkloadSpec;
    s->name = "unique-ids";
    s->summary =
        "globally unique ids from generate (unique_ids.clj; Gossip Glomers 2)";
    s->make = [](const sim::WorkloadParams&)
        -> absl::StatusOr<std::unique_ptr<sim::Workload>> {
      return std::unique_ptr<sim::Workload>(std::make_unique<UniqueIds>());
    };
    return s;
  }();
  return *spec;
}

}  // namespace unique_ids
}  // namespace workloads
