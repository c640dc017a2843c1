#include "sim/report/writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/maelstrom/edn_reader.h"
#include "sim/report/synthetic_run.h"
#include "sim/report/test_util.h"

namespace report {
namespace {

std::string TempDir(const std::string& name) {
  const char* base = std::getenv("TEST_TMPDIR");
  const std::string dir =
      absl::StrCat(base ? base : "/tmp", "/writer_test_", name);
  EXPECT_EQ(std::system(absl::StrCat("rm -rf '", dir, "'").c_str()), 0);
  return dir;
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

TEST(WriteRunReport, WritesEveryFileAndTheStoreIndex) {
  const std::string root = TempDir("store");
  const std::string dir = root + "/g-counter/20260101T120000000";
  SyntheticOptions o;
  o.bad_final_read = true;
  sim::RunRecord run = SyntheticRun(o);
  run.meta.node_logs = {"node-logs/n0.log",
                        "node-logs/n9.log"};  // n9.log does not exist
  ASSERT_TRUE(MakeDirs(dir + "/node-logs").ok());
  ASSERT_TRUE(WriteFileAtomically(dir + "/node-logs/n0.log", "started\n").ok());
  ReportOptions options;
  options.store_root = root;
  absl::StatusOr<WrittenReport> w = WriteRunReport(dir, run, options);
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->files, (std::vector<std::string>{"messages.svg", "timeline.html",
                                                "history.edn", "results.edn",
                                                "run.json", "index.html"}));
  EXPECT_TRUE(w->window.focus.has_value());
  for (const std::string& f : w->files) EXPECT_TRUE(Exists(dir + "/" + f)) << f;
  EXPECT_NE(
      Read(dir + "/messages.svg").find(w->window.Describe().substr(0, 40)),
      std::string::npos);
  const std::string index = Read(dir + "/index.html");
  EXPECT_NE(index.find("href=\"node-logs/n0.log\""), std::string::npos);
  EXPECT_NE(index.find("<a href=\"../../index.html\">all runs</a>"),
            std::string::npos);
  EXPECT_EQ(index.find("n9.log"), std::string::npos)
      << "only files that exist are linked";
  absl::StatusOr<sim::EdnValue> results =
      sim::ReadEdn(Read(dir + "/results.edn"));
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_FALSE(results->Get("valid?").boolean);
  absl::StatusOr<std::vector<sim::EdnValue>> history =
      sim::ReadAllEdn(Read(dir + "/history.edn"));
  ASSERT_TRUE(history.ok()) << history.status();
  EXPECT_EQ(history->size(), run.history.size() + 4 * run.faults.size());
  const std::string store = Read(root + "/index.html");
  EXPECT_NE(store.find("g-counter/20260101T120000000/index.html"),
            std::string::npos);
  // No temporary files are left behind.
  EXPECT_FALSE(Exists(absl::StrCat(dir, "/index.html.tmp.", getpid())));
}

TEST(WriteRunReport, WithoutAStoreRootNoStoreIndex) {
  const std::string dir = TempDir("no_root") + "/run";
  sim::RunRecord run = testing::EmptyRun();
  absl::StatusOr<WrittenReport> w = WriteRunReport(dir, run, ReportOptions{});
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(Read(dir + "/index.html").find("all runs"), std::string::npos);
  EXPECT_FALSE(Exists(dir + "/../index.html"));
}

TEST(WriteRunReport, ErrorsAreStatusesNotCrashes) {
  const std::string root = TempDir("errors");
  ASSERT_TRUE(MakeDirs(root).ok());
  ASSERT_TRUE(WriteFileAtomically(root + "/a-file", "x").ok());
  sim::RunRecord run = testing::EmptyRun();
  absl::StatusOr<WrittenReport> w =
      WriteRunReport(root + "/a-file/run", run, ReportOptions{});
  EXPECT_FALSE(w.ok());
  run.concurrency = 0;
  w = WriteRunReport(root + "/run", run, ReportOptions{});
  EXPECT_EQ(w.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(WriteStoreIndex(root + "/missing").ok());
}

TEST(ScanStore, ListsRunDirectoriesSkipsSymlinksAndKeepsBrokenOnes) {
  const std::string root = TempDir("scan");
  ASSERT_TRUE(MakeDirs(root + "/g-counter/20260101T000000000").ok());
  ASSERT_TRUE(MakeDirs(root + "/g-counter/20260102T000000000").ok());
  ASSERT_TRUE(MakeDirs(root + "/g-counter/not-a-run").ok());
  ASSERT_TRUE(MakeDirs(root + "/pn-counter/20260103T000000000").ok());
  sim::RunRecord run = testing::EmptyRun();
  run.meta.exit_code = 0;
  ASSERT_TRUE(
      WriteFileAtomically(root + "/g-counter/20260101T000000000/run.json",
                          RunJson(run, ""))
          .ok());
  ASSERT_TRUE(WriteFileAtomically(
                  root + "/g-counter/20260102T000000000/run.json", "{broken")
                  .ok());
  ASSERT_TRUE(
      WriteFileAtomically(root + "/pn-counter/20260103T000000000/results.json",
                          R"({"valid?": false, "exit-code": 1})")
          .ok());
  ASSERT_EQ(symlink("g-counter/20260101T000000000", (root + "/latest").c_str()),
            0);
  absl::StatusOr<std::vector<RunSummary>> runs = ScanStore(root);
  ASSERT_TRUE(runs.ok()) << runs.status();
  ASSERT_EQ(runs->size(), 3u);
  EXPECT_EQ((*runs)[0].dir, "g-counter/20260101T000000000");
  EXPECT_EQ((*runs)[0].exit_code, 0);
  EXPECT_EQ((*runs)[1].exit_code, -1);
  EXPECT_NE((*runs)[1].verdict.find("not a JSON object"), std::string::npos);
  EXPECT_EQ((*runs)[2].workload, "pn-counter");
  EXPECT_EQ((*runs)[2].exit_code, 1);
  ASSERT_TRUE(WriteStoreIndex(root).ok());
  EXPECT_NE(Read(root + "/index.html").find("3 runs"), std::string::npos);
}

}  // namespace
}  // namespace report
