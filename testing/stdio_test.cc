// The real binary (//counter:maelstrom-counter) over pipes, fed bad input.
// Each row of kRows below is one case: what is written to the node's stdin
// and every client reply it must cause. Replies are summarized as
// "<type>[ <code or value>] @<in_reply_to>", e.g. "error 12 @7".
//
// The test plays seq-kv with the shared service model
// (sim/maelstrom/kv_service.h): lin-kv's, a linearizable store (a history
// seq-kv may give too), answering every KV request at once; it outlives the
// node processes, so a restarted node finds what the previous one wrote.
// (The test lives in testing/, the process host's package, because it uses
// that model: counter/ is below sim/.) After each row it checks that nothing
// broke:
//   - probe rows: a read then shows every bad line was handled (stdin is
//     processed in order), then init + add 3 + read still work and the read
//     returns the row's total + 3; then end of input must give exit code 0;
//   - EOF rows: stdin ends right after the row's bytes; exit code 0;
//   - every row: a restarted node on the same seq-kv reads the same total,
//     so nothing acknowledged (the setup's add of 4, the epilogue's 3) was
//     lost or doubled.
// Every line the node writes must be a valid Maelstrom message from n1.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "gtest/gtest.h"
#include "kvclient/message.h"
#include "sim/maelstrom/kv_service.h"
#include "sim/maelstrom/node_line.h"
#include "sim/maelstrom/prng.h"

namespace {

using kvclient::Json;

const absl::Duration kWait = absl::Seconds(30);  // generous: ASan builds

std::string BinaryPath(const char* name = "maelstrom-counter") {
  const char* dir = std::getenv("TEST_SRCDIR");
  return absl::StrCat(dir != nullptr ? dir : ".", "/gcounter/counter/", name);
}

// "error 12 @7", "read_ok 4 @800", "add_ok @9", "init_ok @1".
std::string Summary(const Json& body) {
  std::string type(kvclient::BodyType(body));
  std::string s = type;
  if (type == "error" && body.contains("code")) {
    absl::StrAppend(&s, " ", body["code"].dump());
  }
  if (type == "read_ok" && body.contains("value")) {
    absl::StrAppend(&s, " ", body["value"].dump());
  }
  // As written: a msg_id beyond int64 (2^63) is answered exactly.
  auto to = body.find("in_reply_to");
  return absl::StrCat(s, " @", to != body.end() ? to->dump() : "none");
}

// A node that exits while we write must not kill the test with SIGPIPE.
[[maybe_unused]] const bool kSigpipeIgnored = [] {
  signal(SIGPIPE, SIG_IGN);
  return true;
}();

// One maelstrom-counter process with its stdin and stdout as pipes (stderr
// goes to a file, printed when a check fails).
class Node {
 public:
  // Answers a KV request: the reply body, or nullopt for none.
  using KvAnswer = std::function<absl::optional<Json>(const Json& request)>;

  // `args`: the binary's flags (by default long timers: a slow sanitizer
  // build must not see KV timeouts).
  explicit Node(sim::LinKv* kv,
                std::vector<std::string> args = {"--kv_timeout_ms=60000",
                                                 "--add_deadline_ms=60000",
                                                 "--refresh_ms=60000"})
      : kv_(kv) {
    int in[2], out[2];
    EXPECT_EQ(pipe(in), 0);
    EXPECT_EQ(pipe(out), 0);
    const char* tmp = std::getenv("TEST_TMPDIR");
    err_path_ = absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/node-", getpid(),
                             "-", ++count_, ".stderr");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      int err = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (err >= 0) dup2(err, 2);
      for (int fd : {in[0], in[1], out[0], out[1]}) close(fd);
      std::string binary = BinaryPath();
      std::vector<char*> argv{const_cast<char*>("maelstrom-counter")};
      for (std::string& a : args) argv.push_back(&a[0]);
      argv.push_back(nullptr);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    stdout_ = out[0];
    fcntl(stdin_, F_SETFL, O_NONBLOCK);
  }

