#include "sim/reference_cores.h"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "kvclient/assert.h"
#include "kvclient/message.h"

namespace sim {
namespace {

using kvclient::Json;
using kvclient::Message;

constexpr absl::Duration kGossipEvery = absl::Milliseconds(200);
constexpr absl::Duration kReplicateEvery = absl::Milliseconds(250);

// What every reference core shares: init, replies, the outbox, the errors
// for what it does not serve.
class Base : public counter::Core {
 public:
  void Step(const Message& m, absl::Time now) override {
    const Json& body = m.body;
    const std::string type(kvclient::BodyType(body));
    if (type == "init") {
      node_id_ = body.value("node_id", "");
      nodes_.clear();
      if (body.contains("node_ids") && body["node_ids"].is_array()) {
        for (const Json& n : body["node_ids"])
          if (n.is_string()) nodes_.push_back(n.get<std::string>());
      }
      OnInit(now);
      Reply(m, {{"type", "init_ok"}});
      return;
    }
    if (node_id_.empty()) {
      ReplyError(m, 11, "not initialized yet");
      return;
    }
    if (!Handle(m, type, now)) ReplyError(m, 10, "unsupported: " + type);
  }
  void Tick(absl::Time) override {}
  counter::Ready TakeReady() override {
    counter::Ready r;
    r.messages.swap(out_);
    r.wake_at = wake_at_;
    return r;
  }
  absl::optional<int64_t> ReadValue() const override { return absl::nullopt; }
  const std::string& node_id() const override { return node_id_; }
  const counter::NodeStats& stats() const override { return stats_; }

 protected:
  virtual void OnInit(absl::Time) {}
  // False: not a message this core serves.
  virtual bool Handle(const Message& m, const std::string& type,
                      absl::Time now) = 0;

  void Send(const std::string& dest, Json body) {
    out_.push_back(Message{node_id_, dest, std::move(body)});
  }
  void Reply(const Message& m, Json body) {
    auto id = m.body.find("msg_id");
    if (id == m.body.end()) return;  // nothing to answer
    body["in_reply_to"] = *id;
    Send(m.src, std::move(body));
  }
  void ReplyError(const Message& m, int code, const std::string& text) {
    Reply(m, {{"type", "error"}, {"code", code}, {"text", text}});
  }

  std::string node_id_;
  std::vector<std::string> nodes_;
  absl::optional<absl::Time> wake_at_;

 private:
  std::vector<Message> out_;
  counter::NodeStats stats_;
};

class Echo : public Base {
 public:
  explicit Echo(bool broken) : broken_(broken) {}
  bool Handle(const Message& m, const std::string& type, absl::Time) override {
    if (type != "echo") return false;
    Json echo = m.body.value("echo", Json());
    if (broken_) {
      echo =
          absl::StrCat(echo.is_string() ? echo.get<std::string>() : echo.dump(),
                       " (altered)");
    }
    Reply(m, {{"type", "echo_ok"}, {"echo", echo}});
    return true;
  }

 private:
  bool broken_;
};

class UniqueIds : public Base {
 public:
  explicit UniqueIds(bool broken) : broken_(broken) {}
  bool Handle(const Message& m, const std::string& type, absl::Time) override {
    if (type != "generate") return false;
    const int64_t k = next_++;
    Json id = broken_ ? Json(k) : Json(absl::StrCat(node_id_, "-", k));
    Reply(m, {{"type", "generate_ok"}, {"id", id}});
    return true;
  }

 private:
  bool broken_;
  int64_t next_ = 0;
};

// Messages as their JSON text (a set that orders them the same way every
// run).
using Texts = std::set<std::string>;

Json TextsJson(const Texts& texts) {
  Json a = Json::array();
  for (const std::string& t : texts) a.push_back(Json::parse(t));
  return a;
}

class Broadcast : public Base {
 public:
  explicit Broadcast(bool broken) : broken_(broken) {}

