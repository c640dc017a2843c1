// Interns JSON values (keys, register values, messages) to dense ids, with
// Clojure's equality after Jepsen's store round trip: integers equal by
// value, everything else by its JSON text (so 1 and 1.0 differ, as Long
// and Double do).
//
//   JsonInterner keys;
//   uint32_t a = keys.Intern(Json("x")), b = keys.Intern(Json("x"));  // a == b
//   keys.json(a) == "x"
//   keys.Less(a, b)   // integers numerically, then by JSON text
#ifndef SIM_ELLE_INTERNER_H_
#define SIM_ELLE_INTERNER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "kvclient/message.h"

namespace elle {

class JsonInterner {
 public:
  uint32_t Intern(const kvclient::Json& j) {
    if (j.is_number_integer() &&
        (!j.is_number_unsigned() || j.get<uint64_t>() <= INT64_MAX)) {
      auto [it, fresh] =
          ints_.emplace(j.get<int64_t>(), static_cast<uint32_t>(table_.size()));
      if (fresh) table_.push_back(j);
      return it->second;
    }
    auto [it, fresh] =
        others_.emplace(j.dump(), static_cast<uint32_t>(table_.size()));
    if (fresh) table_.push_back(j);
    return it->second;
  }
  // The id of an interned value; -1 if it never was.
  int64_t Find(const kvclient::Json& j) const {
    if (j.is_number_integer() &&
        (!j.is_number_unsigned() || j.get<uint64_t>() <= INT64_MAX)) {
      auto it = ints_.find(j.get<int64_t>());
      return it == ints_.end() ? -1 : it->second;
    }
    auto it = others_.find(j.dump());
    return it == others_.end() ? -1 : it->second;
  }
  const kvclient::Json& json(uint32_t id) const { return table_[id]; }
  size_t size() const { return table_.size(); }
  // A total order for reports: integers numerically first, then the rest by
  // JSON text (strings sort as Clojure's compare sorts them).
  bool Less(uint32_t a, uint32_t b) const {
    const kvclient::Json& x = table_[a];
    const kvclient::Json& y = table_[b];
    const bool xi = x.is_number_integer(), yi = y.is_number_integer();
    if (xi && yi) return x.get<int64_t>() < y.get<int64_t>();
    if (xi != yi) return xi;
    if (x.is_string() && y.is_string()) {
      return x.get_ref<const std::string&>() < y.get_ref<const std::string&>();
    }
    return x.dump() < y.dump();
  }

 private:
  std::vector<kvclient::Json> table_;
  absl::flat_hash_map<int64_t, uint32_t> ints_;
  absl::flat_hash_map<std::string, uint32_t> others_;
};

}  // namespace elle

#endif  // SIM_ELLE_INTERNER_H_