  ~Node() {
    CloseStdin();
    CloseStdout();
    if (pid_ > 0 && !exit_code_.has_value()) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  // Writes everything, reading (and buffering) output meanwhile so neither
  // side blocks on a full pipe. False if the node stopped reading.
  bool Write(const std::string& bytes) {
    size_t done = 0;
    absl::Time deadline = absl::Now() + kWait;
    while (done < bytes.size() && absl::Now() < deadline) {
      pollfd fds[2] = {{stdin_, POLLOUT, 0}, {stdout_, POLLIN, 0}};
      if (poll(fds, stdout_ >= 0 ? 2 : 1, 100) <= 0) continue;
      if (fds[0].revents & (POLLERR | POLLHUP)) break;  // the node is gone
      if (fds[0].revents & POLLOUT) {
        ssize_t n = write(stdin_, bytes.data() + done, bytes.size() - done);
        if (n > 0) done += static_cast<size_t>(n);
      }
      if (stdout_ >= 0 && (fds[1].revents & (POLLIN | POLLHUP))) ReadSome();
    }
    return done == bytes.size();
  }

  void Send(const std::string& line) {
    EXPECT_TRUE(Write(line + "\n")) << "could not write " << line << Stderr();
  }

  // Sends a request and returns the summary of its reply; client replies to
  // anything else seen meanwhile are kept in `others`.
  std::string Request(const std::string& line, int64_t msg_id,
                      std::vector<std::string>* others = nullptr) {
    Send(line);
    absl::Time deadline = absl::Now() + kWait;
    while (absl::optional<Json> body = NextClientReply(deadline)) {
      if (kvclient::InReplyTo(*body) == msg_id) return Summary(*body);
      (others != nullptr ? others : &strays_)->push_back(Summary(*body));
    }
    ADD_FAILURE() << "no reply to " << line << Stderr();
    return "";
  }

  // Reads client replies until end of output (the node exited).
  std::vector<std::string> DrainToEof() {
    std::vector<std::string> replies;
    absl::Time deadline = absl::Now() + kWait;
    while (absl::optional<Json> body = NextClientReply(deadline)) {
      replies.push_back(Summary(*body));
    }
    return replies;
  }

  void CloseStdin() {
    if (stdin_ >= 0) close(stdin_);
    stdin_ = -1;
  }
  void CloseStdout() {
    if (stdout_ >= 0) close(stdout_);
    stdout_ = -1;
  }

  // The exit code, or -1 (killed by a signal, or still running at timeout).
  int Wait() {
    absl::Time deadline = absl::Now() + kWait;
    while (!exit_code_.has_value() && absl::Now() < deadline) {
      int status = 0;
      pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (WIFSIGNALED(status))
          ADD_FAILURE() << "killed by signal " << WTERMSIG(status);
      } else {
        absl::SleepFor(absl::Milliseconds(5));
      }
    }
    return exit_code_.value_or(-1);
  }

  const std::vector<std::string>& strays() const { return strays_; }

  // From now on KV requests are answered by `answer` instead of the store.
  void BreakKv(KvAnswer answer) { broken_ = std::move(answer); }

  // Reads the node's output for `d`, answering KV requests meanwhile;
  // returns how many KV requests it sent.
  int64_t CountKvRequestsFor(absl::Duration d) {
    const int64_t before = kv_requests_;
    const absl::Time end = absl::Now() + d;
    while (NextClientReply(end).has_value()) {
    }
    return kv_requests_ - before;
  }

