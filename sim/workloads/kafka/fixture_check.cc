// End to end without the driver (phase 1): the fixture node
// testing/fixtures/kafka.py, run as a real process, driven by this
// package's generator and client state machines with two client threads
// (challenge 5a: one node, --concurrency 2n), then Maelstrom's final polls;
// the kafka checker must accept the correct node and reject the broken
// variants. Exits 0 iff every verdict is as expected.
//
//   bazel run //sim/workloads/kafka:fixture_check --
//       $PWD/testing/fixtures/kafka.py
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
#include "sim/workloads/kafka/checker.h"
#include "sim/workloads/kafka/client.h"
#include "sim/workloads/kafka/generator.h"
#include "testing/process.h"

namespace kafka {
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
    t0_ = now_;
  }

  // Runs `ops` main-phase ops on two threads, then final polls.
  sim::History Go(int ops) {
    sim::Prng prng(2024);
    KafkaGenerator gen({});
    int started = 0;
    while (started < ops || Busy()) {
      for (int t = 0; t < 2; ++t) {
        if (threads_[t].op || started >= ops) continue;
        ++started;
        Start(t,
              started % 50 == 0 ? KafkaOp{"crash", nullptr, false}
                                : gen.Next(prng),
              &gen);
      }
      Step(&gen, nullptr);
    }
    std::vector<FinalPolls> finals(2, FinalPolls(gen.max_offsets()));
    for (int rounds = 0; rounds < 1000; ++rounds) {
      bool started_any = false;
      for (int t = 0; t < 2; ++t) {
        if (threads_[t].op) continue;
        if (auto op = finals[t].Next()) {
          Start(t, *op, &gen);
          started_any = true;
        }
      }
      if (Busy()) {
        Step(&gen, &finals);
      } else if (!started_any) {
        break;
      }
    }
    return history_;
  }

  absl::Time t0() const { return t0_; }

 private:
  struct Thread {
    KafkaClient client;
    absl::optional<KafkaOp> op;
    std::string client_id;
    int64_t msg_id = 0;
  };

  bool Busy() const { return threads_[0].op || threads_[1].op; }

  void Start(int t, const KafkaOp& op, KafkaGenerator* gen) {
    Thread& th = threads_[t];
    if (th.client_id.empty()) th.client_id = "c" + std::to_string(++clients_);
    th.op = op;
    Emit(t, sim::EventType::kInvoke, op.f, op.value, "");
    Handle(t, th.client.Start(op), gen, nullptr);
  }

  void Handle(int t, const KafkaClient::Step& s, KafkaGenerator* gen,
              std::vector<FinalPolls>* finals) {
    Thread& th = threads_[t];
    if (s.request) {
      Json body = *s.request;
      body["msg_id"] = ++th.msg_id;
      Send(th.client_id, body);
      return;
    }
    Emit(t, s.done->type, th.op->f, s.done->value, s.done->error);
    gen->Update(history_.back());
    if (finals) (*finals)[t].Update(history_.back());
    if (s.done->type == sim::EventType::kInfo) {  // a new process, client
      th = Thread();
    }
    th.op.reset();
  }

  void Step(KafkaGenerator* gen, std::vector<FinalPolls>* finals) {
    absl::optional<kvclient::Message> m = Read();
    if (!m) {
      std::cerr << "the node went silent\n";
      std::exit(2);
    }
    for (int t = 0; t < 2; ++t) {
      if (threads_[t].op && threads_[t].client_id == m->dest) {
        Handle(t, threads_[t].client.OnReply(m->body), gen, finals);
      }
    }
  }

  void Send(const std::string& from, const Json& body) {
    kvclient::Message m{from, "n0", body};
    if (!node_->Send(kvclient::EncodeMessage(m))) std::exit(2);
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

  void Emit(int t, sim::EventType type, const std::string& f, const Json& v,
            const std::string& error) {
    now_ += absl::Microseconds(100);
    sim::HistoryEvent e;
    e.time = now_;
    e.thread = t;
    e.client = threads_[t].client_id;
    e.type = type;
    e.f = f;
    e.value = v;
    e.error = error;
    history_.push_back(e);
  }

  std::unique_ptr<harness::NodeProcess> node_;
  std::vector<std::string> lines_;
  Thread threads_[2];
  int clients_ = 0;
  absl::Time now_ = absl::UnixEpoch(), t0_;
  sim::History history_;
};

KafkaResult Check(const std::string& bin, std::vector<std::string> args,
                  int ops) {
  Run run(bin, std::move(args));
  sim::History h = run.Go(ops);
  KafkaCheckOptions o;
  o.concurrency = 2;
  o.t0 = run.t0();
  KafkaResult r = CheckKafka(h, o);
  if (std::getenv("FIXTURE_DUMP")) {
    std::cerr << r.results.Pretty() << "\n";
    for (size_t i = 0; i < h.size(); ++i) {
      std::cerr << sim::FormatEvent(h[i], o.t0) << "\n";
    }
  }
  return r;
}

bool Expect(const std::string& bin, const std::string& flag, bool valid,
            const std::string& must_find) {
  KafkaResult r = Check(bin,
                        flag.empty() ? std::vector<std::string>()
                                     : std::vector<std::string>{flag},
                        400);
  bool found = must_find.empty();
  std::string types;
  for (const auto& t : r.bad_error_types) {
    found |= t == must_find;
    types += " " + t;
  }
  const bool ok = (r.valid == elle::Validity::kTrue) == valid && found;
  std::printf("%-4s kafka.py %-14s valid? %-8s bad types:%s\n",
              ok ? "ok" : "FAIL", flag.empty() ? "(correct)" : flag.c_str(),
              elle::ValidityName(r.valid),
              types.empty() ? " -" : types.c_str());
  return ok;
}

}  // namespace
}  // namespace kafka

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr,
                 "usage: fixture_check /path/to/testing/fixtures/kafka.py\n");
    return 2;
  }
  bool ok = kafka::Expect(argv[1], "", true, "");
  ok &= kafka::Expect(argv[1], "--skip-offset", false, "int-poll-skip");
  ok &= kafka::Expect(argv[1], "--lose-sends", false, "lost-write");
  return ok ? 0 : 1;
}
