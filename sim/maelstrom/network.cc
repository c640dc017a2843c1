#include "sim/maelstrom/network.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace sim {

absl::string_view LatencyDistName(LatencyDist dist) {
  switch (dist) {
    case LatencyDist::kConstant: return "constant";
    case LatencyDist::kUniform: return "uniform";
    case LatencyDist::kExponential: return "exponential";
  }
  return "constant";
}

absl::optional<LatencyDist> ParseLatencyDist(absl::string_view name) {
  for (LatencyDist d : {LatencyDist::kConstant, LatencyDist::kUniform,
                        LatencyDist::kExponential}) {
    if (LatencyDistName(d) == name) return d;
  }
  return absl::nullopt;
}

bool IsClientEndpoint(absl::string_view id) {
  return !id.empty() && id[0] == 'c';
}

const std::vector<std::string>& ServiceNames() {
  static const auto* names =
      new std::vector<std::string>{"lin-kv", "lin-tso", "lww-kv", "seq-kv"};
  return *names;
}

bool IsServiceName(absl::string_view id) {
  for (const std::string& name : ServiceNames()) {
    if (id == name) return true;
  }
  return false;
}

EndpointKind KindOf(absl::string_view id) {
  if (kvclient::IsClientId(id)) return EndpointKind::kClient;
  if (id.size() >= 2 && id[0] == 'n' &&
      id.find_first_not_of("0123456789", 1) == absl::string_view::npos) {
    return EndpointKind::kNode;
  }
  return EndpointKind::kService;
}

std::string DescribeGrudge(const Grudge& grudge) {
  if (grudge.empty()) return "{}";
  std::vector<std::string> parts;
  for (const auto& [receiver, senders] : grudge) {
    parts.push_back(
        absl::StrCat(receiver, " ignores [", absl::StrJoin(senders, " "), "]"));
  }
  return absl::StrJoin(parts, ", ");
}

absl::string_view KvCutModeName(KvCutMode mode) {
  switch (mode) {
    case KvCutMode::kRequests: return "requests";
    case KvCutMode::kReplies: return "replies";
    case KvCutMode::kBoth: return "both";
  }
  return "both";
}

absl::Duration Network::Latency(Prng& prng) const {
  switch (options_.latency_dist) {
    case LatencyDist::kConstant: return options_.latency;
    case LatencyDist::kUniform:
      return prng.UniformDuration(2 * options_.latency);
    case LatencyDist::kExponential: return prng.Exponential(options_.latency);
  }
  return options_.latency;
}

std::vector<absl::Duration> Network::OnSend(const kvclient::Message& message,
                                            Prng& prng) const {
  if (IsClientEndpoint(message.src) || IsClientEndpoint(message.dest)) {
    return {absl::ZeroDuration()};
  }
  // Draw every random number unconditionally so that turning one fault on
  // does not shift the latency stream of every later message.
  absl::Duration delay = Latency(prng);
  bool lost = prng.Bernoulli(options_.loss_ppm, 1000000);
  bool duplicated = prng.Bernoulli(options_.duplicate_ppm, 1000000);
  bool reordered = prng.Bernoulli(options_.reorder_ppm, 1000000);
  absl::Duration extra = prng.UniformDuration(options_.reorder_max_delay);
  absl::Duration dup_delay = Latency(prng);
  if (lost) return {};
  if (reordered) delay += extra;
  if (duplicated) return {delay, dup_delay + extra};
  return {delay};
}

bool Network::DropAtDelivery(const kvclient::Message& message) const {
  auto grudge = grudge_.find(message.dest);
  if (grudge != grudge_.end() && grudge->second.count(message.src) > 0)
    return true;
  // EXTENSION seq-kv cuts: a node's requests to a service, or a service's
  // replies to that node.
  if (IsServiceName(message.dest) && !IsServiceName(message.src)) {
    auto it = kv_cuts_.find(message.src);
    return it != kv_cuts_.end() && it->second != KvCutMode::kReplies;
  }
  if (IsServiceName(message.src) && !IsServiceName(message.dest)) {
    auto it = kv_cuts_.find(message.dest);
    return it != kv_cuts_.end() && it->second != KvCutMode::kRequests;
  }
  return false;
}

}  // namespace sim
