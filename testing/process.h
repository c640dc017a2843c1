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
//
// No process left behind: a node may start descendants that leave its
// group (a daemon that calls setsid() and double-forks). BecomeSubreaper()
// makes every such orphan a child of this process instead of init's;
// ReapOrphans() collects those that exit during the run, and
// KillAllDescendants() ends and reaps every one at teardown:
//
//   BecomeSubreaper();                 // once, before the first Spawn
//   ... run; every 50 ms: ReapOrphans();
//   node->KillAndWait(); ...           // each node's group
//   KillAllDescendants(2000);          // and whatever escaped it
//
// These assume every child of this process is a node or a node's
// descendant while they run (the harness spawns gnuplot only after
// teardown).
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
  // The longest stdout line accepted (see NodeProcess::kMaxLineBytes).
  size_t max_line_bytes = 0;  // 0: kMaxLineBytes
};

// Why reading stopped, if it did.
enum class StdoutState { kOpen, kEof, kLineTooLong };

class NodeProcess {
 public:
  // The default bound on one stdout line. Maelstrom has none (process.clj
  // reads lines with Java's BufferedReader.readLine, which grows a
  // StringBuilder until the JVM's ~2^31-byte array limit or its heap runs
  // out); 1 GiB is far above any line a Maelstrom test carries, and only
  // stops a newline-free flood from eating the harness's memory. Reaching
  // it is a harness error (the run is not judged), never a verdict.
  static constexpr size_t kMaxLineBytes = size_t{1} << 30;
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
  // kLineTooLong once a line passes max_line_bytes(): the partial line is
  // dropped and stdout closed (there is no telling where the next one
  // starts).
  StdoutState ReadStdout(std::vector<std::string>* lines,
                         size_t budget = 1 << 16);
  size_t max_line_bytes() const { return max_line_bytes_; }
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
  NodeProcess(std::string name, pid_t pid, int in, int out, int err,
              size_t max_line_bytes);
  void CloseFd(int* fd);
  StdoutState LineTooLong();

  std::string name_;
  pid_t pid_;
  int stdin_fd_;
  int stdout_fd_;
  int stderr_fd_;
  size_t max_line_bytes_;
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

// prctl(PR_SET_CHILD_SUBREAPER): orphaned descendants of this process's
// children (a node's setsid() daemon) are reparented here, not to init.
// Returns why not when the kernel refuses ("" on success).
std::string BecomeSubreaper();

// Reaps, without blocking, every exited child that is not a node leader
// being waited for by its NodeProcess (a node leader reaped here keeps its
// status for NodeProcess::Reap). Returns how many orphans it reaped.
int ReapOrphans();

// Async-signal-safe. SIGKILLs every child of this process, reaps it, and
// repeats for whatever each death hands to this subreaper, until no child
// is left or `timeout_ms` passes. Returns the number of children still
// there (0: the whole tree is gone), or -1 when the children cannot be
// listed (no /proc), after reaping what had exited.
int KillAllDescendants(int timeout_ms);

// The live and zombie children of this process, as /proc lists them: from
// /proc/self/task/*/children, or by scanning every /proc/<pid>/stat for its
// parent. Async-signal-safe; at most `cap` pids into `out`. Returns the
// count, or -1 when /proc cannot tell. Exposed for tests.
enum class ChildListing { kChildrenFiles, kStatScan };
int ListChildren(pid_t* out, int cap, ChildListing how);

// Installs handlers (SIGINT, SIGTERM, SIGHUP, SIGQUIT and crash signals) that
// kill every child and then let the signal terminate the harness as usual;
// ignores SIGPIPE.
void InstallChildCleanupHandlers();

}  // namespace harness

#endif  // TESTING_PROCESS_H_
