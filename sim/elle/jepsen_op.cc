#include "sim/elle/jepsen_op.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"

namespace elle {

using sim::Edn;

Edn JsonToEdn(const kvclient::Json& value) {
  switch (value.type()) {
    case kvclient::Json::value_t::null: return Edn::Nil();
    case kvclient::Json::value_t::boolean: return Edn::Bool(value.get<bool>());
    case kvclient::Json::value_t::number_integer:
      return Edn::Int(value.get<int64_t>());
    case kvclient::Json::value_t::number_unsigned: {
      const uint64_t u = value.get<uint64_t>();
      if (u <= static_cast<uint64_t>(INT64_MAX)) {
        return Edn::Int(static_cast<int64_t>(u));
      }
      return Edn::Double(static_cast<double>(u));
    }
    case kvclient::Json::value_t::number_float:
      return Edn::Double(value.get<double>());
    case kvclient::Json::value_t::string:
      return Edn::String(value.get<std::string>());
    case kvclient::Json::value_t::array: {
      Edn v = Edn::Vector();
      for (const auto& item : value) v.Add(JsonToEdn(item));
      return v;
    }
    case kvclient::Json::value_t::object: {
      Edn m = Edn::Map();
      for (const auto& [k, v] : value.items()) {
        m.PutKey(Edn::String(k), JsonToEdn(v));
      }
      return m;
    }
    default: break;
  }
  return Edn::Nil();
}

Edn JepsenOp(const sim::HistoryEvent& event, int64_t index, int64_t process,
             absl::Time t0, Edn value) {
  Edn op = Edn::Map();
  op.Put("index", Edn::Int(index))
      .Put("time", Edn::Int(absl::ToInt64Nanoseconds(event.time - t0)))
      .Put("type", Edn::Keyword(sim::EventTypeName(event.type)))
      .Put("process", Edn::Int(process))
      .Put("f", Edn::Keyword(event.f))
      .Put("value", std::move(value));
  if (event.type != sim::EventType::kInvoke &&
      event.type != sim::EventType::kOk && !event.error.empty()) {
    op.Put("error", Edn::String(event.error));
  }
  return op;
}

std::vector<int64_t> ProcessKeys(const sim::History& history) {
  int64_t threads = 1;
  for (const sim::HistoryEvent& e : history) {
    threads = std::max<int64_t>(threads, int64_t{e.thread} + 1);
  }
  std::vector<int64_t> keys;
  keys.reserve(history.size());
  std::map<int, int64_t> process;  // thread -> its current process
  for (const sim::HistoryEvent& e : history) {
    auto it = process.emplace(e.thread, e.thread).first;
    keys.push_back(it->second);
    if (e.type == sim::EventType::kInfo) it->second += threads;
  }
  return keys;
}

Edn OpWithValue(const std::function<Edn(size_t)>& jepsen_op,
                const sim::History& history,
                const std::vector<int64_t>& process, size_t i, Edn value) {
  if (!jepsen_op) {
    return JepsenOp(history[i], static_cast<int64_t>(i), process[i],
                    history.front().time, std::move(value));
  }
  const Edn op = jepsen_op(i);
  if (op.kind() != Edn::Kind::kMap) return op;
  Edn out = Edn::Map();
  for (const auto& [key, v] : op.entries()) {
    if (key == "value") {
      out.Put(key, std::move(value));
    } else {
      out.Put(key, v);
    }
  }
  return out;
}

absl::optional<int64_t> IntField(const Edn& op, absl::string_view key) {
  for (const auto& [k, v] : op.entries()) {
    if (k != key || v.kind() != Edn::Kind::kInt) continue;
    int64_t n = 0;
    if (absl::SimpleAtoi(v.Print(), &n)) return n;
  }
  return absl::nullopt;
}

std::vector<std::pair<std::string, std::string>> ResultsBlock(
    const Edn& results, size_t max_chars) {
  std::vector<std::pair<std::string, std::string>> block;
  for (const auto& [key, value] : results.entries()) {
    if (key == "valid?") continue;
    std::string text = value.Print();
    if (text.size() > max_chars) {
      size_t cut = max_chars;
      // Never cut inside a UTF-8 sequence.
      while (cut > 0 &&
             (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
        --cut;
      }
      const std::string size =
          text.size() >= 10240
              ? absl::StrFormat("%d KB",
                                static_cast<int64_t>(text.size() / 1024))
              : absl::StrFormat("%d bytes", static_cast<int64_t>(text.size()));
      text = absl::StrCat(text.substr(0, cut), " ... ;; ", size,
                          ", whole in results.edn");
    }
    block.emplace_back(key, std::move(text));
  }
  return block;
}

}  // namespace elle
