#include "sim/maelstrom/kv_garble.h"

#include "absl/strings/str_cat.h"
#include "kvclient/assert.h"

namespace sim {

using kvclient::Json;

GarbleForm DrawGarbleForm(Prng& prng) {
  return static_cast<GarbleForm>(prng.Uniform(kGarbleForms));
}

absl::string_view GarbleFormName(GarbleForm form) {
  switch (form) {
    case GarbleForm::kError11: return "error-11";
    case GarbleForm::kError13: return "error-13";
    case GarbleForm::kError14: return "error-14";
    case GarbleForm::kWrongType: return "wrong-type";
    case GarbleForm::kStripped: return "stripped";
    case GarbleForm::kBadValue: return "bad-value";
  }
  return "?";
}

bool Applies(GarbleForm form) {
  return form != GarbleForm::kError11 && form != GarbleForm::kError13 &&
         form != GarbleForm::kError14;
}

absl::optional<Json> GarbledReply(GarbleForm form, const Json& request,
                                  const absl::optional<Json>& reply) {
  MC_ASSERT(Applies(form) || !reply.has_value(),
            "a request the garbler refuses never reaches the service");
  const Json in_reply_to = request.value("msg_id", Json());
  auto error = [&](int code) {
    return Json{{"type", "error"},
                {"code", code},
                {"text", absl::StrCat("kv-garble: ", GarbleFormName(form))},
                {"in_reply_to", in_reply_to}};
  };
  switch (form) {
    case GarbleForm::kError11: return error(11);
    case GarbleForm::kError13: return error(13);
    case GarbleForm::kError14: return error(14);
    default: break;
  }
  if (!reply.has_value()) return absl::nullopt;
  const std::string type = reply->value("type", "");
  Json out = *reply;
  switch (form) {
    case GarbleForm::kStripped:
      if (type == "read_ok" || type == "error") {
        out = Json{{"type", type}, {"in_reply_to", in_reply_to}};
        break;
      }
      [[fallthrough]];
    case GarbleForm::kBadValue:
      if (type == "read_ok" && form == GarbleForm::kBadValue) {
        out["value"] = Json{{"total", "x"}};
        break;
      }
      [[fallthrough]];
    default:
      out = Json{{"type", "kv-garble"}, {"in_reply_to", in_reply_to}};
      break;
  }
  MC_ASSERT(out.value("in_reply_to", Json()) == in_reply_to,
            "a garbled reply still answers its request");
  return out;
}

}  // namespace sim
