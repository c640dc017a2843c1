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

MessageWindow ChooseWindow(const sim::RunRecord& run,
                           const WindowOptions& options) {
  const size_t max = std::max<size_t>(1, options.max_messages);
  const std::vector<size_t> order = SendOrder(run.messages);
  const size_t n = order.size();
  auto sent = [&](size_t pos) { return run.messages[order[pos]].sent; };
  // First position whose message was sent at or after t.
  auto at_or_after = [&](absl::Time t) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (sent(mid) < t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  };

  MessageWindow w;
  w.total = n;
  size_t lo = 0, hi = 0;
  const absl::optional<Failure> failure = FirstFailure(run);
  if (options.from.has_value() && options.to.has_value()) {
    lo = at_or_after(run.t0 + *options.from);
    hi = std::max(lo, at_or_after(run.t0 + *options.to));
    w.truncated = hi - lo > max;
    if (w.truncated) hi = lo + max;
    w.reason = absl::StrCat(
        "the requested window t=", Secs(*options.from), "-", Secs(*options.to),
        "s",
        w.truncated ? absl::StrCat(", cut to its first ", max, " messages")
                    : "");
  } else if (failure.has_value()) {
    const absl::Time f = failure->time;
    lo = at_or_after(f - options.span * 3 / 4);
    hi = std::max(lo, at_or_after(f + options.span / 4));
    const size_t anchor = std::min(std::max(at_or_after(f), lo), hi);
    if (hi - lo > max) {
      w.truncated = true;
      const size_t start =
          std::max(lo, anchor >= max * 3 / 4 ? anchor - max * 3 / 4 : 0);
      const size_t end = std::min(hi, start + max);
      lo = end - start < max ? end - max
                             : start;  // hi - lo > max, so end >= max
      hi = lo + max;
    }
    if (lo == hi && n > 0) {  // nothing sent near it: the messages just before
      hi = std::max<size_t>(1, std::min(anchor, n));
      lo = hi > max ? hi - max : 0;
    }
    w.focus = f;
    w.focus_what = failure->what;
    w.focus_client = failure->client;
    w.reason =
        absl::StrCat("around the first failed check at t=", Secs(f - run.t0),
                     "s: ", failure->what);
  } else if (n > 0) {
    hi = at_or_after(sent(0) + options.span);
    w.truncated = hi > max;
    if (w.truncated) hi = max;
    w.reason = absl::StrCat(
        "the start of the run (the first ", absl::FormatDuration(options.span),
        w.truncated ? absl::StrCat(", cut to ", max, " messages") : "",
        "); no check failed");
  } else {
    w.reason = "the run sent no messages";
  }
  MC_ASSERT(lo <= hi && hi <= n && hi - lo <= max, "window [", lo, ", ", hi,
            ") of ", n, " messages, at most ", max);
  w.first = lo;
  w.last = hi;
  if (hi > lo) {
    w.from = sent(lo) - run.t0;
    w.to = sent(hi - 1) - run.t0;
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