  std::string Stderr() const {
    std::string text;
    int fd = open(err_path_.c_str(), O_RDONLY);
    char buf[4096];
    ssize_t n;
    while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0) text.append(buf, n);
    if (fd >= 0) close(fd);
    if (text.size() > 3000) text = "..." + text.substr(text.size() - 3000);
    return "\n--- node stderr ---\n" + text;
  }

 private:
  // The next reply to a client; KV requests met on the way are answered.
  absl::optional<Json> NextClientReply(absl::Time deadline) {
    for (;;) {
      absl::optional<std::string> line = NextLine(deadline);
      if (!line.has_value()) return absl::nullopt;
      // Maelstrom's own acceptance (process.clj, net.clj): e.g. an
      // in_reply_to beyond int64 is a valid message.
      absl::StatusOr<kvclient::Message> m = sim::ParseNodeLine(*line);
      if (!m.ok() || m->src != "n1") {
        ADD_FAILURE() << "invalid output line: " << *line;
        continue;
      }
      if (m->dest != "seq-kv") return m->body;
      ++kv_requests_;
      absl::optional<Json> reply = broken_ != nullptr
                                       ? broken_(m->body)
                                       : kv_->Handle(m->src, m->body, prng_);
      if (reply.has_value() && broken_ != nullptr) {
        (*reply)["in_reply_to"] = m->body["msg_id"];
      }
      if (reply.has_value()) {  // none for an unknown type, as Maelstrom
        Send(kvclient::EncodeMessage({"seq-kv", "n1", *reply}));
      }
    }
  }

  absl::optional<std::string> NextLine(absl::Time deadline) {
    for (;;) {
      size_t nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      if (stdout_ < 0 || eof_ || absl::Now() >= deadline) return absl::nullopt;
      pollfd fd{stdout_, POLLIN, 0};
      if (poll(&fd, 1, 100) > 0) ReadSome();
    }
  }

  void ReadSome() {
    char buf[1 << 16];
    ssize_t n = read(stdout_, buf, sizeof buf);
    if (n > 0) {
      buffer_.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      eof_ = true;
    }
  }

  static int count_;
  sim::LinKv* kv_;
  sim::Prng prng_{1};  // lin-kv draws nothing; Handle takes one
  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  bool eof_ = false;
  std::string buffer_;
  std::string err_path_;
  absl::optional<int> exit_code_;
  std::vector<std::string> strays_;
  KvAnswer broken_;
  int64_t kv_requests_ = 0;
};
int Node::count_ = 0;

// ------------------------------------------------------------ the table --

enum class Setup {
  kFresh,  // nothing before the row: the node is not initialized
  kReady,  // init as n1 (alone), then add 4 acknowledged: total 4
};
enum class Ending {
  kProbe,  // a read after the row, then the epilogue, then end of input
  kEof,    // end of input right after the row's bytes
};

struct Row {
  const char* name;
  Setup setup;
  std::string input;                 // written as is (add "\n" to end a line)
  std::vector<std::string> replies;  // every client reply the input causes
  int64_t total;  // the counter after the row (before the epilogue's +3)
  Ending ending = Ending::kProbe;
};

std::string Msg(const std::string& body, const std::string& src = "c1") {
  return absl::StrCat(R"({"src":")", src, R"(","dest":"n1","body":)", body,
                      "}");
}
std::string Line(const std::string& body) { return Msg(body) + "\n"; }

// A valid read padded with a `pad` string of `bytes` bytes.
std::string HugeRead(size_t bytes) {
  return Line(absl::StrCat(R"({"type":"read","msg_id":7,"pad":")",
                           std::string(bytes, 'x'), R"("})"));
}
// An add whose delta is `depth` nested arrays: overflowed the stack when the
// node printed the bad delta (fixed: ParseMessage bounds nesting depth).
std::string DeeplyNested(size_t depth) {
  return Line(absl::StrCat(R"({"type":"add","msg_id":7,"delta":)",
                           std::string(depth, '['), std::string(depth, ']'),
                           "}"));
}

const int64_t kMax = std::numeric_limits<int64_t>::max();

