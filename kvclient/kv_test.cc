#include "kvclient/kv.h"

#include "gtest/gtest.h"

namespace kvclient {
namespace {

TEST(Kv, EncodesRequests) {
  EXPECT_EQ(EncodeKvRequest(KvRead{"k"}, 1),
            Json::parse(R"({"type":"read","msg_id":1,"key":"k"})"));
  EXPECT_EQ(EncodeKvRequest(KvWrite{"k", 5}, 2),
            Json::parse(R"({"type":"write","msg_id":2,"key":"k","value":5})"));
  EXPECT_EQ(EncodeKvRequest(KvCas{"k", 1, 2, true}, 3),
            Json::parse(R"({"type":"cas","msg_id":3,"key":"k","from":1,"to":2,
                            "create_if_not_exists":true})"));
}

TEST(Kv, ServiceParsesWhatTheNodeEncodes) {
  for (const KvRequest& r : {KvRequest(KvRead{"k"}), KvRequest(KvWrite{"k", 5}),
                             KvRequest(KvCas{"k", 1, 2, true})}) {
    absl::StatusOr<KvRequest> parsed = ParseKvRequest(EncodeKvRequest(r, 1));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(DescribeKvRequest(*parsed), DescribeKvRequest(r));
  }
}

TEST(Kv, ServiceIgnoresUnknownTypesAndRejectsMissingFields) {
  EXPECT_TRUE(absl::IsNotFound(
      ParseKvRequest(Json::parse(R"({"type":"txn","msg_id":1})")).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      ParseKvRequest(Json::parse(R"({"type":"read","msg_id":1})")).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      ParseKvRequest(Json::parse(R"({"type":"cas","key":"k","from":1})"))
          .status()));
}

TEST(Kv, NodeParsesRepliesAndErrors) {
  KvReply ok = ParseKvReply(
      KvRead{"k"},
      Json::parse(R"({"type":"read_ok","value":[1,2],"in_reply_to":1})"));
  ASSERT_TRUE(absl::holds_alternative<KvOk>(ok));
  EXPECT_EQ(absl::get<KvOk>(ok).value, Json::parse("[1,2]"));

  KvReply err = ParseKvReply(
      KvCas{"k", 1, 2},
      Json::parse(
          R"({"type":"error","code":22,"text":"current value 3 is not 1"})"));
  ASSERT_TRUE(absl::holds_alternative<KvError>(err));
  EXPECT_EQ(absl::get<KvError>(err).code, 22);
}

TEST(Kv, NodeTreatsAWrongReplyAsIndefinite) {
  KvReply r = ParseKvReply(
      KvCas{"k", 1, 2}, Json::parse(R"({"type":"write_ok","in_reply_to":1})"));
  ASSERT_TRUE(absl::holds_alternative<KvError>(r));
  EXPECT_EQ(absl::get<KvError>(r).code, 13);
  EXPECT_NE(absl::get<KvError>(r).text.find("expected cas_ok"),
            std::string::npos);
  KvReply no_value =
      ParseKvReply(KvRead{"k"}, Json::parse(R"({"type":"read_ok"})"));
  EXPECT_EQ(absl::get<KvError>(no_value).code, 13);
}

TEST(Kv, ServiceEncodesReplies) {
  EXPECT_EQ(EncodeKvReply(KvRead{"k"}, KvOk{7}, 4),
            Json::parse(R"({"type":"read_ok","value":7,"in_reply_to":4})"));
  EXPECT_EQ(EncodeKvReply(KvCas{"k", 1, 2}, KvOk{nullptr}, 5),
            Json::parse(R"({"type":"cas_ok","in_reply_to":5})"));
  EXPECT_EQ(EncodeKvReply(KvRead{"k"}, KvError{20, "key does not exist"}, 6),
            Json::parse(R"({"type":"error","in_reply_to":6,"code":20,
                            "text":"key does not exist"})"));
}

}  // namespace
}  // namespace kvclient
