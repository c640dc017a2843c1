#include "sim/workloads/kafka/checker.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "kvclient/assert.h"
#include "sim/elle/interner.h"
#include "sim/elle/jepsen_op.h"
#include "sim/elle/ops.h"

namespace workloads {
namespace kafka {

using elle::JsonToEdn;
using sim::Edn;

Edn KafkaValueEdn(const kvclient::Json& value) {
  if (!value.is_array()) return JsonToEdn(value);
  Edn out = Edn::Vector();
  for (const kvclient::Json& mop : value) {
    if (!mop.is_array() || mop.empty() || !mop[0].is_string() ||
        (mop[0] != "send" && mop[0] != "poll")) {
      out.Add(JsonToEdn(mop));
      continue;
    }
    Edn m = Edn::Vector({Edn::Keyword(mop[0].get<std::string>())});
    for (size_t i = 1; i < mop.size(); ++i) m.Add(JsonToEdn(mop[i]));
    out.Add(std::move(m));
  }
  return out;
}

namespace {

enum class Fn { kSend, kPoll, kTxn, kAssign, kSubscribe, kCrash, kOther };

Fn ParseFn(const std::string& f) {
  if (f == "send") return Fn::kSend;
  if (f == "poll") return Fn::kPoll;
  if (f == "txn") return Fn::kTxn;
  if (f == "assign") return Fn::kAssign;
  if (f == "subscribe") return Fn::kSubscribe;
  if (f == "crash") return Fn::kCrash;
  return Fn::kOther;
}

constexpr int64_t kNoOffset = INT64_MIN;

// One [offset value] pair polled, or one value sent.
struct Pair {
  uint32_t key;
  int64_t offset;  // kNoOffset when unknown (an indefinite send)
  uint32_t value;
};

// The pairs one op polled for one key (possibly none: the key was in the
// poll's msgs with an empty vector).
struct PollKey {
  uint32_t key;
  uint32_t begin, end;  // into Analysis::polled_
};

struct KOp {
  int64_t index = 0, invoke_index = 0, process = 0;
  int64_t time = 0, invoke_time = 0;  // ns since the first event
  sim::EventType type = sim::EventType::kOk;
  Fn fn = Fn::kOther;
  uint32_t poll_keys_begin = 0, poll_keys_end = 0;  // op-reads
  uint32_t sends_begin = 0, sends_end = 0;          // op-writes
  std::vector<uint32_t> assigned;                   // assign/subscribe keys
  bool ok() const { return type == sim::EventType::kOk; }
};

uint64_t Pack(uint32_t key, uint32_t value) {
  return (uint64_t{key} << 32) | value;
}

struct Error {
  std::string message;
};

class Analysis {
 public:
  Analysis(const sim::History& h, const KafkaCheckOptions& o)
      : h_(h), o_(o), process_(elle::ProcessKeys(h)) {
    Parse();
  }

  // ---- parsing --------------------------------------------------------------

  void Parse() {
    std::map<int, int64_t> open;  // thread -> invocation index
    for (size_t i = 0; i < h_.size(); ++i) {
      const sim::HistoryEvent& e = h_[i];
      if (e.type == sim::EventType::kInvoke) {
        open[e.thread] = static_cast<int64_t>(i);
        continue;
      }
      auto it = open.find(e.thread);
      MC_ASSERT(it != open.end(), "completion at index ", i,
                " has no invocation");
      KOp op;
      op.index = static_cast<int64_t>(i);
      op.invoke_index = it->second;
      open.erase(it);
      op.process = process_[i];
      op.time = absl::ToInt64Nanoseconds(e.time - h_.front().time);
      op.invoke_time =
          absl::ToInt64Nanoseconds(h_[op.invoke_index].time - h_.front().time);
      op.type = e.type;
      op.fn = ParseFn(e.f);
      ParseValue(e.value, &op);
      ops_.push_back(std::move(op));
    }
  }

  void ParseValue(const kvclient::Json& v, KOp* op) {
    op->poll_keys_begin = op->poll_keys_end =
        static_cast<uint32_t>(poll_keys_.size());
    op->sends_begin = op->sends_end = static_cast<uint32_t>(sends_.size());
    if (op->fn == Fn::kAssign || op->fn == Fn::kSubscribe) {
      if (v.is_array()) {
        for (const auto& k : v) op->assigned.push_back(keys_.Intern(k));
      }
      return;
    }
    const bool polls = op->fn == Fn::kPoll || op->fn == Fn::kTxn;
    const bool sends = op->fn == Fn::kSend || op->fn == Fn::kTxn;
    if (!v.is_array() || (!polls && !sends)) return;
    for (const kvclient::Json& mop : v) {
      if (!mop.is_array() || mop.empty() || !mop[0].is_string()) continue;
      if (polls && mop[0] == "poll" && mop.size() >= 2 && mop[1].is_object()) {
        ParsePoll(mop[1]);
      } else if (sends && mop[0] == "send" && mop.size() >= 3) {
        ParseSend(mop[1], mop[2]);
      }
    }
    op->poll_keys_end = static_cast<uint32_t>(poll_keys_.size());
    op->sends_end = static_cast<uint32_t>(sends_.size());
    // Grouped by key (a txn may poll a key twice), so lookups bisect.
    std::stable_sort(
        poll_keys_.begin() + op->poll_keys_begin,
        poll_keys_.begin() + op->poll_keys_end,
        [](const PollKey& a, const PollKey& b) { return a.key < b.key; });
  }

  void ParsePoll(const kvclient::Json& msgs) {
    for (const auto& [k, pairs] : msgs.items()) {
      PollKey pk{keys_.Intern(kvclient::Json(k)),
                 static_cast<uint32_t>(polled_.size()), 0};
      if (pairs.is_array()) {
        for (const auto& pair : pairs) {
          if (!pair.is_array() || pair.size() < 2) continue;
          const int64_t offset =
              kvclient::IsInt64(pair[0]) ? pair[0].get<int64_t>() : kNoOffset;
          polled_.push_back({pk.key, offset, values_.Intern(pair[1])});
        }
      }
      pk.end = static_cast<uint32_t>(polled_.size());
      poll_keys_.push_back(pk);
    }
  }

  void ParseSend(const kvclient::Json& k, const kvclient::Json& v) {
    // Values are a literal message or an [offset message] pair
    // (kafka.clj op-writes-helper).
    if (v.is_array() && v.size() == 2) {
      const int64_t offset =
          kvclient::IsInt64(v[0]) ? v[0].get<int64_t>() : kNoOffset;
      sends_.push_back({keys_.Intern(k), offset, values_.Intern(v[1])});
    } else {
      sends_.push_back({keys_.Intern(k), kNoOffset, values_.Intern(v)});
    }
  }

