// Runs a counter::Node over Maelstrom's stdio protocol: one JSON message per
// line on `in_fd`, one per line on `out` (flushed after each batch), logs on
// `err`. Drives the node's timers with the wall clock. Returns when the input
// ends (the exit code to use: 0) or stdout breaks.
//
//   std::unique_ptr<counter::Core> core = counter::MakeCore(options);
//   return counter::RunStdio(*core, STDIN_FILENO, stdout, stderr);
//
// Bad input never stops it: an unparsable line is logged, and answered with
// error 12 when it still names a sender and a msg_id to answer; a line longer
// than kMaxLineBytes is dropped whole.
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

int RunStdio(Core& node, int in_fd, std::FILE* out, std::FILE* err);

// For a line ParseMessage rejected: the error reply to send, if the line
// still names a sender and a msg_id. Exposed for tests.
absl::optional<kvclient::Message> ReplyToUnparsableLine(absl::string_view line,
                                                        absl::string_view why,
                                                        absl::string_view self);

}  // namespace counter

#endif  // COUNTER_STDIO_DRIVER_H_
