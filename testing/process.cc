#include "testing/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <ctime>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "kvclient/assert.h"

namespace harness {
namespace {

// Process groups to kill from a signal handler, with the exit status of a
// leader that ReapOrphans or KillAllDescendants reaped before its
// NodeProcess asked: plain atomics, no locks (signal handlers use them).
constexpr int kMaxGroups = 4096;
struct GroupSlot {
  std::atomic<pid_t> pgid{0};
  std::atomic<bool> exited{false};
  std::atomic<int> status{0};
};
GroupSlot g_groups[kMaxGroups];

void Remember(pid_t pgid) {
  for (GroupSlot& slot : g_groups) {
    pid_t empty = 0;
    if (slot.pgid.compare_exchange_strong(empty, pgid)) {
      slot.exited = false;
      return;
    }
  }
  MC_ASSERT(false, "at most ", kMaxGroups,
            " node processes live at once (kMaxNodes is far below)");
}

void Forget(pid_t pgid) {
  for (GroupSlot& slot : g_groups) {
    pid_t expected = pgid;
    if (slot.pgid.compare_exchange_strong(expected, 0)) return;
  }
}

// Async-signal-safe. A reaped pid that leads a remembered group keeps its
// status for NodeProcess::Reap; true if so.
bool RecordExit(pid_t pid, int status) {
  for (GroupSlot& slot : g_groups) {
    if (slot.pgid.load() != pid) continue;
    slot.status = status;
    slot.exited = true;
    return true;
  }
  return false;
}

absl::optional<int> TakeRecordedExit(pid_t pid) {
  for (GroupSlot& slot : g_groups) {
    if (slot.pgid.load() == pid && slot.exited.load())
      return slot.status.load();
  }
  return absl::nullopt;
}

void SetNonBlocking(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

absl::Status CheckExecutable(const std::string& bin) {
  struct stat st;
  if (stat(bin.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat(
        "node binary ", bin, " not found: ", std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("node binary ", bin, " is not a regular file"));
  }
  if (access(bin.c_str(), X_OK) != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("node binary ", bin, " is not executable (chmod +x it?)"));
  }
  return absl::OkStatus();
}

// Runs in the child between fork and exec: only async-signal-safe calls.
[[noreturn]] void ExecChild(const SpawnSpec& spec, char** argv, int in[2],
                            int out[2], int err[2], int status_pipe) {
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  signal(SIGPIPE, SIG_DFL);
  dup2(in[0], 0);
  dup2(out[1], 1);
  dup2(err[1], 2);
  for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
  int e = 0;
  if (chdir(spec.cwd.c_str()) != 0) {
    e = errno;
  } else {
    execv(argv[0], argv);
    e = errno;
  }
  ssize_t unused = write(status_pipe, &e, sizeof e);
  (void)unused;
  _exit(127);
}

}  // namespace

absl::StatusOr<std::unique_ptr<NodeProcess>> NodeProcess::Spawn(
    const SpawnSpec& spec, std::string name) {
  if (absl::Status s = CheckExecutable(spec.bin); !s.ok()) return s;
  int in[2], out[2], err[2], status[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) ||
      pipe2(status, O_CLOEXEC)) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  std::vector<std::string> args_storage = {spec.bin};
  args_storage.insert(args_storage.end(), spec.args.begin(), spec.args.end());
  std::vector<char*> argv;
  for (std::string& a : args_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) {
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    close(status[0]);
    ExecChild(spec, argv.data(), in, out, err, status[1]);
  }
  // Also set the group from the parent: whichever runs first wins the race,
  // and a signal sent right after Spawn returns must reach the group.
  setpgid(pid, pid);
  Remember(pid);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  close(status[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = read(status[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  close(status[0]);
  std::unique_ptr<NodeProcess> p(new NodeProcess(
      name, pid, in[1], out[0], err[0],
      spec.max_line_bytes ? spec.max_line_bytes : kMaxLineBytes));
  if (n == sizeof child_errno) {
    p->KillAndWait();
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot execute node binary ", spec.bin, ": ",
        std::strerror(child_errno),
        child_errno == ENOEXEC ? " (a script needs a #! line)" : ""));
  }
  return p;
}

NodeProcess::NodeProcess(std::string name, pid_t pid, int in, int out, int err,
                         size_t max_line_bytes)
    : name_(std::move(name)),
      pid_(pid),
      stdin_fd_(in),
      stdout_fd_(out),
      stderr_fd_(err),
      max_line_bytes_(max_line_bytes) {
  MC_ASSERT(max_line_bytes_ > 0, "a line bound of 0 would refuse every line");
  // kill(-pid) must only ever reach this child's own group: -0 would be the
  // harness's group, -1 every process we may signal.
  MC_ASSERT(pid_ > 1, "a node process has a real pid: ", pid_);
  MC_ASSERT(stdin_fd_ >= 0 && stdout_fd_ >= 0 && stderr_fd_ >= 0,
            "a node starts with its three pipes open");
  MC_ASSERT(stdin_fd_ != stdout_fd_ && stdout_fd_ != stderr_fd_ &&
                stdin_fd_ != stderr_fd_,
            "three distinct pipes");
  SetNonBlocking(stdin_fd_);
  SetNonBlocking(stdout_fd_);
  SetNonBlocking(stderr_fd_);
}

NodeProcess::~NodeProcess() {
  if (!exited()) KillAndWait();
  CloseFd(&stdin_fd_);
  CloseFd(&stdout_fd_);
  CloseFd(&stderr_fd_);
}

void NodeProcess::CloseFd(int* fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

bool NodeProcess::Send(absl::string_view line) {
  if (stdin_fd_ < 0) return false;
  if (pending_stdin_.size() + line.size() > kMaxPendingStdin) return false;
  pending_stdin_.append(line.data(), line.size());
  pending_stdin_.push_back('\n');
  MC_ASSERT(pending_stdin_.size() <= kMaxPendingStdin + 1,
            "the stdin backlog stays within its bound");
  FlushStdin();
  return true;
}

void NodeProcess::FlushStdin() {
  while (stdin_fd_ >= 0 && !pending_stdin_.empty()) {
    ssize_t n = write(stdin_fd_, pending_stdin_.data(), pending_stdin_.size());
    if (n > 0) {
      pending_stdin_.erase(0, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    // EPIPE: the node closed stdin or died; what it never read is lost.
    pending_stdin_.clear();
    CloseFd(&stdin_fd_);
  }
}

namespace {
// read(2), retried when a signal interrupts it before any byte arrived.
ssize_t ReadRetryingEintr(int fd, char* buf, size_t want) {
  ssize_t n;
  do {
    n = read(fd, buf, want);
  } while (n < 0 && errno == EINTR);
  return n;
}
}  // namespace

StdoutState NodeProcess::ReadStdout(std::vector<std::string>* lines,
                                    size_t budget) {
  if (stdout_fd_ < 0) return StdoutState::kEof;
  MC_ASSERT(budget > 0, "a zero budget would read as end of file");
  char buf[1 << 16];
  size_t want = budget < sizeof buf ? budget : sizeof buf;
  ssize_t n = ReadRetryingEintr(stdout_fd_, buf, want);
  MC_ASSERT(n <= static_cast<ssize_t>(want), "read(2) returns at most want");
  if (n < 0 && errno == EAGAIN) return StdoutState::kOpen;
  if (n <= 0) {
    // A last line without '\n' still counts, as a line.
    if (!partial_stdout_.empty()) lines->push_back(std::move(partial_stdout_));
    partial_stdout_.clear();
    return StdoutState::kEof;
  }
  // Java's BufferedReader.readLine, as process.clj reads stdout
  // (byte-streams to-line-seq): a line ends at \n, \r, or \r\n.
  size_t start = 0;
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
    const char c = buf[i];
    if (skip_lf_) {
      skip_lf_ = false;
      if (c == '\n') {
        start = i + 1;
        continue;
      }
    }
    if (c != '\n' && c != '\r') continue;
    partial_stdout_.append(buf + start, i - start);
    if (partial_stdout_.size() > max_line_bytes_) return LineTooLong();
    lines->push_back(std::move(partial_stdout_));
    partial_stdout_.clear();
    start = i + 1;
    skip_lf_ = c == '\r';
  }
  partial_stdout_.append(buf + start, static_cast<size_t>(n) - start);
  if (partial_stdout_.size() > max_line_bytes_) return LineTooLong();
  return StdoutState::kOpen;
}

StdoutState NodeProcess::LineTooLong() {
  std::string().swap(partial_stdout_);  // the bound is about memory: free it
  CloseStdout();
  return StdoutState::kLineTooLong;
}

bool NodeProcess::ReadStderr(std::string* out, size_t budget) {
  if (stderr_fd_ < 0) return false;
  char buf[1 << 16];
  size_t want = budget < sizeof buf ? budget : sizeof buf;
  ssize_t n = ReadRetryingEintr(stderr_fd_, buf, want);
  if (n < 0 && errno == EAGAIN) return true;
  if (n <= 0) {
    CloseFd(&stderr_fd_);
    return false;
  }
  out->append(buf, static_cast<size_t>(n));
  return true;
}

void NodeProcess::CloseStdout() { CloseFd(&stdout_fd_); }

void NodeProcess::SignalGroup(int sig) {
  if (exited()) return;
  MC_ASSERT(pid_ > 1, "never signal group 0 or -1");
  kill(-pid_, sig);
}

void NodeProcess::KillGroup() {
  if (exited()) return;
  MC_ASSERT(pid_ > 1, "never kill group 0 or -1");
  kill(-pid_, SIGKILL);
  kill(-pid_, SIGCONT);  // a stopped group dies promptly either way
}

absl::optional<int> NodeProcess::Reap() {
  if (exited()) return exit_status_;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  absl::optional<int> reaped;
  if (r == pid_) {
    reaped = status;
  } else if (r < 0 && errno == ECHILD) {
    // ReapOrphans or KillAllDescendants got to it first.
    reaped = TakeRecordedExit(pid_);
    MC_ASSERT(reaped.has_value(), "a node leader reaped elsewhere left its ",
              "status in the table: ", pid_);
  }
  if (reaped.has_value()) {
    exit_status_ = *reaped;
    // The leader is gone; anything it left in its group goes too.
    kill(-pid_, SIGKILL);
    Forget(pid_);
  }
  return exit_status_;
}

absl::optional<int> NodeProcess::KillAndWait() {
  KillGroup();
  absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (!Reap().has_value() && absl::Now() < give_up) {
    usleep(1000);
  }
  return exit_status_;
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) {
    return absl::StrCat("exited with code ", WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    const char* name = sigabbrev_np(WTERMSIG(status));
    return absl::StrCat("killed by SIG", name ? name : "?", " (signal ",
                        WTERMSIG(status), ")");
  }
  return absl::StrCat("wait status ", status);
}

void KillAllChildren() {
  for (GroupSlot& slot : g_groups) {
    pid_t pgid = slot.pgid.load();
    if (pgid > 0) {
      kill(-pgid, SIGKILL);
      kill(-pgid, SIGCONT);
    }
  }
}

std::string BecomeSubreaper() {
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0) return "";
  return std::strerror(errno);
}

int ReapOrphans() {
  int orphans = 0;
  int status = 0;
  pid_t r;
  while ((r = waitpid(-1, &status, WNOHANG)) > 0) {
    if (!RecordExit(r, status)) ++orphans;
  }
  return orphans;
}

// ----------------------------------------- listing children, signal-safely
// Only syscalls and hand-written parsing: these run in signal handlers.
namespace {

struct LinuxDirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[1];
};

// "123" → 123; anything else → -1.
long ParsePid(const char* s) {
  if (*s == '\0') return -1;
  long v = 0;
  for (; *s; ++s) {
    if (*s < '0' || *s > '9' || v > (1L << 40)) return -1;
    v = v * 10 + (*s - '0');
  }
  return v;
}

// out = a + b + c, truncated to cap - 1 bytes and NUL-terminated.
template <size_t cap>
void JoinPath(char (&out)[cap], const char* a, const char* b, const char* c) {
  size_t len = 0;
  for (const char* part : {a, b, c}) {
    for (; *part && len + 1 < cap; ++part) out[len++] = *part;
  }
  out[len] = '\0';
}

// Reads at most cap-1 bytes of `path` into buf, NUL-terminated; -1 on error.
ssize_t ReadSmallFile(const char* path, char* buf, size_t cap) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t got = 0;
  while (got + 1 < cap) {
    ssize_t n = read(fd, buf + got, cap - 1 - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  close(fd);
  buf[got] = '\0';
  return static_cast<ssize_t>(got);
}

// Calls visit(name) for every all-digit entry of `dir`; false if unreadable.
template <typename Visit>
bool ForEachNumericEntry(const char* dir, Visit visit) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  alignas(8) char buf[8192];
  for (;;) {
    long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
    if (n <= 0) break;
    for (long off = 0; off < n;) {
      auto* d = reinterpret_cast<LinuxDirent64*>(buf + off);
      off += d->d_reclen;
      if (ParsePid(d->d_name) > 0) visit(d->d_name);
    }
  }
  close(fd);
  return true;
}

// Adds the space-separated pids in `text` to out[*count] (bounded).
void AddPids(char* text, pid_t* out, int cap, int* count) {
  char* p = text;
  while (*p) {
    while (*p == ' ' || *p == '\n') ++p;
    char* q = p;
    while (*q >= '0' && *q <= '9') ++q;
    if (q == p) break;
    const char saved = *q;
    *q = '\0';
    long pid = ParsePid(p);
    *q = saved;
    if (pid > 0 && *count < cap) out[(*count)++] = static_cast<pid_t>(pid);
    p = q;
  }
}

int ListFromChildrenFiles(pid_t* out, int cap) {
  int count = 0;
  bool any_file = false;
  bool listed = ForEachNumericEntry("/proc/self/task", [&](const char* tid) {
    char path[96];
    JoinPath(path, "/proc/self/task/", tid, "/children");
    char text[16384];
    if (ReadSmallFile(path, text, sizeof text) < 0) return;
    any_file = true;
    AddPids(text, out, cap, &count);
  });
  return listed && any_file ? count : -1;
}

int ListFromStatScan(pid_t* out, int cap) {
  const pid_t self = getpid();
  int count = 0;
  bool listed = ForEachNumericEntry("/proc", [&](const char* pid) {
    char path[64];
    JoinPath(path, "/proc/", pid, "/stat");
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses,
    // so the fields start after the last ')'.
    char text[1024];
    if (ReadSmallFile(path, text, sizeof text) <= 0) return;
    char* close_paren = nullptr;
    for (char* c = text; *c; ++c) {
      if (*c == ')') close_paren = c;
    }
    if (!close_paren || close_paren[1] != ' ' || close_paren[2] == '\0' ||
        close_paren[3] != ' ') {
      return;
    }
    char* ppid = close_paren + 4;
    char* end = ppid;
    while (*end >= '0' && *end <= '9') ++end;
    *end = '\0';
    if (ParsePid(ppid) == self && count < cap) {
      out[count++] = static_cast<pid_t>(ParsePid(pid));
    }
  });
  return listed ? count : -1;
}

int64_t MonotonicMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace

int ListChildren(pid_t* out, int cap, ChildListing how) {
  return how == ChildListing::kChildrenFiles ? ListFromChildrenFiles(out, cap)
                                             : ListFromStatScan(out, cap);
}

int KillAllDescendants(int timeout_ms) {
  const int64_t give_up = MonotonicMs() + timeout_ms;
  constexpr int kCap = 2048;
  pid_t children[kCap];
  for (;;) {
    int status = 0;
    pid_t r;
    while ((r = waitpid(-1, &status, WNOHANG)) > 0) RecordExit(r, status);
    if (r < 0 && errno == ECHILD) return 0;  // no child left, live or zombie
    int n = ListChildren(children, kCap, ChildListing::kChildrenFiles);
    if (n < 0) n = ListChildren(children, kCap, ChildListing::kStatScan);
    if (n < 0) return -1;
    // SIGKILL ends a stopped process too. Each death hands the victim's
    // own children to this subreaper: the next round finds them.
    for (int i = 0; i < n; ++i) {
      MC_ASSERT(children[i] > 1, "never kill pid 0, 1 or -1");
      kill(children[i], SIGKILL);
    }
    if (MonotonicMs() >= give_up) return n;
    const timespec pause = {0, 1000000};
    nanosleep(&pause, nullptr);
  }
}

namespace {
void OnFatalSignal(int sig) {
  KillAllChildren();
  KillAllDescendants(2000);
  static const char kMsg[] =
      "\nmaelstrom: stopped by a signal; killed every node\n";
  ssize_t unused = write(2, kMsg, sizeof kMsg - 1);
  (void)unused;
  signal(sig, SIG_DFL);
  raise(sig);
}
}  // namespace

void InstallChildCleanupHandlers() {
  signal(SIGPIPE, SIG_IGN);
  // Crashes too: PR_SET_PDEATHSIG only reaches each group's leader.
  for (int sig :
       {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGFPE}) {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = OnFatalSignal;
    sigaction(sig, &sa, nullptr);
  }
}

}  // namespace harness
