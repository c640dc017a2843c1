#include "sim/report/timeline.h"

#include <string>

#include "gtest/gtest.h"
#include "sim/report/synthetic_run.h"
#include "sim/report/test_util.h"

namespace report {
namespace {

using namespace testing;  // NOLINT: the builders
using sim::EventType;

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1))
    ++n;
  return n;
}

sim::RunRecord SmallRun() {
  sim::RunRecord run = EmptyRun(2);
  run.history = {
      Invoke(0, 0, kAdd, 3),
      Invoke(1, 1, kRead),
      Event(2, 0, EventType::kOk, kAdd, 3),
      Event(5001, 1, EventType::kInfo, kRead, 0, false, "timeout"),
      Invoke(5002, 0, kAdd, 1),
      Event(5003, 0, EventType::kFail, kAdd, 1, false, "error 12"),
      Invoke(6000, 0, kRead, 0, true),
      Invoke(6000, 1, kRead, 0, true),
      Event(6001, 0, EventType::kOk, kRead, 3, true),
      Event(6002, 1, EventType::kOk, kRead, 4, true),
      Invoke(6003, 0, kAdd, 2),  // never completes
  };
  SetCounterWorkload(run, {{3, 3}});
  sim::FaultWindow f;
  f.start = Ms(100);
  f.end = Ms(3000);
  f.kind = "partition";
  f.description = "n0 ignores [n1]";
  run.faults.push_back(f);
  f.kind = "kv-cut";  // overlaps: stacked on a second level
  f.description = "n1's kv requests dropped";
  run.faults.push_back(f);
  return run;
}

TEST(TimelineHtml, OneBarPerCompletedOperation) {
  const std::string html = RenderTimelineHtml(RunAnalysis(SmallRun()));
  EXPECT_EQ(Count(html, "<div class=\"op "), 5u);
  EXPECT_EQ(Count(html, "<div class=\"op ok "), 3u);
  EXPECT_EQ(Count(html, "<div class=\"op info "), 1u);
  EXPECT_EQ(Count(html, "<div class=\"op fail "), 1u);
  EXPECT_EQ(Count(html, "<div class=\"pending-op\""), 1u);
  EXPECT_EQ(Count(html, "<div class=\"row\""), 2u);  // one per thread
  EXPECT_EQ(Count(html, "read final"), 2u) << "final reads marked";
  EXPECT_EQ(Count(html, "<div class=\"op ok read final bad\""), 1u);
  EXPECT_EQ(Count(html, "<div class=\"fault "), 2u);
  EXPECT_EQ(Count(html, "<div class=\"fault-bar "), 2u);
}

// Each bar shows its op's value: what a read learned, else what was sent.
TEST(TimelineHtml, EveryBarShowsItsValue) {
  const std::string html = RenderTimelineHtml(RunAnalysis(SmallRun()));
  EXPECT_EQ(Count(html, "<span class=\"v\">"), 5u);
  EXPECT_NE(html.find("<span class=\"v\">add 3</span>"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"v\">add 1</span>"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"v\">read 4</span>"), std::string::npos);
}

TEST(TimelineHtml, BarsSitAtTheirTimeWithTheirLatency) {
  const std::string html = RenderTimelineHtml(RunAnalysis(SmallRun()));
  // The info read: invoked at 1 ms, completed 5 s later.
  EXPECT_NE(html.find("left:calc(var(--pxs) * 0.001000);width:max(3px, "
                      "calc(var(--pxs) * 5.000000));"),
            std::string::npos);
  EXPECT_NE(
      html.find(
          "process 1 (thread 1, client c11)\nread → info\ninvoked t=0.001000s, "
          "completed t=5.001000s\nlatency 5000.000 ms\nerror: timeout"),
      std::string::npos);
  // The final read on thread 1 runs as process 3 (1 + concurrency after its
  // :info).
  EXPECT_NE(html.find("process 3 (thread 1, client c11)\nread → ok 4"),
            std::string::npos);
  EXPECT_NE(html.find("final read: NOT in [[3 3]]"), std::string::npos);
  // The two overlapping faults are on different levels.
  EXPECT_NE(html.find("top:26px"), std::string::npos);
  EXPECT_NE(html.find("top:44px"), std::string::npos);
}

TEST(TimelineHtml, SelfContained) {
  const std::string html = RenderTimelineHtml(RunAnalysis(SmallRun()));
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(Count(html, "<script>"), 1u);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
}

TEST(TimelineHtml, HostileStringsAreEscaped) {
  sim::RunRecord run = SmallRun();
  const std::string hostile = "\"><script>alert(1)</script>&\x01\xff";
  run.history[3].error = hostile;
  run.history[1].client = hostile;
  run.faults[0].description = hostile;
  run.meta.verdict_line = hostile;
  run.meta.node_ids = {hostile};
  const std::string html = RenderTimelineHtml(RunAnalysis(run));
  EXPECT_EQ(Count(html, "<script>"), 1u);  // only the page's own
  EXPECT_EQ(html.find("\"><script>"), std::string::npos);
  EXPECT_EQ(html.find('\x01'), std::string::npos);
  EXPECT_EQ(html.find('\xff'), std::string::npos);
  EXPECT_NE(
      html.find(
          "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;\u2401\uFFFD"),
      std::string::npos);
}

// Pins jepsen src/jepsen/checker/timeline.clj op-limit: at most 10,000.
TEST(TimelineHtml, AtMostTenThousandBarsAndItSaysSo) {
  sim::RunRecord run = EmptyRun(1);
  for (int i = 0; i < 10001; ++i) {
    run.history.push_back(Invoke(i, 0, kRead));
    run.history.push_back(Event(i + 0.5, 0, EventType::kOk, kRead, i));
  }
  const std::string html = RenderTimelineHtml(RunAnalysis(run));
  EXPECT_EQ(Count(html, "<div class=\"op "), 10000u);
  EXPECT_NE(html.find("Showing the first 10000 of 10001 operations"),
            std::string::npos);
  run.history.resize(20000);
  EXPECT_EQ(RenderTimelineHtml(RunAnalysis(run)).find("Showing the first"),
            std::string::npos);
}

TEST(TimelineHtml, ARealisticRunHasABarForEveryCompletedOperation) {
  const sim::RunRecord run = SyntheticRun(SyntheticOptions{});
  int64_t completions = 0;
  for (const sim::HistoryEvent& e : run.history)
    completions += e.type != EventType::kInvoke;
  const std::string html = RenderTimelineHtml(RunAnalysis(run));
  EXPECT_GT(completions, 1500);
  EXPECT_EQ(Count(html, "<div class=\"op "), static_cast<size_t>(completions));
  EXPECT_EQ(Count(html, "<div class=\"op ok read final"), 3u);
}

}  // namespace
}  // namespace report
