// The test-only factory: each broken variant misbehaves as advertised (the
// teeth tests in sim/ and testing/ rely on it), and kNone is the shipped
// node itself.
#include "counter/testonly_variants.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kvclient/message.h"

namespace counter {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Json = kvclient::Json;

const absl::Time kT0 = absl::UnixEpoch();

// Steps `core` with one message and returns what it sent, one line each.
std::vector<std::string> At(Core& core, int ms, const std::string& src,
                            const std::string& body) {
  core.Step(kvclient::Message{src, "n1", Json::parse(body)},
            kT0 + absl::Milliseconds(ms));
  std::vector<std::string> lines;
  for (const kvclient::Message& m : core.TakeReady().messages) {
    lines.push_back(m.src + " -> " + m.dest + " " + m.body.dump());
  }
  return lines;
}

Options Pinned() {
  Options options;
  options.incarnation = 0xa;
  options.sync_grace = absl::Milliseconds(50);
  // These transcripts pin the KV-read modes (auto as it was before pushes);
  // push transcripts ask for Dissemination::kPush.
  options.auto_push = false;
  return options;
}

// Init n1 of {n0, n1}; own key absent; the sync lands; n0's key absent.
void Boot(Core& core) {
  At(core, 0, "c0",
     R"({"type":"init","msg_id":1,"node_id":"n1","node_ids":["n0","n1"]})");
  At(core, 0, "seq-kv", R"({"type":"error","code":20,"in_reply_to":1})");
  At(core, 0, "seq-kv", R"({"type":"cas_ok","in_reply_to":2})");
  At(core, 0, "seq-kv", R"({"type":"error","code":20,"in_reply_to":3})");
}

TEST(Variants, NamesRoundTrip) {
  for (Bug bug :
       {Bug::kNone, Bug::kStaleRead, Bug::kAckBeforeDurable,
        Bug::kDoubleCountRetry, Bug::kForgetOnRestart, Bug::kMergeByTotal,
        Bug::kPushPendingTotal, Bug::kAdoptByTotal, Bug::kNoBackoff}) {
    EXPECT_EQ(ParseBug(BugName(bug)), bug);
  }
  EXPECT_EQ(ParseBug("nonsense"), absl::nullopt);
  EXPECT_EQ(ParseStrategy("baseline"), Strategy::kBaseline);
  EXPECT_EQ(ParseStrategy("own-keys"), Strategy::kOwnKeys);
  EXPECT_EQ(ParseStrategy("ours"), absl::nullopt);
}

TEST(Variants, AckBeforeDurableRepliesBeforeTheCas) {
  auto core =
      MakeVariantCore(Pinned(), Strategy::kOwnKeys, Bug::kAckBeforeDurable);
  Boot(*core);
  EXPECT_THAT(At(*core, 10, "c2", R"({"type":"add","delta":3,"msg_id":5})"),
              ElementsAre(R"(n1 -> c2 {"in_reply_to":5,"type":"add_ok"})",
                          HasSubstr(R"("type":"cas")")));
}

TEST(Variants, ForgetOnRestartWritesWithoutReadingItsKey) {
  auto core =
      MakeVariantCore(Pinned(), Strategy::kOwnKeys, Bug::kForgetOnRestart);
  At(*core, 0, "c0",
     R"({"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]})");
  EXPECT_THAT(
      At(*core, 1, "c2", R"({"type":"add","delta":3,"msg_id":5})"),
      ElementsAre(
          R"(n1 -> seq-kv {"key":"counter/n1","msg_id":1,"type":"write","value":{"n":1,"tag":"a.1","total":3}})"));
}

