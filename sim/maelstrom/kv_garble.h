// EXTENSION fault (not in Maelstrom): a KV service that answers one node
// badly for a while, as a broken proxy or a misbehaving service would
// (issue 20). While a node's replies are garbled, every request it sends to
// a service gets one of these, drawn uniformly; none of them is a reply a
// client can use, so every retry path of the node fails for the whole
// stretch:
//
//   not applied, answered at once with an error (a definite code is then
//   true: the request never reached the store):
//     kError11   {"type":"error","code":11,"text":"kv-garble: ..."}
//     kError13   {"type":"error","code":13,...}  (crash: indefinite)
//     kError14   {"type":"error","code":14,...}  (abort)
//   applied, its reply garbled (never a claim of success that did not
//   happen: garbage is indefinite):
//     kWrongType {"type":"kv-garble"}
//     kStripped  the reply's type alone (read_ok without its value, an
//                error without its code; a cas_ok or write_ok, which has
//                nothing to strip: as kWrongType)
//     kBadValue  a read_ok's value replaced by {"total":"x"} (other
//                replies: as kWrongType)
//
// Every garbled reply keeps in_reply_to, so it reaches the request it
// answers (a reply that matches nothing is a loss, which kv-cut covers).
//
//   sim::GarbleForm form = sim::DrawGarbleForm(prng);
//   if (!sim::Applies(form)) reply = sim::GarbledReply(form, request, {});
//   else reply = sim::GarbledReply(form, request, service->Handle(...));
#ifndef SIM_MAELSTROM_KV_GARBLE_H_
#define SIM_MAELSTROM_KV_GARBLE_H_

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "kvclient/message.h"
#include "sim/maelstrom/prng.h"

namespace sim {

enum class GarbleForm {
  kError11,
  kError13,
  kError14,
  kWrongType,
  kStripped,
  kBadValue,
};
constexpr int kGarbleForms = 6;

GarbleForm DrawGarbleForm(Prng& prng);
absl::string_view GarbleFormName(GarbleForm form);
// Whether the request reaches the store (the reply is garbled afterwards).
bool Applies(GarbleForm form);

// The reply the node gets for `request`. `reply`: the service's own reply
// when the request applied (nullopt: the service sends none, e.g. an
// unknown type, and neither does the garbler).
absl::optional<kvclient::Json> GarbledReply(
    GarbleForm form, const kvclient::Json& request,
    const absl::optional<kvclient::Json>& reply);

}  // namespace sim

#endif  // SIM_MAELSTROM_KV_GARBLE_H_
