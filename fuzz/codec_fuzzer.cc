// libFuzzer target for everything that turns untrusted bytes into protocol
// values: kvclient's message codec, KV reply parsing, the counter workload's
// request/reply parsing, and the stdio driver's answer to an unparsable line.
//
// The input is one stdin line as Maelstrom (or a broken peer) could send it.
// Besides "never crash, never throw", it asserts the round-trip invariants
// the rest of the system relies on:
//   - an accepted message re-encodes to ONE line (Maelstrom reads lines) that
//     parses back to an equal message, and encoding is a fixed point;
//   - any Message, even with invalid UTF-8, encodes to valid JSON;
//   - parsers only report success for values they fully validated (an add's
//     delta is an int64 equal to the input, a read_ok value is an int64, ...);
//   - a KV request survives EncodeKvRequest -> ParseKvRequest.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "counter/stdio_driver.h"
#include "kvclient/counter_ops.h"
#include "kvclient/envelope.h"
#include "kvclient/errors.h"
#include "kvclient/kv.h"
#include "kvclient/message.h"
#include "sim/maelstrom/node_line.h"

namespace {

using kvclient::Json;

// Aborts with a message libFuzzer shows next to the crashing input.
void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "codec invariant violated: %s\n", what);
  std::abort();
}

// Infinity (from a number like 1e999) has no JSON spelling; nlohmann writes
// it as null, so only finite messages round-trip exactly.
bool AllFinite(const Json& j) {
  if (j.is_number_float()) return std::isfinite(j.get<double>());
  if (j.is_structured()) {
    for (const Json& child : j) {
      if (!AllFinite(child)) return false;
    }
  }
  return true;
}

void CheckMessageRoundTrip(const kvclient::Message& m) {
  std::string line = kvclient::EncodeMessage(m);
  Check(line.find('\n') == std::string::npos, "encoded message spans lines");
  absl::StatusOr<kvclient::Message> again = kvclient::ParseMessage(line);
  Check(again.ok(), "re-encoded message does not parse");
  Check(kvclient::EncodeMessage(*again) == line,
        "encoding is not a fixed point");
  if (AllFinite(m.body)) Check(*again == m, "round trip changed the message");
}

// Encoding a Message must survive bytes that are not UTF-8 (an id taken from
// a broken line, say): Maelstrom would drop the node's stdout otherwise.
void CheckEncodeArbitrary(const std::string& bytes) {
  kvclient::Message m{bytes,
                      bytes.substr(0, bytes.size() / 2),
                      {{"type", bytes}, {"text", bytes}}};
  std::string line = kvclient::EncodeMessage(m);
  Check(line.find('\n') == std::string::npos, "encoded bytes span lines");
  Check(kvclient::ParseMessage(line).ok(), "encoded bytes are not a message");
}

void CheckCounterRequest(const Json& body, bool allow_negative) {
  auto parsed = kvclient::ParseCounterRequest(body, allow_negative);
  absl::string_view type = kvclient::BodyType(body);
  if (const auto* e = absl::get_if<kvclient::RequestError>(&parsed)) {
    bool known = type == "add" || type == "read";
    Check(e->code == (known ? kvclient::ErrorCode::kMalformedRequest
                            : kvclient::ErrorCode::kNotSupported),
          "request error code is not 12 (bad field) / 10 (unknown type)");
    return;
  }
  const auto& r = absl::get<kvclient::CounterRequest>(parsed);
  if (r.op == kvclient::CounterOp::kRead) {
    Check(type == "read", "read accepted for another type");
    return;
  }
  Check(type == "add", "add accepted for another type");
  const Json& delta = body.at("delta");
  Check(kvclient::IsInt64(delta) && delta.get<int64_t>() == r.delta,
        "accepted delta differs from the input");
  Check(allow_negative || r.delta >= 0, "negative delta in a g-counter");
}

void CheckCounterReply(const Json& body) {
  for (auto op : {kvclient::CounterOp::kAdd, kvclient::CounterOp::kRead}) {
    kvclient::CounterReply r = kvclient::CheckCounterReply(op, body);
    if (r.kind != kvclient::CounterReply::kOk) continue;
    bool is_add = op == kvclient::CounterOp::kAdd;
    Check(kvclient::BodyType(body) == (is_add ? "add_ok" : "read_ok"),
          "ok reply of the wrong type");
    for (auto it = body.begin(); it != body.end(); ++it) {
      bool allowed = it.key() == "type" || it.key() == "in_reply_to" ||
                     it.key() == "msg_id" || (!is_add && it.key() == "value");
      Check(allowed, "ok reply with an extra key");
    }
    if (!is_add) {
      Check(kvclient::IsInt64(body.at("value")) &&
                body.at("value").get<int64_t>() == r.value,
            "read_ok value is not the input integer");
    }
  }
}

