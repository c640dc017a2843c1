// The harness's one blocking call: wait for a node's pipe or for the moment
// the driver asked to be woken, whichever comes first, to the nanosecond
// (ppoll(2) takes a timespec; poll(2)'s whole milliseconds made every
// wake-up up to 1 ms late, and the driver's clients issue operations when
// it wakes).
//
//   std::vector<pollfd> fds = ...;
//   int ready = harness::PollUntil(&fds, absl::Now(), driver.NextWakeAt(),
//                                  absl::Milliseconds(100));
//   // ready > 0: some revents set; 0: the deadline (or the cap) passed.
#ifndef TESTING_WAIT_H_
#define TESTING_WAIT_H_

#include <poll.h>
#include <time.h>

#include <vector>

#include "absl/time/time.h"

namespace harness {

// How long to wait from `now` until `deadline`, exactly: zero once the
// deadline has passed, at most `cap` (so a loop still gets to look around).
// WaitTimeout(t, t + absl::Microseconds(250), absl::Milliseconds(100))
//   == {0, 250000}.
timespec WaitTimeout(absl::Time now, absl::Time deadline, absl::Duration cap);

// ppoll(2) on `fds` for at most WaitTimeout(now, deadline, cap); no signal
// mask change. Returns ppoll's result (-1 with errno EINTR after a signal).
int PollUntil(std::vector<pollfd>* fds, absl::Time now, absl::Time deadline,
              absl::Duration cap);

}  // namespace harness

#endif  // TESTING_WAIT_H_