  // ---- printing
  // ---------------------------------------------------------------

  Edn Op(uint32_t i) const { return PrintIndex(ops_[i].index); }
  Edn PrintIndex(int64_t index) const {
    const size_t i = static_cast<size_t>(index);
    return elle::OpWithValue(o_.jepsen_op, h_, process_, i,
                             KafkaValueEdn(h_[i].value));
  }
  Edn Key(uint32_t k) const { return JsonToEdn(keys_.json(k)); }
  Edn Value(uint32_t v) const { return JsonToEdn(values_.json(v)); }

  // ---- indexes
  // ----------------------------------------------------------------

  // writer-of, readers-of, the ok reads and failed writes by (key, value).
  void Index() {
    for (uint32_t i = 0; i < ops_.size(); ++i) {
      const KOp& op = ops_[i];
      for (uint32_t s = op.sends_begin; s < op.sends_end; ++s) {
        const uint64_t kv = Pack(sends_[s].key, sends_[s].value);
        writer_of_[kv] = i;
        if (op.type == sim::EventType::kFail) failed_writes_.insert(kv);
      }
      ForEachRead(op, [&](const Pair& p) {
        const uint64_t kv = Pack(p.key, p.value);
        readers_of_[kv].push_back(i);
        if (op.ok()) ok_reads_.insert(kv);
      });
    }
  }

  template <typename F>
  void ForEachRead(const KOp& op, F f) const {
    for (uint32_t k = op.poll_keys_begin; k < op.poll_keys_end; ++k) {
      for (uint32_t p = poll_keys_[k].begin; p < poll_keys_[k].end; ++p) {
        f(polled_[p]);
      }
    }
  }

  // kafka.clj must-have-committed?
  bool MustHaveCommitted(uint32_t i) const {
    const KOp& op = ops_[i];
    if (op.ok()) return true;
    if (op.type != sim::EventType::kInfo) return false;
    for (uint32_t s = op.sends_begin; s < op.sends_end; ++s) {
      if (ok_reads_.contains(Pack(sends_[s].key, sends_[s].value))) return true;
    }
    return false;
  }

  // wr-graph and lost-write-cases throw {:type :no-writer-of-value} for a
  // value read that no op sent.
  absl::optional<Error> CheckWriters() const {
    for (uint32_t i = 0; i < ops_.size(); ++i) {
      absl::optional<Error> error;
      ForEachRead(ops_[i], [&](const Pair& p) {
        if (!error && !writer_of_.contains(Pack(p.key, p.value))) {
          error = Error{absl::StrCat("{:type :no-writer-of-value, :key ",
                                     Key(p.key).Print(), ", :value ",
                                     Value(p.value).Print(), "}")};
        }
      });
      if (error) return error;
    }
    return absl::nullopt;
  }

  // ---- version orders
  // ---------------------------------------------------------

  struct Order {
    std::vector<int64_t> offsets;               // present offsets, ascending
    std::vector<std::vector<uint32_t>> values;  // per present offset, sorted
    std::vector<uint32_t> by_index;             // one value per offset
  };

  // kafka.clj version-orders: every poll, and the sends of ops whose effects
  // must have been visible.
  void VersionOrders() {
    std::vector<Pair> entries;
    for (uint32_t i = 0; i < ops_.size(); ++i) {
      const KOp& op = ops_[i];
      if (op.fn != Fn::kSend && op.fn != Fn::kPoll && op.fn != Fn::kTxn) {
        continue;
      }
      ForEachRead(op, [&](const Pair& p) {
        if (p.offset >= 0) entries.push_back(p);
      });
      if (!MustHaveCommitted(i)) continue;
      for (uint32_t s = op.sends_begin; s < op.sends_end; ++s) {
        if (sends_[s].offset >= 0) entries.push_back(sends_[s]);
      }
    }
    std::sort(entries.begin(), entries.end(), [](const Pair& a, const Pair& b) {
      if (a.key != b.key) return a.key < b.key;
      if (a.offset != b.offset) return a.offset < b.offset;
      return a.value < b.value;
    });
    for (size_t i = 0; i < entries.size(); ++i) {
      const Pair& p = entries[i];
      if (i > 0 && entries[i - 1].key == p.key &&
          entries[i - 1].offset == p.offset &&
          entries[i - 1].value == p.value) {
        continue;
      }
      Order& order = orders_[p.key];
      if (order.offsets.empty() || order.offsets.back() != p.offset) {
        order.offsets.push_back(p.offset);
        order.values.emplace_back();
      }
      order.values.back().push_back(p.value);
    }
    for (auto& [key, order] : orders_) {
      for (size_t i = 0; i < order.values.size(); ++i) {
        auto& vs = order.values[i];
        std::sort(vs.begin(), vs.end(),
                  [&](uint32_t a, uint32_t b) { return values_.Less(a, b); });
        order.by_index.push_back(vs.front());
        by_value_[Pack(key, vs.front())] = static_cast<int64_t>(i);
      }
    }
  }

  // by-value: the dense index of a value in its key's order, or -1.
  int64_t IndexOf(uint32_t key, uint32_t value) const {
    auto it = by_value_.find(Pack(key, value));
    return it == by_value_.end() ? -1 : it->second;
  }

  std::vector<uint32_t> KeysInOrder() const {
    std::vector<uint32_t> keys;
    for (const auto& [key, order] : orders_) keys.push_back(key);
    std::sort(keys.begin(), keys.end(),
              [&](uint32_t a, uint32_t b) { return keys_.Less(a, b); });
    return keys;
  }

  // version-orders :errors
  std::vector<Edn> InconsistentOffsets() const {
    std::vector<Edn> out;
    for (uint32_t key : KeysInOrder()) {
      const Order& order = orders_.at(key);
      for (size_t i = 0; i < order.offsets.size(); ++i) {
        if (order.values[i].size() < 2) continue;
        Edn values = Edn::Set();
        for (uint32_t v : order.values[i]) values.Add(Value(v));
        Edn e = Edn::Map();
        e.Put("key", Key(key))
            .Put("offset", Edn::Int(order.offsets[i]))
            .Put("index", Edn::Int(static_cast<int64_t>(i)))
            .Put("values", std::move(values));
        out.push_back(std::move(e));
        inconsistent_sizes_.push_back(order.values[i].size());
      }
    }
    return out;
  }

