// libFuzzer target for the counter node core (counter::Node), driven the way
// the stdio driver drives it, against a model of seq-kv that the fuzzer
// controls. The input is a script: a mode byte, then events of one opcode
// byte and a few argument bytes each (see Event). Missing bytes read as 0, so
// every input is a valid script and seeds are easy to write by hand. Mode
// bits: 1 pn-counter, 2 replies to a dead incarnation reach the new one,
// 4 summary dissemination (else peer keys, as in every seed before it),
// 8 summary rounds without jitter, 16 push dissemination (overrides 4).
//
// The world: the node is "n1"; clients c0..c3 send add/read (valid and odd),
// init (valid and odd), unknown types; seq-kv is Maelstrom's own model
// (//sim/maelstrom:kv_service: per-caller versions, stale answers, the
// version picked by the script) and the fuzzer decides, per
// request, to answer it, apply it and lose the reply, lose it unapplied, or
// garble the reply (an indefinite error, a malformed body). Other nodes write
// their own keys (valid entries or garbage); time advances by ticks that
// honour the node's wake_at; the node restarts (new incarnation, empty
// memory) while its requests are still in the network. The KV never lies: a
// definite error or a value is only ever what the store holds, except a
// garbled read value no node ever writes ({"total":"x"}, as sim's kv-garble
// sends), which must never make the node forget a write that may have
// landed.
//
// In summary mode the peers also publish [n, total] into "counter/summary",
// as a correct node would: an atomic merge by n of their own entry (their
// newest, or an older one whose push was late) into the newest summary,
// keeping every well-formed entry they have seen. A peer's write publishes at
// once or not (then a later summary event, or none, does); opcode 13 (a read
// in peer-keys mode) becomes a summary event there, with two argument bytes:
// a publish, or garbage (a non-object, a malformed member, an entry of a node
// outside the cluster).
//
// In push mode the peers push views to n1 (opcode 13 there): their newest
// entry, an older one (late, reordered), malformed members, members of
// nodes outside the cluster, or a push from a stranger; n1's pushes to n0
// and n2 are checked like summary pushes (below).
//
// Invariants (a violation aborts with "node invariant violated: ..."):
//   - every message the node sends is one valid Maelstrom line from n1, to a
//     client that asked or to seq-kv; KV writes touch only its own key, and
//     in summary mode the summary, always by cas (peer-keys mode never even
//     reads it);
//   - a summary push cas-es from a value the summary held (or from null with
//     create_if_not_exists), names only n1 and its peers, in well-formed
//     [n, total] entries; for every node the value it cas-es from has a
//     well-formed entry for, it pushes one with at least that n (knowledge in
//     the summary never goes backwards); its own entry is a pair (n, total)
//     its own key held before the push was sent, and a peer's entry is a
//     pair that peer wrote;
//   - every client request gets at most one reply, of a shape Maelstrom
//     accepts, with the error code the request deserves (11 before init, 10
//     unknown type, 12 malformed, ...); reads and inits are answered at once;
//   - every add is answered no later than its deadline, never after it;
//   - add_ok only when seq-kv's newest value of the own key includes that
//     delta: own total - acknowledged deltas must be a subset-sum of the
//     unacknowledged adds that may have landed, checked at every add_ok and
//     at the end (so no acknowledged delta is ever lost or counted twice);
//   - g-counter reads never go backwards within an incarnation and never
//     exceed what seq-kv holds;
//   - after the script, with seq-kv answering everything for 6 s (in summary
//     mode the peers first publish their newest entries), a read returns
//     exactly the sum of the keys (or 11 if that sum is not an int64), and in
//     summary mode the summary then holds n1's own current total.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "counter/node.h"
#include "counter/stdio_driver.h"
#ifdef FUZZ_BUG
#include "counter/testonly_variants.h"
#endif
#include "kvclient/counter_ops.h"
#include "kvclient/message.h"
#include "sim/maelstrom/kv_service.h"
#include "sim/maelstrom/node_line.h"

namespace {

using kvclient::Json;
using Int = __int128;  // model arithmetic never overflows

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
const absl::Duration kKvTimeout = absl::Milliseconds(1000);
const absl::Duration kAddDeadline = absl::Milliseconds(4000);
const absl::Duration kRefresh = absl::Milliseconds(500);
const char kOwnKey[] = "counter/n1";
const char kSummaryKey[] = "counter/summary";

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "node invariant violated: %s\n", what.c_str());
  std::abort();
}

// FUZZ_TRACE=1 fuzz/run.sh repro node FILE prints the run as a transcript.
const bool kTrace = std::getenv("FUZZ_TRACE") != nullptr;

void Trace(absl::Time now, absl::string_view what, absl::string_view line) {
  if (!kTrace) return;
  std::fprintf(stderr, "%6lld ms %s %s\n",
               static_cast<long long>(absl::ToUnixMillis(now)),
               std::string(what).c_str(), std::string(line).c_str());
}

// Builds the message only when the check fails (this runs millions of times).
#define EXPECT_OR_FAIL(cond, ...)                 \
  do {                                            \
    if (!(cond)) Fail(absl::StrCat(__VA_ARGS__)); \
  } while (0)

std::string Str(Int v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  std::string s;
  for (; v != 0; v /= 10)
    s.insert(s.begin(), char('0' + int(neg ? -(v % 10) : v % 10)));
  return neg ? "-" + s : s;
}

bool FitsInt64(Int v) { return v >= kMin && v <= kMax; }

