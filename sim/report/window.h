// Which messages messages.svg draws. A 20 s run at rate 100 sends ~6,000
// messages; a diagram of all of them is unusable, so the SVG draws a window
// of at most `max_messages` consecutive messages (in send order):
//   1. the requested span [from, to) (seconds since t0), if one is given;
//   2. else the neighbourhood of the first failed check
//      (RunAnalysis::first_failure): the
//      `span` around it, 3/4 before and 1/4 after, trimmed to max_messages
//      the same way around the first message sent at or after the failure;
//   3. else the first `span` of the run (from its first message).
//
//   MessageWindow w = ChooseWindow(RunAnalysis(run), WindowOptions{});
//   w.Describe() == "messages 1201-2000 of 6123 (t=31.020-33.551s), around "
//                   "the first failed check at t=33.200s: final read 17 ..."
#ifndef SIM_REPORT_WINDOW_H_
#define SIM_REPORT_WINDOW_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "sim/maelstrom/run_record.h"
#include "sim/report/analysis.h"

namespace report {

struct WindowOptions {
  absl::optional<absl::Duration> from;  // since t0; both or neither
  absl::optional<absl::Duration> to;
  size_t max_messages = 800;
  absl::Duration span = absl::Seconds(3);
};

struct MessageWindow {
  size_t first = 0;  // [first, last): positions in RunAnalysis::send_order()
  size_t last = 0;
  size_t total = 0;        // every message of the run
  absl::Duration from;     // send times of the first and last drawn message,
  absl::Duration to;       // since t0 (zero when the window is empty)
  std::string reason;      // "around the first failed check at t=...: ..."
  bool truncated = false;  // more matched than max_messages
  absl::optional<absl::Time> focus;  // the failure the window is around:
  std::string focus_what;            //   what failed (Failure::what)
  std::string focus_client;          //   the client of a bad final read

  size_t size() const { return last - first; }
  // One line for the driver to print and the SVG to show.
  std::string Describe() const;
};

MessageWindow ChooseWindow(const RunAnalysis& analysis,
                           const WindowOptions& options);

// The drivers' --diagram-window FROM:TO flag (seconds since t0, e.g.
// "12:15.5"; FROM < TO; a negative FROM reaches the inits before t0) and
// --diagram-messages N (1..100000: the most arrows drawn). Each returns why
// the value is bad ("" when it is good) and leaves `options` alone then.
std::string ParseWindowFlag(absl::string_view value, WindowOptions* options);
std::string ParseMaxMessagesFlag(absl::string_view value,
                                 WindowOptions* options);

}  // namespace report

#endif  // SIM_REPORT_WINDOW_H_
