#include "sim/maelstrom/run_record.h"

#include "absl/strings/str_cat.h"
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

std::string HistoryText(const History& history,
                        const std::vector<NemesisOpRecord>& nemesis_ops,
                        absl::Time start) {
  std::string text;
  auto nemesis_line = [&](absl::Time t, const std::string& f,
                          const Edn& value) {
    absl::StrAppend(&text, absl::StrFormat("%.6fs nemesis info %s %s\n",
                                           absl::ToDoubleSeconds(t - start), f,
                                           value.Print()));
  };
  size_t k = 0;
  for (const HistoryEvent& e : history) {
    for (; k < nemesis_ops.size() && nemesis_ops[k].invoked < e.time; ++k) {
      nemesis_line(nemesis_ops[k].invoked, nemesis_ops[k].f,
                   nemesis_ops[k].value);
      nemesis_line(nemesis_ops[k].completed, nemesis_ops[k].f,
                   nemesis_ops[k].result);
    }
    absl::StrAppend(&text, FormatEvent(e, start), "\n");
  }
  for (; k < nemesis_ops.size(); ++k) {
    nemesis_line(nemesis_ops[k].invoked, nemesis_ops[k].f,
                 nemesis_ops[k].value);
    nemesis_line(nemesis_ops[k].completed, nemesis_ops[k].f,
                 nemesis_ops[k].result);
  }
  return text;
}

}  // namespace sim