// The script. Reads past the end give 0.
class Script {
 public:
  Script(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  size_t Pick(size_t n) { return n == 0 ? 0 : Byte() % n; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// True when `target` is the sum of some subset of `deltas`. Exact while the
// set of sums stays small; beyond that, only the interval is checked.
bool SubsetSum(const std::vector<Int>& deltas, Int target) {
  Int lo = 0, hi = 0;
  for (Int d : deltas) (d < 0 ? lo : hi) += d;
  if (target < lo || target > hi) return false;
  std::set<Int> sums{0};
  for (Int d : deltas) {
    if (d == 0) continue;
    std::vector<Int> next(sums.begin(), sums.end());
    for (Int s : next) sums.insert(s + d);
    if (sums.size() > 4096) return true;
  }
  return sums.count(target) > 0;
}

// A summary member as a correct node writes it: [n, total], n > 0.
struct Pair {
  int64_t n = 0;
  int64_t total = 0;
  bool operator<(const Pair& o) const {
    return n != o.n ? n < o.n : total < o.total;
  }
};
using Members = std::map<std::string, Pair>;

absl::optional<Pair> MemberOf(const Json& v) {
  if (!v.is_array() || v.size() != 2 || !kvclient::IsInt64(v[0]) ||
      !kvclient::IsInt64(v[1]) || v[0].get<int64_t>() <= 0) {
    return absl::nullopt;
  }
  return Pair{v[0].get<int64_t>(), v[1].get<int64_t>()};
}

// The well-formed members of a summary value (none for a non-object).
Members MembersOf(const Json* summary) {
  Members out;
  if (summary == nullptr || !summary->is_object()) return out;
  for (auto it = summary->begin(); it != summary->end(); ++it) {
    if (auto m = MemberOf(it.value())) out[it.key()] = *m;
  }
  return out;
}

// Knowledge merges by n: the higher n wins.
void Merge(Members& into, const std::string& node, Pair pair) {
  auto it = into.find(node);
  if (it == into.end() || pair.n > it->second.n) into[node] = pair;
}

Json EncodeMembers(const Members& members) {
  Json out = Json::object();
  for (const auto& [node, pair] : members) out[node] = {pair.n, pair.total};
  return out;
}

// seq-kv is Maelstrom's, the shared model (sim/maelstrom/kv_service.h:
// service.clj Sequential/handle!, the last 32 versions, per-caller
// last-seen), with the version a request sees chosen by the script's byte
// (HandleWithPick) where Maelstrom draws rand-int.

// Another node writing its key: on the newest version.
void PeerWriteKv(sim::SeqKv& kv, const std::string& caller,
                 const std::string& key, Json value) {
  const uint64_t newest =
      static_cast<uint64_t>(kv.newest_index() - kv.last_seen(caller));
  kv.HandleWithPick(
      caller, {{"type", "write"}, {"key", key}, {"value", std::move(value)}},
      newest);
}

// What the model expects as the answer to one client request.
enum class Want {
  kAddOutcome,   // add_ok, error 0 at the deadline, or 12 on overflow
  kReadOutcome,  // read_ok or error 11, at once
  kInitOk,       // init_ok at once
  kError,        // error `code` at once
  kNothing,      // no reply at all
};

struct Request {
  std::string client;
  int64_t msg_id = 0;
  Want want = Want::kNothing;
  int code = 0;   // for kError
  Int delta = 0;  // for kAddOutcome
  absl::Time arrived;
  int incarnation = 0;
  int replies = 0;
  bool acked = false;
  bool excluded = false;  // a definite error: certainly not applied
};

struct KvInFlight {
  Json request;  // the node's body
  int incarnation = 0;
};

class World {
 public:
  explicit World(uint8_t mode)
      : pn_(mode & 1),
        old_replies_reach_new_(mode & 2),
        summary_((mode & 4) && !(mode & 16)),
        jitter_(!(mode & 8)),
        push_(mode & 16) {
    Start();
  }

  void Run(Script& script) {
    for (int events = 0; !script.done() && events < 2000; ++events) {
      Event(script);
    }
    Quiesce();
  }

 private:
  // ------------------------------------------------------------- events --

  void Event(Script& s) {
    switch (s.Byte() % 16) {
      case 0:
      case 15: ClientAdd(Delta(s.Byte())); break;
      case 1: OddAdd(s.Byte()); break;
      case 2: ClientRead(s.Byte()); break;
      case 13:
        if (summary_) {
          uint8_t b = s.Byte();
          SummaryEvent(b, s.Byte());
        } else if (push_) {
          uint8_t b = s.Byte();
          PushEvent(b, s.Byte());
        } else {
          ClientRead(s.Byte());
        }
        break;
      case 3: UnknownType(s.Byte()); break;
      case 4: Init(s.Byte()); break;
      case 5: Deliver(s.Pick(inflight_.size()), s.Byte()); break;
      case 6: ApplyAndLoseReply(s.Pick(inflight_.size()), s.Byte()); break;
      case 7: LoseRequest(s.Pick(inflight_.size())); break;
      case 8: Garble(s.Pick(inflight_.size()), s.Byte(), s.Byte()); break;
      case 9: Duplicate(s.Byte()); break;
      case 10: AdvanceTo(now_ + TickLength(s.Byte())); break;
      case 11: PeerWrite(s.Byte()); break;
      case 12: Restart(); break;
      case 14: AdvanceTo(now_ + absl::Milliseconds(s.Byte())); break;
    }
  }

  // Deltas: mostly Maelstrom's 0..4, then distinct powers of two (so a lost
  // or doubled delta cannot hide in a subset sum), then extremes.
  Int Delta(uint8_t b) {
    if (b < 150) return pn_ ? Int(b % 10) - 5 : Int(b % 5);
    if (b < 213) return Int(1) << (b - 150);
    static const int64_t kExtreme[] = {
        kMax,      kMax - 1, kMax / 2, kMax / 2 + 1, int64_t{1} << 62,    -1,
        -5,        kMin,     kMin + 1, kMin / 2,     -(int64_t{1} << 62), 0,
        1000000007};
    return kExtreme[b % (sizeof kExtreme / sizeof kExtreme[0])];
  }

  absl::Duration TickLength(uint8_t b) {
    static const int kMs[] = {0,    1,    5,    50,   100,  250,
                              499,  500,  501,  999,  1000, 1001,
                              2000, 3999, 4000, 4001, 5000, 10000};
    return absl::Milliseconds(kMs[b % (sizeof kMs / sizeof kMs[0])]);
  }

  std::string Client(uint8_t b) { return absl::StrCat("c", b % 4); }

  void ClientAdd(Int delta) {
    int64_t id = ++msg_ids_;
    Request r = NewRequest("c0", id, Want::kAddOutcome);
    r.delta = delta;
    if (!pn_ && delta < 0) {
      r.want = Want::kError;
      r.code = 12;
    }
    if (delta > kMax || delta < kMin) Fail("model made an out-of-range delta");
    Send(std::move(r),
         absl::StrCat(
             R"({"src":"c0","dest":"n1","body":{"type":"add","msg_id":)", id,
             R"(,"delta":)", Str(delta), "}}"));
  }

  // Adds a real client would not send. Each row: the body text after
  // `"type":"add",` and the answer it deserves once the node is initialized
  // (`unparsable`: a line ParseMessage refuses, which the stdio driver
  // answers with 12 before and after init, from the envelope it still
  // names: kvclient/envelope.h).
  void OddAdd(uint8_t b) {
    struct Row {
      absl::string_view fields;  // %ID% is replaced by the msg_id
      Want want;
      int code;
      int64_t delta;
      bool unparsable = false;
    };
    static const std::string kNul(1, '\0');
    static const std::string kNulRow =
        R"("msg_id":%ID%,"delta":1,"x":"a)" + kNul + R"(b")";
    static const std::string kBigRow =
        R"("msg_id":%ID%,"delta":1)" + std::string(400, '0');
    static const Row kRows[] = {
        {R"("msg_id":%ID%,"delta":"3")", Want::kError, 12, 0},
        {R"("msg_id":%ID%,"delta":3.0)", Want::kError, 12, 0},
        {R"("msg_id":%ID%,"delta":3.5)", Want::kError, 12, 0},
        {R"("msg_id":%ID%,"delta":true)", Want::kError, 12, 0},
        {R"("msg_id":%ID%,"delta":null)", Want::kError, 12, 0},
        {R"("msg_id":%ID%)", Want::kError, 12, 0},
        {R"("msg_id":%ID%,"delta":9223372036854775808)", Want::kError, 12, 0},
        {R"("msg_id":%ID%,"delta":-9223372036854775809)", Want::kError, 12, 0},
        {R"("msg_id":%ID%,"delta":1e999)", Want::kError, 12, 0, true},
        {R"("msg_id":%ID%,"delta":[1])", Want::kError, 12, 0},
        {R"("delta":1)", Want::kNothing, 0, 0},                  // no msg_id
        {R"("msg_id":"%ID%","delta":1)", Want::kNothing, 0, 0},  // unparsable
        {R"("msg_id":%ID%,"delta":2,"extra":[{}])", Want::kAddOutcome, 0, 2},
        {R"("msg_id":%ID%,"delta":1,"in_reply_to":3)", Want::kNothing, 0, 0},
        // Issue 20 (bytes 224..255 only, so the corpus keeps its meaning):
        // invalid JSON that still names its sender and msg_id.
        {R"("msg_id":%ID%,"delta":1,"x":"\ud800")", Want::kError, 12, 0, true},
        {"\"msg_id\":%ID%,\"delta\":1,\"x\":\"\xff\xc0\"", Want::kError, 12, 0,
         true},
        {kNulRow, Want::kError, 12, 0, true},  // (a raw NUL: not a C string)
        {kBigRow, Want::kError, 12, 0, true},
        // A msg_id beyond int64: answered exactly (a 2^63 + id, see below).
        {R"("msg_id":%BIG%,"delta":1)", Want::kError, 12, 0, true},
        {R"("msg_id":1%ID%e3,"delta":1)", Want::kNothing, 0, 0},  // a float
    };
    constexpr int kOldRows = 14;
    constexpr int kRowCount = sizeof kRows / sizeof kRows[0];
    const Row& row =
        b < 16 * kOldRows
            ? kRows[b % kOldRows]
            : kRows[kOldRows + (b - 16 * kOldRows) % (kRowCount - kOldRows)];
    int64_t id = ++msg_ids_;
    std::string client = Client(b >> 4);
    Request r = NewRequest(client, id, row.want);
    r.code = row.code;
    r.delta = row.delta;
    std::string fields(row.fields);
    size_t at = fields.find("%ID%");
    if (at != std::string::npos) fields.replace(at, 4, absl::StrCat(id));
    at = fields.find("%BIG%");
    if (at != std::string::npos) {
      // Its reply's in_reply_to is 2^63 + id; the model files it under -id.
      fields.replace(at, 5, absl::StrCat(uint64_t{1} << 63 | uint64_t(id)));
      r.msg_id = -id;
    }
    // A msg_id that is not an integer fails ParseMessage; the driver cannot
    // answer it either (no usable msg_id), so nobody is owed a reply.
    Send(std::move(r),
         absl::StrCat(R"({"src":")", client,
                      R"(","dest":"n1","body":{"type":"add",)", fields, "}}"),
         /*needs_init=*/!row.unparsable);
  }

  void ClientRead(uint8_t b) {
    int64_t id = ++msg_ids_;
    std::string client = Client(b);
    Send(NewRequest(client, id, Want::kReadOutcome),
         absl::StrCat(R"({"src":")", client,
                      R"(","dest":"n1","body":{"type":"read","msg_id":)", id,
                      b & 4 ? R"(,"extra":1})" : "}", "}"));
  }