  // ---- kafka.clj g1a-cases, precommitted-read-cases ----------------------

  std::vector<Edn> G1a() const {
    std::vector<Edn> out;
    if (failed_writes_.empty()) return out;
    for (uint32_t i = 0; i < ops_.size(); ++i) {
      const KOp& op = ops_[i];
      if (!op.ok() || (op.fn != Fn::kPoll && op.fn != Fn::kTxn)) continue;
      ForEachRead(op, [&](const Pair& p) {
        const uint64_t kv = Pack(p.key, p.value);
        if (!failed_writes_.contains(kv)) return;
        Edn e = Edn::Map();
        e.Put("key", Key(p.key))
            .Put("value", Value(p.value))
            .Put("writer", Op(writer_of_.at(kv)))
            .Put("reader", Op(i));
        out.push_back(std::move(e));
      });
    }
    return out;
  }

  std::vector<Edn> PrecommittedReads() const {
    std::vector<Edn> out;
    for (uint32_t i = 0; i < ops_.size(); ++i) {
      const KOp& op = ops_[i];
      for (uint32_t s = op.sends_begin; s < op.sends_end; ++s) {
        bool bad = false;
        ForEachRead(op, [&](const Pair& p) {
          bad |= p.key == sends_[s].key && p.value == sends_[s].value;
        });
        if (!bad) continue;
        Edn e = Edn::Map();
        e.Put("op", Op(i))
            .Put("key", Key(sends_[s].key))
            .Put("value", Value(sends_[s].value));
        out.push_back(std::move(e));
        break;
      }
    }
    return out;
  }

  // ---- kafka.clj lost-write-cases ----------------------------------------

  absl::optional<Error> LostWrites(std::vector<Edn>* out) const {
    std::map<uint32_t, std::vector<uint32_t>> ok_reads;  // key -> values
    for (uint64_t kv : ok_reads_) {
      ok_reads[static_cast<uint32_t>(kv >> 32)].push_back(
          static_cast<uint32_t>(kv));
    }
    std::vector<uint32_t> keys;
    for (const auto& [k, vs] : ok_reads) keys.push_back(k);
    std::sort(keys.begin(), keys.end(),
              [&](uint32_t a, uint32_t b) { return keys_.Less(a, b); });
    for (uint32_t key : keys) {
      if (auto e = LostWritesOfKey(key, ok_reads[key], out)) return e;
    }
    return absl::nullopt;
  }

  absl::optional<Error> LostWritesOfKey(uint32_t key,
                                        const std::vector<uint32_t>& read,
                                        std::vector<Edn>* out) const {
    static const Order kEmpty;
    auto oit = orders_.find(key);
    const Order& order = oit == orders_.end() ? kEmpty : oit->second;
    // log->value->first-index and log->last-index->values
    absl::flat_hash_map<uint32_t, int64_t> first, last;
    for (size_t i = 0; i < order.values.size(); ++i) {
      for (uint32_t v : order.values[i]) {
        first.emplace(v, static_cast<int64_t>(i));
        last[v] = static_cast<int64_t>(i);
      }
    }
    std::vector<std::vector<uint32_t>> last_index_values;
    for (size_t i = 0; i < order.values.size(); ++i) {
      for (uint32_t v : order.values[i]) {
        const int64_t l = last[v];
        if (static_cast<int64_t>(last_index_values.size()) <= l) {
          last_index_values.resize(l + 1);
        }
        if (l == static_cast<int64_t>(i)) last_index_values[l].push_back(v);
      }
    }
    int64_t bound = -1;
    for (uint32_t v : read) {
      auto it = first.find(v);
      if (it != first.end()) bound = std::max(bound, it->second);
    }
    if (bound < 0 || bound >= static_cast<int64_t>(last_index_values.size())) {
      // (nth last-index->values bound) throws in Jepsen.
      return Error{absl::StrCat("java.lang.IndexOutOfBoundsException (key ",
                                Key(key).Print(), ", max read index ", bound,
                                ")")};
    }
    absl::flat_hash_set<uint32_t> read_set(read.begin(), read.end());
    Edn max_read = Edn::Nil();
    if (!last_index_values[bound].empty()) {
      auto r = readers_of_.find(Pack(key, last_index_values[bound].front()));
      if (r != readers_of_.end()) max_read = Op(r->second.front());
    }
    for (int64_t i = 0; i <= bound; ++i) {
      for (uint32_t v : last_index_values[i]) {
        if (read_set.contains(v)) continue;
        auto w = writer_of_.find(Pack(key, v));
        if (w == writer_of_.end()) {
          return Error{absl::StrCat("{:type :no-writer-of, :key ",
                                    Key(key).Print(), ", :value ",
                                    Value(v).Print(), "}")};
        }
        if (!MustHaveCommitted(w->second)) continue;
        Edn e = Edn::Map();
        e.Put("key", Key(key))
            .Put("value", Value(v))
            .Put("index", Edn::Int(first.at(v)))
            .Put("max-read-index", Edn::Int(bound))
            .Put("writer", Op(w->second))
            .Put("max-read", max_read);
        out->push_back(std::move(e));
      }
    }
    return absl::nullopt;
  }

  // ---- skips and nonmonotonic offsets ---------------------------------------

  // A case and what condense-error sorts it by. Rendering waits until
  // condensing has kept it: a skip between two huge final polls would
  // otherwise print both polls for every case.
  struct Case {
    std::function<Edn()> render;
    int64_t delta;
  };

  // kafka.clj int-poll-skip+nonmonotonic-cases
  void IntPollCases(std::vector<Case>* skip, std::vector<Case>* nm) const {
    for (uint32_t i = 0; i < ops_.size(); ++i) {
      for (const auto& [key, vs] : Reads(ops_[i])) {
        for (size_t p = 1; p < vs.size(); ++p) {
          PairCase(key, vs[p - 1], vs[p], i, skip, nm);
        }
      }
    }
  }

  // kafka.clj int-send-skip+nonmonotonic-cases
  void IntSendCases(std::vector<Case>* skip, std::vector<Case>* nm) const {
    for (uint32_t i = 0; i < ops_.size(); ++i) {
      const KOp& op = ops_[i];
      for (uint32_t a = op.sends_begin; a < op.sends_end; ++a) {
        for (uint32_t b = a + 1; b < op.sends_end; ++b) {
          if (sends_[b].key != sends_[a].key) continue;
          PairCase(sends_[a].key, sends_[a].value, sends_[b].value, i, skip,
                   nm);
          break;  // (partition 2 1): each send with the next to that key
        }
      }
    }
  }

