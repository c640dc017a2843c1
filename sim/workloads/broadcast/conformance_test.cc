// Conformance: Maelstrom v0.2.4's broadcast workload (maelstrom
// src/maelstrom/workload/broadcast.clj: defrpc topology!, broadcast!, read;
// grid-topology, line-topology, total-topology, tiers, seq->tree,
// tree-topology, topologies; client setup!/invoke!; checker; workload;
// core.clj --topology; jepsen generator.clj Mix, each-thread).
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/jepsen/clojure_value.h"
#include "sim/jepsen/history_builder.h"
#include "sim/workloads/broadcast/broadcast.h"
#include "sim/workloads/broadcast/topology.h"
#include "sim/workloads/testing/scripted_run.h"

namespace workloads {
namespace broadcast {
namespace {

using kvclient::Json;
using sim::ClientStep;
using sim::EventType;
using sim::Prng;
using sim::Validity;
using sim::jepsen::HistoryBuilder;
namespace jepsen = sim::jepsen;

std::vector<std::string> Nodes(int n) {
  std::vector<std::string> nodes;
  for (int i = 0; i < n; ++i) nodes.push_back("n" + std::to_string(i));
  return nodes;
}

std::unique_ptr<sim::Workload> Make(const char* topology = nullptr) {
  sim::WorkloadParams params;
  if (topology != nullptr) params["--topology"] = topology;
  return *BroadcastSpec().make(params);
}

using V = std::vector<std::string>;

// core.clj --topology, broadcast.clj topologies: the names and the error.
TEST(TopologyConformance, NamesAndDefault) {
  EXPECT_EQ(ParseTopology("tree"), TopologyKind::kTree2);
  EXPECT_EQ(ParseTopology("tree4"), TopologyKind::kTree4);
  EXPECT_EQ(ParseTopology("total"), TopologyKind::kTotal);
  EXPECT_EQ(ParseTopology("ring"), absl::nullopt);
  EXPECT_EQ(ParseTopology("Grid"), absl::nullopt);
  EXPECT_EQ(kDefaultTopology, TopologyKind::kGrid);
  EXPECT_EQ(TopologyChoices(),
            "Must be one of grid, line, total, tree, tree2, tree3, tree4");
}

// grid-topology: side = ceil(sqrt 5) = 3; rows n0 n1 n2 / n3 n4.
TEST(TopologyConformance, GridOfFive) {
  EXPECT_EQ(MakeTopology(TopologyKind::kGrid, Nodes(5)),
            (Topology{{"n0", V{"n3", "n1"}},
                      {"n1", V{"n4", "n2", "n0"}},
                      {"n2", V{"n1"}},
                      {"n3", V{"n0", "n4"}},
                      {"n4", V{"n1", "n3"}}}));
  EXPECT_EQ(MakeTopology(TopologyKind::kGrid, Nodes(1)),
            (Topology{{"n0", V{}}}));
}

// grid-topology for the 3b-3e challenges' 25 nodes: a 5x5 grid, at most 4
// neighbours, symmetric; more than 8 entries iterate in hash order.
TEST(TopologyConformance, GridOfTwentyFive) {
  const Topology t = MakeTopology(TopologyKind::kGrid, Nodes(25));
  ASSERT_EQ(t.size(), 25u);
  std::map<std::string, V> m(t.begin(), t.end());
  EXPECT_EQ(m["n12"], (V{"n17", "n7", "n13", "n11"}));
  EXPECT_EQ(m["n0"], (V{"n5", "n1"}));
  EXPECT_EQ(m["n4"], (V{"n9", "n3"}));
  EXPECT_EQ(m["n24"], (V{"n19", "n23"}));
  for (const auto& [node, neighbours] : m) {
    EXPECT_LE(neighbours.size(), 4u);
    for (const std::string& other : neighbours) {
      const V& back = m[other];
      EXPECT_NE(std::find(back.begin(), back.end(), node), back.end());
    }
  }
  std::vector<int32_t> hashes;
  for (const auto& entry : t) hashes.push_back(jepsen::StringHash(entry.first));
  for (size_t k = 1; k < hashes.size(); ++k) {
    EXPECT_LT(jepsen::HashMapRank(hashes[k - 1]),
              jepsen::HashMapRank(hashes[k]));
  }
}

// line-topology: (< n 2) -> {}; first, last, then the middle.
TEST(TopologyConformance, Line) {
  EXPECT_EQ(MakeTopology(TopologyKind::kLine, Nodes(1)), Topology{});
  EXPECT_EQ(MakeTopology(TopologyKind::kLine, Nodes(2)),
            (Topology{{"n0", V{"n1"}}, {"n1", V{"n0"}}}));
  EXPECT_EQ(MakeTopology(TopologyKind::kLine, Nodes(4)),
            (Topology{{"n0", V{"n1"}},
                      {"n3", V{"n2"}},
                      {"n1", V{"n0", "n2"}},
                      {"n2", V{"n1", "n3"}}}));
}

// total-topology: everyone else, in node order.
TEST(TopologyConformance, Total) {
  EXPECT_EQ(MakeTopology(TopologyKind::kTotal, Nodes(3)),
            (Topology{{"n0", V{"n1", "n2"}},
                      {"n1", V{"n0", "n2"}},
                      {"n2", V{"n0", "n1"}}}));
}

// seq->tree + tree-topology: tiers 1, b, b^2 ...; [parent children...];
// zipper pre-order.
TEST(TopologyConformance, Trees) {
  EXPECT_EQ(MakeTopology(TopologyKind::kTree2, Nodes(5)),
            (Topology{{"n0", V{"n1", "n2"}},
                      {"n1", V{"n0", "n3", "n4"}},
                      {"n3", V{"n1"}},
                      {"n4", V{"n1"}},
                      {"n2", V{"n0"}}}));
  EXPECT_EQ(MakeTopology(TopologyKind::kTree3, Nodes(5)),
            (Topology{{"n0", V{"n1", "n2", "n3"}},
                      {"n1", V{"n0", "n4"}},
                      {"n4", V{"n1"}},
                      {"n2", V{"n0"}},
                      {"n3", V{"n0"}}}));
  EXPECT_EQ(MakeTopology(TopologyKind::kTree4, Nodes(1)),
            (Topology{{"n0", V{}}}));
  // 25 nodes as a 4-ary tree: n0's children n1..n4, n1's n5..n8, n5's
  // n21..n24, n6 a leaf.
  const Topology t = MakeTopology(TopologyKind::kTree4, Nodes(25));
  std::map<std::string, V> m(t.begin(), t.end());
  EXPECT_EQ(m["n0"], (V{"n1", "n2", "n3", "n4"}));
  EXPECT_EQ(m["n1"], (V{"n0", "n5", "n6", "n7", "n8"}));
  EXPECT_EQ(m["n5"], (V{"n1", "n21", "n22", "n23", "n24"}));
  EXPECT_EQ(m["n6"], (V{"n1"}));
}

// core.clj opt-spec --topology: the flag, its check and its error.
TEST(TopologyConformance, TheFlag) {
  const sim::WorkloadSpec& spec = BroadcastSpec();
  ASSERT_EQ(spec.flags.size(), 1u);
  EXPECT_EQ(spec.flags[0].name, "--topology");
  EXPECT_EQ(spec.flags[0].check("tree3"), "");
  EXPECT_EQ(spec.flags[0].check("ring"),
            "Must be one of grid, line, total, tree, tree2, tree3, tree4");
  EXPECT_FALSE(spec.make({{"--topology", "ring"}}).ok());
}

// client setup!: (topology! conn node {:type :topology, :topology topo}):
// every node gets the whole map; topology_ok with a closed schema.
TEST(BroadcastClientConformance, TopologyMessage) {
  auto w = Make("line");
  EXPECT_EQ(*w->SetupRequest("n1", Nodes(3)),
            Json::parse(R"({"type":"topology","topology":
                {"n0":["n1"],"n1":["n0","n2"],"n2":["n1"]}})"));
  EXPECT_EQ(*Make()->SetupRequest("n0", Nodes(4)),
            Json::parse(R"({"type":"topology","topology":
                {"n0":["n2","n1"],"n1":["n3","n0"],"n2":["n0","n3"],
                 "n3":["n1","n2"]}})"));  // grid by default
  EXPECT_EQ(w->CheckSetupReply(
                Json::parse(R"({"type":"topology_ok","in_reply_to":1})")),
            "");
  EXPECT_NE(w->CheckSetupReply(Json::parse(
                R"({"type":"topology_ok","in_reply_to":1,"ok":true})")),
            "");
  EXPECT_NE(w->CheckSetupReply(
                Json::parse(R"({"type":"error","code":10,"in_reply_to":1})")),
            "");
}

// defrpc broadcast! / read; invoke!'s :ok values.
TEST(BroadcastClientConformance, RequestsAndOkValues) {
  auto client = Make()->NewClient();
  const sim::Op broadcast("broadcast", 17), read("read", nullptr);
  EXPECT_EQ(*client->Invoke(broadcast).request,
            Json::parse(R"({"type":"broadcast","message":17})"));
  EXPECT_EQ(*client->Invoke(read).request, Json::parse(R"({"type":"read"})"));
  ClientStep b = client->OnReply(
      broadcast, Json::parse(R"({"type":"broadcast_ok","in_reply_to":4})"));
  EXPECT_EQ(b.type, EventType::kOk);
  EXPECT_FALSE(b.value.has_value());  // (assoc op :type :ok): it stays 17
  ClientStep r = client->OnReply(
      read,
      Json::parse(R"({"type":"read_ok","messages":[3,1],"in_reply_to":5})"));
  EXPECT_EQ(r.type, EventType::kOk);
  EXPECT_EQ(r.value, Json::parse("[3,1]"));
  ClientStep nil = client->OnReply(
      read,
      Json::parse(R"({"type":"read_ok","messages":null,"in_reply_to":5})"));
  EXPECT_EQ(nil.type, EventType::kOk);
  ClientStep extra = client->OnReply(
      broadcast,
      Json::parse(R"({"type":"broadcast_ok","in_reply_to":4,"messages":[]})"));
  EXPECT_EQ(extra.type, EventType::kInfo);  // malformed
}

// invoke!: (c/with-errors op #{:read} ...); not Reusable.
TEST(BroadcastClientConformance, ReadsAreIdempotent) {
  auto w = Make();
  auto client = w->NewClient();
  const sim::Op broadcast("broadcast", 2), read("read", nullptr);
  EXPECT_EQ(client->OnTimeout(read).type, EventType::kFail);
  EXPECT_EQ(client->OnTimeout(broadcast).type, EventType::kInfo);
  const Json crash =
      Json::parse(R"({"type":"error","code":13,"in_reply_to":1})");
  EXPECT_EQ(client->OnReply(read, crash).type, EventType::kFail);
  EXPECT_EQ(client->OnReply(broadcast, crash).type, EventType::kInfo);
  EXPECT_FALSE(w->reusable_clients());
}

// workload: (gen/mix [broadcasts-of-(range) (repeat {:f :read})]); final
// (gen/each-thread {:f :read, :final? true}).
TEST(BroadcastGeneratorConformance, HalfBroadcastsOfConsecutiveIntegers) {
  auto w = Make();
  auto g = w->MainGenerator();
  Prng prng(5);
  sim::GenContext ctx;
  ctx.free_threads = {0};
  constexpr int kOps = 10000;
  int broadcasts = 0;
  int64_t expect = 0;
  for (int i = 0; i < kOps; ++i) {
    sim::Op op = g->Next(ctx, prng).op;
    EXPECT_FALSE(op.final);
    if (op.f == "broadcast") {
      ++broadcasts;
      EXPECT_EQ(op.value, expect++);
    } else {
      EXPECT_EQ(op.f, "read");
      EXPECT_TRUE(op.value.is_null());
    }
  }
  EXPECT_NEAR(broadcasts, kOps / 2, 5 * std::sqrt(kOps * 0.25));
  auto final = w->FinalGenerator();
  sim::GenResult first = final->Next(ctx, prng);
  ASSERT_EQ(first.kind, sim::GenResult::Kind::kOp);
  EXPECT_EQ(first.op.f, "read");
  EXPECT_TRUE(first.op.final);
  EXPECT_EQ(final->Next(ctx, prng).kind, sim::GenResult::Kind::kExhausted);
}

// checker: set-full with :broadcast mapped to :add; nodes that never
// gossip: the element the last-invoked final read misses is lost (the
// earlier read missing the other element is superseded: it is stale).
TEST(BroadcastCheckerConformance, SetFullOverBroadcastsAsAdds) {
  HistoryBuilder b;
  b.Invoke(0, "broadcast", 0).Ok(0, "broadcast", 0);  // to n0
  b.Invoke(1, "broadcast", 1).Ok(1, "broadcast", 1);  // to n1
  b.Invoke(0, "read").Final().Ok(0, "read", Json::array({0})).Final();
  b.Invoke(1, "read").Final().Ok(1, "read", Json::array({1})).Final();
  sim::WorkloadResult r = Make()->Check(b.Build(), b.Context(2));
  EXPECT_EQ(r.validity, Validity::kFalse);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0],
            "element 0 lost: acknowledged, then missing from every later "
            "read");
  ASSERT_EQ(r.report.flagged.size(), 1u);
  EXPECT_EQ(r.report.flagged[0].index, 7u);  // n1's final read's completion
  const std::string printed = r.report.results.Print();
  EXPECT_NE(printed.find(":lost (0), :stable-count 1, :stale-count 1, "
                         ":stale (1),"),
            std::string::npos)
      << printed;
  // 0: known at 1 ms, last seen by the read invoked at 4 ms: lost 3 ms on.
  EXPECT_NE(printed.find(":attempt-count 2, :lost-latencies {0 3, 0.5 3, "
                         "0.95 3, 0.99 3, 1 3}, :never-read ()"),
            std::string::npos)
      << printed;
}

TEST(BroadcastCheckerConformance, StaleOpsPrintWithTheRenamedF) {
  HistoryBuilder b;
  b.Invoke(0, "broadcast", 0).Ok(0, "broadcast", 0);
  b.Invoke(1, "read").Ok(1, "read", Json::array());
  b.Invoke(1, "read").Final().Ok(1, "read", Json::array({0})).Final();
  sim::WorkloadResult r = Make()->Check(b.Build(), b.Context(2));
  EXPECT_EQ(r.validity, Validity::kTrue);
  const std::string printed = r.report.results.Print();
  EXPECT_NE(printed.find(":known #jepsen.history.Op{:index 1, :time 1000000, "
                         ":type :ok, :process 0, :f :add, :value 0}"),
            std::string::npos)
      << printed;
  EXPECT_EQ(r.report.summary[1].second, "median 1 ms, max 1 ms");
}

// The whole workload through the interpreter (setup's topology to every
// node, then the mix, heal, sleep and final reads): nodes that share every
// message at once are valid; nodes that keep only their own lose messages.
TEST(BroadcastWorkloadConformance, ThroughTheInterpreter) {
  auto w = Make("tree2");
  sim::WorkloadOptions o;
  o.name = "broadcast";
  o.concurrency = 3;
  o.rate = 20;
  o.time_limit = absl::Seconds(3);
  for (bool gossip : {true, false}) {
    testing::ScriptedRun run(*w, o, 3, 4);
    std::map<std::string, std::vector<Json>> seen;  // node -> messages
    int topologies = 0;
    run.respond = [&](const kvclient::Message& m) {
      using Reply = testing::ScriptedRun::Reply;
      const std::string type = m.body["type"];
      if (type == "topology") {
        ++topologies;
        EXPECT_EQ(m.body["topology"].size(), 3u);
        return absl::optional<Reply>(
            {absl::Milliseconds(1), {{"type", "topology_ok"}}});
      }
      if (type == "broadcast") {
        for (auto& [node, messages] : seen) {
          if (gossip || node == m.dest) messages.push_back(m.body["message"]);
        }
        return absl::optional<Reply>(
            {absl::Milliseconds(1), {{"type", "broadcast_ok"}}});
      }
      return absl::optional<Reply>(
          {absl::Milliseconds(1),
           {{"type", "read_ok"}, {"messages", seen[m.dest]}}});
    };
    for (const std::string& n : Nodes(3)) seen[n];
    run.Run();
    EXPECT_EQ(topologies, 3);
    EXPECT_EQ(run.requests().front().second.body["type"], "topology");
    sim::WorkloadResult r = run.Check();
    EXPECT_EQ(r.validity, gossip ? Validity::kTrue : Validity::kFalse)
        << r.report.results.Print();
  }
}

}  // namespace
}  // namespace broadcast
}  // namespace workloads
