#include "counter/stdio_driver.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "counter/log_limit.h"
#include "kvclient/envelope.h"
#include "kvclient/errors.h"

namespace counter {
namespace {

using kvclient::Json;

// The driver's own log lines, rate-limited per kind like the core's.
enum class LineLog { kBadLine, kUnanswered, kOverlong, kCount };
absl::string_view LineLogName(LineLog kind) {
  switch (kind) {
    case LineLog::kBadLine: return "bad-input-line";
    case LineLog::kUnanswered: return "unanswered-line";
    case LineLog::kOverlong: return "overlong-line";
    case LineLog::kCount: break;
  }
  return "?";
}
using DriverLog = LogLimiter<LineLog>;

void Print(std::FILE* err, const std::vector<std::string>& lines) {
  for (const std::string& line : lines) {
    std::fprintf(err, "%s\n", line.c_str());
  }
}

// Logs `line` on stderr if its kind's rate limit lets it through.
void LogLine(DriverLog& log, LineLog kind, const std::string& line,
             std::FILE* err) {
  std::vector<std::string> counts;
  const bool keep = log.Admit(kind, absl::Now(), &counts);
  Print(err, counts);
  if (keep) std::fprintf(err, "%s\n", line.c_str());
}

// Writes the node's output; false once stdout is gone.
bool Emit(Ready ready, std::FILE* out, std::FILE* err) {
  for (const std::string& line : ready.log) {
    std::fprintf(err, "%s\n", line.c_str());
  }
  for (const kvclient::Message& m : ready.messages) {
    std::string line = kvclient::EncodeMessage(m);
    line.push_back('\n');
    if (std::fwrite(line.data(), 1, line.size(), out) != line.size()) {
      return false;
    }
  }
  std::fflush(err);
  return std::fflush(out) == 0;
}

int PollTimeoutMs(absl::optional<absl::Time> wake_at, absl::Time now) {
  if (!wake_at.has_value()) return -1;
  if (*wake_at <= now) return 0;
  return static_cast<int>(absl::ToInt64Milliseconds(
      absl::Ceil(*wake_at - now, absl::Milliseconds(1))));
}

class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}

  // Reads what is available. False at end of input or on a read error.
  bool Fill() {
    char buf[1 << 16];
    ssize_t n = read(fd_, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  }

  // The next complete line, or nullopt. Overlong lines are skipped whole and
  // reported through `overlong`.
  absl::optional<std::string> Next(bool* overlong) {
    *overlong = false;
    for (;;) {
      size_t nl = buffer_.find('\n', scanned_);
      if (nl == std::string::npos) {
        scanned_ = buffer_.size();
        if (buffer_.size() > kMaxLineBytes) {
          buffer_.clear();
          scanned_ = 0;
          skipping_ = true;
        }
        return absl::nullopt;
      }
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      scanned_ = 0;
      if (skipping_ || line.size() > kMaxLineBytes) {
        skipping_ = false;
        *overlong = true;
        continue;
      }
      return line;
    }
  }

  // Whatever is left at end of input (a last line without '\n').
  std::string Rest() {
    std::string rest = skipping_ ? std::string() : std::move(buffer_);
    buffer_.clear();
    return rest;
  }

 private:
  int fd_;
  std::string buffer_;
  size_t scanned_ = 0;
  bool skipping_ = false;
};

// Steps the node with one line and writes what it answers at once: the core
// bounds what one Ready holds, so Ready is taken after every Step (and
// replies go out in input order, a bad line's error reply included). False
// once stdout is gone.
bool HandleLine(Core& node, const std::string& line, DriverLog& log,
                std::FILE* out, std::FILE* err) {
  if (line.find_first_not_of(" \t\r") == std::string::npos) return true;
  absl::Time now = absl::Now();
  absl::StatusOr<kvclient::Message> message = kvclient::ParseMessage(line);
  if (message.ok()) {
    node.Step(*message, now);
    return Emit(node.TakeReady(), out, err);
  }
  const std::string why(message.status().message());
  LogLine(log, LineLog::kBadLine,
          absl::StrCat("bad input line (", why, "): ", line.substr(0, 200),
                       line.size() > 200 ? "..." : ""),
          err);
  std::string why_not;
  absl::optional<kvclient::Message> reply =
      ReplyToUnparsableLine(line, why, node.node_id(), &why_not);
  if (!reply.has_value()) {
    LogLine(log, LineLog::kUnanswered,
            absl::StrCat("  not answered: ", why_not), err);
    return true;
  }
  Ready answer;
  answer.messages.push_back(*std::move(reply));
  return Emit(std::move(answer), out, err);
}

}  // namespace