  // One pair of successive values v1, v2 of `key`: a skip when v2 is more
  // than one index past v1, nonmonotonic when it is not past it at all.
  void PairCase(uint32_t key, uint32_t v1, uint32_t v2, uint32_t op,
                std::vector<Case>* skip, std::vector<Case>* nm) const {
    const int64_t i1 = IndexOf(key, v1), i2 = IndexOf(key, v2);
    const int64_t delta = (i1 >= 0 && i2 >= 0) ? i2 - i1 : 1;
    if (delta > 1) {
      skip->push_back({[=] {
                         Edn e = Edn::Map();
                         e.Put("key", Key(key))
                             .Put("values", Edn::Vector({Value(v1), Value(v2)}))
                             .Put("delta", Edn::Int(delta))
                             .Put("skipped", Skipped(key, i1, i2))
                             .Put("op", Op(op));
                         return e;
                       },
                       delta});
    } else if (delta < 1) {
      nm->push_back({[=] {
                       Edn e = Edn::Map();
                       e.Put("key", Key(key))
                           .Put("values", Edn::Vector({Value(v1), Value(v2)}))
                           .Put("delta", Edn::Int(delta))
                           .Put("op", Op(op));
                       return e;
                     },
                     delta});
    }
  }

  Edn Skipped(uint32_t key, int64_t i1, int64_t i2) const {
    const Order& order = orders_.at(key);
    Edn skipped = Edn::List();
    for (int64_t i = i1 + 1; i < i2; ++i) skipped.Add(Value(order.by_index[i]));
    return skipped;
  }

  // Completions grouped by process, in history order.
  std::map<int64_t, std::vector<uint32_t>> ByProcess() const {
    std::map<int64_t, std::vector<uint32_t>> by;
    for (uint32_t i = 0; i < ops_.size(); ++i) by[ops_[i].process].push_back(i);
    return by;
  }

  // The keys (in the op's order) and values an op polled for each.
  std::vector<std::pair<uint32_t, std::vector<uint32_t>>> Reads(
      const KOp& op) const {
    std::vector<std::pair<uint32_t, std::vector<uint32_t>>> out;
    for (uint32_t k = op.poll_keys_begin; k < op.poll_keys_end; ++k) {
      const PollKey& pk = poll_keys_[k];  // grouped by key
      if (out.empty() || out.back().first != pk.key)
        out.push_back({pk.key, {}});
      for (uint32_t p = pk.begin; p < pk.end; ++p) {
        out.back().second.push_back(polled_[p].value);
      }
    }
    return out;
  }

  // kafka.clj poll-skip+nonmonotonic-cases-per-process
  void PollCases(std::vector<Case>* skip, std::vector<Case>* nm) const {
    for (const auto& [process, ops] : ByProcess()) {
      std::map<uint32_t, uint32_t> last;  // key -> op that last read it
      for (uint32_t i : ops) {
        const KOp& op = ops_[i];
        if (op.fn == Fn::kAssign || op.fn == Fn::kSubscribe) {
          if (op.type != sim::EventType::kFail) SelectKeys(op.assigned, &last);
          continue;
        }
        if (op.fn != Fn::kPoll && op.fn != Fn::kTxn) continue;
        const auto reads = Reads(op);
        for (const auto& [key, vs] : reads) {
          auto it = last.find(key);
          if (it == last.end()) continue;
          PollPair(key, it->second, i, vs, skip, nm);
        }
        if (!op.ok()) continue;
        for (const auto& [key, vs] : reads) last[key] = i;
      }
    }
  }

  void PollPair(uint32_t key, uint32_t last_op, uint32_t op,
                const std::vector<uint32_t>& vs, std::vector<Case>* skip,
                std::vector<Case>* nm) const {
    absl::optional<uint32_t> v = LastRead(last_op, key), v2;
    if (!vs.empty()) v2 = vs.front();
    const int64_t i = v ? IndexOf(key, *v) : -1;
    const int64_t i2 = v2 ? IndexOf(key, *v2) : -1;
    const int64_t delta = (i >= 0 && i2 >= 0) ? i2 - i : 1;
    if (delta > 1) {
      skip->push_back({[=] {
                         Edn e = Edn::Map();
                         e.Put("key", Key(key))
                             .Put("delta", Edn::Int(delta))
                             .Put("skipped", Skipped(key, i, i2))
                             .Put("ops", Edn::Vector({Op(last_op), Op(op)}));
                         return e;
                       },
                       delta});
    } else if (delta < 1) {
      const uint32_t a = *v, b = *v2;
      nm->push_back({[=] {
                       Edn e = Edn::Map();
                       e.Put("key", Key(key))
                           .Put("values", Edn::Vector({Value(a), Value(b)}))
                           .Put("delta", Edn::Int(delta))
                           .Put("ops", Edn::Vector({Op(last_op), Op(op)}));
                       return e;
                     },
                     delta});
    }
  }

  // The last value op polled for key, if any ((-> op op-reads (get k) last)).
  absl::optional<uint32_t> LastRead(uint32_t op, uint32_t key) const {
    absl::optional<uint32_t> v;
    const KOp& o = ops_[op];
    auto range = std::equal_range(
        poll_keys_.begin() + o.poll_keys_begin,
        poll_keys_.begin() + o.poll_keys_end, PollKey{key, 0, 0},
        [](const PollKey& a, const PollKey& b) { return a.key < b.key; });
    for (auto it = range.first; it != range.second; ++it) {
      if (it->end > it->begin) v = polled_[it->end - 1].value;
    }
    return v;
  }

  template <typename Map>
  static void SelectKeys(const std::vector<uint32_t>& keys, Map* m) {
    for (auto it = m->begin(); it != m->end();) {
      if (std::find(keys.begin(), keys.end(), it->first) == keys.end()) {
        it = m->erase(it);
      } else {
        ++it;
      }
    }
  }

