#include "kvclient/counter_ops.h"

#include "gtest/gtest.h"

namespace kvclient {
namespace {

RequestError ErrorOf(const char* body, bool allow_negative = false) {
  auto r = ParseCounterRequest(Json::parse(body), allow_negative);
  EXPECT_TRUE(absl::holds_alternative<RequestError>(r)) << body;
  return absl::holds_alternative<RequestError>(r) ? absl::get<RequestError>(r)
                                                  : RequestError{};
}

TEST(ParseCounterRequest, AcceptsAddAndRead) {
  auto add = ParseCounterRequest(
      Json::parse(R"({"type":"add","delta":3,"msg_id":1})"), false);
  ASSERT_TRUE(absl::holds_alternative<CounterRequest>(add));
  EXPECT_EQ(absl::get<CounterRequest>(add).delta, 3);
  auto read =
      ParseCounterRequest(Json::parse(R"({"type":"read","msg_id":2})"), false);
  ASSERT_TRUE(absl::holds_alternative<CounterRequest>(read));
  EXPECT_EQ(absl::get<CounterRequest>(read).op, CounterOp::kRead);
}

TEST(ParseCounterRequest, RejectsBadInputWithTheRightCode) {
  EXPECT_EQ(ErrorOf(R"({"type":"echo"})").code, ErrorCode::kNotSupported);
  for (const char* body :
       {R"({"type":"add"})", R"({"type":"add","delta":"3"})",
        R"({"type":"add","delta":1.5})", R"({"type":"add","delta":true})",
        R"({"type":"add","delta":null})",
        R"({"type":"add","delta":9223372036854775808})",
        R"({"type":"add","delta":-1})"}) {
    EXPECT_EQ(ErrorOf(body).code, ErrorCode::kMalformedRequest) << body;
  }
  EXPECT_NE(ErrorOf(R"({"type":"add","delta":-1})").text.find("--pn_counter"),
            std::string::npos);
}

TEST(ParseCounterRequest, PnCounterAcceptsNegativeDeltas) {
  auto add =
      ParseCounterRequest(Json::parse(R"({"type":"add","delta":-5})"), true);
  ASSERT_TRUE(absl::holds_alternative<CounterRequest>(add));
  EXPECT_EQ(absl::get<CounterRequest>(add).delta, -5);
}

TEST(ParseInitRequest, ValidatesShape) {
  auto ok = ParseInitRequest(Json::parse(
      R"({"type":"init","msg_id":1,"node_id":"n1","node_ids":["n0","n1"]})"));
  ASSERT_TRUE(absl::holds_alternative<InitRequest>(ok));
  EXPECT_EQ(absl::get<InitRequest>(ok).node_ids.size(), 2u);
  for (const char* body :
       {R"({"type":"init","node_ids":["n0"]})",
        R"({"type":"init","node_id":"n0"})",
        R"({"type":"init","node_id":"n0","node_ids":["n0",1]})",
        R"({"type":"init","node_id":"n5","node_ids":["n0"]})",
        // An empty id would make every later request fail with 11 ("not
        // initialized yet"), and "" as a peer would own the key "counter/".
        R"({"type":"init","node_id":"","node_ids":[""]})",
        R"({"type":"init","node_id":"n0","node_ids":["n0",""]})"}) {
    auto r = ParseInitRequest(Json::parse(body));
    ASSERT_TRUE(absl::holds_alternative<RequestError>(r)) << body;
    EXPECT_EQ(absl::get<RequestError>(r).code, ErrorCode::kMalformedRequest);
  }
}

TEST(CheckCounterReply, IsStrictLikeMaelstrom) {
  auto check = [](CounterOp op, const char* body) {
    return CheckCounterReply(op, Json::parse(body));
  };
  EXPECT_EQ(check(CounterOp::kAdd, R"({"type":"add_ok","in_reply_to":1})").kind,
            CounterReply::kOk);
  EXPECT_EQ(
      check(CounterOp::kAdd, R"({"type":"add_ok","in_reply_to":1,"msg_id":3})")
          .kind,
      CounterReply::kOk);
  EXPECT_EQ(
      check(CounterOp::kAdd, R"({"type":"add_ok","in_reply_to":1,"x":1})").kind,
      CounterReply::kMalformed);
  CounterReply read = check(CounterOp::kRead,
                            R"({"type":"read_ok","value":9,"in_reply_to":1})");
  EXPECT_EQ(read.kind, CounterReply::kOk);
  EXPECT_EQ(read.value, 9);
  EXPECT_EQ(check(CounterOp::kRead, R"({"type":"read_ok","value":3.0})").kind,
            CounterReply::kMalformed);
  EXPECT_EQ(check(CounterOp::kRead, R"({"type":"read_ok"})").kind,
            CounterReply::kMalformed);
  EXPECT_EQ(check(CounterOp::kRead, R"({"type":"add_ok"})").kind,
            CounterReply::kMalformed);
  CounterReply err =
      check(CounterOp::kRead, R"({"type":"error","code":11,"text":"t"})");
  EXPECT_EQ(err.kind, CounterReply::kError);
  EXPECT_EQ(err.code, 11);
}

}  // namespace
}  // namespace kvclient
