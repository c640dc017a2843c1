// TEST-ONLY (//counter:testonly_variants). The baseline strategy: what most
// public Gossip Glomers solutions do, kept so benchmarks can put our figures
// next to it (`--strategy=baseline` of the simulator, the bench and
// //counter:maelstrom-counter-testonly).
//
// - One shared key "counter" holds the global total as a plain integer.
// - add: read the key, cas(from=read, to=read+delta); on error 22 read and try
//   again. The reply waits for cas_ok. A cas whose reply never comes gets
//   error 0 (indefinite) and is not retried, so nothing is counted twice.
// - read: write a never-used value to the node's own "sync/<node>" key (a
//   state-changing request moves seq-kv's view to the newest version), then
//   read "counter" and answer with it.
// It is correct, keeps no state that a restart could lose, and costs at least
// 4 KV messages per operation.
#ifndef COUNTER_BASELINE_H_
#define COUNTER_BASELINE_H_

#include <cstdint>
#include <map>
#include <string>

#include "counter/core.h"
#include "kvclient/kv.h"
#include "kvclient/rpc.h"

namespace counter {

class Baseline : public Core {
 public:
  explicit Baseline(Options options);

  void Step(const kvclient::Message& message, absl::Time now) override;
  void Tick(absl::Time now) override;
  Ready TakeReady() override;
  absl::optional<int64_t> ReadValue() const override;
  const std::string& node_id() const override { return node_id_; }
  const NodeStats& stats() const override { return stats_; }

 private:
  // One client operation in progress.
  struct Op {
    std::string client;
    int64_t msg_id = 0;
    bool is_add = false;
    int64_t delta = 0;
    absl::Time deadline;
  };
  enum class Stage { kRead, kCas, kSync };
  struct Call {
    int64_t op = 0;  // key into ops_
    Stage stage = Stage::kRead;
    kvclient::KvRequest request;
    int64_t expected = 0;  // the value a cas started from
  };

  void HandleRequest(const kvclient::Message& message, absl::Time now);
  void HandleKvReply(const kvclient::Message& message, absl::Time now);
  void OnRead(int64_t op, const kvclient::KvReply& reply, absl::Time now);
  void OnCas(int64_t op, const kvclient::KvReply& reply, absl::Time now);
  void Send(int64_t op, Stage stage, kvclient::KvRequest request,
            absl::Time now, int64_t expected = 0);
  void Finish(int64_t op, kvclient::Json body);
  void Reply(const std::string& to, kvclient::Json body);

  Options options_;
  std::string node_id_;
  std::string reply_as_;
  int64_t next_op_ = 1;
  int64_t next_sync_ = 1;
  std::map<int64_t, Op> ops_;  // at most Options::max_pending_adds
  kvclient::RpcTracker<Call> rpcs_;
  Ready ready_;
  NodeStats stats_;
};

}  // namespace counter

#endif  // COUNTER_BASELINE_H_