  // kafka.clj nonmonotonic-send-cases
  void SendCases(std::vector<Case>* nm) const {
    for (const auto& [process, ops] : ByProcess()) {
      std::map<uint32_t, uint32_t> last;  // key -> op that last sent to it
      for (uint32_t i : ops) {
        const KOp& op = ops_[i];
        if (op.type != sim::EventType::kOk &&
            op.type != sim::EventType::kInfo) {
          continue;
        }
        if (op.fn == Fn::kAssign || op.fn == Fn::kSubscribe) {
          SelectKeys(op.assigned, &last);
          continue;
        }
        if (op.fn != Fn::kSend && op.fn != Fn::kTxn) continue;
        std::vector<uint32_t> keys;
        for (uint32_t s = op.sends_begin; s < op.sends_end; ++s) {
          const uint32_t key = sends_[s].key;
          if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
          keys.push_back(key);
          auto it = last.find(key);
          if (it == last.end()) continue;
          const uint32_t v = LastSend(it->second, key);
          const uint32_t v2 = sends_[s].value;
          const int64_t a = IndexOf(key, v), b = IndexOf(key, v2);
          if (a < 0 || b < 0 || b - a >= 1) continue;
          const uint32_t last_op = it->second;
          nm->push_back({[=] {
                           Edn e = Edn::Map();
                           e.Put("key", Key(key))
                               .Put("values",
                                    Edn::Vector({Value(v), Value(v2)}))
                               .Put("delta", Edn::Int(b - a))
                               .Put("ops", Edn::Vector({Op(last_op), Op(i)}));
                           return e;
                         },
                         b - a});
        }
        for (uint32_t key : keys) last[key] = i;
      }
    }
  }

  uint32_t LastSend(uint32_t op, uint32_t key) const {
    uint32_t v = 0;
    for (uint32_t s = ops_[op].sends_begin; s < ops_[op].sends_end; ++s) {
      if (sends_[s].key == key) v = sends_[s].value;
    }
    return v;
  }

  // kafka.clj duplicate-cases
  std::vector<Case> Duplicates() const {
    std::vector<Case> out;
    for (uint32_t key : KeysInOrder()) {
      const Order& order = orders_.at(key);
      std::vector<uint32_t> seen_order;
      absl::flat_hash_map<uint32_t, std::vector<int64_t>> offsets;
      for (size_t i = 0; i < order.values.size(); ++i) {
        for (uint32_t v : order.values[i]) {
          auto& o = offsets[v];
          if (o.empty()) seen_order.push_back(v);
          o.push_back(order.offsets[i]);
        }
      }
      for (uint32_t v : seen_order) {
        const auto& o = offsets[v];
        if (o.size() < 2) continue;
        Edn list = Edn::Vector();
        for (int64_t x : o) list.Add(Edn::Int(x));
        Edn e = Edn::Map();
        e.Put("key", Key(key))
            .Put("value", Value(v))
            .Put("count", Edn::Int(static_cast<int64_t>(o.size())))
            .Put("offsets", std::move(list));
        out.push_back({[e] { return e; }, static_cast<int64_t>(o.size())});
      }
    }
    return out;
  }
  // ---- kafka.clj unseen ---------------------------------------------------

  // The last element of the unseen series: per key, the acknowledged sends
  // no ok poll has returned (with the quirk of bifurcan's merge: a key
  // first seen in a poll, never sent, counts its polled values once).
  struct Unseen {
    int64_t time = 0;
    std::map<uint32_t, std::vector<uint32_t>> messages;  // key -> values
    bool any_op = false;
  };

  Unseen LastUnseen() const {
    struct KeyState {
      absl::flat_hash_set<uint32_t> sent;    // the unseen values
      absl::flat_hash_set<uint32_t> polled;  // every value polled
      bool in_sent = false;
    };
    absl::flat_hash_map<uint32_t, KeyState> state;
    std::vector<uint32_t> pending;  // keys whose unseen set is a polled set
    Unseen u;
    for (const KOp& op : ops_) {
      if (!op.ok() ||
          (op.fn != Fn::kSend && op.fn != Fn::kPoll && op.fn != Fn::kTxn)) {
        continue;
      }
      u.any_op = true;
      u.time = op.time;
      // sent - polled, where sent was polled: nothing is left.
      for (uint32_t key : pending) state[key].sent.clear();
      pending.clear();
      std::vector<uint32_t> read_only;  // keys first seen in this poll
      for (uint32_t pk = op.poll_keys_begin; pk < op.poll_keys_end; ++pk) {
        KeyState& k = state[poll_keys_[pk].key];
        if (!k.in_sent) read_only.push_back(poll_keys_[pk].key);
        for (uint32_t p = poll_keys_[pk].begin; p < poll_keys_[pk].end; ++p) {
          k.polled.insert(polled_[p].value);
          k.sent.erase(polled_[p].value);
        }
      }
      for (uint32_t s = op.sends_begin; s < op.sends_end; ++s) {
        KeyState& k = state[sends_[s].key];
        k.in_sent = true;
        if (!k.polled.contains(sends_[s].value)) k.sent.insert(sends_[s].value);
      }
      for (uint32_t key : read_only) {
        KeyState& k = state[key];
        if (k.in_sent) continue;  // also sent to in this op
        // Only in polled': bifurcan's merge keeps polled's set as unseen.
        k.sent = k.polled;
        k.in_sent = true;
        pending.push_back(key);
      }
    }
    for (const auto& [key, k] : state) {
      if (!k.in_sent) continue;
      std::vector<uint32_t> vs(k.sent.begin(), k.sent.end());
      std::sort(vs.begin(), vs.end(),
                [&](uint32_t a, uint32_t b) { return values_.Less(a, b); });
      u.messages[key] = std::move(vs);
    }
    return u;
  }

  // ---- kafka.clj realtime-lag, worst-realtime-lag ---------------------------

  // op->max-offsets: per key the highest offset an ok or info op polled
  // (-1 for a key polled with nothing) or sent.
  std::vector<std::pair<uint32_t, int64_t>> MaxOffsets(const KOp& op) const {
    std::vector<std::pair<uint32_t, int64_t>> out;
    if (op.type != sim::EventType::kOk && op.type != sim::EventType::kInfo) {
      return out;
    }
    auto merge = [](std::vector<std::pair<uint32_t, int64_t>>* m, uint32_t key,
                    int64_t offset, int64_t absent) {
      for (auto& e : *m) {
        if (e.first == key) {
          e.second = std::max(e.second, offset);
          return;
        }
      }
      m->push_back({key, std::max(absent, offset)});
    };
    if (op.fn == Fn::kPoll || op.fn == Fn::kTxn) {
      for (uint32_t pk = op.poll_keys_begin; pk < op.poll_keys_end; ++pk) {
        int64_t max = -1;
        for (uint32_t p = poll_keys_[pk].begin; p < poll_keys_[pk].end; ++p) {
          if (polled_[p].offset != kNoOffset) {
            max = std::max(max, polled_[p].offset);
          }
        }
        merge(&out, poll_keys_[pk].key, max, INT64_MIN);
      }
    }
    if (op.fn == Fn::kSend || op.fn == Fn::kTxn) {
      // kafka.clj op->max-send-offsets: (max (get offsets k 0) offset), and
      // a send without an offset turns the whole reduction into nil.
      std::vector<std::pair<uint32_t, int64_t>> sent;
      for (uint32_t s = op.sends_begin; s < op.sends_end; ++s) {
        if (sends_[s].offset == kNoOffset) {
          sent.clear();
          continue;
        }
        merge(&sent, sends_[s].key, sends_[s].offset, 0);
      }
      for (const auto& [key, offset] : sent) {
        merge(&out, key, offset, INT64_MIN);
      }
    }
    return out;
  }

