// One node binary as a child process with stdin/stdout/stderr pipes, in its
// own process group (so a kill, pause or exit takes the node's own children
// with it), plus the plumbing the harness's poll loop needs: non-blocking
// line reading with a length cap, buffered stdin writes, signals, reaping.
//
//   absl::StatusOr<std::unique_ptr<NodeProcess>> p = NodeProcess::Spawn(
//       {"/path/to/node", {"--flag"}, "/tmp/run1"}, "n0");
//   (*p)->Send(R"({"src":"c0","dest":"n0","body":{...}})");
//   ... poll (*p)->stdout_fd() ...
//   std::vector<std::string> lines;
//   StdoutState s = (*p)->ReadStdout(&lines);   // complete lines only
//   (*p)->KillGroup();  (*p)->Reap();
//
// Every spawned process group is also recorded in a process-wide table so
// that KillAllChildren() — safe inside a signal handler — can take them all
// down on Ctrl-C, SIGTERM or an unexpected exit. PR_SET_PDEATHSIG kills a
// node even if the harness itself is SIGKILLed.
#ifndef TESTING_PROCESS_H_
#define TESTING_PROCESS_H_

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace harness {

struct SpawnSpec {
  std::string bin;                // absolute or relative to the harness cwd
  std::vector<std::string> args;  // argv[1..]
  std::string cwd;                // the node's working directory
};

// Why reading stopped, if it did.
enum class StdoutState { kOpen, kEof, kLineTooLong };

class NodeProcess {
 public:
  // A line longer than this is a protocol violation, not a message: it stops
  // a flood without a newline from eating the harness's memory.
  static constexpr size_t kMaxLineBytes = 4 << 20;
  // Bytes queued for a node's stdin that it is not reading. Past this the
  // node is declared stuck rather than letting the buffer grow forever.
  static constexpr size_t kMaxPendingStdin = 64 << 20;

  // Checks `spec.bin` (exists, regular file, executable) before forking, and
  // reports an exec failure (e.g. "Exec format error") from the child.
  static absl::StatusOr<std::unique_ptr<NodeProcess>> Spawn(
      const SpawnSpec& spec, std::string name);
  ~NodeProcess();  // kills and reaps the group if still running

  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  const std::string& name() const { return name_; }
  pid_t pid() const { return pid_; }
  int stdin_fd() const { return stdin_fd_; }
  int stdout_fd() const { return stdout_fd_; }
  int stderr_fd() const { return stderr_fd_; }

  // Queues `line` + '\n' for stdin and writes what the pipe takes now.
  // False when stdin is closed or the node stopped reading (see
  // kMaxPendingStdin); the line is then dropped.
  bool Send(absl::string_view line);
  bool WantsWrite() const { return !pending_stdin_.empty(); }
  // Writes queued stdin bytes; call when poll says stdin is writable.
  void FlushStdin();
  size_t pending_stdin() const { return pending_stdin_.size(); }

  // Reads at most `budget` bytes of stdout and appends the complete lines,
  // split as Java's readLine splits them (\n, \r or \r\n).
  StdoutState ReadStdout(std::vector<std::string>* lines,
                         size_t budget = 1 << 16);
  // Reads at most `budget` bytes of stderr into *out. False at EOF.
  bool ReadStderr(std::string* out, size_t budget = 1 << 16);
  // Stop polling stdout (Maelstrom stops reading a node after a bad line).
  void CloseStdout();

  // Signals the whole process group (SIGKILL, SIGSTOP, SIGCONT, ...).
  void SignalGroup(int sig);
  void KillGroup();
  // Non-blocking: the wait status once the process exited, else nullopt.
  absl::optional<int> Reap();
  // Blocking wait after KillGroup, bounded; returns the status if reaped.
  absl::optional<int> KillAndWait();
  bool exited() const { return exit_status_.has_value(); }
  absl::optional<int> exit_status() const { return exit_status_; }

 private:
  NodeProcess(std::string name, pid_t pid, int in, int out, int err);
  void CloseFd(int* fd);

  std::string name_;
  pid_t pid_;
  int stdin_fd_;
  int stdout_fd_;
  int stderr_fd_;
  std::string pending_stdin_;
  std::string partial_stdout_;
  bool skip_lf_ =
      false;  // the last byte read was '\r': a '\n' next ends nothing
  absl::optional<int> exit_status_;
};

// "exited with code 3", "killed by SIGSEGV".
std::string DescribeWaitStatus(int status);

// Async-signal-safe: SIGKILLs every process group spawned and not yet reaped.
void KillAllChildren();

// Installs handlers (SIGINT, SIGTERM, SIGHUP, SIGQUIT and crash signals) that
// kill every child and then let the signal terminate the harness as usual;
// ignores SIGPIPE.
void InstallChildCleanupHandlers();

}  // namespace harness

#endif  // TESTING_PROCESS_H_
