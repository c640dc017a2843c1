#include "testing/process.h"

#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace harness {
namespace {

std::string TempDir() {
  const char* t = std::getenv("TEST_TMPDIR");
  return t ? t : "/tmp";
}

std::string WriteFile(const std::string& name, const std::string& text,
                      mode_t mode) {
  std::string path = TempDir() + "/" + name;
  std::ofstream(path) << text;
  chmod(path.c_str(), mode);
  return path;
}

// Reads stdout until `count` lines arrived or EOF (bounded wait).
std::vector<std::string> ReadLines(NodeProcess& p, size_t count) {
  std::vector<std::string> lines;
  for (int i = 0; i < 500 && lines.size() < count; ++i) {
    pollfd pfd{p.stdout_fd(), POLLIN, 0};
    poll(&pfd, 1, 10);
    if (p.ReadStdout(&lines) == StdoutState::kEof) break;
  }
  return lines;
}

TEST(NodeProcessTest, EchoesLinesThroughPipes) {
  auto p = NodeProcess::Spawn({"/bin/cat", {}, TempDir()}, "n0");
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_TRUE((*p)->Send("hello"));
  ASSERT_TRUE((*p)->Send("world"));
  EXPECT_EQ(ReadLines(**p, 2), (std::vector<std::string>{"hello", "world"}));
}

// Pins maelstrom process.clj stdout-thread, which reads lines with
// byte-streams to-line-seq (Java BufferedReader.readLine): \n, \r and \r\n
// each end a line; a last line without one still counts.
TEST(NodeProcessTest, SplitsLinesAsJavasReadLine) {
  std::string script = WriteFile(
      "crlf.sh",
      "#!/bin/sh\nprintf 'a\\r\\nb\\rc\\n\\nd\\r'; sleep 0.2; printf '\\ne'\n",
      0755);
  auto p = NodeProcess::Spawn({script, {}, TempDir()}, "crlf");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(ReadLines(**p, 10),
            (std::vector<std::string>{"a", "b", "c", "", "d", "e"}));
}

// Bound: a node that does not read its stdin gets at most kMaxPendingStdin
// bytes queued; Send then refuses (the harness reports a finding).
TEST(NodeProcessTest, StdinBacklogIsBounded) {
  std::string script = WriteFile("deaf.sh", "#!/bin/sh\nexec sleep 60\n", 0755);
  auto p = NodeProcess::Spawn({script, {}, TempDir()}, "deaf");
  ASSERT_TRUE(p.ok()) << p.status();
  const std::string line(64 << 10, 'x');
  int sent = 0;
  while ((*p)->Send(line) && sent < 10000) ++sent;
  EXPECT_LT(sent, 10000);
  EXPECT_LE((*p)->pending_stdin(), NodeProcess::kMaxPendingStdin);
  EXPECT_GT((*p)->pending_stdin(),
            NodeProcess::kMaxPendingStdin - 2 * line.size());
  (*p)->KillAndWait();
}

TEST(NodeProcessTest, PassesArgsAndCwd) {
  std::string script =
      WriteFile("args.sh", "#!/bin/sh\necho \"$1 $2\"\npwd\n", 0755);
  auto p = NodeProcess::Spawn({script, {"a b", "c"}, "/"}, "n0");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(ReadLines(**p, 2), (std::vector<std::string>{"a b c", "/"}));
}

TEST(NodeProcessTest, MissingBinaryIsDiagnosed) {
  auto p = NodeProcess::Spawn({"/nonexistent/node", {}, "/"}, "n0");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("not found"), std::string::npos);
}

TEST(NodeProcessTest, NotExecutableIsDiagnosed) {
  std::string path = WriteFile("plain.txt", "hello\n", 0644);
  auto p = NodeProcess::Spawn({path, {}, "/"}, "n0");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("not executable"), std::string::npos);
}

TEST(NodeProcessTest, ScriptWithoutShebangIsDiagnosed) {
  std::string path = WriteFile("noshebang",
                               "\x7f"
                               "ELFgarbage",
                               0755);
  auto p = NodeProcess::Spawn({path, {}, "/"}, "n0");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("Exec format error"), std::string::npos)
      << p.status();
}