TEST(Variants, StaleReadReadsPeersOnAClientReadWithoutASync) {
  auto core = MakeVariantCore(Pinned(), Strategy::kOwnKeys, Bug::kStaleRead);
  At(*core, 0, "c0",
     R"({"type":"init","msg_id":1,"node_id":"n1","node_ids":["n0","n1"]})");
  EXPECT_THAT(
      At(*core, 0, "seq-kv", R"({"type":"error","code":20,"in_reply_to":1})"),
      ::testing::IsEmpty())
      << "no sync cas: our node would send one here";
  EXPECT_EQ(core->TakeReady().wake_at, absl::nullopt)
      << "no refresh timer: client reads drive the rounds";
  EXPECT_THAT(
      At(*core, 900, "c2", R"({"type":"read","msg_id":7})"),
      ElementsAre(
          HasSubstr(R"("code":11)"),
          R"(n1 -> seq-kv {"key":"counter/n0","msg_id":2,"type":"read"})"))
      << "reads the peer at once, with no zero-delta cas first";
}

TEST(Variants, DoubleCountRetryAddsALandedBatchAgain) {
  Options options = Pinned();
  options.refresh_interval = absl::Hours(1);
  auto core =
      MakeVariantCore(options, Strategy::kOwnKeys, Bug::kDoubleCountRetry);
  Boot(*core);
  At(*core, 10, "c2", R"({"type":"add","delta":3,"msg_id":5})");  // cas a.2
  // The cas lands but its reply is garbled; the read shows tag a.2.
  At(*core, 11, "seq-kv", R"({"type":"error","code":13,"in_reply_to":4})");
  EXPECT_THAT(
      At(*core, 12, "seq-kv",
         R"({"type":"read_ok","in_reply_to":5,"value":{"total":3,"tag":"a.2","n":2}})"),
      ElementsAre(
          R"(n1 -> seq-kv {"from":{"n":2,"tag":"a.2","total":3},"key":"counter/n1","msg_id":6,"to":{"n":3,"tag":"a.3","total":6},"type":"cas"})"))
      << "the landed 3 is the base now, and 3 is added again";
}

// A load that keeps failing: the shipped node waits after the 2nd failure
// in a row (counter/backoff.h), the variant reads again at once.
TEST(Variants, NoBackoffRetriesAFailingLoadAtOnce) {
  auto init = [](Core& core) {
    At(core, 0, "c0",
       R"({"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]})");
    At(core, 0, "seq-kv", R"({"type":"error","code":13,"in_reply_to":1})");
  };
  const std::string read2 =
      R"(n1 -> seq-kv {"key":"counter/n1","msg_id":3,"type":"read"})";
  auto broken = MakeVariantCore(Pinned(), Strategy::kOwnKeys, Bug::kNoBackoff);
  init(*broken);
  EXPECT_THAT(
      At(*broken, 1, "seq-kv", R"({"type":"error","code":13,"in_reply_to":2})"),
      ElementsAre(read2));
  auto shipped = MakeCore(Pinned());
  init(*shipped);
  EXPECT_THAT(At(*shipped, 1, "seq-kv",
                 R"({"type":"error","code":13,"in_reply_to":2})"),
              ::testing::IsEmpty());
  EXPECT_GE(shipped->TakeReady().wake_at, kT0 + absl::Milliseconds(50));
}

TEST(Variants, NoneIsTheShippedNodeAndTheBaselineIsTheBaseline) {
  auto ours = MakeVariantCore(Pinned(), Strategy::kOwnKeys, Bug::kNone);
  auto shipped = MakeCore(Pinned());
  EXPECT_EQ(typeid(*ours), typeid(*shipped));
  auto baseline = MakeVariantCore(Pinned(), Strategy::kBaseline, Bug::kNone);
  EXPECT_NE(typeid(*baseline), typeid(*shipped));
  EXPECT_THAT(
      At(*baseline, 0, "c0",
         R"({"type":"init","msg_id":1,"node_id":"n1","node_ids":["n0","n1"]})"),
      ElementsAre(R"(n1 -> c0 {"in_reply_to":1,"type":"init_ok"})"));
  EXPECT_THAT(At(*baseline, 1, "c2", R"({"type":"read","msg_id":2})"),
              ElementsAre(HasSubstr(R"("key":"sync/n1")")))
      << "the baseline syncs before every read";
}

}  // namespace
}  // namespace counter
