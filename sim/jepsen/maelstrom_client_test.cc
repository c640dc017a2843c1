// Conformance: Maelstrom v0.2.4's client (maelstrom src/maelstrom/client.clj
// defrpc, recv-schema, check-body, throw-errors!, with-errors; resources/
// errors.edn; plumatic schema 1.4.1's closed maps and vector schemas) and
// Jepsen 0.3.7's interpreter for what escapes with-errors
// (jepsen/src/jepsen/generator/interpreter.clj spawn-worker).
#include "sim/jepsen/maelstrom_client.h"

#include "gtest/gtest.h"

namespace sim {
namespace jepsen {
namespace {

using kvclient::Json;

const ReplySchema kEchoOk{"echo_ok", {{"echo", FieldSchema::kAny}}};
const ReplySchema kReadOk{"read_ok", {{"messages", FieldSchema::kArray}}};
const ReplySchema kAddOk{"add_ok", {}};

absl::optional<std::string> Check(const ReplySchema& s, const char* body) {
  return CheckReply(s, Json::parse(body));
}

TEST(RecvSchema, ConformingRepliesPass) {
  EXPECT_EQ(Check(kEchoOk, R"({"type":"echo_ok","echo":"x","in_reply_to":1})"),
            absl::nullopt);
  EXPECT_EQ(Check(kEchoOk, R"({"type":"echo_ok","echo":null,"in_reply_to":1,
                              "msg_id":7})"),
            absl::nullopt);  // s/Any takes nil; msg_id is optional
  EXPECT_EQ(
      Check(kReadOk, R"({"type":"read_ok","messages":[],"in_reply_to":2})"),
      absl::nullopt);
  EXPECT_EQ(
      Check(kReadOk, R"({"type":"read_ok","messages":null,"in_reply_to":2})"),
      absl::nullopt);  // a vector schema accepts nil
  EXPECT_EQ(Check(kAddOk, R"({"type":"add_ok","in_reply_to":3})"),
            absl::nullopt);
}

TEST(RecvSchema, MapsAreClosedAndFieldsTyped) {
  EXPECT_EQ(Check(kAddOk, R"({"type":"add_ok","in_reply_to":3,"value":1})"),
            "{:value disallowed-key}");
  EXPECT_EQ(Check(kEchoOk, R"({"type":"echo_ok","in_reply_to":1})"),
            "{:echo missing-required-key}");
  EXPECT_EQ(Check(kEchoOk, R"({"type":"echo","echo":"x","in_reply_to":1})"),
            R"({:type (not (= "echo_ok" "echo"))})");
  EXPECT_EQ(Check(kAddOk, R"({"type":"add_ok"})"),
            "{:in_reply_to missing-required-key}");
  EXPECT_EQ(Check(kAddOk, R"({"type":"add_ok","in_reply_to":3.0})"),
            "{:in_reply_to (not (integer? 3.0))}");
  EXPECT_EQ(Check(kAddOk, R"({"type":"add_ok","in_reply_to":3,"msg_id":null})"),
            "{:msg_id (not (integer? nil))}");  // optional, but not nil
  EXPECT_EQ(
      Check(kReadOk, R"({"type":"read_ok","messages":{},"in_reply_to":2})"),
      "{:messages (not (sequential? {}))}");
  EXPECT_EQ(Check(kReadOk, R"({"type":"read_ok","in_reply_to":2,"b":1,"a":2})"),
            "{:messages missing-required-key, :a disallowed-key, "
            ":b disallowed-key}");
}

TEST(WithErrors, TimeoutIsInfoUnlessIdempotent) {
  Completion c = CompleteTimeout("v", {ErrorHandling::kWithErrors, false});
  EXPECT_EQ(c.type, EventType::kInfo);
  EXPECT_EQ(c.error, ":net-timeout");
  EXPECT_EQ(c.value, "v");  // a completion keeps the invoke's value
  EXPECT_EQ(CompleteTimeout(nullptr, {ErrorHandling::kWithErrors, true}).type,
            EventType::kFail);
}

TEST(WithErrors, DefiniteErrorsFailOthersAreInfo) {
  const ClientRules rules{ErrorHandling::kWithErrors, false};
  Completion busy = CompleteError(
      3,
      Json::parse(
          R"({"type":"error","code":11,"text":"busy","in_reply_to":1})"),
      rules);
  EXPECT_EQ(busy.type, EventType::kFail);
  EXPECT_EQ(busy.error, R"([:temporarily-unavailable "busy"])");
  EXPECT_EQ(busy.value, 3);
  Completion crash = CompleteError(
      3, Json::parse(R"({"type":"error","code":13,"in_reply_to":1})"), rules);
  EXPECT_EQ(crash.type, EventType::kInfo);  // crash is indefinite
  EXPECT_EQ(crash.error, "[:crash nil]");
  Completion odd = CompleteError(
      3, Json::parse(R"({"type":"error","code":1000,"text":"?"})"), rules);
  EXPECT_EQ(odd.type, EventType::kInfo);  // unknown codes are indefinite
  EXPECT_EQ(odd.error, R"([:unknown "?"])");
  Completion fractional =
      CompleteError(3, Json::parse(R"({"type":"error","code":11.0})"), rules);
  EXPECT_EQ(fractional.type, EventType::kInfo);  // (get registry 11.0): nil
  EXPECT_EQ(CompleteError(3, Json::parse(R"({"type":"error","code":13})"),
                          {ErrorHandling::kWithErrors, true})
                .type,
            EventType::kFail);  // idempotent
}

TEST(NoWithErrors, EverythingEscapesToTheInterpreterAsInfo) {
  const ClientRules none{ErrorHandling::kNone, false};
  Completion timeout = CompleteTimeout(4, none);
  EXPECT_EQ(timeout.type, EventType::kInfo);
  EXPECT_EQ(timeout.error, R"("indeterminate: Client read timeout")");
  Completion busy = CompleteError(
      4,
      Json::parse(
          R"({"type":"error","code":11,"text":"busy","in_reply_to":1})"),
      none);
  EXPECT_EQ(busy.type, EventType::kInfo);  // even a definite error
  EXPECT_EQ(busy.error,
            R"("indeterminate: throw+: {:type :rpc-error, :code 11, )"
            R"(:name :temporarily-unavailable, :definite? true, :body )"
            R"({:code 11, :in_reply_to 1, :text \"busy\", :type \"error\"}}")");
}

TEST(Malformed, EscapesWithErrorsAsInfo) {
  absl::optional<Completion> c = CompleteUnlessOk(
      kAddOk, 5, Json::parse(R"({"type":"add_ok","in_reply_to":1,"x":1})"),
      {ErrorHandling::kWithErrors, true});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->type, EventType::kInfo);  // not :fail, idempotent or not
  EXPECT_EQ(c->error.rfind(R"("indeterminate: Malformed RPC response.)", 0),
            0u);
  EXPECT_NE(c->error.find("{:x disallowed-key}"), std::string::npos);
  EXPECT_FALSE(
      CompleteUnlessOk(kAddOk, 5,
                       Json::parse(R"({"type":"add_ok","in_reply_to":1})"), {})
          .has_value());
}

}  // namespace
}  // namespace jepsen
}  // namespace sim
