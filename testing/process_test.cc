#include "testing/process.h"

#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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

TEST(NodeProcessTest, OverlongLineIsReported) {
  std::string script = WriteFile(
      "flood.sh", "#!/bin/sh\nexec head -c 9000000 /dev/zero\n", 0755);
  auto p = NodeProcess::Spawn({script, {}, "/"}, "n0");
  ASSERT_TRUE(p.ok()) << p.status();
  StdoutState state = StdoutState::kOpen;
  std::vector<std::string> lines;
  for (int i = 0; i < 5000 && state == StdoutState::kOpen; ++i) {
    pollfd pfd{(*p)->stdout_fd(), POLLIN, 0};
    poll(&pfd, 1, 10);
    state = (*p)->ReadStdout(&lines);
  }
  EXPECT_EQ(state, StdoutState::kLineTooLong);
  EXPECT_TRUE(lines.empty());
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
