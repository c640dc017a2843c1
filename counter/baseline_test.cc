// Transcripts of the baseline strategy (counter/baseline.h).
#include "counter/baseline.h"

#include <string>
#include <vector>

#include "counter/testonly_variants.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace counter {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Json = kvclient::Json;

const absl::Time kT0 = absl::UnixEpoch();

class BaselineTranscript {
 public:
  BaselineTranscript() {
    Options options;
    options.incarnation = 0xa;
    core_ = MakeVariantCore(options, Strategy::kBaseline, Bug::kNone);
    At(0, "c0",
       R"({"type":"init","msg_id":1,"node_id":"n1","node_ids":["n0","n1"]})");
  }
  std::vector<std::string> At(int ms, const std::string& src,
                              const std::string& body) {
    core_->Step(kvclient::Message{src, "n1", Json::parse(body)},
                kT0 + absl::Milliseconds(ms));
    return Drain();
  }
  std::vector<std::string> TickAt(int ms) {
    core_->Tick(kT0 + absl::Milliseconds(ms));
    return Drain();
  }

 private:
  std::vector<std::string> Drain() {
    std::vector<std::string> lines;
    for (const kvclient::Message& m : core_->TakeReady().messages) {
      lines.push_back(m.src + " -> " + m.dest + " " + m.body.dump());
    }
    return lines;
  }
  std::unique_ptr<Core> core_;
};

TEST(Baseline, AddIsACasLoopOnOneSharedKey) {
  BaselineTranscript t;
  EXPECT_THAT(
      t.At(1, "c2", R"({"type":"add","delta":3,"msg_id":5})"),
      ElementsAre(
          R"(n1 -> seq-kv {"key":"counter","msg_id":1,"type":"read"})"));
  EXPECT_THAT(
      t.At(2, "seq-kv", R"({"type":"read_ok","value":4,"in_reply_to":1})"),
      ElementsAre(
          R"(n1 -> seq-kv {"create_if_not_exists":true,"from":4,"key":"counter","msg_id":2,"to":7,"type":"cas"})"));
  // Lost the race (or a stale read): read again and retry.
  EXPECT_THAT(
      t.At(3, "seq-kv", R"({"type":"error","code":22,"in_reply_to":2})"),
      ElementsAre(
          R"(n1 -> seq-kv {"key":"counter","msg_id":3,"type":"read"})"));
  t.At(4, "seq-kv", R"({"type":"read_ok","value":5,"in_reply_to":3})");
  EXPECT_THAT(t.At(5, "seq-kv", R"({"type":"cas_ok","in_reply_to":4})"),
              ElementsAre(R"(n1 -> c2 {"in_reply_to":5,"type":"add_ok"})"));
}

TEST(Baseline, ALostCasIsAnsweredIndefinitelyNeverRetried) {
  BaselineTranscript t;
  t.At(1, "c2", R"({"type":"add","delta":3,"msg_id":5})");
  t.At(2, "seq-kv", R"({"type":"read_ok","value":4,"in_reply_to":1})");
  EXPECT_THAT(t.TickAt(1001), IsEmpty());
  EXPECT_THAT(
      t.TickAt(1002),
      ElementsAre(
          R"(n1 -> c2 {"code":0,"in_reply_to":5,"text":"seq-kv did not answer","type":"error"})"));
}

TEST(Baseline, ReadSyncsWithAUniqueWriteFirst) {
  BaselineTranscript t;
  EXPECT_THAT(
      t.At(1, "c2", R"({"type":"read","msg_id":6})"),
      ElementsAre(
          R"(n1 -> seq-kv {"key":"sync/n1","msg_id":1,"type":"write","value":"a.1"})"));
  EXPECT_THAT(
      t.At(2, "seq-kv", R"({"type":"write_ok","in_reply_to":1})"),
      ElementsAre(
          R"(n1 -> seq-kv {"key":"counter","msg_id":2,"type":"read"})"));
  EXPECT_THAT(
      t.At(3, "seq-kv", R"({"type":"error","code":20,"in_reply_to":2})"),
      ElementsAre(R"(n1 -> c2 {"in_reply_to":6,"type":"read_ok","value":0})"));
}

}  // namespace
}  // namespace counter
