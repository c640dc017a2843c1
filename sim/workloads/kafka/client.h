// Maelstrom's kafka client (maelstrom/workload/kafka.clj Client, v0.2.4) as
// a sim::Client: the RPC bodies it sends, the reply schemas defrpc checks
// them against (client.clj recv-schema: a closed map with `in_reply_to` and
// an optional `msg_id`), and invoke!'s steps, inside client.clj with-errors
// (idempotent: assign). One client per Jepsen client: its offsets live as
// long as it does (reusable? false: an :info replaces it).
//
//   KafkaClient c;                                  // no offsets yet
//   c.Invoke({"assign", Json::array({"1"})})
//     -> Send {"type":"list_committed_offsets","keys":["1"]}
//   c.OnReply(op, {"type":"list_committed_offsets_ok","offsets":{"1":3},
//                  "in_reply_to":1})  -> Ok();  c.offsets() == {{"1", 3}}
//   c.Invoke({"poll", [["poll"]]}) -> Send {"type":"poll","offsets":{"1":3}}
//
// Ops and completions (Jepsen :f / :value, keys as strings):
//   assign ["1","2"]: with extra {"seek-to-beginning?": true} (the final
//     polls) every offset is 0 at once; else list_committed_offsets, then
//     offset = local, else committed, else 0.
//   crash: at once :info (the client is then replaced).
//   poll [["poll"]]: poll {offsets}; every key in the reply advances to its
//     highest offset + 1 (0 if it returned nothing); if any message came,
//     commit_offsets {key: highest offset polled}; ok [["poll", msgs]].
//   send [["send", k, msg]]: send {key, msg}; ok [["send", k, [offset, msg]]].
// Errors (sim::WithErrors): a timeout is :info (:fail for assign); an error
// reply is :fail if its code is definite (or the op is assign), else :info;
// a reply that fails its schema throws in Maelstrom past with-errors, and
// Jepsen's interpreter records :info "indeterminate: ...". A failed op keeps
// its invocation's value.
#ifndef SIM_WORKLOADS_KAFKA_CLIENT_H_
#define SIM_WORKLOADS_KAFKA_CLIENT_H_

#include <cstdint>
#include <map>
#include <string>

#include "kvclient/message.h"
#include "sim/maelstrom/workload.h"

namespace workloads {
namespace kafka {

// The op's extra key that makes an assign seek to the beginning
// (jepsen tests/kafka.clj final-polls: :seek-to-beginning? true).
inline constexpr char kSeekToBeginning[] = "seek-to-beginning?";

// An op's value as the timeline words it, key@offset=message throughout:
// send "5@?=3" (invoked) / "5@0=3" (ok); an ok poll "5@0=3 5@1=4 7@0=1"
// (nothing: "(nothing)"); assign its keys "5 7". Another shape as JSON.
std::string KafkaText(const sim::HistoryEvent& e);

// Why a reply fails its RPC's schema (client.clj check-body), or "" if it
// passes. `type` is the reply type the RPC expects, e.g. "poll_ok".
std::string CheckReply(const std::string& type, const kvclient::Json& body);

class KafkaClient : public sim::Client {
 public:
  sim::ClientStep Invoke(const sim::Op& op) override;
  sim::ClientStep OnReply(const sim::Op& op,
                          const kvclient::Json& body) override;
  sim::ClientStep OnTimeout(const sim::Op& op) override;

  // Assigned keys -> the next offset to poll from.
  const std::map<std::string, int64_t>& offsets() const { return offsets_; }

 private:
  enum class Stage { kIdle, kListCommitted, kPoll, kCommit, kSend };
  sim::ClientStep Done(sim::ClientStep step);
  // The checked list_committed_offsets_ok and poll_ok replies to `op`.
  sim::ClientStep OnOffsetsListed(const sim::Op& op,
                                  const kvclient::Json& body);
  sim::ClientStep OnPolled(const kvclient::Json& body);

  Stage stage_ = Stage::kIdle;
  kvclient::Json polled_;  // the poll's msgs while committing
  std::map<std::string, int64_t> offsets_;
};

}  // namespace kafka
}  // namespace workloads

#endif  // SIM_WORKLOADS_KAFKA_CLIENT_H_
