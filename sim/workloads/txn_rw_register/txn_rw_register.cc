#include "sim/workloads/txn_rw_register/txn_rw_register.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sim/elle/anomaly_view.h"
#include "sim/elle/jepsen_op.h"
#include "sim/workloads/txn_rw_register/checker.h"
#include "sim/workloads/txn_rw_register/client.h"
#include "sim/workloads/txn_rw_register/generator.h"

namespace workloads {
namespace txn_rw_register {
namespace {

// (rw/gen opts): one :txn op per transaction, no end.
class MainGenerator : public sim::Generator {
 public:
  explicit MainGenerator(TxnGeneratorOptions options) : txns_(options) {}
  sim::GenResult Next(const sim::GenContext&, sim::Prng& prng) override {
    return sim::GenResult::Of(sim::Op("txn", txns_.Next(prng)));
  }

 private:
  TxnGenerator txns_;
};

class TxnRwRegister : public sim::Workload {
 public:
  TxnRwRegister(TxnGeneratorOptions generator, elle::NameSet models)
      : generator_(generator), models_(std::move(models)) {}

  std::vector<std::string> fs() const override { return {"txn"}; }
  std::unique_ptr<sim::Generator> MainGenerator() const override {
    return std::make_unique<txn_rw_register::MainGenerator>(generator_);
  }
  std::unique_ptr<sim::Client> NewClient() const override {
    return std::make_unique<TxnClient>();
  }
  bool reusable_clients() const override { return true; }

  sim::WorkloadResult Check(const sim::History& history,
                            const sim::CheckContext& context) const override {
    TxnCheckOptions o;
    o.jepsen_op = context.op;
    o.consistency_models = models_;
    TxnResult r = CheckTxnRwRegister(history, o);
    sim::WorkloadResult w;
    w.validity = r.valid;
    if (!r.elle.error.empty()) w.analysis_errors.push_back(r.elle.error);
    for (const std::string& type : r.anomaly_types) {
      w.errors.push_back(absl::StrCat("txn-rw-register: anomaly :", type));
    }
    w.report.valid = r.valid != sim::Validity::kFalse;
    w.report.results = std::move(r.results);
    w.block = elle::ResultsBlock(w.report.results);
    w.report.summary.emplace_back("consistency models",
                                  absl::StrJoin(models_, " "));
    w.report.summary.emplace_back("anomalies",
                                  r.anomaly_types.empty()
                                      ? std::string("none")
                                      : absl::StrJoin(r.anomaly_types, " "));
    w.report.value_text = TxnText;
    const sim::Edn* anomalies = w.report.results.Find("anomalies");
    if (anomalies != nullptr && anomalies->kind() == sim::Edn::Kind::kMap &&
        !anomalies->entries().empty()) {
      const elle::OpLocator at = elle::MakeLocator(
          history, context.op, [&](size_t i) { return TxnText(history[i]); });
      for (const auto& [type, cases] : anomalies->entries())
        w.report.anomalies.push_back(elle::ViewAnomaly(type, cases, at));
      w.report.flagged = elle::FlagAnomalies(w.report.anomalies);
      w.report.flagged_label = "an op of an anomaly";
    }
    return w;
  }

 private:
  TxnGeneratorOptions generator_;
  elle::NameSet models_;
};

// core.clj opt-spec: :parse-fn parse-long, :validate [pos? ...].
std::string PositiveInt(const std::string& value) {
  int64_t n = 0;
  if (!absl::SimpleAtoi(value, &n) || n <= 0 || n > (int64_t{1} << 30)) {
    return "must be a positive integer";
  }
  return "";
}

sim::WorkloadSpec Spec() {
  sim::WorkloadSpec spec;
  spec.name = "txn-rw-register";
  spec.summary =
      "transactions of register reads and writes, judged by Elle "
      "(txn_rw_register.clj)";
  spec.flags = {
      {"--key-count", "INT",
       "how many keys to test at once (kafka, txn-rw-register); absent: "
       "Elle's 10",
       &PositiveInt},
      {"--max-txn-length", "INT",
       "the most micro-ops per transaction (txn-rw-register); default 4",
       &PositiveInt},
      {"--max-writes-per-key", "INT",
       "how many writes to any single key (kafka, txn-rw-register); "
       "default 16",
       &PositiveInt},
      {"--consistency-models", "MODELS",
       "consistency models to check (txn-rw-register), split on \" , \" "
       "(whitespace around the comma, as Maelstrom splits); default "
       "strict-serializable",
       [](const std::string&) { return std::string(); }},
      {"--min-txn-length", "INT",
       "EXTENSION (not a Maelstrom flag): the fewest micro-ops per "
       "transaction (txn-rw-register); default 1, Elle's",
       &PositiveInt},
  };
  spec.make = [](const sim::WorkloadParams& params)
      -> absl::StatusOr<std::unique_ptr<sim::Workload>> {
    TxnGeneratorOptions o;
    const std::pair<const char*, int*> ints[] = {
        {"--key-count", &o.key_count},
        {"--max-txn-length", &o.max_txn_length},
        {"--max-writes-per-key", &o.max_writes_per_key},
        {"--min-txn-length", &o.min_txn_length},
    };
    for (const auto& [name, field] : ints) {
      auto it = params.find(name);
      if (it == params.end()) continue;
      int64_t n = 0;
      if (!PositiveInt(it->second).empty() ||
          !absl::SimpleAtoi(it->second, &n)) {
        return absl::InvalidArgumentError(
            absl::StrCat(name, " ", it->second, ": ", PositiveInt(it->second)));
      }
      *field = static_cast<int>(n);
    }
    if (o.min_txn_length > o.max_txn_length) {
      return absl::InvalidArgumentError(
          absl::StrCat("--min-txn-length ", o.min_txn_length,
                       " is more than --max-txn-length ", o.max_txn_length));
    }
    elle::NameSet models = {"strict-serializable"};
    auto it = params.find("--consistency-models");
    if (it != params.end()) models = ParseConsistencyModels(it->second);
    return std::unique_ptr<sim::Workload>(
        std::make_unique<TxnRwRegister>(o, std::move(models)));
  };
  return spec;
}

}  // namespace

const sim::WorkloadSpec& TxnRwRegisterSpec() {
  static const sim::WorkloadSpec* spec = new sim::WorkloadSpec(Spec());
  return *spec;
}

}  // namespace txn_rw_register
}  // namespace workloads
