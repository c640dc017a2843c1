// Typed operations of Maelstrom's key-value services (seq-kv, lin-kv; Maelstrom
// service.clj) and their JSON codec, for both ends: a node encodes requests and
// parses replies; the emulated service parses requests and encodes replies.
//
// Example (node side):
//   Json req = EncodeKvRequest(KvCas{"counter/n1", 3, 5}, /*msg_id=*/9);
//     == {"type":"cas","msg_id":9,"key":"counter/n1","from":3,"to":5}
//   KvReply r = ParseKvReply(KvCas{...}, {"type":"error","code":22,...});
//   absl::get<KvError>(r).code == 22
#ifndef KVCLIENT_KV_H_
#define KVCLIENT_KV_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/variant.h"
#include "kvclient/message.h"

namespace kvclient {

struct KvRead {
  Json key;
};
struct KvWrite {
  Json key;
  Json value;
};
struct KvCas {
  Json key;
  Json from;
  Json to;
  bool create_if_not_exists = false;
};
using KvRequest = absl::variant<KvRead, KvWrite, KvCas>;

// Success: `value` is the read value for read_ok, null for write_ok/cas_ok.
struct KvOk {
  Json value;
};
struct KvError {
  int64_t code = 0;
  std::string text;
};
using KvReply = absl::variant<KvOk, KvError>;

Json EncodeKvRequest(const KvRequest& request, int64_t msg_id);

// Service side. Unknown `type` → NotFoundError (Maelstrom's services do not
// reply to those); a known type with missing fields → InvalidArgumentError.
absl::StatusOr<KvRequest> ParseKvRequest(const Json& body);

// Node side. A reply of the wrong type or shape becomes an indefinite
// KvError (code 13, crash) whose text says what was wrong.
KvReply ParseKvReply(const KvRequest& request, const Json& body);

// Service side: read_ok/write_ok/cas_ok or error, with `in_reply_to`.
Json EncodeKvReply(const KvRequest& request, const KvReply& reply,
                   int64_t in_reply_to);

// "read counter/n1", "cas counter/n1 3→5", for logs and traces.
std::string DescribeKvRequest(const KvRequest& request);

}  // namespace kvclient

#endif  // KVCLIENT_KV_H_
