// bench: our counter next to the baseline, scenario by scenario, from one
// run of fixed seeds, with one row per dissemination mode (auto, peer-keys,
// summary, push) and the baseline. Every figure is from the simulator
// (virtual time), so it is exact and repeatable, except "sim speed"
// (simulated seconds per CPU second), the only wall-clock figure.
//
//   bazel run -c opt //sim:bench                  # 3 seeds per scenario
//   bazel run -c opt //sim:bench -- --seeds=10 --first_seed=100
//
// Columns: server msgs/op and all msgs/op (Maelstrom's net stats); KV
// requests on the add path per add and in the background per op (the
// baseline's read path is counted as background); node-to-node pushes per
// op; add and read latency p99; convergence (last acknowledged add → every
// node reads the exact total; worst of the seeds); read staleness
// (sim/maelstrom/staleness.h, an EXTENSION: p50 over all ok reads, mean of the
// seeds; p99 of reads invoked outside partitions and p99 of those during
// partitions, worst of the seeds; "-" for a pn-counter, where it is not
// defined); sim speed.
#include <cstdio>
#include <ctime>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_format.h"
#include "absl/types/optional.h"
#include "kvclient/message.h"
#include "sim/config.h"
#include "sim/maelstrom/staleness.h"
#include "sim/world.h"

ABSL_FLAG(int, seeds, 3, "seeds per scenario and strategy");
ABSL_FLAG(uint64_t, first_seed, 1, "first seed of the range");

