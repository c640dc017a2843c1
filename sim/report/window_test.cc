#include "sim/report/window.h"

#include "gtest/gtest.h"
#include "sim/report/test_util.h"

namespace report {
namespace {

using namespace testing;  // NOLINT: the builders
using sim::EventType;

// `n` messages, one every `every_ms`, starting at t0.
sim::RunRecord Steady(int n, double every_ms) {
  sim::RunRecord run = EmptyRun();
  for (int i = 0; i < n; ++i) {
    run.messages.push_back(Msg(i * every_ms, i * every_ms + 1, "n0", "seq-kv",
                               {{"type", "read"}, {"msg_id", i}}));
  }
  return run;
}

void AddBadFinalRead(sim::RunRecord* run, double at_ms) {
  run->history.push_back(Invoke(at_ms - 1, 0, kRead, 0, true));
  run->history.push_back(Event(at_ms, 0, EventType::kOk, kRead, 5, true));
  SetCounterWorkload(*run, {{0, 0}});
}

TEST(ChooseWindow, WithoutAFailureTheStartOfTheRun) {
  sim::RunRecord run = Steady(1000, 10);  // 10 s of messages
  WindowOptions o;
  o.span = absl::Seconds(2);
  o.max_messages = 500;
  MessageWindow w = ChooseWindow(RunAnalysis(run), o);
  EXPECT_EQ(w.first, 0u);
  EXPECT_EQ(w.last, 200u);  // sent in [0, 2 s)
  EXPECT_FALSE(w.truncated);
  EXPECT_EQ(w.total, 1000u);
  EXPECT_EQ(w.Describe(),
            "messages 1-200 of 1000 (t=0.000-1.990s), the start of the run "
            "(the first 2s); "
            "no check failed");
  o.max_messages = 50;
  w = ChooseWindow(RunAnalysis(run), o);
  EXPECT_EQ(w.last, 50u);
  EXPECT_TRUE(w.truncated);
  EXPECT_NE(w.Describe().find("cut to 50 messages"), std::string::npos);
}

TEST(ChooseWindow, AroundTheFirstFailureThreeQuartersBefore) {
  sim::RunRecord run = Steady(1000, 10);
  AddBadFinalRead(&run, 5000);
  WindowOptions o;
  o.span = absl::Seconds(2);
  o.max_messages = 1000;
  MessageWindow w = ChooseWindow(RunAnalysis(run), o);
  EXPECT_EQ(w.first, 350u);  // sent at or after 3.5 s
  EXPECT_EQ(w.last, 550u);   // before 5.5 s
  ASSERT_TRUE(w.focus.has_value());
  EXPECT_EQ(*w.focus, Ms(5000));
  EXPECT_EQ(w.focus_client, "c10");
  EXPECT_EQ(w.Describe(),
            "messages 351-550 of 1000 (t=3.500-5.490s), around the first "
            "failed check at "
            "t=5.000s: final read 5 on thread 0 is not in [[0 0]]");
}

TEST(ChooseWindow, ATooBusyNeighbourhoodIsTrimmedAroundTheFailure) {
  sim::RunRecord run = Steady(1000, 10);
  AddBadFinalRead(&run, 5000);
  WindowOptions o;
  o.span = absl::Seconds(4);  // [2 s, 6 s): 400 messages
  o.max_messages = 100;
  MessageWindow w = ChooseWindow(RunAnalysis(run), o);
  EXPECT_TRUE(w.truncated);
  EXPECT_EQ(w.size(), 100u);
  EXPECT_EQ(w.first,
            425u);  // 75 before the message sent at 5 s (#500), 25 from it
  EXPECT_EQ(w.last, 525u);
}

TEST(ChooseWindow, AFailureNearTheEndKeepsTheWindowFull) {
  sim::RunRecord run = Steady(1000, 10);
  AddBadFinalRead(&run, 9990);  // the last message is sent at 9.99 s
  WindowOptions o;
  o.span = absl::Seconds(8);
  o.max_messages = 100;
  MessageWindow w = ChooseWindow(RunAnalysis(run), o);
  EXPECT_EQ(w.size(), 100u);
  EXPECT_EQ(w.last, 1000u);
}

TEST(ChooseWindow, AFailureLongAfterTheLastMessageShowsTheLastMessages) {
  sim::RunRecord run = Steady(100, 10);  // until 0.99 s
  AddBadFinalRead(&run, 60000);
  WindowOptions o;
  o.max_messages = 30;
  MessageWindow w = ChooseWindow(RunAnalysis(run), o);
  EXPECT_EQ(w.first, 70u);
  EXPECT_EQ(w.last, 100u);
}

TEST(ChooseWindow, ARequestedWindowWinsAndIsCapped) {
  sim::RunRecord run = Steady(1000, 10);
  AddBadFinalRead(&run, 5000);
  WindowOptions o;
  o.from = absl::Seconds(1);
  o.to = absl::Seconds(1.5);
  MessageWindow w = ChooseWindow(RunAnalysis(run), o);
  EXPECT_EQ(w.first, 100u);
  EXPECT_EQ(w.last, 150u);
  EXPECT_FALSE(w.focus.has_value());
  EXPECT_EQ(w.Describe(),
            "messages 101-150 of 1000 (t=1.000-1.490s), the requested window "
            "t=1.000-1.500s");
  o.max_messages = 10;
  w = ChooseWindow(RunAnalysis(run), o);
  EXPECT_EQ(w.last, 110u);
  EXPECT_NE(w.Describe().find("cut to its first 10 messages"),
            std::string::npos);
  o.from = absl::Seconds(3);
  o.to = absl::Seconds(2);  // backwards: empty
  w = ChooseWindow(RunAnalysis(run), o);
  EXPECT_EQ(w.size(), 0u);
}

TEST(ChooseWindow, NoMessagesNoWindow) {
  sim::RunRecord run = EmptyRun();
  MessageWindow w = ChooseWindow(RunAnalysis(run), WindowOptions{});
  EXPECT_EQ(w.size(), 0u);
  EXPECT_EQ(w.Describe(),
            "no messages drawn (0 of 0), the run sent no messages");
}

TEST(ChooseWindow, MessagesOutOfJournalOrderAreWindowedBySendTime) {
  sim::RunRecord run = EmptyRun();
  run.messages = {Msg(3000, 3001, "n0", "n1", {}), Msg(0, 1, "n0", "n1", {}),
                  Msg(1000, 1001, "n0", "n1", {})};
  WindowOptions o;
  o.span = absl::Milliseconds(1500);
  MessageWindow w = ChooseWindow(RunAnalysis(run), o);
  EXPECT_EQ(w.first, 0u);
  EXPECT_EQ(w.last, 2u);  // the messages sent at 0 and 1 s
  EXPECT_EQ(w.to, absl::Seconds(1));
}

TEST(WindowFlags, FromToInSecondsAndTheMostArrows) {
  WindowOptions o;
  EXPECT_EQ(ParseWindowFlag("12:15.5", &o), "");
  ASSERT_TRUE(o.from.has_value() && o.to.has_value());
  EXPECT_EQ(*o.from, absl::Seconds(12));
  EXPECT_EQ(*o.to, absl::Milliseconds(15500));
  EXPECT_EQ(ParseWindowFlag("-1:2", &o), "");  // the inits come before t0
  EXPECT_EQ(*o.from, absl::Seconds(-1));
  for (const char* bad : {"", "3", "5:5", "6:5", "a:b", "1:2:3", "1:"}) {
    WindowOptions untouched;
    EXPECT_NE(ParseWindowFlag(bad, &untouched), "") << bad;
    EXPECT_FALSE(untouched.from.has_value()) << bad;
  }
  EXPECT_EQ(ParseMaxMessagesFlag("6000", &o), "");
  EXPECT_EQ(o.max_messages, 6000u);
  for (const char* bad : {"0", "-3", "x", "100001"}) {
    EXPECT_NE(ParseMaxMessagesFlag(bad, &o), "") << bad;
    EXPECT_EQ(o.max_messages, 6000u) << bad;
  }
}

}  // namespace
}  // namespace report
