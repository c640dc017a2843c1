// Runs a counter::Node over Maelstrom's stdio protocol: one JSON message per
// line on `in_fd`, one per line on `out` (flushed after each batch), logs on
// `err`. Drives the node's timers with the wall clock. Returns when the input
// ends (the exit code to use: 0) or stdout breaks.
//
//   std::unique_ptr<counter::Core> core = counter::MakeCore(options);
//   return counter::RunStdio(*core, STDIN_FILENO, stdout, stderr);
//
// Bad input never stops it: an unparsable line (invalid JSON, invalid UTF-8,
// lone surrogates, NUL bytes, numbers out of range, a msg_id beyond int64 ...)
// is logged, and answered with error 12 when it still names a sender and a
// msg_id a client could match (kvclient/envelope.h); a line longer than
// kMaxLineBytes is dropped whole. Its log lines are rate-limited per kind
// (kLogLinesPerSecond a second, then a count), like the core's.
#ifndef COUNTER_STDIO_DRIVER_H_
#define COUNTER_STDIO_DRIVER_H_

#include <cstddef>
#include <cstdio>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "counter/core.h"
#include "kvclient/message.h"

namespace counter {

constexpr size_t kMaxLineBytes = 64 << 20;
constexpr int kLogLinesPerSecond = 10;

int RunStdio(Core& node, int in_fd, std::FILE* out, std::FILE* err);

// For a line ParseMessage rejected (`why`): the error reply to send (12,
// in_reply_to its msg_id exactly as written), if the line still names a
// sender and a msg_id that can be answered; nullopt otherwise, with
// `*why_not` saying why (no sender, a reply, a msg_id such as 7.5 or 2^64
// that no client could match). `self`: the node's id ("" before init: the
// line's dest). Exposed for tests.
absl::optional<kvclient::Message> ReplyToUnparsableLine(
    absl::string_view line, absl::string_view why, absl::string_view self,
    std::string* why_not = nullptr);

}  // namespace counter

#endif  // COUNTER_STDIO_DRIVER_H_
