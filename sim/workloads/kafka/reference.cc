#include "sim/workloads/kafka/reference.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace workloads {
namespace kafka {

using kvclient::Json;

namespace {

// The request's field, or an empty object/array when absent.
const Json& Field(const Json& request, const char* key, const Json& empty) {
  if (!request.is_object()) return empty;
  auto it = request.find(key);
  return it == request.end() ? empty : *it;
}

const Json kEmptyObject = Json::object();
const Json kEmptyArray = Json::array();

}  // namespace

Json ReferenceLog::Handle(const Json& request) {
  const std::string type(kvclient::BodyType(request));
  if (type == "send") {
    ++sends_;
    std::vector<Json>& log = logs_[request.value("key", "")];
    const int64_t offset = static_cast<int64_t>(log.size());
    if (!(bug_ == Bug::kLoseSends && sends_ % 5 == 0)) {
      log.push_back(request.value("msg", Json()));
    }
    return {{"type", "send_ok"}, {"offset", offset}};
  }
  if (type == "poll") {
    Json msgs = Json::object();
    for (const auto& [key, start] :
         Field(request, "offsets", kEmptyObject).items()) {
      auto it = logs_.find(key);
      if (it == logs_.end() || !start.is_number_integer()) continue;
      Json pairs = Json::array();
      const int64_t size = static_cast<int64_t>(it->second.size());
      for (int64_t o = std::max<int64_t>(0, start.get<int64_t>());
           o < size && static_cast<int>(pairs.size()) < poll_limit_; ++o) {
        if (bug_ == Bug::kSkipOffset && o % 10 == 7) continue;
        pairs.push_back(Json::array({o, it->second[static_cast<size_t>(o)]}));
      }
      if (!pairs.empty()) msgs[key] = std::move(pairs);
    }
    return {{"type", "poll_ok"}, {"msgs", std::move(msgs)}};
  }
  if (type == "commit_offsets") {
    for (const auto& [key, o] :
         Field(request, "offsets", kEmptyObject).items()) {
      if (!o.is_number_integer()) continue;
      auto [it, fresh] = committed_.emplace(key, o.get<int64_t>());
      if (!fresh) it->second = std::max(it->second, o.get<int64_t>());
    }
    return {{"type", "commit_offsets_ok"}};
  }
  if (type == "list_committed_offsets") {
    Json offsets = Json::object();
    for (const Json& k : Field(request, "keys", kEmptyArray)) {
      if (!k.is_string()) continue;
      auto it = committed_.find(k.get<std::string>());
      if (it != committed_.end()) offsets[it->first] = it->second;
    }
    return {{"type", "list_committed_offsets_ok"}, {"offsets", offsets}};
  }
  return {{"type", "error"},
          {"code", 10},
          {"text", absl::StrCat("not supported: ", type)}};
}

}  // namespace kafka
}  // namespace workloads
