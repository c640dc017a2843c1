#include "sim/report/index.h"

#include <string>

#include "gtest/gtest.h"
#include "sim/report/test_util.h"

namespace report {
namespace {

using namespace testing;  // NOLINT: the builders

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1))
    ++n;
  return n;
}

TEST(RunIndex, LinksEveryFileShowsPlotsVerdictAndWindow) {
  sim::RunRecord run = EmptyRun();
  run.meta.exit_code = 1;
  run.meta.verdict_line = "Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻";
  run.meta.results_text = "{:valid? false}";
  run.meta.command = "maelstrom test -w g-counter --bin x";
  const std::string html = RenderRunIndex(
      run,
      {{"messages.svg", "diagram"},
       {"timeline.html", "timeline"},
       {"rate.png", "plot"},
       {"node-logs/n0.log", "node log"}},
      "messages 1-800 of 6000 (t=0.000-2.000s), the start of the run",
      "../../index.html");
  EXPECT_NE(html.find("<span class=\"verdict invalid\">Analysis invalid! "
                      "(ﾉಥ益ಥ）ﾉ ┻━┻</span>"),
            std::string::npos);
  EXPECT_EQ(Count(html, "<a href=\"messages.svg\">"), 1u);
  EXPECT_EQ(Count(html, "<a href=\"node-logs/n0.log\">"), 1u);
  EXPECT_EQ(Count(html, "<img src=\"rate.png\""),
            1u);  // plots inline, the diagram only linked
  EXPECT_EQ(Count(html, "<img "), 1u);
  EXPECT_NE(html.find("messages.svg draws messages 1-800 of 6000"),
            std::string::npos);
  EXPECT_NE(html.find("<pre>{:valid? false}</pre>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"../../index.html\">all runs</a>"),
            std::string::npos);
}

// The figures a workload is judged by, first: msgs-per-op (the broadcast
// challenges' grade) and the workload's own rows (stable latency).
TEST(RunIndex, ShowsMsgsPerOpAndTheWorkloadsFigures) {
  sim::RunRecord run = EmptyRun();
  run.meta.workload = "broadcast";
  for (int i = 0; i < 4; ++i) {
    sim::HistoryEvent e;
    e.type = i % 2 ? sim::EventType::kOk : sim::EventType::kInvoke;
    run.history.push_back(e);
  }
  run.results.net.servers.msg_count = 30;
  run.results.net.all.msg_count = 34;
  run.results.workload.summary = {{"stable latency", "median 3 ms, max 9 ms"}};
  const std::string html = RenderRunIndex(run, {}, "w");
  EXPECT_NE(html.find("<tr><th>msgs-per-op (servers)</th><td>15.000 (30 "
                      "messages)</td></tr>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<tr><th>msgs-per-op (all)</th><td>17.000"),
            std::string::npos);
  EXPECT_NE(html.find("<tr><th>stable latency</th><td>median 3 ms, max 9 "
                      "ms</td></tr>"),
            std::string::npos);
}

TEST(RunIndex, NoStoreIndexNoLinkToIt) {
  const std::string html = RenderRunIndex(EmptyRun(), {}, "");
  EXPECT_EQ(html.find("all runs"), std::string::npos);
}

TEST(RunIndex, HostileNamesAreEscapedInTextAndLinks) {
  sim::RunRecord run = EmptyRun();
  const std::string hostile = "\"><script>alert(1)</script>";
  run.meta.verdict_line = hostile;
  run.meta.results_text = hostile + "\x01\xff";
  run.meta.command = hostile;
  const std::string html = RenderRunIndex(
      run,
      {{"node-logs/" + hostile + ".log", hostile}, {"javascript:alert(1)", ""}},
      hostile);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find('\x01'), std::string::npos);
  EXPECT_NE(
      html.find(
          "href=\"node-logs/%22%3E%3Cscript%3Ealert%281%29%3C/script%3E.log\""),
      std::string::npos);
  EXPECT_NE(html.find("href=\"javascript%3Aalert%281%29\""),
            std::string::npos);  // a relative path, not a URL
}

TEST(RunJson, RoundTripsThroughTheStoreIndexParser) {
  sim::RunRecord run = EmptyRun();
  run.meta.driver = "harness";
  run.meta.seed = 42;
  run.meta.exit_code = 1;
  run.meta.verdict_line = "Analysis invalid!";
  const std::string json = RunJson(run, "messages 1-2 of 2");
  absl::StatusOr<RunSummary> s =
      ParseRunJson(json, "g-counter/20260101T120000000");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->workload, "g-counter");
  EXPECT_EQ(s->driver, "harness");
  EXPECT_EQ(s->seed, "42");
  EXPECT_EQ(s->exit_code, 1);
  EXPECT_EQ(s->verdict, "Analysis invalid!");
  EXPECT_EQ(s->started, "2026-01-01T12:00:00.000Z");
  EXPECT_FALSE(ParseRunJson("not json", "x/y").ok());
  EXPECT_FALSE(ParseRunJson("[1]", "x/y").ok());
}

TEST(ParseResultsJson, ListsOlderRunsFromTheHarnessResults) {
  absl::StatusOr<RunSummary> s =
      ParseResultsJson(R"({"valid?": true, "exit-code": 0, "seed": 9})",
                       "pn-counter/20250101T000000000");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->workload, "pn-counter");
  EXPECT_EQ(s->started, "20250101T000000000");
  EXPECT_EQ(s->exit_code, 0);
  EXPECT_EQ(s->seed, "9");
  s = ParseResultsJson(R"({"valid?": false})", "g-counter/x");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->exit_code, 1);
}

TEST(StoreIndex, NewestFirstWithVerdicts) {
  RunSummary a;
  a.dir = "g-counter/20260101T120000000";
  a.exit_code = 0;
  a.has_index = true;
  RunSummary b;
  b.dir = "pn-counter/20260102T120000000";
  b.exit_code = 1;
  RunSummary c;
  c.dir = "g-counter/20251231T120000000";
  c.exit_code = -1;
  c.verdict = "<bad run.json>";
  const std::string html = RenderStoreIndex({a, b, c});
  const size_t pa = html.find(a.dir), pb = html.find(b.dir),
               pc = html.find(c.dir);
  ASSERT_NE(pa, std::string::npos);
  EXPECT_LT(pb, pa);
  EXPECT_LT(pa, pc);
  EXPECT_NE(html.find("<a href=\"g-counter/20260101T120000000/index.html\">"),
            std::string::npos);
  EXPECT_NE(html.find("<a href=\"pn-counter/20260102T120000000/\">"),
            std::string::npos);  // no index.html
  EXPECT_NE(html.find("<span class=\"verdict valid\" title=\"\">valid</span>"),
            std::string::npos);
  EXPECT_NE(
      html.find("<span class=\"verdict invalid\" title=\"\">invalid</span>"),
      std::string::npos);
  EXPECT_NE(html.find("title=\"&lt;bad run.json&gt;\">unknown</span>"),
            std::string::npos);
  EXPECT_NE(html.find("3 runs, newest first"), std::string::npos);
}

}  // namespace
}  // namespace report
