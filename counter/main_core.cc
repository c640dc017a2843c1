// What ships: our node, nothing to choose.
#include "counter/main_core.h"

namespace counter {

std::unique_ptr<Core> MakeMainCore(const Options& options) {
  return MakeCore(options);
}

}  // namespace counter
