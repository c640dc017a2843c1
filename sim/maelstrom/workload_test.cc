#include "sim/maelstrom/workload.h"

#include "gtest/gtest.h"

namespace sim {
namespace {

// Pins maelstrom client.clj with-errors: timeouts are :fail only for
// idempotent fs; error replies are :fail when definite (errors.edn) or
// idempotent, with [name text] as the error.
TEST(WithErrors, DefiniteOrIdempotentFailsElseInfo) {
  ClientStep s = WithErrors(/*idempotent=*/true, nullptr);
  EXPECT_EQ(s.type, EventType::kFail);
  EXPECT_EQ(s.error, "net-timeout");
  EXPECT_FALSE(s.request.has_value());
  EXPECT_EQ(WithErrors(false, nullptr).type, EventType::kInfo);

  const kvclient::Json definite = {
      {"type", "error"}, {"code", 20}, {"text", "no such key"}};
  s = WithErrors(false, &definite);
  EXPECT_EQ(s.type, EventType::kFail);
  EXPECT_EQ(s.error, "[:key-does-not-exist \"no such key\"]");
  const kvclient::Json crash = {{"type", "error"}, {"code", 13}};
  EXPECT_EQ(WithErrors(false, &crash).type, EventType::kInfo);
  EXPECT_EQ(WithErrors(true, &crash).type, EventType::kFail);
  EXPECT_EQ(WithErrors(false, &crash).error, "[:crash nil]");
}

TEST(ClientStep, SendOrCompleteKeepingTheOpsValueByDefault) {
  ClientStep send = ClientStep::Send({{"type", "echo"}});
  ASSERT_TRUE(send.request.has_value());
  EXPECT_EQ((*send.request)["type"], "echo");
  ClientStep ok = ClientStep::Ok();
  EXPECT_EQ(ok.type, EventType::kOk);
  EXPECT_FALSE(ok.value.has_value());
  EXPECT_EQ(*ClientStep::Ok(kvclient::Json(3)).value, 3);
  EXPECT_EQ(ClientStep::Info("timeout").type, EventType::kInfo);
}

}  // namespace
}  // namespace sim
