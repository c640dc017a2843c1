#include "sim/report/messages_svg.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/report/escape.h"
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

// A minimal XML well-formedness check: tags nest and close, attribute
// values are quoted, text and attributes hold no raw '<' and every '&'
// starts an entity reference, and the text is valid UTF-8 without the
// control characters XML 1.0 forbids. Returns "" or what is wrong.
std::string XmlProblem(const std::string& xml) {
  if (SanitizeUtf8(xml) != xml)
    return "invalid UTF-8 or a forbidden control character";
  std::vector<std::string> open;
  size_t i = 0;
  auto bad_amp = [&](size_t from, size_t to) {
    for (size_t k = from; k < to; ++k) {
      if (xml[k] != '&') continue;
      const size_t semi = xml.find(';', k);
      if (semi == std::string::npos || semi > to || semi - k > 8) return true;
    }
    return false;
  };
  while (i < xml.size()) {
    const size_t lt = xml.find('<', i);
    if (bad_amp(i, lt == std::string::npos ? xml.size() : lt))
      return absl::StrCat("bare & near ", i);
    if (lt == std::string::npos) break;
    if (xml.compare(lt, 2, "<?") == 0) {
      i = xml.find("?>", lt) + 2;
      continue;
    }
    const size_t gt = xml.find('>', lt);
    if (gt == std::string::npos) return "unterminated tag";
    std::string tag = xml.substr(lt + 1, gt - lt - 1);
    // Quoted attribute values may not contain '<' (checked by the find above
    // landing inside them) nor unquoted '>' issues: count quotes.
    if (Count(tag, "\"") % 2 != 0)
      return absl::StrCat("unbalanced quotes in <", tag.substr(0, 40));
    if (tag.find('<') != std::string::npos) return "'<' inside a tag";
    if (bad_amp(lt, gt)) return absl::StrCat("bare & in <", tag.substr(0, 40));
    if (tag[0] == '/') {
      const std::string name = tag.substr(1);
      if (open.empty() || open.back() != name) {
        return absl::StrCat("</", name, "> closes <",
                            open.empty() ? "" : open.back(), ">");
      }
      open.pop_back();
    } else if (tag.back() != '/') {
      open.push_back(tag.substr(0, tag.find_first_of(" \n")));
    }
    i = gt + 1;
  }
  if (!open.empty()) return absl::StrCat("<", open.back(), "> never closed");
  return "";
}

sim::RunRecord SmallRun() {
  sim::RunRecord run = EmptyRun(2);
  run.meta.node_ids = {"n0", "n1"};
  run.messages = {
      Msg(0, 0, "c11", "n1",
          {{"type", "add"}, {"delta", 3}, {"msg_id", 1}}),  // #1
      Msg(0, 2, "n1", "seq-kv",
          {{"type", "cas"}, {"from", 0}, {"to", 3}, {"msg_id", 7}}),  // #2
      Msg(2, 4, "seq-kv", "n1",
          {{"type", "cas_ok"}, {"in_reply_to", 7}}),                     // #3
      Msg(4, 4, "n1", "c11", {{"type", "add_ok"}, {"in_reply_to", 1}}),  // #4
      Msg(5, 7, "n1", "n0", {{"type", "gossip"}},
          sim::Fate::kPartitioned),                                    // #5
      Msg(6, -1, "n0", "n1", {{"type", "gossip"}}, sim::Fate::kLost),  // #6
      Msg(8, 8, "c10", "n0", {{"type", "read"}, {"msg_id", 1}}),       // #7
      Msg(8, 8, "n0", "c10",
          {{"type", "error"},
           {"code", 11},
           {"text", "not ready"},
           {"in_reply_to", 1}}),  // #8
  };
  // c10 and c11 are worker clients of threads 0 and 1.
  for (auto [thread, client] :
       {std::pair<int, const char*>{1, "c11"}, {0, "c10"}}) {
    sim::HistoryEvent e;
    e.thread = thread;
    e.client = client;
    e.f = "add";
    run.history.push_back(e);
  }
  sim::FaultWindow f;
  f.start = Ms(3);
  f.end = Ms(7.5);
  f.kind = "partition";
  f.description = "n0 ignores [n1]";
  run.faults.push_back(f);
  return run;
}

