// Maelstrom's network (maelstrom v0.2.4 net.clj) plus faults Maelstrom lacks,
// as a pure model.
// The driver asks two questions and keeps its own queues and clock:
//   1. OnSend(message, prng): how long until each copy arrives (empty: lost).
//   2. DropAtDelivery(message): when a copy is taken off the receiver's
//      queue, is it dropped (partition, or a seq-kv cut)?
//
//   sim::NetworkOptions o;  o.latency = absl::Milliseconds(10);
//   sim::Network net(o);
//   std::vector<absl::Duration> copies = net.OnSend(m, prng);  // usually 1
//   ... at arrival: if (!net.DropAtDelivery(m)) deliver(m);
//
// Maelstrom behaviour: client messages (an id starting with 'c' on either
// end, util.clj client?) have no latency (net.clj latency-for). Every other
// message gets `latency` drawn from the chosen distribution. Partitions are
// per-receiver drop lists ("grudges", jepsen-net drop!) checked when the
// receiver takes the message off its queue (net.clj recv!): a message is
// dropped when its src is in its dest's grudge, whatever the endpoints are
// (grudges only ever hold node ids).
//
// EXTENSIONS (not in Maelstrom v0.2.4, all off by default): random loss,
// duplication and reordering (an extra random delay on some messages) of
// every message without a client on either end; and seq-kv cuts, which drop
// a node's requests to and/or replies from the services while active — with
// replies cut, requests are applied but never answered.
#ifndef SIM_MAELSTROM_NETWORK_H_
#define SIM_MAELSTROM_NETWORK_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "kvclient/message.h"
#include "sim/maelstrom/prng.h"

namespace sim {

enum class LatencyDist { kConstant, kUniform, kExponential };
absl::string_view LatencyDistName(LatencyDist dist);
absl::optional<LatencyDist> ParseLatencyDist(absl::string_view name);

// maelstrom util.clj client?: the id starts with 'c'. Such messages have no
// latency, and the stats count them as client traffic (net/journal.clj).
bool IsClientEndpoint(absl::string_view id);
// The services every Maelstrom test runs (service.clj default-services).
const std::vector<std::string>& ServiceNames();
bool IsServiceName(absl::string_view id);

// Legacy classification by shape: "c3" client, "n3" node, anything else a
// service. The driver routes by its registered endpoints instead (node ids
// may be any string, e.g. --nodes a,b,c).
enum class EndpointKind { kClient, kNode, kService };
EndpointKind KindOf(absl::string_view id);

// receiver -> senders it does not hear from.
using Grudge = std::map<std::string, std::set<std::string>>;
std::string DescribeGrudge(const Grudge& grudge);

enum class KvCutMode { kRequests, kReplies, kBoth };
absl::string_view KvCutModeName(KvCutMode mode);

struct NetworkOptions {
  absl::Duration latency = absl::ZeroDuration();  // --latency (mean)
  LatencyDist latency_dist = LatencyDist::kConstant;
  // Extensions. Probabilities are per million messages.
  uint64_t loss_ppm = 0;
  uint64_t duplicate_ppm = 0;
  uint64_t reorder_ppm = 0;
  absl::Duration reorder_max_delay = absl::Milliseconds(100);
};

class Network {
 public:
  explicit Network(NetworkOptions options) : options_(options) {}

  // Delays of the copies to deliver, in order; empty when the message is lost.
  std::vector<absl::Duration> OnSend(const kvclient::Message& message,
                                     Prng& prng) const;
  // Whether a copy taken off its receiver's queue now is dropped.
  bool DropAtDelivery(const kvclient::Message& message) const;

  void SetGrudge(Grudge grudge) { grudge_ = std::move(grudge); }
  void Heal() { grudge_.clear(); }
  const Grudge& grudge() const { return grudge_; }

  void CutKv(const std::string& node, KvCutMode mode) { kv_cuts_[node] = mode; }
  void RestoreKv(const std::string& node) { kv_cuts_.erase(node); }
  void RestoreAllKv() { kv_cuts_.clear(); }

  // Ends loss, duplication and reordering (latency stays): the liveness
  // phase after the heal runs on a network that only delays.
  void StopRandomFaults() {
    options_.loss_ppm = options_.duplicate_ppm = options_.reorder_ppm = 0;
  }

  const NetworkOptions& options() const { return options_; }

 private:
  absl::Duration Latency(Prng& prng) const;

  NetworkOptions options_;
  Grudge grudge_;
  std::map<std::string, KvCutMode> kv_cuts_;
};

}  // namespace sim

#endif  // SIM_MAELSTROM_NETWORK_H_
