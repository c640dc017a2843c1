#include "sim/workloads/txn_rw_register/checker.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "sim/elle/jepsen_op.h"

namespace workloads {
namespace txn_rw_register {

using sim::Edn;

elle::NameSet ParseConsistencyModels(absl::string_view flag) {
  elle::NameSet models;
  // #"\s+,\s+": split at a comma with at least one whitespace either side.
  size_t start = 0;
  for (size_t i = 0; i < flag.size(); ++i) {
    if (flag[i] != ',') continue;
    size_t a = i, b = i + 1;
    while (a > start && absl::ascii_isspace(flag[a - 1])) --a;
    while (b < flag.size() && absl::ascii_isspace(flag[b])) ++b;
    if (a == i || b == i + 1) continue;
    models.insert(std::string(flag.substr(start, a - start)));
    start = b;
    i = b - 1;
  }
  models.insert(std::string(flag.substr(start)));
  return models;
}

TxnResult CheckTxnRwRegister(const sim::History& history,
                             const TxnCheckOptions& options) {
  TxnResult out;
  const std::vector<int64_t> process = elle::ProcessKeys(history);
  absl::StatusOr<elle::TxnHistory> txns =
      elle::TxnHistory::FromHistory(history, process, "txn");
  if (!txns.ok()) {
    out.valid = sim::Validity::kUnknown;
    out.results.Put("valid?", Edn::Keyword("unknown"))
        .Put("error", Edn::String(std::string(txns.status().message())));
    return out;
  }
  elle::RwRegisterOptions o;
  o.consistency_models = options.consistency_models;
  o.wfr_keys = true;
  o.cycle = options.cycle;
  elle::OpPrinter print = [&](int64_t i) {
    const size_t at = static_cast<size_t>(i);
    return elle::OpWithValue(options.jepsen_op, history, process, at,
                             elle::TxnEdn(history[at].value));
  };
  out.elle = elle::CheckRwRegister(*txns, o, print);
  if (!out.elle.error.empty()) {
    out.valid = sim::Validity::kUnknown;
    out.results = elle::ResultMapEdn(out.elle);
    return out;
  }
  // The wrapper: drop :cycle-search-timeout, recompute :valid?.
  elle::NameSet types = out.elle.reportable_types;
  types.erase("cycle-search-timeout");
  out.anomaly_types.assign(types.begin(), types.end());
  out.valid = types.empty() ? sim::Validity::kTrue : sim::Validity::kFalse;
  Edn type_list = Edn::List();
  for (const auto& t : types) type_list.Add(Edn::Keyword(t));
  out.results.Put("valid?", elle::ValidityEdn(out.valid))
      .Put("anomaly-types", std::move(type_list))
      .Put("anomalies", out.elle.reportable_types.empty()
                            ? Edn::Nil()
                            : out.elle.anomalies.ToEdn(&types));
  if (!out.elle.reportable_types.empty()) {
    Edn not_models = Edn::Set(), also_not = Edn::Set();
    for (const auto& m : out.elle.boundary.not_models) {
      not_models.Add(Edn::Keyword(m));
    }
    for (const auto& m : out.elle.boundary.also_not) {
      also_not.Add(Edn::Keyword(m));
    }
    out.results.Put("not", std::move(not_models))
        .Put("also-not", std::move(also_not));
  }
  return out;
}

}  // namespace txn_rw_register
}  // namespace workloads