MessageWindow All(const sim::RunRecord& run) {
  WindowOptions o;
  o.span = absl::Seconds(100);
  return ChooseWindow(RunAnalysis(run), o);
}

TEST(MessagesSvg, OneArrowPerMessageInTheWindowAndOneLanePerEndpoint) {
  const sim::RunRecord run = SmallRun();
  const MessageWindow w = All(run);
  ASSERT_EQ(w.size(), 8u);
  const std::string svg = RenderMessagesSvg(RunAnalysis(run), w);
  EXPECT_EQ(XmlProblem(svg), "");
  EXPECT_EQ(Count(svg, "<g class=\"msg "), 8u);
  EXPECT_EQ(
      Lanes(RunAnalysis(run), w),
      (std::vector<std::string>{"n0", "n1", "seq-kv", "thread 0", "thread 1"}));
  EXPECT_EQ(Count(svg, "<line class=\"lane\""), 5u);
  EXPECT_NE(svg.find(absl::StrCat("<desc id=\"window\">",
                                  EscapeXml(w.Describe()), "</desc>")),
            std::string::npos);
  EXPECT_NE(svg.find(EscapeXml(w.Describe())),
            svg.rfind(EscapeXml(w.Describe())))
      << "the window is also in the visible header";
}

TEST(MessagesSvg, ASmallerWindowDrawsOnlyItsMessagesAndLanes) {
  const sim::RunRecord run = SmallRun();
  WindowOptions o;
  o.from = absl::Milliseconds(5);
  o.to = absl::Milliseconds(7);
  const MessageWindow w = ChooseWindow(RunAnalysis(run), o);
  ASSERT_EQ(w.size(), 2u);  // #5 and #6
  const std::string svg = RenderMessagesSvg(RunAnalysis(run), w);
  EXPECT_EQ(Count(svg, "<g class=\"msg "), 2u);
  EXPECT_EQ(Count(svg, "<line class=\"lane\""), 2u);  // n0, n1: the run's nodes
  EXPECT_EQ(svg.find("id=\"m1\""), std::string::npos);
  EXPECT_NE(svg.find("id=\"m5\""), std::string::npos);
}

TEST(MessagesSvg, RequestsAndRepliesArePaired) {
  const std::string svg =
      RenderMessagesSvg(RunAnalysis(SmallRun()), All(SmallRun()));
  // #2 cas ↔ #3 cas_ok, #1 add ↔ #4 add_ok, #7 read ↔ #8 error.
  EXPECT_NE(svg.find("id=\"m2\" data-pair=\"m3\""), std::string::npos);
  EXPECT_NE(svg.find("reply\" id=\"m3\" data-pair=\"m2\""), std::string::npos);
  EXPECT_NE(svg.find("id=\"m1\" data-pair=\"m4\""), std::string::npos);
  EXPECT_NE(svg.find("id=\"m8\" data-pair=\"m7\""), std::string::npos);
  EXPECT_NE(svg.find("answered by #3 (cas_ok) after 2.000 ms"),
            std::string::npos);
  EXPECT_NE(svg.find("reply to #1 (add sent t=0.000000s, 4.000 ms earlier)"),
            std::string::npos);
  // n1 held the add from its arrival until add_ok, and seq-kv the cas.
  EXPECT_EQ(Count(svg, "<rect class=\"hold\""), 3u);
  EXPECT_NE(svg.find("n1 held c11&#39;s add for 4.000 ms (#1 -&gt; #4)"),
            std::string::npos);
  EXPECT_NE(svg.find("seq-kv held n1&#39;s cas for 0.000 ms"),
            std::string::npos);
}

