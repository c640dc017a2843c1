// The reference cores, message by message: what each answers, that the
// correct broadcast and g-set cores spread every element and their broken
// variants do not.
#include "sim/reference_cores.h"

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace sim {
namespace {

using kvclient::Json;
using kvclient::Message;

const absl::Time t0 = absl::UnixEpoch();

// Nodes n0..n(k-1), initialised; node-to-node messages delivered at once,
// client replies collected.
class Cluster {
 public:
  Cluster(const char* workload, int k, ReferenceBug bug) {
    Json ids = Json::array();
    for (int i = 0; i < k; ++i) ids.push_back("n" + std::to_string(i));
    for (int i = 0; i < k; ++i) {
      const std::string id = "n" + std::to_string(i);
      nodes[id] = MakeReferenceCore(workload, bug);
      Deliver({"c0",
               id,
               {{"type", "init"},
                {"msg_id", 1},
                {"node_id", id},
                {"node_ids", ids}}});
    }
  }
  // Delivers and drains: node messages go on, client replies are kept.
  void Deliver(Message m, absl::Time now = t0) {
    std::vector<Message> queue = {std::move(m)};
    while (!queue.empty()) {
      Message next = queue.front();
      queue.erase(queue.begin());
      auto it = nodes.find(next.dest);
      if (it == nodes.end()) {
        replies.push_back(next);
        continue;
      }
      it->second->Step(next, now);
      for (Message& out : it->second->TakeReady().messages)
        queue.push_back(std::move(out));
    }
  }
  void TickAll(absl::Time now) {
    for (auto& [id, node] : nodes) {
      node->Tick(now);
      for (Message& out : node->TakeReady().messages) Deliver(out, now);
    }
  }
  Json Ask(const std::string& node, Json body) {
    body["msg_id"] = ++msg_id;
    Deliver({"c9", node, body});
    return replies.back().body;
  }
  std::map<std::string, std::unique_ptr<counter::Core>> nodes;
  std::vector<Message> replies;
  int msg_id = 1;
};

TEST(ReferenceCores, EchoAndItsBrokenVariant) {
  Cluster ok("echo", 1, ReferenceBug::kNone);
  EXPECT_EQ(ok.replies.at(0).body["type"], "init_ok");
  Json r = ok.Ask("n0", {{"type", "echo"}, {"echo", "Please echo 3"}});
  EXPECT_EQ(r["type"], "echo_ok");
  EXPECT_EQ(r["echo"], "Please echo 3");
  EXPECT_EQ(r["in_reply_to"], 2);
  Cluster bad("echo", 1, ReferenceBug::kBroken);
  EXPECT_EQ(bad.Ask("n0", {{"type", "echo"}, {"echo", "x"}})["echo"],
            "x (altered)");
  EXPECT_EQ(ok.Ask("n0", {{"type", "dance"}})["code"], 10);
}

TEST(ReferenceCores, UniqueIdsAndRepeats) {
  Cluster ok("unique-ids", 2, ReferenceBug::kNone);
  EXPECT_EQ(ok.Ask("n0", {{"type", "generate"}})["id"], "n0-0");
  EXPECT_EQ(ok.Ask("n1", {{"type", "generate"}})["id"], "n1-0");
  Cluster bad("unique-ids", 2, ReferenceBug::kBroken);
  EXPECT_EQ(bad.Ask("n0", {{"type", "generate"}})["id"],
            bad.Ask("n1", {{"type", "generate"}})["id"]);
}

TEST(ReferenceCores, BroadcastGossipsAlongTheTopologyUntilAcknowledged) {
  for (ReferenceBug bug : {ReferenceBug::kNone, ReferenceBug::kBroken}) {
    Cluster c("broadcast", 3, bug);
    const Json line = {{"n0", {"n1"}}, {"n1", {"n0", "n2"}}, {"n2", {"n1"}}};
    for (const char* n : {"n0", "n1", "n2"})
      EXPECT_EQ(c.Ask(n, {{"type", "topology"}, {"topology", line}})["type"],
                "topology_ok");
    EXPECT_EQ(c.Ask("n0", {{"type", "broadcast"}, {"message", 7}})["type"],
              "broadcast_ok");
    c.TickAll(t0 + absl::Milliseconds(200));  // n0 -> n1
    c.TickAll(t0 + absl::Milliseconds(400));  // n1 -> n2
    const Json want =
        bug == ReferenceBug::kNone ? Json::array({7}) : Json::array();
    EXPECT_EQ(c.Ask("n2", {{"type", "read"}})["messages"], want);
    EXPECT_EQ(c.Ask("n0", {{"type", "read"}})["messages"], Json::array({7}));
  }
}

TEST(ReferenceCores, GSetUnionAndTheForgettingVariant) {
  for (ReferenceBug bug : {ReferenceBug::kNone, ReferenceBug::kBroken}) {
    Cluster c("g-set", 2, bug);
    c.Ask("n0", {{"type", "add"}, {"element", 1}});
    c.Ask("n1", {{"type", "add"}, {"element", 2}});
    c.TickAll(t0 + absl::Milliseconds(250));
    const Json both = Json::array({1, 2});
    const Json r0 = c.Ask("n0", {{"type", "read"}})["value"];
    if (bug == ReferenceBug::kNone) {
      EXPECT_EQ(r0, both);
      EXPECT_EQ(c.Ask("n1", {{"type", "read"}})["value"], both);
    } else {
      EXPECT_NE(r0, both);  // n0 replaced its set with n1's
    }
  }
}

}  // namespace
}  // namespace sim
