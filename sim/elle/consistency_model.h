// Elle's consistency models and anomalies (elle/consistency_model.clj, Elle
// 0.2.2 as Jepsen 0.3.7 and Maelstrom v0.2.4 use it): which anomalies imply
// which, which models imply which, what each model proscribes, and the
// :not / :also-not boundary a result reports. Pure data and set algebra.
//
//   AnomaliesProhibitedBy({"read-committed"})
//       == {"G0", "G1", "G1a", "G1b", "G1c", "PL-1-cycle-exists", ...}
//   FriendlyBoundary({"G1a"}).not_models == {"read-committed"}
//   CanonicalModelName("serializable") == "PL-3"
//   FriendlyModelName("PL-SS") == "strong-serializable"
//
// Names are Clojure keyword names without the colon. Every returned set is
// ordered as Clojure's sorted-set orders keywords (String compareTo, which
// for these ASCII names is byte order).
#ifndef SIM_ELLE_CONSISTENCY_MODEL_H_
#define SIM_ELLE_CONSISTENCY_MODEL_H_

#include <set>
#include <string>
#include <vector>

namespace elle {

using NameSet = std::set<std::string>;

// all-anomalies: every anomaly, ordered by anomaly-depth-compare (depth in
// the implication + severity DAG, then name).
const std::vector<std::string>& AllAnomalies();
// anomaly-depths; -1 for an anomaly Elle does not know.
int AnomalyDepth(const std::string& anomaly);
// anomaly-depth-compare as a strict weak order.
bool AnomalyDepthLess(const std::string& a, const std::string& b);

// all-implied-anomalies / all-anomalies-implying (both include the inputs).
NameSet AllImpliedAnomalies(const NameSet& anomalies);
NameSet AllAnomaliesImplying(const NameSet& anomalies);

std::string CanonicalModelName(const std::string& model);
std::string FriendlyModelName(const std::string& model);
// all-models: every name validate-models accepts (canonical and friendly).
const NameSet& AllModels();
bool IsKnownModel(const std::string& model);
// The friendly names Maelstrom's --consistency-models help lists:
// (sort (map cm/friendly-model-name cm/all-models)), deduplicated.
std::vector<std::string> FriendlyModelNames();

// all-implied-models / all-impossible-models (canonical names, inputs
// included). Unknown models are a caller bug (validate first).
NameSet AllImpliedModels(const NameSet& models);
NameSet AllImpossibleModels(const NameSet& impossible);

// anomalies-prohibited-by: anomalies that cannot occur if all models hold.
NameSet AnomaliesProhibitedBy(const NameSet& models);
// anomalies->impossible-models (canonical names).
NameSet AnomaliesToImpossibleModels(const NameSet& anomalies);

// weakest-models / strongest-models (canonical names).
NameSet WeakestModels(const NameSet& models);
NameSet StrongestModels(const NameSet& models);

// friendly-boundary: {:not #{...} :also-not #{...}} in friendly names.
struct Boundary {
  NameSet not_models;
  NameSet also_not;
};
Boundary FriendlyBoundary(const NameSet& anomalies);

}  // namespace elle

#endif  // SIM_ELLE_CONSISTENCY_MODEL_H_
