#include "testing/wait.h"

#include <algorithm>

#include "kvclient/assert.h"

namespace harness {

timespec WaitTimeout(absl::Time now, absl::Time deadline, absl::Duration cap) {
  MC_ASSERT(cap > absl::ZeroDuration(), "a wait has a positive cap");
  const absl::Duration wait =
      std::min(std::max(deadline - now, absl::ZeroDuration()), cap);
  const timespec ts = absl::ToTimespec(wait);
  MC_ASSERT(ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000,
            "a valid relative timeout for ppoll");
  return ts;
}

int PollUntil(std::vector<pollfd>* fds, absl::Time now, absl::Time deadline,
              absl::Duration cap) {
  const timespec timeout = WaitTimeout(now, deadline, cap);
  return ppoll(fds->data(), fds->size(), &timeout, nullptr);
}

}  // namespace harness