namespace {

using kvclient::Json;

struct Scenario {
  std::string name;
  sim::SimConfig config;
};

std::vector<Scenario> Scenarios() {
  std::vector<Scenario> out;
  sim::SimConfig challenge = *sim::ProfileConfig("challenge");
  out.push_back({"challenge (3 nodes, rate 100, partitions)", challenge});
  sim::SimConfig slow = challenge;
  slow.network.latency = absl::Milliseconds(100);
  out.push_back({"challenge --latency 100", slow});
  sim::SimConfig fast = challenge;
  fast.workload.rate = 1000;
  out.push_back({"challenge --rate 1000", fast});
  sim::SimConfig ten = challenge;
  ten.nodes = sim::NodeIdsFromCount(10);
  ten.workload.concurrency = 10;
  ten.workload.rate = 300;
  ten.network.latency = absl::Milliseconds(20);
  ten.network.latency_dist = sim::LatencyDist::kExponential;
  out.push_back(
      {"10 nodes, rate 300, partitions, --latency 20 exponential", ten});
  sim::SimConfig large = challenge;
  large.nodes = sim::NodeIdsFromCount(25);
  large.workload.concurrency = 25;
  large.workload.rate = 1000;
  out.push_back({"25 nodes, rate 1000, partitions", large});
  sim::SimConfig large_slow = large;
  large_slow.network.latency = absl::Milliseconds(100);
  out.push_back({"25 nodes, rate 1000, partitions, --latency 100", large_slow});
  out.push_back({"pn-counter", *sim::ProfileConfig("pn")});
  out.push_back({"chaos (extensions, 5 nodes)", *sim::ProfileConfig("chaos")});
  return out;
}

// KV requests by the operation path they serve, read off the message trace.
struct KvCounts {
  double add_path = 0;
  double read_path = 0;
  double background = 0;
  double pushes = 0;  // node-to-node messages
};

int64_t TotalOf(const Json& v) {
  if (v.is_object() && v.contains("total") && v["total"].is_number_integer()) {
    return v["total"].get<int64_t>();
  }
  return 0;
}

KvCounts ClassifyKv(const std::string& trace, counter::Strategy strategy) {
  KvCounts c;
  std::istringstream lines(trace);
  std::string line;
  while (std::getline(lines, line)) {
    // The driver's journal: "<t>s send #<id> <src> -> seq-kv <body>".
    if (line.find(" send #") == std::string::npos) continue;
    if (line.find("\"type\":\"counter_push\"") != std::string::npos) {
      c.pushes += 1;
      continue;
    }
    size_t arrow = line.find(" -> seq-kv ");
    if (arrow == std::string::npos) continue;
    Json body = Json::parse(line.substr(arrow + 11), nullptr, false);
    if (body.is_discarded()) continue;
    std::string type = std::string(kvclient::BodyType(body));
    if (strategy == counter::Strategy::kBaseline) {
      // add: read + cas (retries included); read: sync write + read.
      if (type == "write") {
        c.read_path += 2;
      } else {
        c.add_path += 1;
      }
    } else if (type == "cas" && TotalOf(body["from"]) != TotalOf(body["to"])) {
      c.add_path += 1;  // a flush carrying deltas
    } else {
      c.background += 1;  // peer reads, syncs, own-key resolves
    }
  }
  if (strategy == counter::Strategy::kBaseline) c.add_path -= c.read_path / 2;
  return c;
}

struct Row {
  double server_mpo = 0, all_mpo = 0;
  double kv_per_add = 0, kv_background = 0, push_per_op = 0;
  double add_p99 = 0, read_p99 = 0;
  double convergence_ms = -1;  // worst; -1: never measured
  bool staleness_defined = true;
  double stale_p50 = 0;              // mean of the seeds
  double stale_p99_outside = 0;      // worst of the seeds
  double stale_p99_partitions = -1;  // worst; -1: no read during one
  double speed = 0;
  int invalid = 0;
};

double Ms(absl::Duration d) { return absl::ToDoubleMilliseconds(d); }

Row Measure(sim::SimConfig config, counter::Strategy strategy, uint64_t first,
            int seeds) {
  Row row;
  double sim_seconds = 0, cpu_seconds = 0;
  for (int i = 0; i < seeds; ++i) {
    config.seed = first + i;
    config.strategy = strategy;
    config.strict =
        true;  // a finding (liveness, busy loop) counts as an invalid run
    std::ostringstream trace;
    std::clock_t start = std::clock();
    sim::RunResult r = sim::RunWorld(config, &trace);
    cpu_seconds += double(std::clock() - start) / CLOCKS_PER_SEC;
    sim_seconds += r.simulated_seconds;
    row.invalid += r.exit_code != 0;
    double ops = double(r.verdict.invocations);  // net/checker.clj's op count
    row.server_mpo += r.report.server_messages / ops / seeds;
    row.all_mpo += r.report.messages / ops / seeds;
    const sim::OpStats& adds = r.verdict.by_f["add"];
    const sim::OpStats& reads = r.verdict.by_f["read"];
    KvCounts kv = ClassifyKv(trace.str(), strategy);
    double n_adds = std::max<double>(1, adds.ok_latencies.size());
    row.kv_per_add += kv.add_path / n_adds / seeds;
    row.kv_background += (kv.background + kv.read_path) / ops / seeds;
    row.push_per_op += kv.pushes / ops / seeds;
    row.add_p99 += Ms(adds.Quantile(0.99)) / seeds;
    row.read_p99 += Ms(reads.Quantile(0.99)) / seeds;
    // The driver's own figure (nullopt for a pn-counter: undefined there).
    row.staleness_defined =
        row.staleness_defined && r.report.staleness.has_value();
    if (r.report.staleness.has_value()) {
      const sim::StalenessReport& st = *r.report.staleness;
      row.stale_p50 += Ms(st.all.p50) / seeds;
      row.stale_p99_outside =
          std::max(row.stale_p99_outside, Ms(st.outside_partitions.p99));
      if (st.during_partitions.count > 0) {
        row.stale_p99_partitions =
            std::max(row.stale_p99_partitions, Ms(st.during_partitions.p99));
      }
    }
    if (r.report.convergence.has_value()) {
      row.convergence_ms =
          std::max(row.convergence_ms, Ms(*r.report.convergence));
    }
  }
  row.speed = cpu_seconds > 0 ? sim_seconds / cpu_seconds : 0;
  return row;
}

std::string Figure(double ms, bool defined = true) {
  return !defined || ms < 0 ? "-" : absl::StrFormat("%.0f", ms);
}

void PrintHeader() {
  std::printf("  %-9s %7s %7s %7s %7s %7s %7s %7s %8s %7s %7s %7s %9s\n",
              "mode", "srv/op", "all/op", "kv/add", "kv/bg", "push/op", "add99",
              "read99", "converge", "stale50", "stale99", "part99",
              "sim speed");
}

void PrintRow(const std::string& who, const Row& r) {
  // "n/a": the strategy has no read-without-KV value (the baseline asks
  // seq-kv on every read), so there is nothing to converge.
  std::string converge =
      r.convergence_ms < 0 ? "n/a" : absl::StrFormat("%.0f", r.convergence_ms);
  bool d = r.staleness_defined;
  std::printf(
      "  %-9s %7.3f %7.3f %7.2f %7.2f %7.3f %7.1f %7.1f %8s %7s %7s %7s "
      "%8.0fx %s\n",
      who.c_str(), r.server_mpo, r.all_mpo, r.kv_per_add, r.kv_background,
      r.push_per_op, r.add_p99, r.read_p99, converge.c_str(),
      Figure(r.stale_p50, d).c_str(), Figure(r.stale_p99_outside, d).c_str(),
      Figure(r.stale_p99_partitions, d).c_str(), r.speed,
      r.invalid ? "INVALID RUNS" : "");
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Benchmarks our counter against the baseline strategy in the simulator. "
      "Usage: bench [--seeds=N] [--first_seed=S]");
  absl::ParseCommandLine(argc, argv);
  int seeds = std::max(1, absl::GetFlag(FLAGS_seeds));
  uint64_t first = absl::GetFlag(FLAGS_first_seed);
  std::printf(
      "seeds %llu..%llu per scenario and strategy; latencies in ms "
      "of simulated time; figures are means over seeds, convergence "
      "the worst\n\n",
      static_cast<unsigned long long>(first),
      static_cast<unsigned long long>(first + seeds - 1));
  std::printf(
      "auto is the shipped default (push up to 5 nodes, relay above); the "
      "other rows force --dissemination\n\n");
  int invalid = 0;
  for (const Scenario& s : Scenarios()) {
    std::printf("%s\n", s.name.c_str());
    PrintHeader();
    for (counter::Dissemination d :
         {counter::Dissemination::kAuto, counter::Dissemination::kPeerKeys,
          counter::Dissemination::kSummary, counter::Dissemination::kPush,
          counter::Dissemination::kRelay}) {
      sim::SimConfig config = s.config;
      config.dissemination = d;
      Row row = Measure(config, counter::Strategy::kOwnKeys, first, seeds);
      PrintRow(std::string(counter::DisseminationName(d)), row);
      invalid += row.invalid;
    }
    PrintRow("baseline",
             Measure(s.config, counter::Strategy::kBaseline, first, seeds));
    std::printf("\n");
    std::fflush(stdout);
  }
  if (invalid > 0) {
    std::printf("%d run(s) of our counter were INVALID\n", invalid);
    return 1;
  }
  return 0;
}