TEST(MessagesSvg, ColoursByTypeErrorsMarkedLostMessagesCut) {
  const std::string svg =
      RenderMessagesSvg(RunAnalysis(SmallRun()), All(SmallRun()));
  EXPECT_NE(svg.find("<g class=\"msg fate-delivered error reply\" id=\"m8\""),
            std::string::npos);
  EXPECT_NE(svg.find(">error 11 not ready</text>"), std::string::npos);
  EXPECT_NE(svg.find("stroke=\"#FF1E90\""),
            std::string::npos);  // Maelstrom's error pink
  // A request and its reply share their colour: cas and cas_ok.
  EXPECT_EQ(Count(svg, "stroke=\"#E69F00\""), 2u);
  EXPECT_NE(svg.find("<g class=\"msg fate-partitioned\" id=\"m5\""),
            std::string::npos);
  EXPECT_NE(svg.find("<g class=\"msg fate-lost\" id=\"m6\""),
            std::string::npos);
  EXPECT_EQ(Count(svg, "<path class=\"cross\""), 2u);
  EXPECT_NE(svg.find("fate: dropped by a partition"), std::string::npos);
  // Delivered arrows carry an arrowhead; cut ones do not.
  EXPECT_EQ(Count(svg, "marker-end="), 6u);
}

TEST(MessagesSvg, FaultWindowsAreShadedOverTheirRows) {
  sim::RunRecord run = SmallRun();
  sim::FaultWindow kill;
  kill.start = Ms(1);
  kill.end = Ms(2);
  kill.kind = "kill";
  kill.description = "n0 killed";
  kill.nodes = {"n0"};
  run.faults.push_back(kill);
  sim::FaultWindow later;  // after every drawn row: not drawn
  later.start = Ms(50);
  later.kind = "pause";
  run.faults.push_back(later);
  const std::string svg = RenderMessagesSvg(RunAnalysis(run), All(run));
  EXPECT_EQ(Count(svg, "<g class=\"fault "), 2u);
  EXPECT_NE(svg.find("<g class=\"fault kind-partition\"><title>partition from "
                     "t=0.003000s to "
                     "t=0.007500s: n0 ignores [n1]</title>"),
            std::string::npos);
  EXPECT_NE(svg.find("<g class=\"fault kind-kill\">"), std::string::npos);
}

TEST(MessagesSvg, TheFirstFailureAndInvalidLinesAreMarked) {
  sim::RunRecord run = SmallRun();
  run.invalid_lines.push_back(
      {Ms(5), "n1", "message to departed client c3", "{\"dest\":\"c3\"}"});
  const std::string svg = RenderMessagesSvg(
      RunAnalysis(run), ChooseWindow(RunAnalysis(run), WindowOptions{}));
  EXPECT_EQ(XmlProblem(svg), "");
  EXPECT_EQ(Count(svg, "<g class=\"invalid\">"), 1u);
  EXPECT_NE(svg.find("<g id=\"first-failure\"><title>first failed check at "
                     "t=0.005000s: invalid line "
                     "from n1: message to departed client c3</title>"),
            std::string::npos);
}

TEST(MessagesSvg, ABadFinalReadIsMarkedBelowTheReplyThatCarriedIt) {
  sim::RunRecord run = SmallRun();
  run.history = {Invoke(8, 0, kRead, 0, true),
                 Event(8, 0, EventType::kOk, kRead, 9, true)};
  SetCounterWorkload(run, {{3, 3}});
  run.messages[7].body = {
      {"type", "read_ok"}, {"value", 9}, {"in_reply_to", 1}};
  const std::string svg = RenderMessagesSvg(
      RunAnalysis(run), ChooseWindow(RunAnalysis(run), WindowOptions{}));
  EXPECT_NE(svg.find("final read 9 on thread 0 is not in [[3 3]] (#8)</title>"),
            std::string::npos);
}

