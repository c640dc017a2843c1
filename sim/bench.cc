// bench: our counter next to the baseline, scenario by scenario, from one
// run of fixed seeds. Every figure is from the simulator (virtual time), so
// it is exact and repeatable, except "sim speed" (simulated seconds per CPU
// second), the only wall-clock figure.
//
//   bazel run -c opt //sim:bench                  # 3 seeds per scenario
//   bazel run -c opt //sim:bench -- --seeds=10 --first_seed=100
//
// Columns: server msgs/op and all msgs/op (Maelstrom's net stats); KV
// requests on the add path per add, on the read path per read, and in the
// background per op; add and read latency p50/p99; convergence (last
// acknowledged add → every node reads the exact total; worst of the seeds);
// sim speed. The ratio row divides ours by the baseline's.
#include <cstdio>
#include <ctime>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/types/optional.h"
#include "kvclient/message.h"
#include "sim/config.h"
#include "sim/world.h"

ABSL_FLAG(int, seeds, 3, "seeds per scenario and strategy");
ABSL_FLAG(uint64_t, first_seed, 1, "first seed of the range");

namespace {

using kvclient::Json;

struct Scenario {
  std::string name;
  sim::SimConfig config;
  // Also run ours with this dissemination forced, next to auto's choice.
  absl::optional<counter::Dissemination> compare_with = absl::nullopt;
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
  sim::SimConfig large = challenge;
  large.nodes = sim::NodeIdsFromCount(25);
  large.workload.concurrency = 25;
  large.workload.rate = 1000;
  out.push_back({"25 nodes, rate 1000, partitions", large,
                 counter::Dissemination::kPeerKeys});
  sim::SimConfig large_slow = large;
  large_slow.network.latency = absl::Milliseconds(100);
  out.push_back({"25 nodes, rate 1000, partitions, --latency 100", large_slow,
                 counter::Dissemination::kSummary});
  out.push_back({"pn-counter", *sim::ProfileConfig("pn")});
  out.push_back({"chaos (extensions, 5 nodes)", *sim::ProfileConfig("chaos"),
                 counter::Dissemination::kPeerKeys});
  return out;
}

// KV requests by the operation path they serve, read off the message trace.
struct KvCounts {
  double add_path = 0;
  double read_path = 0;
  double background = 0;
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
    size_t arrow = line.find(" -> seq-kv ");
    if (arrow == std::string::npos || line.find(" send #") == std::string::npos)
      continue;
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
  double kv_per_add = 0, kv_per_read = 0, kv_background = 0;
  double add_p50 = 0, add_p99 = 0, read_p50 = 0, read_p99 = 0;
  double convergence_ms = -1;  // worst; -1: never measured
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
    double n_reads = std::max<double>(1, reads.ok_latencies.size());
    row.kv_per_add += kv.add_path / n_adds / seeds;
    row.kv_per_read += kv.read_path / n_reads / seeds;
    row.kv_background += kv.background / ops / seeds;
    row.add_p50 += Ms(adds.Quantile(0.5)) / seeds;
    row.add_p99 += Ms(adds.Quantile(0.99)) / seeds;
    row.read_p50 += Ms(reads.Quantile(0.5)) / seeds;
    row.read_p99 += Ms(reads.Quantile(0.99)) / seeds;
    if (r.report.convergence.has_value()) {
      row.convergence_ms =
          std::max(row.convergence_ms, Ms(*r.report.convergence));
    }
  }
  row.speed = cpu_seconds > 0 ? sim_seconds / cpu_seconds : 0;
  return row;
}

void PrintRow(const char* who, const Row& r) {
  // "n/a": the strategy has no read-without-KV value (the baseline asks
  // seq-kv on every read), so there is nothing to converge.
  std::string converge =
      r.convergence_ms < 0 ? "n/a" : absl::StrFormat("%.0f", r.convergence_ms);
  std::printf(
      "  %-9s %7.3f %7.3f %7.2f %7.2f %7.2f %7.1f %7.1f %7.1f %7.1f %8s "
      "%8.0fx %s\n",
      who, r.server_mpo, r.all_mpo, r.kv_per_add, r.kv_per_read,
      r.kv_background, r.add_p50, r.add_p99, r.read_p50, r.read_p99,
      converge.c_str(), r.speed, r.invalid ? "INVALID RUNS" : "");
}

double Ratio(double a, double b) { return b > 0 ? a / b : 0; }

void PrintRatio(const Row& ours, const Row& base) {
  std::printf("  %-9s %7.2f %7.2f %7.2f %7.2f %7s %7.2f %7.2f %7s %7s %8s\n",
              "ratio", Ratio(ours.server_mpo, base.server_mpo),
              Ratio(ours.all_mpo, base.all_mpo),
              Ratio(ours.kv_per_add, base.kv_per_add),
              Ratio(ours.kv_per_read, base.kv_per_read), "",
              Ratio(ours.add_p50, base.add_p50),
              Ratio(ours.add_p99, base.add_p99), "", "", "");
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
  int invalid = 0;
  for (const Scenario& s : Scenarios()) {
    std::printf("%s\n", s.name.c_str());
    const std::string forced_name =
        s.compare_with
            ? std::string(counter::DisseminationName(*s.compare_with))
            : "";
    if (s.compare_with.has_value()) {
      std::printf(
          "  (own-keys: auto dissemination; %s: own-keys with "
          "--dissemination=%s forced)\n",
          forced_name.c_str(), forced_name.c_str());
    }
    std::printf("  %-9s %7s %7s %7s %7s %7s %7s %7s %7s %7s %8s %9s\n",
                "strategy", "srv/op", "all/op", "kv/add", "kv/read", "kv/bg",
                "add50", "add99", "read50", "read99", "converge", "sim speed");
    Row ours = Measure(s.config, counter::Strategy::kOwnKeys, first, seeds);
    Row base = Measure(s.config, counter::Strategy::kBaseline, first, seeds);
    PrintRow("own-keys", ours);
    if (s.compare_with.has_value()) {
      sim::SimConfig forced = s.config;
      forced.dissemination = *s.compare_with;
      Row other = Measure(forced, counter::Strategy::kOwnKeys, first, seeds);
      PrintRow(forced_name.c_str(), other);
      invalid += other.invalid;
    }
    PrintRow("baseline", base);
    PrintRatio(ours, base);
    std::printf("\n");
    std::fflush(stdout);
    invalid += ours.invalid;
  }
  if (invalid > 0) {
    std::printf("%d run(s) of our counter were INVALID\n", invalid);
    return 1;
  }
  return 0;
}
