// How Maelstrom's clients turn a reply into a completed op, for the
// workloads built on defrpc (maelstrom src/maelstrom/client.clj defrpc,
// recv-schema, check-body, rpc!, throw-errors!, with-errors; jepsen
// generator/interpreter.clj for what escapes with-errors). This is
// Maelstrom's client, not Jepsen's; it lives here until the workload
// plug-in interface gives it a home in sim/maelstrom.
//
//   const ReplySchema kEchoOk{"echo_ok", {{"echo", FieldSchema::kAny}}};
//   CheckReply(kEchoOk, {"type":"echo_ok","echo":"x","in_reply_to":1})
//       == nullopt                                  // conforms
//   CheckReply(kEchoOk, {"type":"echo_ok","in_reply_to":1,"extra":2})
//       == "{:echo missing-required-key, :extra disallowed-key}"
//   CompleteError({"type":"error","code":11,"text":"busy"}, kWithErrors)
//       → {kFail, error "[:temporarily-unavailable \"busy\"]"}
//
// The reply schema is closed (plumatic schema maps): the RPC's fields, a
// required integer in_reply_to and an optional integer msg_id, nothing
// else. An "error" reply is never schema-checked: throw-errors! raises it
// first. Errors map to completions by the workload's client:
//   with-errors (echo, unique-ids, broadcast): timeout -> :info (:fail for
//     an idempotent :f) with :error :net-timeout; an error reply -> :fail
//     when its code is definite (or the :f idempotent), else :info, with
//     :error [:<name> text] (unknown codes: :unknown, indefinite);
//   none (g-set): every error, timeout and malformed reply escapes to the
//     interpreter: :info with :error "indeterminate: <message>";
//   a malformed reply escapes with-errors too: :info, "indeterminate:
//     Malformed RPC response. ..." (Maelstrom's long message, abridged).
// Completion.error is Jepsen's :error value printed as EDN.
#ifndef SIM_JEPSEN_MAELSTROM_CLIENT_H_
#define SIM_JEPSEN_MAELSTROM_CLIENT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "kvclient/message.h"
#include "sim/maelstrom/history.h"

namespace sim {
namespace jepsen {

// client.clj default-timeout: every RPC of these workloads waits 5 s.
inline constexpr int kRpcTimeoutMs = 5000;

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

struct Completion {
  EventType type = EventType::kInfo;  // kOk, kFail or kInfo
  kvclient::Json value;               // Jepsen's :value of the completion
  std::string error;                  // Jepsen's :error as EDN; "" for ok
};

enum class ErrorHandling {
  kWithErrors,  // (c/with-errors op idempotent-fs ...)
  kNone,        // no with-errors: everything escapes to the interpreter
};

struct ClientRules {
  ErrorHandling errors = ErrorHandling::kWithErrors;
  bool idempotent = false;  // the op's :f is in with-errors' idempotent set
};

// The op's client read nothing within kRpcTimeoutMs. `value` is the
// invoke's :value (an error completion keeps it).
Completion CompleteTimeout(const kvclient::Json& value, ClientRules rules);

// A reply whose type is "error" (throw-errors!).
Completion CompleteError(const kvclient::Json& value,
                         const kvclient::Json& error_body, ClientRules rules);

// A reply that fails its schema (check-body :recv); `why` is CheckReply's.
Completion CompleteMalformed(const kvclient::Json& value,
                             const kvclient::Json& body, absl::string_view why);

// The common path: error -> CompleteError, malformed -> CompleteMalformed,
// else nullopt (the workload builds its :ok).
absl::optional<Completion> CompleteUnlessOk(const ReplySchema& schema,
                                            const kvclient::Json& value,
                                            const kvclient::Json& reply,
                                            ClientRules rules);

}  // namespace jepsen
}  // namespace sim

#endif  // SIM_JEPSEN_MAELSTROM_CLIENT_H_
