// The kafka checker's speed and memory on synthetic histories (a bench: a
// command that prints figures, never a test).
//
//   bazel run -c opt //sim/workloads/kafka:checker_bench
//   bazel run -c opt //sim/workloads/kafka:checker_bench -- 10000 60000
//
// Each size runs in a forked child so its peak RSS is its own. The history
// comes from the real generator and client state machines against an
// in-memory log server (correct: every send lands, polls return up to 10
// messages from the client's offsets), with 4 client threads whose ops
// overlap, the crash stream, and Maelstrom's final polls; --broken makes
// the server skip an offset in 1 poll of 200 (lost writes, skips).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "sim/prng.h"
#include "sim/workloads/kafka/checker.h"
#include "sim/workloads/kafka/client.h"
#include "sim/workloads/kafka/generator.h"

namespace kafka {
namespace {

using kvclient::Json;

class Server {
 public:
  explicit Server(bool broken, sim::Prng* prng)
      : broken_(broken), prng_(prng) {}
  Json Handle(const Json& req) {
    const std::string type = req["type"];
    if (type == "send") {
      auto& log = logs_[req["key"].get<std::string>()];
      log.push_back(req["msg"]);
      return {{"type", "send_ok"}, {"offset", log.size() - 1}};
    }
    if (type == "poll") {
      Json msgs = Json::object();
      for (const auto& [k, o] : req["offsets"].items()) {
        const auto& log = logs_[k];
        Json pairs = Json::array();
        int64_t i = o.get<int64_t>();
        if (broken_ && prng_->Bernoulli(1, 200)) ++i;
        for (; i < static_cast<int64_t>(log.size()) && pairs.size() < 10; ++i) {
          pairs.push_back({i, log[i]});
        }
        if (!pairs.empty()) msgs[k] = pairs;
      }
      return {{"type", "poll_ok"}, {"msgs", msgs}};
    }
    if (type == "commit_offsets") {
      for (const auto& [k, o] : req["offsets"].items()) committed_[k] = o;
      return {{"type", "commit_offsets_ok"}};
    }
    Json offsets = Json::object();
    for (const auto& k : req["keys"]) {
      auto it = committed_.find(k.get<std::string>());
      if (it != committed_.end()) offsets[k.get<std::string>()] = it->second;
    }
    return {{"type", "list_committed_offsets_ok"}, {"offsets", offsets}};
  }

 private:
  bool broken_;
  sim::Prng* prng_;
  std::map<std::string, std::vector<Json>> logs_;
  std::map<std::string, Json> committed_;
};

struct Thread {
  KafkaClient client;
  absl::optional<KafkaOp> op;
  absl::optional<KafkaClient::Step> step;
  FinalPolls* final = nullptr;
};

// Runs `ops` main-phase operations on `threads` threads, then final polls.
sim::History Synthesize(int64_t ops, int threads, bool broken) {
  sim::Prng prng(1);
  Server server(broken, &prng);
  KafkaGenerator gen({});
  sim::History h;
  absl::Time now = absl::UnixEpoch();
  std::vector<Thread> ts(threads);
  auto emit = [&](int t, sim::EventType type, const std::string& f,
                  const Json& value, const std::string& error) {
    now += absl::Microseconds(250);
    sim::HistoryEvent e;
    e.time = now;
    e.thread = t;
    e.type = type;
    e.f = f;
    e.value = value;
    e.error = error;
    h.push_back(e);
    if (type != sim::EventType::kInvoke) {
      gen.Update(h.back());
      if (ts[t].final) ts[t].final->Update(h.back());
    }
  };
  // Advance thread t by one request/reply; true when its op completed.
  auto advance = [&](int t) {
    Thread& th = ts[t];
    KafkaClient::Step s = *th.step;
    if (s.request) {
      Json reply = server.Handle(*s.request);
      reply["in_reply_to"] = 1;
      s = th.client.OnReply(reply);
    }
    th.step = s;
    if (!s.done) return false;
    emit(t, s.done->type, th.op->f, s.done->value, s.done->error);
    if (th.op->f == "crash") th.client = KafkaClient();
    th.op.reset();
    return true;
  };
  int64_t started = 0;
  int64_t crash_every = 200;
  auto start = [&](int t, const KafkaOp& op) {
    ts[t].op = op;
    emit(t, sim::EventType::kInvoke, op.f, op.value, "");
    ts[t].step = ts[t].client.Start(op);
  };
  while (started < ops) {
    for (int t = 0; t < threads && started < ops; ++t) {
      if (ts[t].op) continue;
      start(t, ++started % crash_every == 0 ? KafkaOp{"crash", nullptr, false}
                                            : gen.Next(prng));
    }
    advance(static_cast<int>(prng.Uniform(threads)));
  }
  for (int t = 0; t < threads; ++t) {
    while (ts[t].op) advance(t);
  }
  std::vector<FinalPolls> finals(threads, FinalPolls(gen.max_offsets()));
  for (int t = 0; t < threads; ++t) ts[t].final = &finals[t];
  for (int rounds = 0; rounds < 100000; ++rounds) {
    bool any = false;
    for (int t = 0; t < threads; ++t) {
      absl::optional<KafkaOp> op = finals[t].Next();
      if (!op) continue;
      any = true;
      start(t, *op);
      while (ts[t].op) advance(t);
    }
    if (!any) break;
  }
  return h;
}

long PeakRssKb() {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

void RunOne(int64_t ops, bool broken) {
  const absl::Time a = absl::Now();
  sim::History h = Synthesize(ops, 4, broken);
  const absl::Time b = absl::Now();
  const long history_kb = PeakRssKb();
  KafkaCheckOptions o;
  o.concurrency = 4;
  o.t0 = absl::UnixEpoch();
  KafkaResult r = CheckKafka(h, o);
  if (std::getenv("BENCH_DUMP")) {
    std::fprintf(stderr, "%s\n", r.results.Pretty().c_str());
  }
  const absl::Time c = absl::Now();
  std::printf(
      "%9lld  %8zu  %8.2f  %8.2f  %8.1f  %8.1f  %-8s %s\n",
      static_cast<long long>(ops), h.size(), absl::ToDoubleSeconds(b - a),
      absl::ToDoubleSeconds(c - b), history_kb / 1024.0, PeakRssKb() / 1024.0,
      elle::ValidityName(r.valid),
      r.bad_error_types.empty() ? "-"
                                : (r.bad_error_types.front() +
                                   (r.bad_error_types.size() > 1 ? " ..." : ""))
                                      .c_str());
  std::fflush(stdout);
}

}  // namespace
}  // namespace kafka

int main(int argc, char** argv) {
  bool broken = false;
  std::vector<long long> sizes;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--broken") == 0) {
      broken = true;
    } else {
      sizes.push_back(std::atoll(argv[i]));
    }
  }
  if (sizes.empty()) sizes = {10000, 60000, 100000, 1000000};
  std::printf("kafka checker (%s server; 4 threads; ops = main-phase ops)\n",
              broken ? "broken" : "correct");
  std::printf("%9s  %8s  %8s  %8s  %8s  %8s  %-8s %s\n", "ops", "events",
              "build s", "check s", "hist MB", "peak MB", "valid?",
              "bad types");
  std::fflush(stdout);
  for (long long n : sizes) {
    const pid_t pid = fork();
    if (pid == 0) {
      kafka::RunOne(n, broken);
      _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::printf("%9lld  (the child failed: status %d)\n", n, status);
    }
  }
  return 0;
}