  void UnknownType(uint8_t b) {
    static const char* kTypes[] = {"echo",     "",        "add_ok",
                                   "cas",      "read_ok", "generate",
                                   "topology", "init_ok"};
    int64_t id = ++msg_ids_;
    Request r = NewRequest("c1", id, Want::kError);
    r.code = 10;
    Send(std::move(r),
         absl::StrCat(R"({"src":"c1","dest":"n1","body":{"type":")",
                      kTypes[b % 8], R"(","msg_id":)", id, "}}"));
  }

  // Init variants. Only the first valid init of an incarnation decides the
  // peers; the node id is always n1 so the model's keys stay put.
  void Init(uint8_t b) {
    static const char* kPeers[] = {R"(["n0","n1","n2"])", R"(["n1"])",
                                   R"(["n1","n0","n0","n1"])",
                                   R"(["n2","n1"])"};
    int64_t id = ++msg_ids_;
    std::string ids = kPeers[b % 4];
    Request r = NewRequest("c9", id, Want::kInitOk);
    std::string body;
    switch ((b >> 2) % 6) {
      case 0:
      case 1:
        body = absl::StrCat(R"("node_id":"n1","node_ids":)", ids,
                            R"(,"msg_id":)", id);
        break;
      case 2:  // another id: allowed only as the first init, which we avoid
        if (!initialized_) return Init(b & 3);
        body = absl::StrCat(
            R"("node_id":"n2","node_ids":["n1","n2"],"msg_id":)", id);
        r.want = Want::kError;
        r.code = 12;
        break;
      case 3:
        body = absl::StrCat(R"("node_id":"n1","msg_id":)", id);
        r.want = Want::kError;
        r.code = 12;
        break;
      case 4:
        body =
            absl::StrCat(R"("node_id":"n1","node_ids":["n0",1],"msg_id":)", id);
        r.want = Want::kError;
        r.code = 12;
        break;
      case 5:  // no msg_id: the node initializes but cannot answer
        body = absl::StrCat(R"("node_id":"n1","node_ids":)", ids);
        r.want = Want::kNothing;
        break;
    }
    bool valid = r.want == Want::kInitOk || (r.want == Want::kNothing);
    if (valid && !initialized_) {
      initialized_ = true;
      peers_ = PeersOf(b % 4);
    }
    Send(std::move(r),
         absl::StrCat(R"({"src":"c9","dest":"n1","body":{"type":"init",)", body,
                      "}}"),
         /*needs_init=*/false);
  }

  static std::vector<std::string> PeersOf(int variant) {
    switch (variant) {
      case 0: return {"n0", "n2"};
      case 1: return {};
      case 2: return {"n0"};
      default: return {"n2"};
    }
  }

  // ------------------------------------------------------------ seq-kv --

  void Deliver(size_t i, uint8_t pick) {
    if (i >= inflight_.size()) return;
    KvInFlight call = Take(i);
    absl::optional<Json> reply = kv_.HandleWithPick("n1", call.request, pick);
    AfterKvChange();
    // Maelstrom's services send nothing back for an unknown request type.
    if (reply.has_value()) ReplyFromKv(call, std::move(*reply));
  }

  void ApplyAndLoseReply(size_t i, uint8_t pick) {
    if (i >= inflight_.size()) return;
    Trace(now_, "**",
          "seq-kv applies, reply lost: " + inflight_[i].request.dump());
    kv_.HandleWithPick("n1", Take(i).request, pick);
    AfterKvChange();
  }

  void LoseRequest(size_t i) {
    if (i < inflight_.size()) {
      Trace(now_, "**", "request lost: " + inflight_[i].request.dump());
    }
    if (i < inflight_.size()) Take(i);
  }

  // A reply the node cannot trust: an indefinite error or a malformed body,
  // with the request applied or not (either is possible for those). Definite
  // errors are sent only unapplied: then they are true.
  void Garble(size_t i, uint8_t how, uint8_t pick) {
    if (i >= inflight_.size()) return;
    static const char* kBodies[] = {
        R"({"type":"error","code":0,"text":"timeout"})",
        R"({"type":"error","code":13,"text":"crash"})",
        R"({"type":"error","code":99})",
        R"({"type":"error","code":"22"})",
        R"({"type":"error"})",
        R"({"type":"bogus_ok"})",
        R"({"type":"read_ok"})",
        R"({"type":"write_ok"})",
        R"({"type":"cas_ok"})",
        R"({"type":"error","code":11})",  // definite: never applied
        R"({"type":"error","code":14})",
        R"({"type":"error","code":30})",
    };
    size_t row = how % (sizeof kBodies / sizeof kBodies[0]);
    KvInFlight call = Take(i);
    bool definite = row >= 9;
    // A read_ok whose value no node writes (kv-garble's bad value; issue
    // 20): bit 0x40 of row 6, which no older corpus input sets.
    if (row == 6 && (how & 0x40)) {
      if (how & 0x80) {  // applied (a cas, say), then its reply garbled
        kv_.HandleWithPick("n1", call.request, pick);
        AfterKvChange();
      }
      ReplyFromKv(call,
                  Json::parse(R"({"type":"read_ok","value":{"total":"x"}})"));
      return;
    }
    std::string type = call.request["type"];
    // A bare cas_ok/write_ok is only garbage for a request of another type.
    if ((row == 7 && type == "write") || (row == 8 && type == "cas")) return;
    if (!definite && (how & 0x80)) {
      Trace(now_, "**",
            "seq-kv applies, garbles reply: " + call.request.dump());
      kv_.HandleWithPick("n1", call.request, pick);
      AfterKvChange();
    }
    ReplyFromKv(call, Json::parse(kBodies[row]));
  }

  // A reply delivered twice, or a reply to a request that never existed.
  void Duplicate(uint8_t b) {
    if (b & 1 || past_replies_.empty()) {
      Json body = {{"type", "cas_ok"}, {"in_reply_to", 1000000 + b}};
      StepLine(absl::StrCat(R"({"src":"seq-kv","dest":"n1","body":)",
                            body.dump(), "}"));
      return;
    }
    StepLine(past_replies_[(b >> 1) % past_replies_.size()]);
  }

  void ReplyFromKv(const KvInFlight& call, Json body) {
    body["in_reply_to"] = call.request["msg_id"];
    std::string line = absl::StrCat(R"({"src":"seq-kv","dest":"n1","body":)",
                                    body.dump(), "}");
    if (call.incarnation != incarnation_) {
      Trace(now_, "**",
            absl::StrCat("reply to an earlier incarnation",
                         old_replies_reach_new_ ? "" : " (dropped)"));
      // The old process is gone; its replies reach the new one only in the
      // networks where the id, not the process, is the address.
      if (old_replies_reach_new_) StepLine(line);
      return;
    }
    if (past_replies_.size() < 64) past_replies_.push_back(line);
    StepLine(line);
  }

  KvInFlight Take(size_t i) {
    KvInFlight call = std::move(inflight_[i]);
    inflight_.erase(inflight_.begin() + i);
    return call;
  }

  // Other nodes own n0 and n2. g-counter peers only grow, so reads can be
  // bounded; garbage stays until the next valid write. In summary mode, bit
  // 0x10 of a valid write also publishes it at once.
  void PeerWrite(uint8_t b) {
    std::string peer = b & 1 ? "n0" : "n2";
    Peer& p = peer_state_[peer];
    int kind = (b >> 1) % 8;
    if (kind < 5) {
      Int next = p.total + (pn_ ? kind - 2 : kind);
      if (!FitsInt64(next)) return;
      p.total = next;
    } else if (kind == 5) {
      p.total = pn_ && (b & 0x80) ? kMin + 3 : kMax - 3;
    } else if (kind == 6) {
      static const char* kGarbage[] = {R"("x")", R"({"total":"1","tag":"a"})",
                                       "3", R"({"total":1})"};
      p.garbage = true;
      PeerWriteKv(kv_, peer, "counter/" + peer, Json::parse(kGarbage[b >> 6]));
      Trace(now_, "**", peer + " writes garbage");
      return;
    }
    p.garbage = false;
    p.max_total = std::max(p.max_total, p.total);
    Trace(now_, "**", absl::StrCat(peer, " writes its total ", Str(p.total)));
    PeerWriteKv(kv_, peer, "counter/" + peer,
                {{"total", static_cast<int64_t>(p.total)},
                 {"tag", absl::StrCat(peer, ".", ++p.writes)},
                 {"n", p.writes}});
    Pair pair{p.writes, static_cast<int64_t>(p.total)};
    p.history.push_back(pair);
    p.wrote.insert(pair);
    if (summary_ && (b & 0x10)) Publish(peer, pair);
  }

  // A correct peer's summary push, modelled as one atomic step: it merges,
  // by n, the well-formed entries of the cluster's nodes in the newest
  // summary into what it knows, adds `pair` (its own entry), and writes all
  // of it. Malformed members and entries of other nodes are dropped, as
  // counter::Node drops them.
  void Publish(const std::string& peer, Pair pair) {
    Peer& p = peer_state_[peer];
    for (const auto& [node, m] : MembersOf(kv_.NewestValue(kSummaryKey))) {
      if (node == "n0" || node == "n1" || node == "n2") Merge(p.knows, node, m);
    }
    Merge(p.knows, peer, pair);
    Json value = EncodeMembers(p.knows);
    Trace(now_, "**",
          absl::StrCat(peer, " publishes ", pair.n, ":", pair.total,
                       ", summary ", value.dump()));
    PeerWriteKv(kv_, peer, kSummaryKey, std::move(value));
    RecordKv();
  }

  // Summary mode's opcode 13. `b` picks the event (and a peer), `c` details.
  void SummaryEvent(uint8_t b, uint8_t c) {
    std::string peer = b & 8 ? "n2" : "n0";
    const Peer& p = peer_state_[peer];
    Json next = Json::object();
    const Json* now = kv_.NewestValue(kSummaryKey);
    if (now != nullptr && now->is_object()) next = *now;
    switch (b % 8) {
      case 0:
      case 1:
      case 2:  // the newest entry
        if (!p.history.empty()) Publish(peer, p.history.back());
        return;
      case 3:  // an older one: a push that was late
        if (!p.history.empty()) Publish(peer, p.history[c % p.history.size()]);
        return;
      case 4: {  // garbage replaces it all ({} too: knowledge lost)
        static const char* kValues[] = {
            R"("x")", "3",  "[1,2]",           "null",
            "true",   "{}", R"([["n0",1,2]])", R"({"n0":{"n":1,"total":2}})"};
        next = Json::parse(kValues[c % (sizeof kValues / sizeof kValues[0])]);
        break;
      }
      case 5: {  // one malformed member (for n0, n1, n2 or n0)
        static const char* kMembers[] = {R"("x")",
                                         "[1]",
                                         "[0,5]",
                                         "[-1,5]",
                                         R"([1,"5"])",
                                         "[1.5,2]",
                                         "[1,2,3]",
                                         "{}",
                                         "null",
                                         "[1,9223372036854775808]",
                                         "[9223372036854775808,1]",
                                         "[1,2.0]",
                                         "[true,1]",
                                         "[[1],1]",
                                         "[]",
                                         "-7"};
        static const char* kNodes[] = {"n0", "n1", "n2", "n0"};
        next[kNodes[c & 3]] = Json::parse(kMembers[(c >> 2) % 16]);
        break;
      }
      case 6: {  // a well-formed entry of a node outside the cluster
        static const char* kNodes[] = {"n9", "summary", "", "N1"};
        next[kNodes[c & 3]] = {1 + (c >> 2), 1000000 + c};
        break;
      }
      case 7:  // both peers publish their newest
        for (const char* q : {"n0", "n2"}) {
          if (!peer_state_[q].history.empty()) {
            Publish(q, peer_state_[q].history.back());
          }
        }
        return;
    }
    Trace(now_, "**", "the summary becomes " + next.dump());
    PeerWriteKv(kv_, peer, kSummaryKey, std::move(next));
    RecordKv();
  }

  // Push mode's opcode 13: a peer (or a stranger) pushes a view to n1.
  void PushEvent(uint8_t b, uint8_t c) {
    std::string peer = b & 8 ? "n2" : "n0";
    const Peer& p = peer_state_[peer];
    Json view = Json::object();
    Pair mine{0, 0};
    if (!p.history.empty()) {
      mine = (b % 8) == 1 ? p.history[c % p.history.size()]  // a late one
                          : p.history.back();
    }
    view[peer] = {mine.n, static_cast<int64_t>(mine.total), ++push_beats_};
    std::string src = peer;
    switch (b % 8) {
      case 2: {  // one malformed member
        static const char* kMembers[] = {R"("x")",   "[1,2]",     "[-1,5,1]",
                                         "[1,5,-2]", "[1.5,2,1]", "{}",
                                         "null",     "[1,2,3,4]"};
        static const char* kNodes[] = {"n0", "n1", "n2", "n0"};
        view[kNodes[c & 3]] = Json::parse(kMembers[(c >> 2) % 8]);
        break;
      }
      case 3: {  // a member of a node outside the cluster
        static const char* kNodes[] = {"n9", "summary", "", "N1"};
        view[kNodes[c & 3]] = {1 + (c >> 2), 1000000 + c, 1};
        break;
      }
      case 4:  // from a stranger: ignored
        src = c & 1 ? "n9" : "c1";
        break;
      case 5:  // no view at all
        StepLine(
            absl::StrCat(R"({"src":")", peer,
                         R"(","dest":"n1","body":{"type":"counter_push"}})"));
        return;
      default: break;
    }
    StepLine(absl::StrCat(R"({"src":")", src, R"(","dest":"n1","body":)",
                          Json{{"type", "counter_push"}, {"view", view}}.dump(),
                          "}"));
  }

  // -------------------------------------------------------------- node --

  void Start() {
    counter::Options options;
    options.allow_negative = pn_;
    // Spread like the binary's random incarnations (they pick msg_id ranges).
    options.incarnation = 0x9E3779B97F4A7C15ULL * (incarnation_ + 1);
    options.kv_timeout = kKvTimeout;
    options.add_deadline = kAddDeadline;
    options.refresh_interval = kRefresh;
    options.dissemination = push_      ? counter::Dissemination::kPush
                            : summary_ ? counter::Dissemination::kSummary
                                       : counter::Dissemination::kPeerKeys;
    options.jitter_summary_rounds = jitter_;
#ifdef FUZZ_BUG
    // fuzz/run.sh builds the test-only variants for FUZZ_BUG=...
    node_ = counter::MakeVariantCore(options, counter::Strategy::kOwnKeys,
                                     *counter::ParseBug(FUZZ_BUG));
#else
    node_ = std::make_unique<counter::Node>(options);
#endif
    wake_at_.reset();
    initialized_ = false;
    last_read_.reset();
  }

  // The process dies with everything in memory; its requests stay in the
  // network and may still be applied.
  void Restart() {
    Trace(now_, "**", "restart");
    ++incarnation_;
    past_replies_.clear();  // their ids mean other requests now
    Start();
  }

  Request NewRequest(std::string client, int64_t id, Want want) {
    Request r;
    r.client = std::move(client);
    r.msg_id = id;
    r.want = want;
    r.arrived = now_;
    r.incarnation = incarnation_;
    return r;
  }

  // Delivers a client request and checks the answers owed at once. Before
  // init, every client request that has a msg_id deserves 11.
  void Send(Request r, const std::string& line, bool needs_init = true) {
    if (needs_init && !initialized_ && r.want != Want::kNothing) {
      r.want = Want::kError;
      r.code = 11;
    }
    std::string key = Key(r.client, r.msg_id);
    requests_[key] = r;
    StepLine(line);
    const Request& after = requests_[key];
    bool immediate =
        after.want != Want::kAddOutcome && after.want != Want::kNothing;
    EXPECT_OR_FAIL(!immediate || after.replies == 1,
                   "request not answered at once: ", line);
  }

  // What the stdio driver does with one input line.
  void StepLine(const std::string& line) {
    Trace(now_, "->", line);
    absl::StatusOr<kvclient::Message> m = kvclient::ParseMessage(line);
    if (m.ok()) {
      node_->Step(*m, now_);
      Drain();
      return;
    }
    auto reply =
        counter::ReplyToUnparsableLine(line, m.status().message(), "n1");
    if (reply.has_value()) Route(*reply);
  }

  void AdvanceTo(absl::Time target) {
    for (int spins = 0; wake_at_.has_value() && *wake_at_ <= target; ++spins) {
      EXPECT_OR_FAIL(spins < 10000, "node keeps asking to be woken at ",
                     absl::FormatTime(*wake_at_));
      now_ = std::max(now_, *wake_at_);
      node_->Tick(now_);
      Drain();
    }
    now_ = target;
    node_->Tick(now_);
    Drain();
  }

  void Drain() {
    counter::Ready ready = node_->TakeReady();
    wake_at_ = ready.wake_at;
    for (const kvclient::Message& m : ready.messages) Route(m);
    CheckDeadlines();
  }

  void Route(const kvclient::Message& m) {
    std::string line = kvclient::EncodeMessage(m);
    Trace(now_, "<-", line);
    EXPECT_OR_FAIL(line.find('\n') == std::string::npos, "multi-line output");
    // Maelstrom's own acceptance (process.clj, net.clj): an in_reply_to
    // beyond int64 is a valid message.
    EXPECT_OR_FAIL(sim::ParseNodeLine(line).ok(), "invalid output ", line);
    EXPECT_OR_FAIL(m.src == "n1", "sent as ", m.src, ": ", line);
    if (m.dest == "seq-kv") return KvRequest(m.body, line);
    if (m.dest == "n0" || m.dest == "n2") return NodePush(m.body, line);
    int64_t in_reply_to = kvclient::InReplyTo(m.body).value_or(-1);
    const auto big = m.body.find("in_reply_to");
    if (big != m.body.end() && big->is_number_unsigned() &&
        big->get<uint64_t>() > uint64_t{1} << 63) {
      in_reply_to =
          -static_cast<int64_t>(big->get<uint64_t>() ^ uint64_t{1} << 63);
    }
    auto it = requests_.find(Key(m.dest, in_reply_to));
    EXPECT_OR_FAIL(it != requests_.end(), "reply to nothing: ", line);
    ClientReply(it->second, m.body, line);
  }

  void KvRequest(const Json& body, const std::string& line) {
    std::string type(kvclient::BodyType(body));
    EXPECT_OR_FAIL(type == "read" || type == "write" || type == "cas",
                   "bad KV request ", line);
    EXPECT_OR_FAIL(kvclient::MsgId(body).has_value() && body.contains("key") &&
                       body["key"].is_string(),
                   "KV request without msg_id or key ", line);
    if (body["key"] == kSummaryKey) {
      EXPECT_OR_FAIL(summary_, "peer-keys mode touched the summary ", line);
      EXPECT_OR_FAIL(type == "read" || type == "cas",
                     "summary written without cas ", line);
    } else {
      EXPECT_OR_FAIL(type == "read" || body["key"] == kOwnKey,
                     "wrote another node's key ", line);
    }
    if (type == "cas") {
      EXPECT_OR_FAIL(body.contains("from") && body.contains("to"), "bad cas ",
                     line);
    }
    if (type == "write")
      EXPECT_OR_FAIL(body.contains("value"), "bad write ", line);
    if (type == "cas" && body["key"] == kSummaryKey) CheckPush(body, line);
    inflight_.push_back(KvInFlight{body, incarnation_});
  }

  // A push to a peer: only in push mode, never a reply, and only entries
  // their keys held: n1's own confirmed in its key (or [0, 0] for an absent
  // key), a peer's one it wrote.
  void NodePush(const Json& body, const std::string& line) {
    EXPECT_OR_FAIL(push_, "a KV-read mode sent to a node: ", line);
    EXPECT_OR_FAIL(kvclient::BodyType(body) == "counter_push" &&
                       !kvclient::InReplyTo(body).has_value() &&
                       body.contains("view") && body["view"].is_object(),
                   "malformed push: ", line);
    const Json& view = body["view"];
    for (auto it = view.begin(); it != view.end(); ++it) {
      const std::string& node = it.key();
      const Json& v = it.value();
      EXPECT_OR_FAIL(v.is_array() && v.size() == 3 && kvclient::IsInt64(v[0]) &&
                         kvclient::IsInt64(v[1]) && kvclient::IsInt64(v[2]),
                     "pushed a malformed member for ", node, ": ", line);
      Pair m{v[0].get<int64_t>(), v[1].get<int64_t>()};
      bool absent = m.n == 0 && m.total == 0;
      if (node == "n1") {
        EXPECT_OR_FAIL(absent || own_pairs_.count(m) > 0, "pushed its own [",
                       m.n, ",", m.total,
                       "], which its key never held: ", line);
      } else {
        EXPECT_OR_FAIL(
            std::find(peers_.begin(), peers_.end(), node) != peers_.end(),
            "pushed an entry for ", node, ", not in the cluster: ", line);
        EXPECT_OR_FAIL(absent || peer_state_[node].wrote.count(m) > 0,
                       "pushed [", m.n, ",", m.total, "] for ", node,
                       ", which it never wrote: ", line);
      }
    }
  }

  // A summary push (see the header's invariants). Checked when sent: its
  // own entry must already be durable then.
  void CheckPush(const Json& body, const std::string& line) {
    const Json& from = body["from"];
    const Json& to = body["to"];
    bool create = body.contains("create_if_not_exists") &&
                  body["create_if_not_exists"] == true;
    if (from.is_null()) {
      EXPECT_OR_FAIL(create, "summary cas from null without create: ", line);
    } else {
      EXPECT_OR_FAIL(summary_values_.count(from.dump()) > 0,
                     "summary cas from a value it never held: ", line);
    }
    EXPECT_OR_FAIL(to.is_object(),
                   "pushed a summary that is no object: ", line);
    Members pushed;
    for (auto it = to.begin(); it != to.end(); ++it) {
      const std::string& node = it.key();
      absl::optional<Pair> m = MemberOf(it.value());
      EXPECT_OR_FAIL(m.has_value(), "pushed a malformed entry for ", node, ": ",
                     line);
      if (node == "n1") {
        EXPECT_OR_FAIL(own_pairs_.count(*m) > 0, "pushed its own entry [", m->n,
                       ",", m->total, "], which its key never held: ", line);
      } else {
        EXPECT_OR_FAIL(
            std::find(peers_.begin(), peers_.end(), node) != peers_.end(),
            "pushed an entry for ", node, ", not in the cluster: ", line);
        EXPECT_OR_FAIL(peer_state_[node].wrote.count(*m) > 0, "pushed [", m->n,
                       ",", m->total, "] for ", node,
                       ", which it never wrote: ", line);
      }
      pushed[node] = *m;
    }
    for (const auto& [node, was] : MembersOf(&from)) {
      if (node != "n1" &&
          std::find(peers_.begin(), peers_.end(), node) == peers_.end()) {
        continue;  // outside this incarnation's cluster: dropping it is fine
      }
      auto now = pushed.find(node);
      EXPECT_OR_FAIL(now != pushed.end() && now->second.n >= was.n,
                     "summary knowledge of ", node, " went back from n ", was.n,
                     ": ", line);
    }
  }

  void ClientReply(Request& r, const Json& body, const std::string& line) {
    EXPECT_OR_FAIL(++r.replies == 1, "second reply: ", line);
    EXPECT_OR_FAIL(r.incarnation == incarnation_,
                   "reply to a request of an earlier incarnation: ", line);
    absl::string_view type = kvclient::BodyType(body);
    int64_t code = type == "error" ? body.value("code", int64_t{-1}) : -1;
    switch (r.want) {
      case Want::kNothing:
        Fail(absl::StrCat("reply to a request that deserves none: ", line));
      case Want::kInitOk:
        EXPECT_OR_FAIL(type == "init_ok", "init not answered init_ok: ", line);
        return;
      case Want::kError:
        EXPECT_OR_FAIL(code == r.code, "want error ", r.code, ", got ", line);
        if (r.delta != 0 || code == 12) r.excluded = true;
        return;
      case Want::kReadOutcome: return ReadReply(body, line);
      case Want::kAddOutcome: return AddReply(r, body, code, line);
    }
  }

  void ReadReply(const Json& body, const std::string& line) {
    kvclient::CounterReply c =
        kvclient::CheckCounterReply(kvclient::CounterOp::kRead, body);
    last_read_reply_ = c;
    if (c.kind == kvclient::CounterReply::kError) {
      EXPECT_OR_FAIL(c.code == 11, "read failed with ", line);
      return;
    }
    EXPECT_OR_FAIL(c.kind == kvclient::CounterReply::kOk,
                   "malformed read reply ", line);
    if (pn_) return;
    EXPECT_OR_FAIL(!last_read_.has_value() || c.value >= *last_read_,
                   "read went backwards from ", *last_read_, ": ", line);
    last_read_ = c.value;
    Int bound = OwnTotal();
    for (const std::string& peer : peers_) bound += peer_state_[peer].max_total;
    EXPECT_OR_FAIL(c.value <= bound, "read above what seq-kv holds (",
                   Str(bound), "): ", line);
  }

  void AddReply(Request& r, const Json& body, int64_t code,
                const std::string& line) {
    kvclient::CounterReply c =
        kvclient::CheckCounterReply(kvclient::CounterOp::kAdd, body);
    EXPECT_OR_FAIL(c.kind != kvclient::CounterReply::kMalformed,
                   "malformed add reply ", line);
    EXPECT_OR_FAIL(now_ <= r.arrived + kAddDeadline,
                   "add answered after its deadline: ", line);
    if (c.kind == kvclient::CounterReply::kOk) {
      r.acked = true;
      CheckOwnTotal(absl::StrCat("after ", line));
      return;
    }
    if (code == 0) return;  // timeout: indefinite
    // 12 for a well-formed add is the overflow policy; it needs numbers
    // that can overflow.
    EXPECT_OR_FAIL(code == 12 && HugeNumbersInPlay(), "add of ", Str(r.delta),
                   " rejected: ", line);
    r.excluded = true;
  }

  bool HugeNumbersInPlay() {
    Int sum = 0;
    for (auto& [key, r] : requests_) {
      if (r.want == Want::kAddOutcome) sum += r.delta < 0 ? -r.delta : r.delta;
    }
    for (auto& [peer, p] : peer_state_) sum += p.total < 0 ? -p.total : p.total;
    return sum > (Int(1) << 61);
  }

  void CheckDeadlines() {
    for (auto& [key, r] : requests_) {
      if (r.want != Want::kAddOutcome || r.replies > 0 ||
          r.incarnation != incarnation_) {
        continue;
      }
      EXPECT_OR_FAIL(now_ < r.arrived + kAddDeadline, "add ", key,
                     " still unanswered at its deadline");
    }
  }

  // --------------------------------------------------------- accounting --

  Int OwnTotal() const {
    const Json* v = kv_.NewestValue(kOwnKey);
    if (v == nullptr) return 0;
    if (!v->is_object() || !v->contains("total") ||
        !kvclient::IsInt64((*v)["total"]) || !v->contains("tag") ||
        !(*v)["tag"].is_string()) {
      Fail(absl::StrCat("own key holds ", v->dump()));
    }
    return (*v)["total"].get<int64_t>();
  }

  // Maelstrom's verdict for one value: every acknowledged delta once, plus
  // some subset of the adds whose fate is open.
  bool Acceptable(Int value, std::string* why) {
    Int acked = 0;
    std::vector<Int> open;
    for (auto& [key, r] : requests_) {
      if (r.want != Want::kAddOutcome || r.excluded) continue;
      if (r.acked) {
        acked += r.delta;
      } else {
        open.push_back(r.delta);
      }
    }
    if (SubsetSum(open, value - acked)) return true;
    *why = absl::StrCat(Str(value), " is not the acknowledged ", Str(acked),
                        " plus a subset of ", open.size(), " open adds");
    return false;
  }

  // The own key must hold every acknowledged delta exactly once.
  void CheckOwnTotal(const std::string& when) {
    std::string why;
    EXPECT_OR_FAIL(Acceptable(OwnTotal(), &why), "own key total ", why, ", ",
                   when);
  }

  void RecordKv() {
    if (const Json* own = kv_.NewestValue(kOwnKey)) {
      if (own->is_object() && own->contains("n") &&
          kvclient::IsInt64((*own)["n"]) && own->contains("total") &&
          kvclient::IsInt64((*own)["total"])) {
        own_pairs_.insert(
            Pair{(*own)["n"].get<int64_t>(), (*own)["total"].get<int64_t>()});
      }
    }
    if (const Json* summary = kv_.NewestValue(kSummaryKey)) {
      summary_values_.insert(summary->dump());
    }
  }

  // After every request of the node seq-kv applied: remembers what the own
  // key and the summary held, then the cheap check that acknowledged deltas
  // never vanish.
  void AfterKvChange() {
    RecordKv();
    if (pn_) return;
    Int acked = 0;
    for (auto& [key, r] : requests_) {
      if (r.acked) acked += r.delta;
    }
    EXPECT_OR_FAIL(OwnTotal() >= acked, "own key total ", Str(OwnTotal()),
                   " fell below the acknowledged ", Str(acked));
  }

  // Maelstrom's end of test: the network heals, seq-kv answers everything,
  // 6 s pass (past every add deadline, many refresh rounds), then one final
  // read must see every key exactly.
  void Quiesce() {
    if (!initialized_) Init(0);
    if (summary_) {
      for (const char* peer : {"n0", "n2"}) {
        const Peer& p = peer_state_[peer];
        if (!p.history.empty()) Publish(peer, p.history.back());
      }
    }
    for (int round = 0; round < 12; ++round) {
      while (!inflight_.empty()) Deliver(0, 0xff);
      AdvanceTo(now_ + kRefresh);
    }
    while (!inflight_.empty()) Deliver(0, 0xff);
    CheckOwnTotal("at the end");
    int64_t id = ++msg_ids_;
    std::string key = Key("c3", id);
    requests_[key] = NewRequest("c3", id, Want::kReadOutcome);
    StepLine(absl::StrCat(
        R"({"src":"c3","dest":"n1","body":{"type":"read","msg_id":)", id,
        "}}"));
    FinalRead(requests_[key]);
  }

  void FinalRead(const Request& r) {
    EXPECT_OR_FAIL(r.replies == 1, "final read not answered");
    const kvclient::CounterReply& c = last_read_reply_;
    if (peers_.empty()) {
      // A lone node runs no refresh rounds, so it learns of a dead
      // incarnation's late write only at its next add; until then it may
      // report less than its key holds. Maelstrom's check still applies.
      std::string why;
      EXPECT_OR_FAIL(c.kind == kvclient::CounterReply::kOk,
                     "final read failed");
      EXPECT_OR_FAIL(Acceptable(c.value, &why), "final read ", why);
      return;
    }
    if (summary_) {
      // Its own entry reached the summary too (every reader's source).
      Members m = MembersOf(kv_.NewestValue(kSummaryKey));
      auto own = m.find("n1");
      Int held = own == m.end() ? 0 : own->second.total;
      EXPECT_OR_FAIL(held == OwnTotal(), "after quiescence the summary holds ",
                     Str(held), " for n1, its key ", Str(OwnTotal()));
    }
    Int sum = OwnTotal();
    for (const std::string& peer : peers_) {
      const Peer& p = peer_state_[peer];
      // With peer keys the node keeps the last valid value: fine. With the
      // summary it never reads peer keys, and every peer published last.
      if (p.garbage && !summary_) return;
      sum += p.total;
    }
    if (!FitsInt64(sum)) {
      EXPECT_OR_FAIL(c.kind == kvclient::CounterReply::kError && c.code == 11,
                     "final read of an overflowing sum did not get 11");
      return;
    }
    EXPECT_OR_FAIL(
        c.kind == kvclient::CounterReply::kOk && c.value == sum, "final read ",
        c.kind == kvclient::CounterReply::kOk ? absl::StrCat(c.value) : c.text,
        " (code ", c.code, "), want ", Str(sum));
  }

  static std::string Key(const std::string& client, int64_t msg_id) {
    return absl::StrCat(client, "/", msg_id);
  }

  struct Peer {
    Int total = 0;
    Int max_total = 0;
    bool garbage = false;
    int writes = 0;
    std::vector<Pair> history;  // (n, total) of every valid write, in order
    std::set<Pair> wrote;
    Members knows;  // summary entries this peer has seen (it pushes them all)
  };

  const bool pn_;
  const bool old_replies_reach_new_;
  const bool summary_;
  const bool jitter_;
  const bool push_;
  std::set<Pair> own_pairs_;              // (n, total) the own key ever held
  std::set<std::string> summary_values_;  // every value the summary held
  std::unique_ptr<counter::Core> node_;
  int incarnation_ = 0;
  bool initialized_ = false;
  std::vector<std::string> peers_;
  absl::Time now_ = absl::UnixEpoch();
  absl::optional<absl::Time> wake_at_;
  int64_t msg_ids_ = 0;
  int64_t push_beats_ = 0;  // heartbeats of the peers' pushes
  std::map<std::string, Request> requests_;
  std::vector<KvInFlight> inflight_;
  std::vector<std::string> past_replies_;
  std::map<std::string, Peer> peer_state_;
  absl::optional<int64_t> last_read_;
  kvclient::CounterReply last_read_reply_;
  sim::SeqKv kv_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Script script(data, size);
  World world(script.Byte());
  world.Run(script);
  return 0;
}
