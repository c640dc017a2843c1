// Conformance: Maelstrom v0.2.4's client (maelstrom src/maelstrom/client.clj
// defrpc, recv-schema, check-body, throw-errors!, with-errors; resources/
// errors.edn; plumatic schema 1.4.1's closed maps and vector schemas) and
// Jepsen 0.3.7's interpreter for what escapes with-errors
// (jepsen/src/jepsen/generator/interpreter.clj spawn-worker). with-errors
// itself is sim::WithErrors (workload_test.cc); here, through UnlessOk.
#include "sim/maelstrom/rpc.h"

#include <string>

#include "gtest/gtest.h"
#include "sim/maelstrom/node_line.h"

namespace sim {
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

// s/Int is clojure's integer?: cheshire parses an integer beyond 64 bits
// as a BigInteger, still an Int (held as node_line.h's marker); a string
// or a double is not one.
TEST(RecvSchema, AnIntegerOfAnySizeIsAnInt) {
  const kvclient::Json big = {
      {"type", "add_ok"},
      {"in_reply_to", 3},
      {"msg_id", BigIntegerMarker("1" + std::string(400, '3'))}};
  EXPECT_EQ(CheckReply(kAddOk, big), absl::nullopt);
  EXPECT_EQ(Check(kAddOk, R"({"type":"add_ok","in_reply_to":3,"msg_id":"x"})"),
            R"({:msg_id (not (integer? "x"))})");
  EXPECT_EQ(Check(kAddOk, R"({"type":"add_ok","in_reply_to":3,"msg_id":1.0})"),
            "{:msg_id (not (integer? 1.0))}");
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

Json Parse(const char* s) { return Json::parse(s); }

// client.clj with-errors: a timeout is :info unless the :f is idempotent.
TEST(WithErrors, TimeoutIsInfoUnlessIdempotent) {
  ClientStep c = RpcTimeout(ErrorHandling::kWithErrors, false);
  EXPECT_EQ(c.type, EventType::kInfo);
  EXPECT_EQ(c.error, "net-timeout");
  EXPECT_FALSE(c.value.has_value());  // a completion keeps the invoke's value
  EXPECT_EQ(RpcTimeout(ErrorHandling::kWithErrors, true).type,
            EventType::kFail);
}

// client.clj with-errors + resources/errors.edn: definite codes fail.
TEST(WithErrors, DefiniteErrorsFailOthersAreInfo) {
  const auto with = ErrorHandling::kWithErrors;
  absl::optional<ClientStep> busy = UnlessOk(
      kAddOk,
      Parse(R"({"type":"error","code":11,"text":"busy","in_reply_to":1})"),
      with, false);
  ASSERT_TRUE(busy.has_value());
  EXPECT_EQ(busy->type, EventType::kFail);
  EXPECT_EQ(busy->error, R"([:temporarily-unavailable "busy"])");
  EXPECT_FALSE(busy->value.has_value());
  ClientStep crash =
      *UnlessOk(kAddOk, Parse(R"({"type":"error","code":13,"in_reply_to":1})"),
                with, false);
  EXPECT_EQ(crash.type, EventType::kInfo);  // crash is indefinite
  EXPECT_EQ(crash.error, "[:crash nil]");
  ClientStep odd = *UnlessOk(
      kAddOk, Parse(R"({"type":"error","code":1000,"text":"?"})"), with, false);
  EXPECT_EQ(odd.type, EventType::kInfo);  // unknown codes are indefinite
  EXPECT_EQ(odd.error, R"([:unknown "?"])");
  ClientStep fractional =
      *UnlessOk(kAddOk, Parse(R"({"type":"error","code":11.0})"), with, false);
  EXPECT_EQ(fractional.type, EventType::kInfo);  // (get registry 11.0): nil
  EXPECT_EQ(UnlessOk(kAddOk, Parse(R"({"type":"error","code":13})"), with, true)
                ->type,
            EventType::kFail);  // idempotent
}

// g_set.clj's client has no with-errors: interpreter.clj turns the thrown
// exception into :info "indeterminate: ...".
TEST(NoWithErrors, EverythingEscapesToTheInterpreterAsInfo) {
  const auto none = ErrorHandling::kNone;
  ClientStep timeout = RpcTimeout(none, false);
  EXPECT_EQ(timeout.type, EventType::kInfo);
  EXPECT_EQ(timeout.error, "indeterminate: Client read timeout");
  ClientStep busy = *UnlessOk(
      kAddOk,
      Parse(R"({"type":"error","code":11,"text":"busy","in_reply_to":1})"),
      none, false);
  EXPECT_EQ(busy.type, EventType::kInfo);  // even a definite error
  EXPECT_EQ(busy.error,
            R"(indeterminate: throw+: {:type :rpc-error, :code 11, )"
            R"(:name :temporarily-unavailable, :definite? true, :body )"
            R"({:code 11, :in_reply_to 1, :text "busy", :type "error"}})");
}

// client.clj check-body throws outside with-errors' catch: :info.
TEST(Malformed, EscapesWithErrorsAsInfo) {
  absl::optional<ClientStep> c =
      UnlessOk(kAddOk, Parse(R"({"type":"add_ok","in_reply_to":1,"x":1})"),
               ErrorHandling::kWithErrors, true);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->type, EventType::kInfo);  // not :fail, idempotent or not
  EXPECT_EQ(c->error.rfind("indeterminate: Malformed RPC response.", 0), 0u);
  EXPECT_NE(c->error.find("{:x disallowed-key}"), std::string::npos);
  EXPECT_FALSE(UnlessOk(kAddOk, Parse(R"({"type":"add_ok","in_reply_to":1})"),
                        ErrorHandling::kWithErrors, false)
                   .has_value());
}

}  // namespace
}  // namespace sim