TEST(NodeProcessTest, KillTakesTheWholeGroup) {
  // The node starts a grandchild; killing the node's group must reach it.
  std::string pidfile = TempDir() + "/grandchild.pid";
  std::string script = WriteFile(
      "forks.sh",
      "#!/bin/sh\nsleep 100 &\necho $! > " + pidfile + "\necho ready\nwait\n",
      0755);
  auto p = NodeProcess::Spawn({script, {}, "/"}, "n0");
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(ReadLines(**p, 1), std::vector<std::string>{"ready"});
  pid_t grandchild = 0;
  std::ifstream(pidfile) >> grandchild;
  ASSERT_GT(grandchild, 0);
  absl::optional<int> status = (*p)->KillAndWait();
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(DescribeWaitStatus(*status), "killed by SIGKILL (signal 9)");
  // The grandchild is reparented and reaped by init; give it a moment.
  for (int i = 0; i < 200 && kill(grandchild, 0) == 0; ++i) usleep(5000);
  EXPECT_NE(kill(grandchild, 0), 0) << "grandchild survived";
}

// Reads stdout until it ends or the node's line bound stops it.
StdoutState ReadAll(NodeProcess& p, std::vector<std::string>* lines) {
  StdoutState state = StdoutState::kOpen;
  for (int i = 0; i < 20000 && state == StdoutState::kOpen; ++i) {
    pollfd pfd{p.stdout_fd(), POLLIN, 0};
    poll(&pfd, 1, 10);
    state = p.ReadStdout(lines);
  }
  return state;
}

// Issue 19: Java's readLine (process.clj) has no bound, so a 9 MB line is
// a line (the bound used to be 4 MiB).
TEST(NodeProcessTest, LongLinesAreReadWhole) {
  std::string script = WriteFile(
      "long.sh",
      "#!/bin/sh\nhead -c 9000000 /dev/zero | tr '\\0' x; echo; echo next\n",
      0755);
  auto p = NodeProcess::Spawn({script, {}, "/"}, "n0");
  ASSERT_TRUE(p.ok()) << p.status();
  std::vector<std::string> lines;
  EXPECT_EQ(ReadAll(**p, &lines), StdoutState::kEof);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], std::string(9000000, 'x'));
  EXPECT_EQ(lines[1], "next");
  EXPECT_EQ(NodeProcess::kMaxLineBytes, size_t{1} << 30);
}

// Past the bound a flood without a line end stops; what it read is freed.
TEST(NodeProcessTest, OverlongLineIsReported) {
  std::string script = WriteFile(
      "flood.sh", "#!/bin/sh\nexec head -c 9000000 /dev/zero\n", 0755);
  auto p = NodeProcess::Spawn({script, {}, "/", 1 << 20}, "n0");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ((*p)->max_line_bytes(), size_t{1} << 20);
  std::vector<std::string> lines;
  EXPECT_EQ(ReadAll(**p, &lines), StdoutState::kLineTooLong);
  EXPECT_TRUE(lines.empty());
  EXPECT_LT((*p)->stdout_fd(), 0) << "stdout is closed past the bound";
}

// The bound holds for a line that ends in the same read that passes it:
// the lines before it still count, it does not.
TEST(NodeProcessTest, BoundHoldsForALineEndedInOneRead) {
  std::string script = WriteFile(
      "burst.sh",
      "#!/bin/sh\necho ok; head -c 3000 /dev/zero | tr '\\0' y; echo\n", 0755);
  auto p = NodeProcess::Spawn({script, {}, "/", 2048}, "n0");
  ASSERT_TRUE(p.ok()) << p.status();
  std::vector<std::string> lines;
  EXPECT_EQ(ReadAll(**p, &lines), StdoutState::kLineTooLong);
  EXPECT_EQ(lines, std::vector<std::string>{"ok"});
}

bool Gone(pid_t pid) { return kill(pid, 0) != 0 && errno == ESRCH; }