void CheckKvReply(const Json& body) {
  Json key = body.contains("key") ? body["key"] : Json("k");
  const kvclient::KvRequest requests[] = {kvclient::KvRead{key},
                                          kvclient::KvWrite{key, 1},
                                          kvclient::KvCas{key, 1, 2, true}};
  for (const kvclient::KvRequest& request : requests) {
    kvclient::KvReply reply = kvclient::ParseKvReply(request, body);
    if (const auto* ok = absl::get_if<kvclient::KvOk>(&reply)) {
      Check(kvclient::BodyType(body) != "error", "error parsed as success");
      if (absl::holds_alternative<kvclient::KvRead>(request)) {
        Check(body.contains("value") && ok->value == body["value"],
              "read_ok value lost");
      }
    } else if (kvclient::BodyType(body) != "error") {
      Check(absl::get<kvclient::KvError>(reply).code == 13,
            "garbled KV reply is not the indefinite code 13");
    }
    // The emulated service's encoder must produce what the node's parser
    // accepts, for every request kind.
    Json encoded = kvclient::EncodeKvReply(request, reply, 1);
    kvclient::KvReply back = kvclient::ParseKvReply(request, encoded);
    Check(back.index() == reply.index(), "KV reply encode/parse mismatch");
  }
}

void CheckKvRequest(const Json& body) {
  absl::StatusOr<kvclient::KvRequest> parsed = kvclient::ParseKvRequest(body);
  if (!parsed.ok()) return;
  Json encoded = kvclient::EncodeKvRequest(*parsed, 7);
  absl::StatusOr<kvclient::KvRequest> again = kvclient::ParseKvRequest(encoded);
  Check(again.ok(), "encoded KV request does not parse");
  Check(kvclient::DescribeKvRequest(*again) ==
            kvclient::DescribeKvRequest(*parsed),
        "KV request changed in a round trip");
}

void CheckInit(const Json& body) {
  auto parsed = kvclient::ParseInitRequest(body);
  if (const auto* init = absl::get_if<kvclient::InitRequest>(&parsed)) {
    bool listed = false;
    for (const std::string& id : init->node_ids) {
      listed = listed || id == init->node_id;
    }
    Check(listed, "init accepted without node_id in node_ids");
  }
}

void CheckBody(const Json& body) {
  if (!body.is_object()) return;
  CheckCounterRequest(body, false);
  CheckCounterRequest(body, true);
  CheckCounterReply(body);
  CheckKvReply(body);
  CheckKvRequest(body);
  CheckInit(body);
  (void)kvclient::MsgId(body);
  (void)kvclient::InReplyTo(body);
}

// The driver's reply to a line ParseMessage rejected: always error 12, to
// the line's sender, in reply to its msg_id exactly as written (an integer
// of 64 bits: int64, or beyond it up to 2^64 - 1), a line Maelstrom accepts;
// and a line that is valid up to its msg_id beyond int64 is answered.
void CheckUnparsableLineReply(const std::string& line, absl::string_view why) {
  for (absl::string_view self : {"", "n1"}) {
    std::string why_not;
    auto reply = counter::ReplyToUnparsableLine(line, why, self, &why_not);
    if (!reply.has_value()) {
      Check(!why_not.empty(), "an unanswered bad line says why");
      continue;
    }
    Check(reply->body.value("code", -1) == 12, "bad line answered without 12");
    // net.clj validate-msg: a reply from "" (no id to answer as) makes
    // Maelstrom stop reading the node.
    Check(!reply->src.empty(), "bad line answered from no id");
    auto to = reply->body.find("in_reply_to");
    Check(to != reply->body.end() && to->is_number_integer(),
          "bad line answered without an integer in_reply_to");
    absl::optional<kvclient::Envelope> e = kvclient::ScanEnvelope(line);
    Check(e.has_value() && e->src == reply->dest && e->msg_id_text.has_value(),
          "bad line answered to another sender");
    // The msg_id as JSON reads it (-0 is 0), exactly: 2^63 stays 2^63.
    const Json sent = Json::parse(*e->msg_id_text, nullptr, false);
    Check(!sent.is_discarded() && sent.is_number_integer() && sent == *to,
          "bad line answered in reply to another msg_id");
    Check(sim::ParseNodeLine(kvclient::EncodeMessage(*reply)).ok(),
          "the reply to a bad line is a line Maelstrom refuses");
    if (kvclient::IsInt64(*to)) CheckMessageRoundTrip(*reply);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string line(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<kvclient::Message> m = kvclient::ParseMessage(line);
  if (m.ok()) {
    CheckMessageRoundTrip(*m);
    CheckBody(m->body);
  } else {
    CheckUnparsableLineReply(line, m.status().message());
  }
  // The input as a body too, so the fuzzer need not build a whole envelope
  // to reach the body parsers. It goes through ParseMessage like every
  // production input (which, e.g., bounds the nesting depth).
  absl::StatusOr<kvclient::Message> wrapped = kvclient::ParseMessage(
      absl::StrCat(R"({"src":"c1","dest":"n1","body":)", line, "}"));
  if (wrapped.ok()) CheckBody(wrapped->body);
  if (size < 4096) CheckEncodeArbitrary(line);
  return 0;
}
