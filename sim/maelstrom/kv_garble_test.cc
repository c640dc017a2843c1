#include "sim/maelstrom/kv_garble.h"

#include <set>

#include "gtest/gtest.h"
#include "kvclient/kv.h"

namespace sim {
namespace {

using kvclient::Json;

const Json kRead = {{"type", "read"}, {"key", "k"}, {"msg_id", 7}};
const Json kCas = {
    {"type", "cas"}, {"key", "k"}, {"from", 1}, {"to", 2}, {"msg_id", 8}};

TEST(KvGarble, EveryFormIsDrawnAndRefusedRequestsGetAnErrorOfTheirOwn) {
  Prng prng(1);
  std::set<GarbleForm> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(DrawGarbleForm(prng));
  EXPECT_EQ(seen.size(), static_cast<size_t>(kGarbleForms));
  for (GarbleForm form :
       {GarbleForm::kError11, GarbleForm::kError13, GarbleForm::kError14}) {
    EXPECT_FALSE(Applies(form));
    absl::optional<Json> r = GarbledReply(form, kCas, absl::nullopt);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ((*r)["type"], "error");
    EXPECT_EQ((*r)["in_reply_to"], 8);
  }
}

// What the node's codec makes of each applied form: never a usable reply
// (so a success that did not happen, least of all).
TEST(KvGarble, AppliedFormsGarbleTheRealReplyAndKeepInReplyTo) {
  const Json read_ok = {{"type", "read_ok"}, {"value", 5}, {"in_reply_to", 7}};
  const Json cas_22 = {
      {"type", "error"}, {"code", 22}, {"text", "no"}, {"in_reply_to", 8}};
  const kvclient::KvRequest read = kvclient::KvRead{"k"};
  const kvclient::KvRequest cas = kvclient::KvCas{"k", 1, 2};

  Json r = *GarbledReply(GarbleForm::kWrongType, kRead, read_ok);
  EXPECT_EQ(r, (Json{{"type", "kv-garble"}, {"in_reply_to", 7}}));
  EXPECT_TRUE(absl::holds_alternative<kvclient::KvError>(
      kvclient::ParseKvReply(read, r)));

  r = *GarbledReply(GarbleForm::kStripped, kRead, read_ok);
  EXPECT_EQ(r, (Json{{"type", "read_ok"}, {"in_reply_to", 7}}));
  EXPECT_TRUE(absl::holds_alternative<kvclient::KvError>(
      kvclient::ParseKvReply(read, r)));
  r = *GarbledReply(GarbleForm::kStripped, kCas, cas_22);
  EXPECT_TRUE(absl::holds_alternative<kvclient::KvError>(
      kvclient::ParseKvReply(cas, r)))
      << "a stripped error is still no success";

  r = *GarbledReply(GarbleForm::kBadValue, kRead, read_ok);
  EXPECT_EQ(r["value"], (Json{{"total", "x"}}));
  r = *GarbledReply(GarbleForm::kBadValue, kCas, cas_22);
  EXPECT_EQ(r["type"], "kv-garble");

  const Json cas_ok = {{"type", "cas_ok"}, {"in_reply_to", 8}};
  r = *GarbledReply(GarbleForm::kStripped, kCas, cas_ok);
  EXPECT_EQ(r["type"], "kv-garble") << "nothing to strip: a wrong type";
  EXPECT_TRUE(absl::holds_alternative<kvclient::KvError>(
      kvclient::ParseKvReply(cas, r)));

  EXPECT_FALSE(GarbledReply(GarbleForm::kWrongType, kCas, absl::nullopt))
      << "no reply from the service, none from the garbler";
}

}  // namespace
}  // namespace sim