const std::vector<Row>& Rows() {
  static const auto* rows = new std::vector<Row>{
      // name, setup, input, replies, total[, ending]
      {"read_before_init",
       Setup::kFresh,
       Line(R"({"type":"read","msg_id":7})"),
       {"error 11 @7"},
       0},
      {"add_before_init",
       Setup::kFresh,
       Line(R"({"type":"add","delta":2,"msg_id":7})"),
       {"error 11 @7"},
       0},
      {"init_without_node_ids",
       Setup::kFresh,
       Line(R"({"type":"init","msg_id":7,"node_id":"n1"})"),
       {"error 12 @7"},
       0},
      {"init_node_ids_lack_node_id",
       Setup::kFresh,
       Line(R"({"type":"init","msg_id":7,"node_id":"n1","node_ids":["n0"]})"),
       {"error 12 @7"},
       0},
      {"init_with_an_empty_node_id",
       Setup::kFresh,
       Line(R"({"type":"init","msg_id":7,"node_id":"","node_ids":[""]})"),
       {"error 12 @7"},
       0},
      {"init_without_msg_id",
       Setup::kFresh,
       Line(R"({"type":"init","node_id":"n1"})"),
       {},
       0},

      {"invalid_json",
       Setup::kReady,
       R"({"src":"c1","dest":"n1","body":{)"
       "\n",
       {},
       4},
      {"not_json_at_all", Setup::kReady, "hello\n", {}, 4},
      {"json_array", Setup::kReady, "[1,2,3]\n", {}, 4},
      {"json_string", Setup::kReady, "\"read\"\n", {}, 4},
      {"json_number", Setup::kReady, "7\n", {}, 4},
      {"json_null", Setup::kReady, "null\n", {}, 4},
      {"two_messages_on_one_line",
       Setup::kReady,
       Msg(R"({"type":"read","msg_id":7})") +
           Line(R"({"type":"read","msg_id":8})"),
       {},
       4},
      {"missing_src",
       Setup::kReady,
       R"({"dest":"n1","body":{"type":"read","msg_id":7}})"
       "\n",
       {},
       4},
      {"missing_dest",
       Setup::kReady,
       R"({"src":"c1","body":{"type":"read","msg_id":7}})"
       "\n",
       {"error 12 @7"},
       4},
      {"missing_body",
       Setup::kReady,
       R"({"src":"c1","dest":"n1"})"
       "\n",
       {},
       4},
      {"body_not_an_object", Setup::kReady, Line("[7]"), {}, 4},
      {"missing_type",
       Setup::kReady,
       Line(R"({"msg_id":7})"),
       {"error 12 @7"},
       4},
      {"type_not_a_string",
       Setup::kReady,
       Line(R"({"type":3,"msg_id":7})"),
       {"error 12 @7"},
       4},
      {"missing_msg_id",
       Setup::kReady,
       Line(R"({"type":"add","delta":1})"),
       {},
       4},
      {"msg_id_a_string",
       Setup::kReady,
       Line(R"({"type":"read","msg_id":"7"})"),
       {},
       4},
      {"msg_id_a_float",
       Setup::kReady,
       Line(R"({"type":"read","msg_id":7.5})"),
       {},
       4},
      {"unknown_top_level_key",
       Setup::kReady,
       R"({"src":"c1","dest":"n1","x":1,"body":{"type":"read","msg_id":7}})"
       "\n",
       {"error 12 @7"},
       4},
      {"a_client_sends_a_reply",
       Setup::kReady,
       Line(R"({"type":"read_ok","value":1,"in_reply_to":7})"),
       {},
       4},
      {"missing_delta",
       Setup::kReady,
       Line(R"({"type":"add","msg_id":7})"),
       {"error 12 @7"},
       4},
      {"delta_a_string",
       Setup::kReady,
       Line(R"({"type":"add","delta":"3","msg_id":7})"),
       {"error 12 @7"},
       4},
      {"delta_a_float_3_0",
       Setup::kReady,
       Line(R"({"type":"add","delta":3.0,"msg_id":7})"),
       {"error 12 @7"},
       4},
      {"delta_a_float_3_5",
       Setup::kReady,
       Line(R"({"type":"add","delta":3.5,"msg_id":7})"),
       {"error 12 @7"},
       4},
      {"delta_a_bool",
       Setup::kReady,
       Line(R"({"type":"add","delta":true,"msg_id":7})"),
       {"error 12 @7"},
       4},
      {"delta_null",
       Setup::kReady,
       Line(R"({"type":"add","delta":null,"msg_id":7})"),
       {"error 12 @7"},
       4},
      {"delta_an_array",
       Setup::kReady,
       Line(R"({"type":"add","delta":[3],"msg_id":7})"),
       {"error 12 @7"},
       4},
      {"delta_2_pow_63_beyond_int64",
       Setup::kReady,
       Line(R"({"type":"add","delta":9223372036854775808,"msg_id":7})"),
       {"error 12 @7"},
       4},
      {"delta_below_int64_min",
       Setup::kReady,
       Line(R"({"type":"add","delta":-9223372036854775809,"msg_id":7})"),
       {"error 12 @7"},
       4},
      // nlohmann/json rejects numbers beyond double as invalid JSON; the
      // envelope scan still finds whom to answer (kvclient/envelope.h).
      {"delta_1e999_beyond_double",
       Setup::kReady,
       Line(R"({"type":"add","delta":1e999,"msg_id":7})"),
       {"error 12 @7"},
       4},
      {"delta_of_401_digits",
       Setup::kReady,
       Line(absl::StrCat(R"({"type":"add","msg_id":7,"delta":1)",
                         std::string(400, '0'), "}")),
       {"error 12 @7"},
       4},
      {"negative_delta_in_g_counter",
       Setup::kReady,
       Line(R"({"type":"add","delta":-1,"msg_id":7})"),
       {"error 12 @7"},
       4},
      // Overflow policy (counter/node.cc): an add that would take the total
      // this node can report out of int64 is rejected with 12.
      {"total_would_overflow_int64",
       Setup::kReady,
       Line(absl::StrCat(R"({"type":"add","delta":)", kMax - 10,
                         R"(,"msg_id":7})")) +
           Line(R"({"type":"add","delta":7,"msg_id":8})"),
       {"add_ok @7", "error 12 @8"},
       kMax - 6},
      {"delta_int64_max_overflows_at_once",
       Setup::kReady,
       Line(absl::StrCat(R"({"type":"add","delta":)", kMax, R"(,"msg_id":7})")),
       {"error 12 @7"},
       4},
      {"unknown_type",
       Setup::kReady,
       Line(R"({"type":"echo","msg_id":7})"),
       {"error 10 @7"},
       4},
      {"empty_type",
       Setup::kReady,
       Line(R"({"type":"","msg_id":7})"),
       {"error 10 @7"},
       4},
      {"second_init_same_id",
       Setup::kReady,
       Line(R"({"type":"init","msg_id":7,"node_id":"n1","node_ids":["n1"]})"),
       {"init_ok @7"},
       4},
      {"second_init_other_id",
       Setup::kReady,
       Line(R"({"type":"init","msg_id":7,"node_id":"n2","node_ids":["n2"]})"),
       {"error 12 @7"},
       4},
      {"empty_line", Setup::kReady, "\n", {}, 4},
      {"blank_line", Setup::kReady, " \t\r\n", {}, 4},
      {"crlf_line_end",
       Setup::kReady,
       Msg(R"({"type":"read","msg_id":7})") + "\r\n",
       {"read_ok 4 @7"},
       4},
      {"line_of_10_mb_valid",
       Setup::kReady,
       HugeRead(10 << 20),
       {"read_ok 4 @7"},
       4},
      {"line_of_10_mb_garbage",
       Setup::kReady,
       std::string(10 << 20, '{') + "\n",
       {},
       4},
      {"line_of_8_mb_nested_arrays",
       Setup::kReady,
       DeeplyNested(4 << 20),
       {"error 12 @7"},
       4},
      {"nul_byte_in_a_string",
       Setup::kReady,
       Line(std::string(R"({"type":"read","msg_id":7,"x":"a)") + '\0' +
            R"(b"})"),
       {"error 12 @7"},
       4},
      {"nul_byte_between_tokens",
       Setup::kReady,
       Line(std::string(R"({"type":"read",)") + '\0' + R"("msg_id":7})"),
       {"error 12 @7"},
       4},
      {"escaped_nul_in_a_string",
       Setup::kReady,
       Line(R"({"type":"read","msg_id":7,"x":"a\u0000b"})"),
       {"read_ok 4 @7"},
       4},
      {"invalid_utf8_in_a_string",
       Setup::kReady,
       Line("{\"type\":\"read\",\"msg_id\":7,\"x\":\"\xff\xfe\xc0\"}"),
       {"error 12 @7"},
       4},
      {"utf8_encoded_surrogate_in_a_string",
       Setup::kReady,
       Line("{\"type\":\"add\",\"delta\":1,\"msg_id\":7,\"x\":"
            "\"\xed\xa0\x80\"}"),
       {"error 12 @7"},
       4},
      // A sender that is not a valid string cannot be addressed: logged.
      {"invalid_utf8_in_src",
       Setup::kReady,
       Msg(R"({"type":"read","msg_id":7})", "c\xff") + "\n",
       {},
       4},
      {"lone_surrogate_in_src",
       Setup::kReady,
       Msg(R"({"type":"read","msg_id":7})", R"(c\ud800)") + "\n",
       {},
       4},
      // Issue 20's case: a lone surrogate in the body, msg_id 7.
      {"lone_surrogate_escape",
       Setup::kReady,
       Line(R"({"type":"read","msg_id":7,"x":"\ud800"})"),
       {"error 12 @7"},
       4},
      {"lone_low_surrogate_in_an_add",
       Setup::kReady,
       Line(R"({"type":"add","delta":2,"msg_id":7,"x":"\udc00"})"),
       {"error 12 @7"},
       4},
      {"lone_surrogate_before_init",
       Setup::kFresh,
       Line(R"({"type":"read","msg_id":7,"x":"\ud800"})"),
       {"error 12 @7"},
       0},
      // Before init a line that names no dest leaves no id to answer as:
      // a reply from "" would make Maelstrom stop reading this node
      // (net.clj validate-msg). Logged; after init it is answered as n1.
      {"no_dest_before_init",
       Setup::kFresh,
       R"({"src":"c1","body":{"type":"read","msg_id":7}})"
       "\n",
       {},
       0},
      {"no_dest_after_init",
       Setup::kReady,
       R"({"src":"c1","body":{"type":"read","msg_id":7}})"
       "\n",
       {"error 12 @7"},
       4},
      // A msg_id beyond int64 that a client could still match by value
      // (Maelstrom's client compares with Clojure =: integers of any width)
      // is answered exactly; beyond 64 bits, or not an integer, logged.
      {"msg_id_2_pow_63",
       Setup::kReady,
       Line(R"({"type":"read","msg_id":9223372036854775808})"),
       {"error 12 @9223372036854775808"},
       4},
      {"msg_id_2_pow_64_max",
       Setup::kReady,
       Line(R"({"type":"read","msg_id":18446744073709551615})"),
       {"error 12 @18446744073709551615"},
       4},
      {"msg_id_2_pow_64",
       Setup::kReady,
       Line(R"({"type":"read","msg_id":18446744073709551616})"),
       {},
       4},
      {"msg_id_below_int64_min",
       Setup::kReady,
       Line(R"({"type":"read","msg_id":-9223372036854775809})"),
       {},
       4},
      // Not a JSON number (the codec fuzzer): which request it means is a
      // guess, so logged; JSON's -0 is the integer 0.
      {"msg_id_with_leading_zeros",
       Setup::kReady,
       Line(R"({"type":"read","msg_id":007})"),
       {},
       4},
      {"msg_id_minus_0_in_a_bad_line",
       Setup::kReady,
       Line(R"({"type":"read","msg_id":-0,"x":"\ud800"})"),
       {"error 12 @0"},
       4},
      {"msg_id_1e3",
       Setup::kReady,
       Line(R"({"type":"read","msg_id":1e3})"),
       {},
       4},

      {"eof_after_a_line_without_newline",
       Setup::kReady,
       Msg(R"({"type":"read","msg_id":7})"),
       {"read_ok 4 @7"},
       4,
       Ending::kEof},
      {"eof_in_the_middle_of_a_line",
       Setup::kReady,
       R"({"src":"c1","dest":"n1","body":{"type":"re)",
       {},
       4,
       Ending::kEof},
      {"eof_in_the_middle_of_a_line_before_init",
       Setup::kFresh,
       R"({"src":"c0","dest":"n1","bo)",
       {},
       0,
       Ending::kEof},
  };
  return *rows;
}

