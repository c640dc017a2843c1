#include "sim/workloads/kafka/kafka.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sim/elle/anomaly_view.h"
#include "sim/elle/jepsen_op.h"
#include "sim/workloads/kafka/checker.h"
#include "sim/workloads/kafka/client.h"
#include "sim/workloads/kafka/generator.h"

namespace workloads {
namespace kafka {
namespace {

class Kafka : public sim::Workload {
 public:
  explicit Kafka(KafkaOptions options)
      : options_(options), offsets_(std::make_shared<MaxOffsetsAtom>()) {}

  std::vector<std::string> fs() const override {
    return {"assign", "crash", "poll", "send"};
  }
  // The offsets atom is the workload's, as kafka.clj workload's (atom
  // (sorted-map)) is: one per test.
  std::unique_ptr<sim::Generator> MainGenerator() const override {
    return std::make_unique<kafka::MainGenerator>(options_, offsets_);
  }
  std::unique_ptr<sim::Generator> FinalGenerator() const override {
    return std::make_unique<kafka::FinalGenerator>(offsets_,
                                                   options_.final_time_limit);
  }
  std::unique_ptr<sim::Client> NewClient() const override {
    return std::make_unique<KafkaClient>();
  }

  sim::WorkloadResult Check(const sim::History& history,
                            const sim::CheckContext& context) const override {
    KafkaCheckOptions o;
    o.jepsen_op = context.op;
    KafkaResult r = CheckKafka(history, o);
    sim::WorkloadResult w;
    w.validity = r.valid;
    if (!r.error.empty()) w.analysis_errors.push_back(r.error);
    for (const std::string& type : r.bad_error_types) {
      w.errors.push_back(absl::StrCat("kafka: :", type));
    }
    w.report.valid = r.valid != sim::Validity::kFalse;
    w.report.results = std::move(r.results);
    w.block = elle::ResultsBlock(w.report.results);
    w.report.summary.emplace_back("error types",
                                  r.error_types.empty()
                                      ? std::string("none")
                                      : absl::StrJoin(r.error_types, " "));
    w.report.summary.emplace_back("worst realtime lag",
                                  absl::StrCat(r.worst_realtime_lag_s, " s"));
    w.report.final_label = "final poll";
    w.report.value_text = KafkaText;
    if (!r.error_types.empty()) {
      const elle::OpLocator at = elle::MakeLocator(
          history, context.op, [&](size_t i) { return KafkaText(history[i]); });
      for (const std::string& type : r.error_types) {
        if (const sim::Edn* v = w.report.results.Find(type))
          w.report.anomalies.push_back(elle::ViewAnomaly(type, *v, at));
      }
      w.report.flagged = elle::FlagAnomalies(w.report.anomalies);
      w.report.flagged_label = "an op of an error the checker found";
    }
    return w;
  }

 private:
  KafkaOptions options_;
  std::shared_ptr<MaxOffsetsAtom> offsets_;
};

// core.clj opt-spec: :parse-fn parse-long, :validate [pos? ...].
std::string PositiveInt(const std::string& value) {
  int64_t n = 0;
  if (!absl::SimpleAtoi(value, &n) || n <= 0 || n > (int64_t{1} << 30)) {
    return "must be a positive integer";
  }
  return "";
}

int IntParam(const sim::WorkloadParams& params, const char* name,
             int fallback) {
  auto it = params.find(name);
  int64_t n = fallback;
  if (it != params.end() && !absl::SimpleAtoi(it->second, &n)) n = fallback;
  return static_cast<int>(n);
}

sim::WorkloadSpec Spec() {
  sim::WorkloadSpec spec;
  spec.name = "kafka";
  spec.summary =
      "a Kafka-style log: send, poll, commit_offsets, "
      "list_committed_offsets (kafka.clj)";
  spec.flags = {
      {"--key-count", "INT",
       "how many keys to test at once (kafka, txn-rw-register); absent: "
       "Elle's 10",
       &PositiveInt},
      {"--max-writes-per-key", "INT",
       "how many writes to any single key (kafka, txn-rw-register); "
       "default 16",
       &PositiveInt},
  };
  spec.make = [](const sim::WorkloadParams& params)
      -> absl::StatusOr<std::unique_ptr<sim::Workload>> {
    for (const char* name : {"--key-count", "--max-writes-per-key"}) {
      auto it = params.find(name);
      if (it == params.end()) continue;
      const std::string why = PositiveInt(it->second);
      if (!why.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(name, " ", it->second, ": ", why));
      }
    }
    KafkaOptions o;
    o.key_count = IntParam(params, "--key-count", o.key_count);
    o.max_writes_per_key =
        IntParam(params, "--max-writes-per-key", o.max_writes_per_key);
    return std::unique_ptr<sim::Workload>(std::make_unique<Kafka>(o));
  };
  return spec;
}

}  // namespace

const sim::WorkloadSpec& KafkaSpec() {
  static const sim::WorkloadSpec* spec = new sim::WorkloadSpec(Spec());
  return *spec;
}

}  // namespace kafka
}  // namespace workloads
