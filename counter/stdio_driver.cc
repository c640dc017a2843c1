#include "counter/stdio_driver.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "kvclient/errors.h"

namespace counter {
namespace {

using kvclient::Json;

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
bool HandleLine(Core& node, const std::string& line, std::FILE* out,
                std::FILE* err) {
  if (line.find_first_not_of(" \t\r") == std::string::npos) return true;
  absl::Time now = absl::Now();
  absl::StatusOr<kvclient::Message> message = kvclient::ParseMessage(line);
  if (message.ok()) {
    node.Step(*message, now);
    return Emit(node.TakeReady(), out, err);
  }
  std::string shown = line.substr(0, 200);
  std::fprintf(err, "bad input line (%s): %s%s\n",
               std::string(message.status().message()).c_str(), shown.c_str(),
               line.size() > 200 ? "..." : "");
  absl::optional<kvclient::Message> reply =
      ReplyToUnparsableLine(line, message.status().message(), node.node_id());
  if (!reply.has_value()) return true;
  Ready answer;
  answer.messages.push_back(*std::move(reply));
  return Emit(std::move(answer), out, err);
}

}  // namespace

absl::optional<kvclient::Message> ReplyToUnparsableLine(
    absl::string_view line, absl::string_view why, absl::string_view self) {
  // Only the top levels matter (src, dest, body.msg_id); deeper values are
  // dropped while parsing, so a line of millions of '[' does not become a
  // DOM of hundreds of MB just to find whom to answer.
  auto shallow = [](int depth, Json::parse_event_t, Json&) {
    return depth <= 8;
  };
  Json j = Json::parse(line.begin(), line.end(), shallow, false);
  if (j.is_discarded() || !j.is_object()) return absl::nullopt;
  auto src = j.find("src");
  auto body = j.find("body");
  if (src == j.end() || !src->is_string() || body == j.end() ||
      !body->is_object()) {
    return absl::nullopt;
  }
  absl::optional<int64_t> msg_id = kvclient::MsgId(*body);
  if (!msg_id.has_value() || kvclient::InReplyTo(*body).has_value()) {
    return absl::nullopt;
  }
  std::string from(self);
  auto dest = j.find("dest");
  if (from.empty() && dest != j.end() && dest->is_string()) {
    from = dest->get<std::string>();
  }
  return kvclient::Message{
      from, src->get<std::string>(),
      kvclient::ErrorBody(kvclient::ErrorCode::kMalformedRequest, msg_id,
                          absl::StrCat("malformed message: ", why))};
}

int RunStdio(Core& node, int in_fd, std::FILE* out, std::FILE* err) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout shows up as a write error
  LineReader reader(in_fd);
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
        writable = writable && HandleLine(node, *line, out, err);
      }
      if (overlong) {
        std::fprintf(err, "dropped an input line longer than %zu bytes\n",
                     kMaxLineBytes);
      }
      if (!open)
        writable = writable && HandleLine(node, reader.Rest(), out, err);
    }
    node.Tick(absl::Now());
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
