#include "sim/maelstrom/run_record.h"

#include "absl/strings/str_format.h"

namespace sim {

const char* FateName(Fate fate) {
  switch (fate) {
    case Fate::kDelivered: return "delivered";
    case Fate::kPartitioned: return "dropped by a partition";
    case Fate::kLost: return "lost";
    case Fate::kKvCut: return "dropped by a seq-kv cut";
    case Fate::kReceiverDown: return "receiver was down";
    case Fate::kNotRead: return "never read";
    case Fate::kInFlight: return "in flight at the end";
  }
  return "?";
}

bool Arrived(Fate fate) { return fate == Fate::kDelivered; }

NetFigures NetFromJournal(const std::vector<MessageRecord>& messages) {
  NetFigures net;
  for (const MessageRecord& m : messages) {
    const bool client =
        kvclient::IsClientId(m.src) || kvclient::IsClientId(m.dest);
    const int64_t received = Arrived(m.fate) ? 1 : 0;
    for (NetCounts* c : {&net.all, client ? &net.clients : &net.servers}) {
      ++c->send_count;
      ++c->msg_count;
      c->recv_count += received;
    }
  }
  return net;
}

std::string SecondsSince(absl::Time t0, absl::Time t, int decimals) {
  return absl::StrFormat("%.*f", decimals, absl::ToDoubleSeconds(t - t0));
}

}  // namespace sim