  struct Lag {
    int64_t time = 0, lag = 0, process = 0;
    int64_t invoke_index = 0;  // the poll's invocation
    uint32_t key = 0;
    bool any = false;
  };

  Lag WorstRealtimeLag() const {
    // expired[k]: breakpoints (highest offset known, time known): offset i
    // of k was known to exist from the first breakpoint with hi >= i.
    absl::flat_hash_map<uint32_t, std::vector<std::pair<int64_t, int64_t>>>
        expired;
    for (const KOp& op : ops_) {
      for (const auto& [key, offset] : MaxOffsets(op)) {
        auto& e = expired[key];
        if (offset >= 0 && (e.empty() || e.back().first < offset)) {
          e.push_back({offset, op.time});
        }
      }
    }
    auto expired_at = [&](uint32_t key, int64_t i) -> absl::optional<int64_t> {
      auto it = expired.find(key);
      if (it == expired.end() || it->second.empty() ||
          it->second.back().first < i || i < 0) {
        return absl::nullopt;
      }
      auto b = std::lower_bound(it->second.begin(), it->second.end(),
                                std::make_pair(i, INT64_MIN));
      return b->second;
    };
    std::map<int64_t, std::map<uint32_t, int64_t>> process_offsets;
    Lag worst;
    for (const KOp& op : ops_) {
      if (!op.ok()) continue;
      auto& offsets = process_offsets[op.process];
      if (op.fn == Fn::kAssign) {
        std::map<uint32_t, int64_t> fresh;
        for (uint32_t k : op.assigned) {
          auto it = offsets.find(k);
          fresh[k] = it == offsets.end() ? -1 : it->second;
        }
        offsets = std::move(fresh);
        continue;
      }
      if (op.fn == Fn::kSubscribe) {
        offsets.clear();
        continue;
      }
      if (op.fn != Fn::kPoll && op.fn != Fn::kTxn) continue;
      for (const auto& [key, offset] : MaxOffsets(op)) {
        auto [it, fresh] = offsets.emplace(key, offset);
        if (!fresh) it->second = std::max(it->second, offset);
      }
      std::vector<uint32_t> keys;
      for (const auto& [key, offset] : offsets) keys.push_back(key);
      std::sort(keys.begin(), keys.end(),
                [&](uint32_t a, uint32_t b) { return keys_.Less(a, b); });
      for (uint32_t key : keys) {
        absl::optional<int64_t> at = expired_at(key, offsets[key] + 1);
        const int64_t lag = at ? std::max<int64_t>(0, op.invoke_time - *at) : 0;
        if (!worst.any || lag > worst.lag) {
          worst = {op.invoke_time, lag, op.process, op.invoke_index, key, true};
        }
      }
    }
    return worst;
  }

  // ---- kafka.clj cycles! -------------------------------------------------

  // The position of op's first mop that sent (key, value) or polled it
  // (kafka.clj mop-index).
  int64_t MopIndex(uint32_t op, bool send, uint32_t key, uint32_t value) const {
    const kvclient::Json& v = h_[ops_[op].index].value;
    if (!v.is_array()) return -1;
    for (size_t i = 0; i < v.size(); ++i) {
      const kvclient::Json& mop = v[i];
      if (!mop.is_array() || mop.size() < 2 || !mop[0].is_string()) continue;
      if (send && mop[0] == "send" && mop.size() >= 3 &&
          keys_.Find(mop[1]) == key) {
        const kvclient::Json& x = mop[2];
        const kvclient::Json& msg = x.is_array() && x.size() == 2 ? x[1] : x;
        if (values_.Find(msg) == value) return static_cast<int64_t>(i);
      }
      if (!send && mop[0] == "poll" && mop[1].is_object()) {
        auto it = mop[1].find(keys_.json(key).is_string()
                                  ? keys_.json(key).get<std::string>()
                                  : keys_.json(key).dump());
        if (it == mop[1].end() || !it->is_array()) continue;
        for (const auto& pair : *it) {
          if (pair.is_array() && pair.size() >= 2 &&
              values_.Find(pair[1]) == value) {
            return static_cast<int64_t>(i);
          }
        }
      }
    }
    return -1;
  }

  class WrExplainer : public elle::PairExplainer {
   public:
    WrExplainer(const Analysis& a, const std::vector<uint32_t>& vertex_op)
        : a_(a), op_(vertex_op) {}
    absl::optional<elle::Step> Explain(uint32_t x, uint32_t y) const override {
      const uint32_t writer = op_[x], reader = op_[y];
      for (const auto& [key, vs] : a_.Reads(a_.ops_[reader])) {
        for (uint32_t v : vs) {
          auto w = a_.writer_of_.find(Pack(key, v));
          if (w == a_.writer_of_.end() || w->second != writer) continue;
          elle::Step s{elle::kWR, Edn::Map()};
          s.data.Put("type", Edn::Keyword("wr"))
              .Put("key", a_.Key(key))
              .Put("value", a_.Value(v))
              .Put("a-mop-index", Edn::Int(a_.MopIndex(writer, true, key, v)))
              .Put("b-mop-index", Edn::Int(a_.MopIndex(reader, false, key, v)));
          return s;
        }
      }
      return absl::nullopt;
    }

   private:
    const Analysis& a_;
    const std::vector<uint32_t>& op_;
  };