TEST(MessagesSvg, HostileBodiesAndNamesAreEscaped) {
  sim::RunRecord run = SmallRun();
  const std::string hostile =
      "</title><script>alert(1)</script>&amp;\"'\x01\x7f\xff\xc3";
  run.messages[0].body["delta"] = hostile;
  run.messages[6].body["note"] = "]]><!-- -->";
  run.messages.push_back(Msg(9, 9, "n0", hostile, {{"type", hostile}}));
  run.faults[0].description = hostile;
  run.invalid_lines.push_back({Ms(8), "n0", hostile, hostile});
  run.meta.verdict_line = hostile;
  run.meta.workload = hostile;
  const std::string svg = RenderMessagesSvg(RunAnalysis(run), All(run));
  EXPECT_EQ(XmlProblem(svg), "");
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("<!--"), std::string::npos);
  EXPECT_EQ(svg.find('\x01'), std::string::npos);
  EXPECT_NE(svg.find("&lt;/title&gt;&lt;script&gt;"), std::string::npos);
}

TEST(MessagesSvg, ARealisticRunStaysUsable) {
  // The challenge's shape: ~6,000 messages; the default window draws at
  // most 800 of them, around the failure.
  SyntheticOptions o;
  o.bad_final_read = true;
  const sim::RunRecord run = SyntheticRun(o);
  ASSERT_GT(run.messages.size(), 5000u);
  const MessageWindow w = ChooseWindow(RunAnalysis(run), WindowOptions{});
  EXPECT_LE(w.size(), 800u);
  EXPECT_GT(w.size(), 0u);
  ASSERT_TRUE(w.focus.has_value());
  const std::string svg = RenderMessagesSvg(RunAnalysis(run), w);
  EXPECT_EQ(XmlProblem(svg), "");
  EXPECT_EQ(Count(svg, "<g class=\"msg "), w.size());
  EXPECT_EQ(Count(svg, "<line class=\"lane\""),
            Lanes(RunAnalysis(run), w).size());
  EXPECT_LT(svg.size(), 1500u * 1024);
}

// Nodes and services first, where the eye lands; every client a worker
// thread opened shares that thread's lane (as the timeline's rows); init and
// setup clients share one "setup" lane.
TEST(MessagesSvg, ClientsShareOneLanePerThreadAfterTheNodes) {
  sim::RunRecord run = SmallRun();
  run.history[0].client = "c12";  // thread 1 reopened: c11 is not in it
  run.messages.push_back(Msg(9, 9, "c12", "n1", {{"type", "read"}}));
  run.history.push_back(run.history[0]);
  run.history.back().client = "c11";  // c11 was thread 1's earlier client
  const MessageWindow w = All(run);
  EXPECT_EQ(
      Lanes(RunAnalysis(run), w),
      (std::vector<std::string>{"n0", "n1", "seq-kv", "thread 0", "thread 1"}));
  run.history.pop_back();  // c11 now has no operation: an init/setup client
  EXPECT_EQ(Lanes(RunAnalysis(run), w),
            (std::vector<std::string>{"n0", "n1", "seq-kv", "setup", "thread 0",
                                      "thread 1"}));
  const std::string svg = RenderMessagesSvg(RunAnalysis(run), w);
  EXPECT_EQ(XmlProblem(svg), "");
  EXPECT_EQ(Count(svg, "<line class=\"lane\""), 6u);
  EXPECT_NE(svg.find(">thread 1</text>"), std::string::npos);
}

TEST(LaneLess, ClientsThenNodesNumericallyThenServices) {
  std::vector<std::string> ids = {"seq-kv", "n10", "c2", "n2",
                                  "lin-kv", "c10", "n1", "c1"};
  std::sort(ids.begin(), ids.end(), LaneLess);
  EXPECT_EQ(ids, (std::vector<std::string>{"c1", "c2", "c10", "n1", "n2", "n10",
                                           "lin-kv", "seq-kv"}));
}

}  // namespace
}  // namespace report
