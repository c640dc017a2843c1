#include "sim/report/window.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "kvclient/assert.h"
#include "sim/report/analysis.h"

namespace report {
namespace {

std::string Secs(absl::Duration d) {
  return absl::StrFormat("%.3f", absl::ToDoubleSeconds(d));
}

}  // namespace

std::string MessageWindow::Describe() const {
  if (size() == 0)
    return absl::StrCat("no messages drawn (0 of ", total, "), ", reason);
  return absl::StrCat("messages ", first + 1, "-", last, " of ", total,
                      " (t=", Secs(from), "-", Secs(to), "s), ", reason);
}

namespace {

// Positions in send order, and the first one sent at or after a time.
class SendTimes {
 public:
  explicit SendTimes(const RunAnalysis& analysis) : analysis_(analysis) {}
  size_t size() const { return analysis_.send_order().size(); }
  absl::Time sent(size_t pos) const { return analysis_.message_at(pos).sent; }
  size_t AtOrAfter(absl::Time t) const {
    size_t lo = 0, hi = size();
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (sent(mid) < t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

 private:
  const RunAnalysis& analysis_;
};

// 1. The requested span, cut to its first `max` messages.
void RequestedWindow(const SendTimes& times, absl::Time t0,
                     const WindowOptions& options, size_t max, MessageWindow& w,
                     size_t& lo, size_t& hi) {
  lo = times.AtOrAfter(t0 + *options.from);
  hi = std::max(lo, times.AtOrAfter(t0 + *options.to));
  w.truncated = hi - lo > max;
  if (w.truncated) hi = lo + max;
  w.reason = absl::StrCat(
      "the requested window t=", Secs(*options.from), "-", Secs(*options.to),
      "s",
      w.truncated ? absl::StrCat(", cut to its first ", max, " messages") : "");
}

// 2. The span around the first failure, 3/4 before and 1/4 after, trimmed
// the same way around the first message sent at or after it.
void FailureWindow(const SendTimes& times, absl::Time t0,
                   const Failure& failure, const WindowOptions& options,
                   size_t max, MessageWindow& w, size_t& lo, size_t& hi) {
  const size_t n = times.size();
  const absl::Time f = failure.time;
  lo = times.AtOrAfter(f - options.span * 3 / 4);
  hi = std::max(lo, times.AtOrAfter(f + options.span / 4));
  const size_t anchor = std::min(std::max(times.AtOrAfter(f), lo), hi);
  if (hi - lo > max) {
    w.truncated = true;
    const size_t start =
        std::max(lo, anchor >= max * 3 / 4 ? anchor - max * 3 / 4 : 0);
    const size_t end = std::min(hi, start + max);
    lo = end - start < max ? end - max : start;  // hi - lo > max: end >= max
    hi = lo + max;
  }
  if (lo == hi && n > 0) {  // nothing sent near it: the messages just before
    hi = std::max<size_t>(1, std::min(anchor, n));
    lo = hi > max ? hi - max : 0;
  }
  w.focus = f;
  w.focus_what = failure.what;
  w.focus_client = failure.client;
  w.reason = absl::StrCat("around the first failed check at t=", Secs(f - t0),
                          "s: ", failure.what);
}

// 3. The first `span` of the run.
void StartWindow(const SendTimes& times, const WindowOptions& options,
                 size_t max, MessageWindow& w, size_t& hi) {
  hi = times.AtOrAfter(times.sent(0) + options.span);
  w.truncated = hi > max;
  if (w.truncated) hi = max;
  w.reason = absl::StrCat(
      "the start of the run (the first ", absl::FormatDuration(options.span),
      w.truncated ? absl::StrCat(", cut to ", max, " messages") : "",
      "); no check failed");
}

}  // namespace

MessageWindow ChooseWindow(const RunAnalysis& analysis,
                           const WindowOptions& options) {
  const sim::RunRecord& run = analysis.run();
  const size_t max = std::max<size_t>(1, options.max_messages);
  const SendTimes times(analysis);
  const size_t n = times.size();
  MessageWindow w;
  w.total = n;
  size_t lo = 0, hi = 0;
  if (options.from.has_value() && options.to.has_value()) {
    RequestedWindow(times, run.t0, options, max, w, lo, hi);
  } else if (analysis.first_failure().has_value()) {
    FailureWindow(times, run.t0, *analysis.first_failure(), options, max, w, lo,
                  hi);
  } else if (n > 0) {
    StartWindow(times, options, max, w, hi);
  } else {
    w.reason = "the run sent no messages";
  }
  MC_ASSERT(lo <= hi && hi <= n && hi - lo <= max, "window [", lo, ", ", hi,
            ") of ", n, " messages, at most ", max);
  w.first = lo;
  w.last = hi;
  if (hi > lo) {
    w.from = times.sent(lo) - run.t0;
    w.to = times.sent(hi - 1) - run.t0;
  }
  return w;
}

std::string ParseWindowFlag(absl::string_view value, WindowOptions* options) {
  std::vector<absl::string_view> parts = absl::StrSplit(value, ':');
  double from = 0, to = 0;
  if (parts.size() != 2 || !absl::SimpleAtod(parts[0], &from) ||
      !absl::SimpleAtod(parts[1], &to) || !(from < to) || from < -1e6 ||
      to > 1e6) {
    return "must be FROM:TO in seconds since the start, FROM < TO (e.g. "
           "12:15.5)";
  }
  options->from = absl::Milliseconds(static_cast<int64_t>(from * 1000));
  options->to = absl::Milliseconds(static_cast<int64_t>(to * 1000));
  return "";
}

std::string ParseMaxMessagesFlag(absl::string_view value,
                                 WindowOptions* options) {
  int64_t n = 0;
  if (!absl::SimpleAtoi(value, &n) || n < 1 || n > 100000) {
    return "must be a number of messages from 1 to 100000";
  }
  options->max_messages = static_cast<size_t>(n);
  return "";
}

}  // namespace report
