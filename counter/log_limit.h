// A rate limit on log lines, per kind, so that a misbehaving service or a
// hostile client cannot fill a disk: of each kind, the first `per_window`
// lines of every window (1 s) are kept, the rest only counted, and the count
// is reported in one line once that window is over. Pure: time is a
// parameter (the node's `now`, the stdio driver's clock).
//
//   enum class Kind { kKvError, kBadInput, kCount };
//   LogLimiter<Kind> limiter(/*per_window=*/10, absl::Seconds(1),
//                            [](Kind k) { return k == Kind::kKvError ?
//                                         "kv-error" : "bad-input"; });
//   if (limiter.Admit(Kind::kKvError, now)) out.push_back(line);
//   limiter.Report(now, &out);  // "rate limit: dropped 312 more kv-error
//                               //  lines of that 1s (keeps 10 of each
//                               //  kind per 1s)"
//
// `Kind` is an enum class whose last enumerator is kCount; the table has one
// slot per kind, so it is bounded by construction.
#ifndef COUNTER_LOG_LIMIT_H_
#define COUNTER_LOG_LIMIT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "kvclient/assert.h"

namespace counter {

template <typename Kind>
class LogLimiter {
 public:
  static constexpr size_t kKinds = static_cast<size_t>(Kind::kCount);
  using NameFn = absl::string_view (*)(Kind);

  LogLimiter(int per_window, absl::Duration window, NameFn name)
      : per_window_(per_window), window_(window), name_(name) {
    MC_ASSERT(per_window_ >= 1 && window_ > absl::ZeroDuration(),
              "a log limit keeps at least one line per positive window");
  }

  // Whether a line of `kind` at `now` is kept. A line that opens a new
  // window reports the previous window's count first (see Report).
  bool Admit(Kind kind, absl::Time now, std::vector<std::string>* out) {
    Slot& slot = slots_[Index(kind)];
    if (now >= slot.start + window_) {
      Close(kind, out);
      slot.start = now;
    }
    if (slot.kept < per_window_) {
      ++slot.kept;
      return true;
    }
    ++slot.dropped;
    return false;
  }

  // Reports, one line per kind, the lines dropped in windows that are over
  // by `now`.
  void Report(absl::Time now, std::vector<std::string>* out) {
    for (size_t i = 0; i < kKinds; ++i) {
      if (slots_[i].dropped > 0 && now >= slots_[i].start + window_) {
        Close(static_cast<Kind>(i), out);
      }
    }
  }

  int64_t dropped_total() const { return dropped_total_; }

 private:
  struct Slot {
    absl::Time start = absl::InfinitePast();
    int kept = 0;
    int64_t dropped = 0;
  };

  static size_t Index(Kind kind) {
    size_t i = static_cast<size_t>(kind);
    MC_ASSERT(i < kKinds, "log kind ", i, " is outside the table of ", kKinds);
    return i;
  }

  void Close(Kind kind, std::vector<std::string>* out) {
    Slot& slot = slots_[Index(kind)];
    if (slot.dropped > 0) {
      out->push_back(absl::StrCat("rate limit: dropped ", slot.dropped,
                                  " more ", name_(kind), " lines of that ",
                                  absl::FormatDuration(window_), " (keeps ",
                                  per_window_, " of each kind per ",
                                  absl::FormatDuration(window_), ")"));
      dropped_total_ += slot.dropped;
    }
    slot.kept = 0;
    slot.dropped = 0;
  }

  int per_window_;
  absl::Duration window_;
  NameFn name_;
  std::array<Slot, kKinds> slots_;
  int64_t dropped_total_ = 0;
};

}  // namespace counter

#endif  // COUNTER_LOG_LIMIT_H_