// ------------------------------------------------------------- runner --

std::string Init(int64_t msg_id) {
  return Msg(absl::StrCat(R"({"type":"init","msg_id":)", msg_id,
                          R"(,"node_id":"n1","node_ids":["n1"]})"),
             "c0");
}
std::string Add(int64_t delta, int64_t msg_id) {
  return Msg(absl::StrCat(R"({"type":"add","delta":)", delta, R"(,"msg_id":)",
                          msg_id, "}"));
}
std::string Read(int64_t msg_id) {
  return Msg(absl::StrCat(R"({"type":"read","msg_id":)", msg_id, "}"));
}

// Reads until the node has loaded its key (11 means "still loading").
std::string ReadSettled(Node& node, int64_t msg_id) {
  std::string reply;
  for (int i = 0; i < 200; ++i) {
    reply = node.Request(Read(msg_id), msg_id);
    if (reply.rfind("error 11", 0) != 0) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return reply;
}

void Prepare(Node& node) {
  ASSERT_EQ(node.Request(Init(1), 1), "init_ok @1");
  ASSERT_EQ(node.Request(Add(4, 2), 2), "add_ok @2");
}

// After the row: a valid init + add + read still work.
void Epilogue(Node& node, int64_t total) {
  EXPECT_EQ(node.Request(Init(900), 900), "init_ok @900");
  EXPECT_EQ(node.Request(Add(3, 901), 901), "add_ok @901");
  EXPECT_EQ(ReadSettled(node, 902),
            absl::StrCat("read_ok ", total + 3, " @902"));
}

class BadInput : public ::testing::TestWithParam<Row> {};

TEST_P(BadInput, AnsweredRightAndNothingLost) {
  const Row& row = GetParam();
  sim::LinKv kv;  // the seq-kv stand-in (see the top)
  int64_t total = row.total;
  {
    Node node(&kv);
    if (row.setup == Setup::kReady) Prepare(node);
    if (HasFatalFailure()) return;
    ASSERT_TRUE(node.Write(row.input)) << node.Stderr();
    std::vector<std::string> replies;
    if (row.ending == Ending::kProbe) {
      // The reply to this read comes after every reply the row caused, except
      // an add still waiting for seq-kv; ask again until those are in.
      node.Request(Read(800), 800, &replies);
      for (int i = 0; i < 50 && replies.size() < row.replies.size(); ++i) {
        node.Request(Read(801 + i), 801 + i, &replies);
      }
      std::sort(replies.begin(), replies.end());
      std::vector<std::string> want = row.replies;
      std::sort(want.begin(), want.end());
      EXPECT_EQ(absl::StrJoin(replies, ", "), absl::StrJoin(want, ", "))
          << node.Stderr();
      Epilogue(node, total);
      total += 3;
      node.CloseStdin();
      EXPECT_EQ(absl::StrJoin(node.DrainToEof(), ", "), "");
    } else {
      node.CloseStdin();
      EXPECT_EQ(absl::StrJoin(node.DrainToEof(), ", "),
                absl::StrJoin(row.replies, ", "))
          << node.Stderr();
    }
    EXPECT_EQ(absl::StrJoin(node.strays(), ", "), "") << "unexpected replies";
    EXPECT_EQ(node.Wait(), 0) << node.Stderr();
  }
  // A new process on the same seq-kv: every acknowledged add is still there.
  Node restarted(&kv);
  ASSERT_EQ(restarted.Request(Init(1), 1), "init_ok @1");
  EXPECT_EQ(ReadSettled(restarted, 2), absl::StrCat("read_ok ", total, " @2"))
      << restarted.Stderr();
}

INSTANTIATE_TEST_SUITE_P(Table, BadInput, ::testing::ValuesIn(Rows()),
                         [](const ::testing::TestParamInfo<Row>& info) {
                           return std::string(info.param.name);
                         });

// The reader of stdout goes away (Maelstrom stops reading a node after one
// bad line): the node must notice the broken pipe and exit 0, not hang,
// spin or die of SIGPIPE, even though its stdin stays open.
TEST(StdoutClosed, NodeExitsCleanly) {
  sim::LinKv kv;  // the seq-kv stand-in (see the top)
  Node node(&kv);
  Prepare(node);
  node.CloseStdout();
  for (int i = 0; i < 100; ++i) {
    if (!node.Write(Read(10 + i) + "\n")) break;  // it already left
  }
  EXPECT_EQ(node.Wait(), 0) << node.Stderr();
}

// Runs `binary args...` with stdin at end of input; returns its exit code
// (-1 if it did not exit normally) and fills `err` with its stderr.
int RunToEnd(const std::string& binary, const std::vector<std::string>& args,
             std::string* err) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string err_path =
      absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/run-", getpid(), ".stderr");
  pid_t pid = fork();
  if (pid == 0) {
    int in = open("/dev/null", O_RDONLY);
    int e = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(e, 2);
    std::vector<char*> argv{const_cast<char*>(binary.c_str())};
    for (const std::string& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  std::ifstream in(err_path);
  err->assign(std::istreambuf_iterator<char>(in),
              std::istreambuf_iterator<char>());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool FileContains(const std::string& path, const std::string& needle) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  EXPECT_FALSE(bytes.empty()) << "cannot read " << path;
  return bytes.find(needle) != std::string::npos;
}

// What ships has neither --bug nor --strategy, and none of their code: no
// broken variant of the node (their RTTI names the namespace
// testonly_variants) and no baseline. The test-only binary has all three, so
// this test can tell them apart.
TEST(ShippedBinary, HasNoTestOnlyFlagsAndNoTestOnlyCode) {
  std::string shipped = BinaryPath();
  std::string testonly = BinaryPath("maelstrom-counter-testonly");
  std::string err;
  for (const char* flag : {"--bug=stale-read", "--strategy=baseline"}) {
    EXPECT_NE(RunToEnd(shipped, {flag}, &err), 0) << flag;
    EXPECT_NE(err.find("Unknown command line flag"), std::string::npos)
        << flag << ": " << err;
    EXPECT_EQ(RunToEnd(testonly, {flag}, &err), 0) << flag << ": " << err;
  }
  EXPECT_EQ(RunToEnd(testonly, {"--bug=nonsense"}, &err), 2) << err;
  EXPECT_EQ(RunToEnd(shipped, {}, &err), 0) << err;
  EXPECT_FALSE(FileContains(shipped, "17testonly_variants"));
  EXPECT_FALSE(FileContains(shipped, "7counter8Baseline"));
  EXPECT_TRUE(FileContains(testonly, "17testonly_variants"));
  EXPECT_TRUE(FileContains(testonly, "7counter8Baseline"));
}

// --kv takes only a service that can hold the counter, and says which
// (issue 20: lww-kv's cas never creates a key, and it is two replicas that
// never merge: the node would retry for ever and acknowledge nothing).
TEST(KvFlag, OnlySeqKvAndLinKvCanHoldTheCounter) {
  for (const std::string& binary :
       {BinaryPath(), BinaryPath("maelstrom-counter-testonly")}) {
    std::string err;
    for (const char* service : {"lww-kv", "lin-tso", "nonsense"}) {
      EXPECT_EQ(RunToEnd(binary, {absl::StrCat("--kv=", service)}, &err), 2)
          << binary << " " << service;
      EXPECT_NE(err.find(absl::StrCat("--kv=", service,
                                      " cannot hold the counter; use seq-kv "
                                      "or lin-kv")),
                std::string::npos)
          << err;
    }
    EXPECT_EQ(RunToEnd(binary, {"--kv=lin-kv"}, &err), 0) << err;
    EXPECT_EQ(RunToEnd(binary, {"--kv=seq-kv"}, &err), 0) << err;
  }
}

// Issue 20: a seq-kv that answers every request badly and at once used to
// get 10,000 KV requests a second from one node. Now every retry path backs
// off (counter/backoff.h): at most 50 a second, measured on the real binary
// with its default timers over 3 s (the backoff brings it to a few a second;
// a slow machine only sends fewer).
TEST(BrokenSeqKv, GetsAtMost50KvRequestsASecond) {
  const std::vector<std::pair<std::string, Node::KvAnswer>> services = {
      {"replies of an unknown type",
       [](const Json&) -> absl::optional<Json> {
         return Json{{"type", "bogus"}};
       }},
      {"garbled read values, cas 22",
       [](const Json& req) -> absl::optional<Json> {
         if (req.value("type", "") == "read") {
           return Json{{"type", "read_ok"}, {"value", {{"total", "x"}}}};
         }
         return Json{{"type", "error"}, {"code", 22}};
       }},
      {"error 13",
       [](const Json&) -> absl::optional<Json> {
         return Json{{"type", "error"}, {"code", 13}, {"text", "broken"}};
       }},
      {"lww-kv's cas on a missing key (20)",
       [](const Json&) -> absl::optional<Json> {
         return Json{{"type", "error"}, {"code", 20}};
       }},
  };
  for (const auto& [name, answer] : services) {
    sim::LinKv kv;
    Node node(&kv, {});
    node.BreakKv(answer);
    node.Send(Msg(R"({"type":"init","msg_id":1,"node_id":"n1",)"
                  R"("node_ids":["n0","n1","n2"]})",
                  "c0"));
    for (int i = 0; i < 5; ++i) node.Send(Add(1, 10 + i));
    const absl::Duration span = absl::Seconds(3);
    const int64_t requests = node.CountKvRequestsFor(span);
    std::cout << name << ": " << requests << " KV requests in "
              << absl::FormatDuration(span) << "\n";
    EXPECT_LE(requests, 50 * 3) << name << node.Stderr();
    EXPECT_GE(requests, 3) << name << ": it keeps trying" << node.Stderr();
    node.CloseStdin();
    EXPECT_EQ(node.Wait(), 0) << node.Stderr();
  }
}

}  // namespace