  // Elle over the send/poll/txn ops: ww (none: no :ww-deps), wr, and the
  // realtime graph strict-serializable's reportable anomalies ask for.
  elle::Anomalies Cycles() const {
    std::vector<uint32_t> vertex_op;
    std::vector<int64_t> vertex_of(ops_.size(), -1);
    std::vector<elle::Op> eops;
    for (uint32_t i = 0; i < ops_.size(); ++i) {
      const KOp& op = ops_[i];
      if (op.fn != Fn::kSend && op.fn != Fn::kPoll && op.fn != Fn::kTxn) {
        continue;
      }
      vertex_of[i] = static_cast<int64_t>(vertex_op.size());
      vertex_op.push_back(i);
      eops.push_back({op.index, op.invoke_index, op.process, op.type});
    }
    elle::Digraph::Builder b(static_cast<uint32_t>(vertex_op.size()));
    for (const auto& [kv, readers] : readers_of_) {
      const uint32_t writer = writer_of_.at(kv);
      if (vertex_of[writer] < 0) continue;
      for (uint32_t r : readers) {
        if (r == writer || vertex_of[r] < 0) continue;
        b.Link(static_cast<uint32_t>(vertex_of[writer]),
               static_cast<uint32_t>(vertex_of[r]), elle::kWR);
      }
    }
    elle::AddRealtimeEdges(eops, &b);
    const elle::Digraph g = std::move(b).Build();
    elle::OpPrinter print = [this](int64_t index) { return PrintIndex(index); };
    WrExplainer wr(*this, vertex_op);
    elle::OrderExplainer realtime(eops, elle::kRealtime, print);
    elle::CombinedExplainer explainer({&wr, &realtime});
    return elle::FindCycles(
        g, explainer, [&](uint32_t v) { return eops[v].index; }, print,
        o_.cycle);
  }