  void OnInit(absl::Time now) override {
    for (const std::string& n : nodes_)
      if (n != node_id_) neighbours_.push_back(n);
    wake_at_ = now + kGossipEvery;
  }
  void Tick(absl::Time now) override {
    if (!wake_at_ || now < *wake_at_) return;
    wake_at_ = now + kGossipEvery;
    for (const auto& [peer, texts] : unacked_) {
      if (!texts.empty())
        Send(peer, {{"type", "gossip"}, {"messages", TextsJson(texts)}});
    }
  }
  bool Handle(const Message& m, const std::string& type, absl::Time) override {
    const Json& body = m.body;
    if (type == "topology") {
      neighbours_.clear();
      const Json& t = body.value("topology", Json::object());
      if (t.is_object() && t.contains(node_id_) && t[node_id_].is_array()) {
        for (const Json& n : t[node_id_])
          if (n.is_string()) neighbours_.push_back(n.get<std::string>());
      }
      Reply(m, {{"type", "topology_ok"}});
    } else if (type == "broadcast") {
      Learn(body.value("message", Json()).dump(), "");
      Reply(m, {{"type", "broadcast_ok"}});
    } else if (type == "read") {
      Reply(m, {{"type", "read_ok"}, {"messages", TextsJson(messages_)}});
    } else if (type == "gossip" || type == "gossip_ok") {
      const Json& list = body.value("messages", Json::array());
      if (!list.is_array()) return true;
      for (const Json& v : list) {
        if (type == "gossip") {
          Learn(v.dump(), m.src);
        } else {
          unacked_[m.src].erase(v.dump());
        }
      }
      if (type == "gossip")
        Send(m.src, {{"type", "gossip_ok"}, {"messages", list}});
    } else {
      return false;
    }
    return true;
  }

 private:
  void Learn(const std::string& text, const std::string& source) {
    if (!messages_.insert(text).second) return;
    MC_ASSERT(messages_.size() <= kMaxElements, "a bounded set of messages");
    if (broken_) return;  // never gossips
    for (const std::string& peer : neighbours_)
      if (peer != source) unacked_[peer].insert(text);
  }

  bool broken_;
  std::vector<std::string> neighbours_;
  Texts messages_;
  std::map<std::string, Texts> unacked_;  // peer -> what it may lack
};

class GSet : public Base {
 public:
  explicit GSet(bool broken) : broken_(broken) {}

  void OnInit(absl::Time now) override { wake_at_ = now + kReplicateEvery; }
  void Tick(absl::Time now) override {
    if (!wake_at_ || now < *wake_at_) return;
    wake_at_ = now + kReplicateEvery;
    for (const std::string& peer : nodes_) {
      if (peer != node_id_)
        Send(peer, {{"type", "replicate"}, {"value", TextsJson(elements_)}});
    }
  }
  bool Handle(const Message& m, const std::string& type, absl::Time) override {
    const Json& body = m.body;
    if (type == "add") {
      elements_.insert(body.value("element", Json()).dump());
      MC_ASSERT(elements_.size() <= kMaxElements, "a bounded set");
      Reply(m, {{"type", "add_ok"}});
    } else if (type == "read") {
      Reply(m, {{"type", "read_ok"}, {"value", TextsJson(elements_)}});
    } else if (type == "replicate") {
      const Json& list = body.value("value", Json::array());
      if (!list.is_array()) return true;
      if (broken_) elements_.clear();  // merges by replacing: forgets
      for (const Json& v : list) elements_.insert(v.dump());
      MC_ASSERT(elements_.size() <= kMaxElements, "a bounded set");
    } else {
      return false;
    }
    return true;
  }

 private:
  bool broken_;
  Texts elements_;
};

}  // namespace

bool HasReferenceCore(absl::string_view workload) {
  return workload == "echo" || workload == "unique-ids" ||
         workload == "broadcast" || workload == "g-set";
}

std::unique_ptr<counter::Core> MakeReferenceCore(absl::string_view workload,
                                                 ReferenceBug bug) {
  const bool broken = bug == ReferenceBug::kBroken;
  if (workload == "echo") return std::make_unique<Echo>(broken);
  if (workload == "unique-ids") return std::make_unique<UniqueIds>(broken);
  if (workload == "broadcast") return std::make_unique<Broadcast>(broken);
  if (workload == "g-set") return std::make_unique<GSet>(broken);
  return nullptr;
}

}  // namespace sim