// Issue 19: a node that daemonizes (a child that calls setsid(), in a
// session and group of its own, with a child of its own) escapes the
// group kill; as the subreaper, KillAllDescendants finds, ends and reaps
// it (a zombie would still answer kill(pid, 0)).
TEST(DescendantsTest, KillAllDescendantsEndsSetsidDaemons) {
  ASSERT_EQ(BecomeSubreaper(), "");
  const std::string dir = TempDir();
  std::string script =
      WriteFile("daemonizes.sh",
                "#!/bin/sh\nsetsid sh -c 'echo $$ > " + dir +
                    "/daemon.pid; sleep 300 & echo $! > " + dir +
                    "/daemon_child.pid; wait' </dev/null >/dev/null 2>&1 &\n"
                    "while [ ! -s " +
                    dir +
                    "/daemon_child.pid ]; do sleep 0.01; done\necho ready\n"
                    "exec sleep 300\n",
                0755);
  auto p = NodeProcess::Spawn({script, {}, "/"}, "n0");
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(ReadLines(**p, 1), std::vector<std::string>{"ready"});
  pid_t daemon = 0, daemon_child = 0;
  std::ifstream(dir + "/daemon.pid") >> daemon;
  std::ifstream(dir + "/daemon_child.pid") >> daemon_child;
  ASSERT_GT(daemon, 1);
  ASSERT_GT(daemon_child, 1);
  EXPECT_NE(getpgid(daemon), (*p)->pid()) << "the daemon left the group";
  (*p)->KillAndWait();
  usleep(50000);
  ASSERT_FALSE(Gone(daemon)) << "the group kill does not reach the daemon";
  EXPECT_EQ(KillAllDescendants(5000), 0);
  EXPECT_TRUE(Gone(daemon)) << "daemon " << daemon << " survived";
  EXPECT_TRUE(Gone(daemon_child))
      << "its child " << daemon_child << " survived";
}

// Orphans reaped during the run leave a node's own exit status alone.
TEST(DescendantsTest, ReapOrphansKeepsANodesExitStatus) {
  ASSERT_EQ(BecomeSubreaper(), "");
  std::string script = WriteFile(
      "orphan.sh", "#!/bin/sh\nsetsid sh -c 'exit 0' &\nsleep 0.2\nexit 3\n",
      0755);
  auto p = NodeProcess::Spawn({script, {}, "/"}, "n0");
  ASSERT_TRUE(p.ok()) << p.status();
  usleep(400000);  // the node has exited: both are zombies now
  ReapOrphans();   // reaps the node's pid too, keeping its status
  absl::optional<int> status = (*p)->Reap();
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(DescribeWaitStatus(*status), "exited with code 3");
  EXPECT_EQ(KillAllDescendants(1000), 0);
}

// Both ways of listing children see the same children.
TEST(DescendantsTest, ListChildrenBothWays) {
  auto a = NodeProcess::Spawn({"/bin/sleep", {"30"}, "/"}, "n0");
  auto b = NodeProcess::Spawn({"/bin/sleep", {"30"}, "/"}, "n1");
  ASSERT_TRUE(a.ok() && b.ok());
  for (ChildListing how :
       {ChildListing::kChildrenFiles, ChildListing::kStatScan}) {
    pid_t children[64];
    const int n = ListChildren(children, 64, how);
    ASSERT_GE(n, 2) << static_cast<int>(how);
    std::vector<pid_t> listed(children, children + n);
    for (pid_t want : {(*a)->pid(), (*b)->pid()}) {
      EXPECT_NE(std::find(listed.begin(), listed.end(), want), listed.end())
          << "listing " << static_cast<int>(how) << " misses " << want;
    }
  }
}

TEST(NodeProcessTest, ExitCodeIsReaped) {
  auto p = NodeProcess::Spawn({"/bin/sh", {"-c", "exit 3"}, "/"}, "n0");
  ASSERT_TRUE(p.ok()) << p.status();
  absl::optional<int> status;
  for (int i = 0; i < 500 && !status.has_value(); ++i) {
    usleep(2000);
    status = (*p)->Reap();
  }
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(DescribeWaitStatus(*status), "exited with code 3");
}

}  // namespace
}  // namespace harness