absl::optional<kvclient::Message> ReplyToUnparsableLine(absl::string_view line,
                                                        absl::string_view why,
                                                        absl::string_view self,
                                                        std::string* why_not) {
  std::string ignored;
  if (why_not == nullptr) why_not = &ignored;
  // A tolerant scan, not a parse: the line may be invalid JSON (invalid
  // UTF-8, a lone surrogate, a NUL byte, 1e400), and only src, dest and
  // body.msg_id matter; nothing deeper is built, so a line of millions of
  // '[' costs no memory just to find whom to answer.
  absl::optional<kvclient::Envelope> e = kvclient::ScanEnvelope(line);
  if (!e.has_value()) {
    *why_not = "not a JSON object, even with bad strings and numbers allowed";
    return absl::nullopt;
  }
  if (!e->src.has_value()) {
    *why_not = "no sender to answer (src missing, or not a valid string)";
    return absl::nullopt;
  }
  if (!e->body_is_object || !e->msg_id_text.has_value()) {
    *why_not = "no msg_id to answer";
    return absl::nullopt;
  }
  if (e->has_in_reply_to) {
    *why_not = "a reply (it has in_reply_to) is never answered";
    return absl::nullopt;
  }
  absl::optional<Json> msg_id = kvclient::ReplyableMsgId(*e->msg_id_text);
  if (!msg_id.has_value()) {
    *why_not = absl::StrCat("msg_id ", e->msg_id_text->substr(0, 40),
                            " is not a JSON integer of 64 bits that a "
                            "client could match");
    return absl::nullopt;
  }
  std::string from(self);
  if (from.empty() && e->dest.has_value()) from = *e->dest;
  if (from.empty()) {
    // Maelstrom takes a message from "" for one of an unknown node and
    // stops reading this one (net.clj validate-msg).
    *why_not = "no id to answer as (before init, and the line names no dest)";
    return absl::nullopt;
  }
  // The reason may quote the line's bytes (nlohmann's "last read: ..."):
  // made valid UTF-8 here, so the reply is the same message once encoded.
  const std::string text =
      Json(absl::StrCat("malformed message: ", why))
          .dump(-1, ' ', false, Json::error_handler_t::replace);
  Json body =
      kvclient::ErrorBody(kvclient::ErrorCode::kMalformedRequest, absl::nullopt,
                          Json::parse(text).get<std::string>());
  body["in_reply_to"] = *std::move(msg_id);
  return kvclient::Message{from, *std::move(e->src), std::move(body)};
}

int RunStdio(Core& node, int in_fd, std::FILE* out, std::FILE* err) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout shows up as a write error
  LineReader reader(in_fd);
  DriverLog log(kLogLinesPerSecond, absl::Seconds(1), &LineLogName);
  absl::optional<absl::Time> wake_at;
  for (;;) {
    pollfd pfd{in_fd, POLLIN, 0};
    int ready_fds = poll(&pfd, 1, PollTimeoutMs(wake_at, absl::Now()));
    bool open = true;
    bool writable = true;
    if (ready_fds > 0) {
      open = reader.Fill();
      bool overlong = false;
      while (absl::optional<std::string> line = reader.Next(&overlong)) {
        writable = writable && HandleLine(node, *line, log, out, err);
      }
      if (overlong) {
        LogLine(log, LineLog::kOverlong,
                absl::StrCat("dropped an input line longer than ",
                             kMaxLineBytes, " bytes"),
                err);
      }
      if (!open) {
        writable = writable && HandleLine(node, reader.Rest(), log, out, err);
      }
    }
    node.Tick(absl::Now());
    std::vector<std::string> counts;
    log.Report(absl::Now(), &counts);
    Print(err, counts);
    Ready ready = node.TakeReady();
    wake_at = ready.wake_at;
    if (!writable || !Emit(std::move(ready), out, err)) {
      std::fprintf(err, "stdout is closed; exiting\n");
      return 0;
    }
    if (!open) return 0;
  }
}

}  // namespace counter
