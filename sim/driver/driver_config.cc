#include "sim/driver/driver_config.h"

#include "absl/strings/str_cat.h"

namespace sim {

std::vector<std::string> NodeIdsFromCount(int count) {
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) ids.push_back(absl::StrCat("n", i));
  return ids;
}

std::vector<std::string> JepsenDefaultNodes() {
  return {"n1", "n2", "n3", "n4", "n5"};
}

DriverConfig::DriverConfig() : nodes(JepsenDefaultNodes()) {
  workload.concurrency = node_count();  // --concurrency 1n
  workload.rate = 5;
  workload.time_limit = absl::Seconds(60);
}

}  // namespace sim