  const sim::History& h_;
  const KafkaCheckOptions& o_;
  const std::vector<int64_t> process_;
  std::vector<KOp> ops_;
  std::vector<PollKey> poll_keys_;
  std::vector<Pair> polled_, sends_;
  elle::JsonInterner keys_, values_;
  absl::flat_hash_map<uint64_t, uint32_t> writer_of_;
  absl::flat_hash_map<uint64_t, std::vector<uint32_t>> readers_of_;
  absl::flat_hash_set<uint64_t> ok_reads_, failed_writes_;
  std::map<uint32_t, Order> orders_;
  absl::flat_hash_map<uint64_t, int64_t> by_value_;
  mutable std::vector<size_t> inconsistent_sizes_;
};

using Cases = std::vector<std::pair<std::function<Edn()>, int64_t>>;

// condense-error's :errs: (take n (sort-by k errs)) or take-last; only the
// kept cases are rendered.
Edn Take(Cases cases, size_t n, bool last, bool sort) {
  if (sort) {
    std::stable_sort(
        cases.begin(), cases.end(),
        [](const auto& a, const auto& b) { return a.second < b.second; });
  }
  const size_t from = last && cases.size() > n ? cases.size() - n : 0;
  const size_t to = last ? cases.size() : std::min(n, cases.size());
  Edn out = Edn::List();
  for (size_t i = from; i < to; ++i) out.Add(cases[i].first());
  return out;
}

Edn Condensed(int64_t count, Edn errs) {
  Edn m = Edn::Map();
  m.Put("count", Edn::Int(count)).Put("errs", std::move(errs));
  return m;
}

template <typename C>
Cases ToCases(std::vector<C> cs) {
  Cases out;
  for (auto& c : cs) out.push_back({std::move(c.render), c.delta});
  return out;
}

Edn Seq(const std::vector<Edn>& items, bool list) {
  Edn out = list ? Edn::List() : Edn::Vector();
  for (const Edn& e : items) out.Add(e);
  return out;
}

// The found anomalies, type -> condensed; the first added of a type stays.
using Errors = std::map<std::string, Edn>;

void AddError(Errors* errors, const std::string& type, Edn condensed) {
  errors->emplace(type, std::move(condensed));
}

// Skip-like cases keep the last 8 (take-last), the others the first 8.
void AddCases(Errors* errors, const std::string& type,
              const std::vector<Analysis::Case>& cases, bool last) {
  if (cases.empty()) return;
  AddError(errors, type,
           Condensed(cases.size(), Take(ToCases(cases), 8, last, true)));
}

void AddSeq(Errors* errors, const std::string& type,
            const std::vector<Edn>& items, bool list) {
  if (items.empty()) return;
  AddError(errors, type, Condensed(items.size(), Seq(items, list)));
}

void AddDuplicates(const Analysis& a, Errors* errors) {
  auto dups = a.Duplicates();
  if (dups.empty()) return;
  const int64_t n = static_cast<int64_t>(dups.size());
  AddError(errors, "duplicate",
           Condensed(n, Take(ToCases(std::move(dups)), 32, false, true)));
}

// Skips and nonmonotonic offsets within one op's polls or sends.
void AddInternalCases(const Analysis& a, Errors* errors) {
  std::vector<Analysis::Case> poll_skip, poll_nm, send_skip, send_nm;
  a.IntPollCases(&poll_skip, &poll_nm);
  AddCases(errors, "int-poll-skip", poll_skip, true);
  AddCases(errors, "int-nonmonotonic-poll", poll_nm, false);
  a.IntSendCases(&send_skip, &send_nm);
  AddCases(errors, "int-send-skip", send_skip, true);
  AddCases(errors, "int-nonmonotonic-send", send_nm, false);
}

void AddInconsistentOffsets(const Analysis& a, Errors* errors) {
  std::vector<Edn> io = a.InconsistentOffsets();
  if (io.empty()) return;
  Cases cases;
  for (size_t i = 0; i < io.size(); ++i) {
    Edn e = io[i];
    cases.push_back(
        {[e] { return e; }, static_cast<int64_t>(a.inconsistent_sizes_[i])});
  }
  AddError(errors, "inconsistent-offsets",
           Condensed(io.size(), Take(std::move(cases), 32, false, true)));
}

// Skips and nonmonotonic offsets between ops of one process.
void AddProcessCases(const Analysis& a, Errors* errors) {
  std::vector<Analysis::Case> skip, nm, send_nm;
  a.PollCases(&skip, &nm);
  a.SendCases(&send_nm);
  AddCases(errors, "nonmonotonic-poll", nm, false);
  AddCases(errors, "nonmonotonic-send", send_nm, false);
  AddCases(errors, "poll-skip", skip, true);
}

// Messages acknowledged but never polled by the end; counts them into
// result->unseen_messages.
void AddUnseen(const Analysis& a, Errors* errors, KafkaResult* result) {
  Analysis::Unseen u = a.LastUnseen();
  Edn counts = Edn::Map(), messages = Edn::Map();
  bool any = false;
  std::vector<uint32_t> keys;
  for (const auto& [key, vs] : u.messages) keys.push_back(key);
  std::sort(keys.begin(), keys.end(),
            [&](uint32_t x, uint32_t y) { return a.keys_.Less(x, y); });
  for (uint32_t key : keys) {
    const auto& vs = u.messages[key];
    if (vs.empty()) continue;
    any = true;
    result->unseen_messages += static_cast<int64_t>(vs.size());
    counts.PutKey(a.Key(key), Edn::Int(static_cast<int64_t>(vs.size())));
    Edn first = Edn::List();
    for (size_t i = 0; i < vs.size() && i < 32; ++i) first.Add(a.Value(vs[i]));
    messages.PutKey(a.Key(key), std::move(first));
  }
  if (!any) return;
  Edn e = Edn::Map();
  e.Put("time", Edn::Int(u.time))
      .Put("unseen", std::move(counts))
      .Put("messages", std::move(messages));
  AddError(errors, "unseen", std::move(e));
}

// G0 and G1c cycles are condensed to the 8 shortest; the others kept whole.
void AddCycles(const Analysis& a, Errors* errors) {
  elle::Anomalies cycles = a.Cycles();
  if (cycles.empty_transaction_graph) {
    AddError(errors, "empty-transaction-graph", Condensed(1, Edn::Bool(true)));
  }
  for (auto& [type, cases] : cycles.cases) {
    const bool g0g1c = type == "G0" || type == "G0-process" ||
                       type == "G0-realtime" || type == "G1c" ||
                       type == "G1c-process" || type == "G1c-realtime";
    const int64_t n = static_cast<int64_t>(cases.size());
    if (g0g1c) {
      Cases cs;
      for (auto& c : cases) {
        Edn e = std::move(c.edn);
        cs.push_back({[e] { return e; }, static_cast<int64_t>(c.steps)});
      }
      AddError(errors, type, Condensed(n, Take(std::move(cs), 8, false, true)));
    } else {
      Edn v = Edn::Vector();
      for (auto& c : cases) v.Add(std::move(c.edn));
      AddError(errors, type, Condensed(n, std::move(v)));
    }
  }
}

// Fills result's error types and validity; returns the :error-types and
// :bad-error-types lists of the results map.
std::pair<Edn, Edn> ClassifyErrors(const Errors& errors, KafkaResult* result) {
  // kafka.clj allowed-error-types under Maelstrom (:sub-via #{:assign}, no
  // :ww-deps).
  static const std::set<std::string> kAllowed = {
      "int-send-skip",     "G0",
      "G0-process",        "G0-realtime",
      "PL-1-cycle-exists", "strong-PL-1-cycle-exists"};
  Edn error_types = Edn::List(), bad_types = Edn::List();
  for (const auto& [type, e] : errors) {
    result->error_types.push_back(type);
    error_types.Add(Edn::Keyword(type));
    if (kAllowed.count(type)) continue;
    result->bad_error_types.push_back(type);
    bad_types.Add(Edn::Keyword(type));
  }
  result->valid = result->bad_error_types.empty() ? sim::Validity::kTrue
                                                  : sim::Validity::kFalse;
  return {std::move(error_types), std::move(bad_types)};
}

// The :worst-realtime-lag map; sets result->worst_realtime_lag_s.
Edn WorstRealtimeLagEdn(const Analysis& a, KafkaResult* result) {
  Analysis::Lag lag = a.WorstRealtimeLag();
  Edn worst = Edn::Map();
  // :time and :process as the run's Jepsen history has them (the printed
  // invocation), which the history alone does not know.
  const Edn invocation = lag.any ? a.PrintIndex(lag.invoke_index) : Edn::Nil();
  const int64_t time_ns = elle::IntField(invocation, "time").value_or(lag.time);
  worst.Put("time", Edn::Double(lag.any ? time_ns / 1e9 : 0.0));
  if (lag.any) {
    worst
        .Put("process",
             Edn::Int(
                 elle::IntField(invocation, "process").value_or(lag.process)))
        .Put("key", a.Key(lag.key));
  }
  worst.Put("lag", Edn::Double(lag.any ? lag.lag / 1e9 : 0.0));
  result->worst_realtime_lag_s = lag.any ? lag.lag / 1e9 : 0.0;
  return worst;
}

// The distinct errors of :info txn/send/poll completions, in history order.
Edn InfoTxnCauses(const sim::History& history) {
  Edn causes = Edn::List();
  std::set<std::string> seen;
  for (const auto& e : history) {
    if (e.type != sim::EventType::kInfo ||
        (e.f != "txn" && e.f != "send" && e.f != "poll")) {
      continue;
    }
    if (seen.insert(e.error).second) causes.Add(Edn::String(e.error));
  }
  return causes;
}

// The analysis threw: validity :unknown and the message.
KafkaResult Unknown(KafkaResult result, const std::string& message) {
  result.valid = sim::Validity::kUnknown;
  result.error = message;
  result.results = Edn::Map();
  result.results.Put("valid?", Edn::Keyword("unknown"))
      .Put("error", Edn::String(message));
  return result;
}

}  // namespace

KafkaResult CheckKafka(const sim::History& history,
                       const KafkaCheckOptions& options) {
  KafkaResult result;
  Analysis a(history, options);
  a.Index();
  if (auto e = a.CheckWriters()) return Unknown(result, e->message);
  a.VersionOrders();

  Errors errors;
  AddDuplicates(a, &errors);
  AddInternalCases(a, &errors);
  AddInconsistentOffsets(a, &errors);
  AddSeq(&errors, "precommitted-read", a.PrecommittedReads(), false);
  AddSeq(&errors, "G1a", a.G1a(), true);
  std::vector<Edn> lost;
  if (auto e = a.LostWrites(&lost)) return Unknown(result, e->message);
  result.lost_writes = static_cast<int64_t>(lost.size());
  AddSeq(&errors, "lost-write", lost, true);
  AddProcessCases(a, &errors);
  AddUnseen(a, &errors, &result);
  AddCycles(a, &errors);

  auto [error_types, bad_types] = ClassifyErrors(errors, &result);
  Edn worst = WorstRealtimeLagEdn(a, &result);
  Edn r = Edn::Map();
  r.Put("valid?", elle::ValidityEdn(result.valid))
      .Put("worst-realtime-lag", std::move(worst))
      .Put("bad-error-types", std::move(bad_types))
      .Put("error-types", std::move(error_types))
      .Put("info-txn-causes", InfoTxnCauses(history));
  for (auto& [type, e] : errors) r.Put(type, std::move(e));
  result.results = std::move(r);
  return result;
}

}  // namespace kafka
}  // namespace workloads
