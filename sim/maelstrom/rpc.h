// Maelstrom client.clj's defrpc, for workload clients (workload.h Client):
// the reply schema every RPC checks (recv-schema, check-body) and the step
// for a reply that is not a conforming ok (throw-errors!, with-errors, and
// what escapes to Jepsen's interpreter, generator/interpreter.clj
// spawn-worker).
//
//   const sim::ReplySchema kEchoOk{"echo_ok", {{"echo", FieldSchema::kAny}}};
//   CheckReply(kEchoOk, {"type":"echo_ok","echo":"x","in_reply_to":1})
//       == nullopt                                  // conforms
//   CheckReply(kEchoOk, {"type":"echo_ok","in_reply_to":1,"extra":2})
//       == "{:echo missing-required-key, :extra disallowed-key}"
//   UnlessOk(kEchoOk, {"type":"error","code":11,"text":"busy"},
//            ErrorHandling::kWithErrors, /*idempotent=*/false)
//       -> ClientStep::Fail("[:temporarily-unavailable \"busy\"]")
//
// The reply schema is closed (plumatic schema maps): the RPC's fields, a
// required integer in_reply_to and an optional integer msg_id, nothing
// else. An "error" reply is never schema-checked: throw-errors! raises it
// first. What a client does with a reply that is not ok:
//   with-errors (echo, unique-ids, broadcast): sim::WithErrors (a timeout
//     is :info :net-timeout, :fail for an idempotent :f; an error reply is
//     :fail when definite or idempotent, else :info);
//   none (g-set, the counters): every error reply and timeout escapes to
//     the interpreter: :info with :error "indeterminate: <message>";
//   a malformed reply escapes with-errors too: :info "indeterminate:
//     Malformed RPC response. ..." (Maelstrom's long message, abridged).
#ifndef SIM_MAELSTROM_RPC_H_
#define SIM_MAELSTROM_RPC_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/types/optional.h"
#include "kvclient/message.h"
#include "sim/maelstrom/workload.h"

namespace sim {

enum class FieldSchema {
  kAny,    // s/Any: present, any value (null too)
  kArray,  // [s/Any]: a JSON array, or null (a vector schema accepts nil)
};

struct ReplySchema {
  std::string type;  // (s/eq "echo_ok")
  std::vector<std::pair<std::string, FieldSchema>> fields;
};

// check-body :recv with (recv-schema schema): nullopt when `body` conforms,
// else the problems the way plumatic schema lists them, e.g.
// {:in_reply_to missing-required-key, :type (not (= "echo_ok" "echo"))}.
absl::optional<std::string> CheckReply(const ReplySchema& schema,
                                       const kvclient::Json& body);

enum class ErrorHandling {
  kWithErrors,  // (c/with-errors op idempotent-fs ...)
  kNone,        // no with-errors: everything escapes to the interpreter
};

// The step for a reply that is an error or fails `schema`; nullopt when it
// is a conforming ok (the client builds its :ok). `idempotent`: the op's :f
// is in with-errors' idempotent set.
absl::optional<ClientStep> UnlessOk(const ReplySchema& schema,
                                    const kvclient::Json& reply,
                                    ErrorHandling errors, bool idempotent);

// No reply within the client timeout.
ClientStep RpcTimeout(ErrorHandling errors, bool idempotent);

}  // namespace sim

#endif  // SIM_MAELSTROM_RPC_H_
