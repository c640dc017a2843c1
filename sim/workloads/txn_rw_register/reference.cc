#include "sim/workloads/txn_rw_register/reference.h"

#include <set>

#include "absl/strings/str_cat.h"

namespace workloads {
namespace txn_rw_register {

using kvclient::Json;

Json ReferenceStore::Handle(const Json& request) {
  const std::string type(kvclient::BodyType(request));
  const Json* txn = request.is_object() && request.contains("txn")
                        ? &request["txn"]
                        : nullptr;
  if (type != "txn" || txn == nullptr || !txn->is_array()) {
    return {{"type", "error"},
            {"code", 10},
            {"text", absl::StrCat("not supported: ", type)}};
  }
  // kIgnoreOwnWrites: the values this txn overwrote, as they were before.
  std::map<std::string, Json> before;
  std::set<std::string> written;
  Json out = Json::array();
  for (const Json& mop : *txn) {
    if (!mop.is_array() || mop.size() != 3) {
      return {{"type", "error"}, {"code", 12}, {"text", "malformed micro-op"}};
    }
    const std::string key = mop[1].dump();
    if (mop[0] == "r") {
      auto it = store_.find(key);
      Json value = it == store_.end() ? Json() : it->second;
      if (bug_ == Bug::kIgnoreOwnWrites) {
        auto b = before.find(key);
        if (b != before.end()) value = b->second;
      }
      auto last = last_write_.find(key);
      if (bug_ == Bug::kStaleReads && !written.count(key) &&
          last != last_write_.end() && txns_ - last->second.txn <= 8) {
        value = last->second.before;  // the committed version before it
      }
      out.push_back(Json::array({"r", mop[1], value}));
      continue;
    }
    if (!written.count(key)) {
      auto it = store_.find(key);
      before.emplace(key, it == store_.end() ? Json() : it->second);
    }
    if (!(bug_ == Bug::kFirstWriteWins && written.count(key))) {
      store_[key] = mop[2];
    }
    written.insert(key);
    out.push_back(Json::array({"w", mop[1], mop[2]}));
  }
  ++txns_;
  for (auto& [key, value] : before)
    last_write_[key] = {txns_, std::move(value)};
  if (!written.empty()) ++writers_;
  if (bug_ == Bug::kAbortButApply && !written.empty() && writers_ % 10 == 0) {
    return {{"type", "error"}, {"code", 30}, {"text", "aborted (but applied)"}};
  }
  return {{"type", "txn_ok"}, {"txn", std::move(out)}};
}

}  // namespace txn_rw_register
}  // namespace workloads
