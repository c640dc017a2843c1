// Maelstrom's kafka client (maelstrom/workload/kafka.clj Client, v0.2.4):
// the RPC bodies it sends, the reply schemas defrpc checks them against
// (client.clj recv-schema: a closed map with `in_reply_to` and an optional
// `msg_id`), and the client's per-op state machine, with client.clj
// with-errors (idempotent: assign).
//
//   KafkaClient c;                          // a fresh client: no offsets
//   KafkaClient::Step s = c.Start({"assign", Json::array({"1"})});
//   s.request == {"type":"list_committed_offsets","keys":["1"]}  // + msg_id
//   s = c.OnReply({{"type","list_committed_offsets_ok"},
//                  {"offsets",{{"1",3}}},{"in_reply_to",1}});
//   s.done->type == sim::EventType::kOk;   c.offsets() == {{"1", 3}}
//   s = c.Start({"poll", Json::array({Json::array({"poll"})})});
//   s.request == {"type":"poll","offsets":{"1":3}}
//
// Ops and completions (Jepsen :f / :value, keys as strings):
//   assign ["1","2"]: seek-to-beginning sets every offset to 0 at once; else
//     list_committed_offsets, then offset = local, else committed, else 0.
//   crash: at once :info (the client is then replaced: reusable? false).
//   poll [["poll"]]: poll {offsets}; every key in the reply advances to its
//     highest offset + 1 (0 if it returned nothing); if any message came,
//     commit_offsets {key: highest offset polled}; ok [["poll", msgs]].
//   send [["send", k, msg]]: send {key, msg}; ok [["send", k, [offset, msg]]].
// Errors: a timeout is :info (:fail for assign); an error reply is :fail if
// its code is definite (or the op is assign), else :info; a reply that
// fails its schema throws in Maelstrom (not caught by with-errors) and the
// interpreter records :info "indeterminate: ...". A failed op keeps its
// invocation's value.
#ifndef SIM_WORKLOADS_KAFKA_CLIENT_H_
#define SIM_WORKLOADS_KAFKA_CLIENT_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/types/optional.h"
#include "kvclient/message.h"
#include "sim/maelstrom/history.h"

namespace kafka {

struct KafkaOp {
  std::string f;                   // send, poll, assign, crash
  kvclient::Json value;            // as in the history
  bool seek_to_beginning = false;  // assign (final polls)
};

struct Completion {
  sim::EventType type = sim::EventType::kOk;
  kvclient::Json value;
  std::string error;  // fail/info: "net-timeout", "<name>: <text>", ...
};

// Why a reply fails its RPC's schema (client.clj check-body), or "" if it
// passes. `type` is the reply type the RPC expects, e.g. "poll_ok".
std::string CheckReply(const std::string& type, const kvclient::Json& body);

class KafkaClient {
 public:
  // A request to send (the caller adds msg_id and addresses it to the
  // client's node) or the op's completion.
  struct Step {
    absl::optional<kvclient::Json> request;
    absl::optional<Completion> done;
  };

  Step Start(const KafkaOp& op);
  // The reply to the outstanding request (matched by in_reply_to).
  Step OnReply(const kvclient::Json& body);
  // The outstanding request timed out (5 s, client.clj default-timeout).
  Step OnTimeout();

  // Assigned keys -> the next offset to poll from.
  const std::map<std::string, int64_t>& offsets() const { return offsets_; }
  bool busy() const { return stage_ != Stage::kIdle; }

 private:
  enum class Stage { kIdle, kListCommitted, kPoll, kCommit, kSend };
  Step Done(sim::EventType type, kvclient::Json value, std::string error);
  Step Fail(const std::string& error, bool definite);

  Stage stage_ = Stage::kIdle;
  KafkaOp op_;
  kvclient::Json polled_;  // the poll's msgs while committing
  std::map<std::string, int64_t> offsets_;
};

}  // namespace kafka

#endif  // SIM_WORKLOADS_KAFKA_CLIENT_H_
