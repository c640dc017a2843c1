// End to end without the driver (phase 1): the fixture node
// testing/fixtures/txn_rw_register.py, run as a real process, driven by
// this package's generator and client with two client threads (challenge
// 6a: one node, --concurrency 2n); the checker must accept the correct node
// and reject the broken variants under the models that proscribe what they
// do. Exits 0 iff every verdict is as expected.
//
//   bazel run //sim/workloads/txn_rw_register:fixture_check --
//       $PWD/testing/fixtures/txn_rw_register.py
//
// A binary, not a test, until phase 2: testing/BUILD does not export the
// fixture to other packages, and the driver + harness replace this loop.
#include <poll.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "kvclient/message.h"
#include "sim/prng.h"
#include "sim/workloads/txn_rw_register/checker.h"
#include "sim/workloads/txn_rw_register/client.h"
#include "sim/workloads/txn_rw_register/generator.h"
#include "testing/process.h"

namespace txn_rw_register {
namespace {

using kvclient::Json;

class Run {
 public:
  Run(const std::string& bin, std::vector<std::string> args) {
    auto p = harness::NodeProcess::Spawn({bin, std::move(args), "."}, "n0");
    if (!p.ok()) {
      std::cerr << p.status() << "\n";
      std::exit(2);
    }
    node_ = std::move(*p);
    Send("c0", Json{{"type", "init"},
                    {"msg_id", 1},
                    {"node_id", "n0"},
                    {"node_ids", {"n0"}}});
    auto init = Read();
    if (!init || init->body["type"] != "init_ok") {
      std::cerr << "no init_ok\n";
      std::exit(2);
    }
  }

  sim::History Go(int ops) {
    sim::Prng prng(2024);
    TxnGenerator gen({});
    int started = 0;
    while (started < ops || open_[0] || open_[1]) {
      for (int t = 0; t < 2 && started < ops; ++t) {
        if (open_[t]) continue;
        ++started;
        if (client_[t].empty()) client_[t] = "c" + std::to_string(++clients_);
        open_[t] = gen.Next(prng);
        Emit(t, sim::EventType::kInvoke, *open_[t], "");
        Json request = TxnRequest(*open_[t]);
        request["msg_id"] = ++msg_id_;
        Send(client_[t], request);
      }
      absl::optional<kvclient::Message> m = Read();
      if (!m) {
        std::cerr << "the node went silent\n";
        std::exit(2);
      }
      for (int t = 0; t < 2; ++t) {
        if (!open_[t] || client_[t] != m->dest) continue;
        Completion c = TxnCompletion(*open_[t], m->body);
        Emit(t, c.type, c.value, c.error);
        open_[t].reset();
        if (c.type == sim::EventType::kInfo) client_[t].clear();
      }
    }
    return history_;
  }

 private:
  void Send(const std::string& from, const Json& body) {
    if (!node_->Send(kvclient::EncodeMessage({from, "n0", body}))) std::exit(2);
    node_->FlushStdin();
  }

  absl::optional<kvclient::Message> Read() {
    while (lines_.empty()) {
      struct pollfd p = {node_->stdout_fd(), POLLIN, 0};
      if (poll(&p, 1, 5000) <= 0) return absl::nullopt;
      if (node_->ReadStdout(&lines_) != harness::StdoutState::kOpen &&
          lines_.empty()) {
        return absl::nullopt;
      }
    }
    auto m = kvclient::ParseMessage(lines_.front());
    lines_.erase(lines_.begin());
    if (!m.ok()) return absl::nullopt;
    now_ += absl::Milliseconds(1);
    return *m;
  }

  void Emit(int t, sim::EventType type, const Json& v,
            const std::string& error) {
    now_ += absl::Microseconds(100);
    sim::HistoryEvent e;
    e.time = now_;
    e.thread = t;
    e.client = client_[t];
    e.type = type;
    e.f = "txn";
    e.value = v;
    e.error = error;
    history_.push_back(e);
  }

  std::unique_ptr<harness::NodeProcess> node_;
  std::vector<std::string> lines_;
  absl::optional<Json> open_[2];
  std::string client_[2];
  int clients_ = 0;
  int64_t msg_id_ = 0;
  absl::Time now_ = absl::UnixEpoch();
  sim::History history_;
};

bool Expect(const std::string& bin, const std::string& flag,
            const std::string& models, bool valid) {
  Run run(bin, flag.empty() ? std::vector<std::string>()
                            : std::vector<std::string>{flag});
  sim::History h = run.Go(400);
  TxnCheckOptions o;
  o.concurrency = 2;
  o.t0 = absl::UnixEpoch();
  o.consistency_models = ParseConsistencyModels(models);
  TxnResult r = CheckTxnRwRegister(h, o);
  std::string types;
  for (const auto& t : r.anomaly_types) types += " " + t;
  const bool ok = (r.valid == elle::Validity::kTrue) == valid;
  std::printf("%-4s txn_rw_register.py %-19s %-19s valid? %-6s anomalies:%s\n",
              ok ? "ok" : "FAIL", flag.empty() ? "(correct)" : flag.c_str(),
              models.c_str(), elle::ValidityName(r.valid),
              types.empty() ? " -" : types.c_str());
  if (std::getenv("FIXTURE_DUMP")) std::cerr << r.results.Pretty() << "\n";
  return ok;
}

}  // namespace
}  // namespace txn_rw_register

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(
        stderr,
        "usage: fixture_check /path/to/testing/fixtures/txn_rw_register.py\n");
    return 2;
  }
  using txn_rw_register::Expect;
  const std::string bin = argv[1];
  bool ok = Expect(bin, "", "strict-serializable", true);
  ok &= Expect(bin, "", "read-committed", true);
  ok &= Expect(bin, "--ignore-own-writes", "strict-serializable", false);
  ok &= Expect(bin, "--ignore-own-writes", "read-committed", true);
  ok &= Expect(bin, "--first-write-wins", "read-committed", false);
  ok &= Expect(bin, "--first-write-wins", "read-uncommitted", true);
  ok &= Expect(bin, "--abort-but-apply", "read-committed", false);
  ok &= Expect(bin, "--abort-but-apply", "read-uncommitted", true);
  return ok ? 0 : 1;
}
