// messages.svg: a Lamport diagram of a window of the run's messages, like
// Maelstrom's (net/viz.clj), with the nodes and services where the eye lands
// first: one vertical lane per node, then per service, each in numeric
// order, then the clients, one lane per worker thread ("thread 2": every
// client that thread opened, as the timeline's rows) and one "setup" lane
// for the init and setup clients (Maelstrom draws one lane per client id,
// 20 and more in a 3-node run, left of the nodes); time flowing down one row
// per event (a send or an arrival, so concurrent messages stay apart), one
// arrow per message labelled with its type and body.
//
//   const RunAnalysis analysis(run);
//   MessageWindow w = ChooseWindow(analysis, WindowOptions{});
//   std::string svg = RenderMessagesSvg(analysis, w);
//
// What it shows:
//   - arrows coloured by message type (a reply shares its request's colour:
//     "add_ok" is drawn like "add"); error replies in Maelstrom's pink with
//     the code and text as label;
//   - request/reply pairs (RunAnalysis::replies): a bar on the responder's
//     lane from
//     the request's arrival to the reply's send, and both titles name the
//     other message;
//   - messages that never arrived as cut arrows: dashed, ending in a cross
//     part-way (dropped at its drop time; lost or in flight: just below the
//     send), with the fate in the title;
//   - fault windows shaded over the rows they cover (partitions across every
//     lane, node faults on the node's lane); invalid lines as red crosses on
//     the node's lane; the first failed check as a red line;
//   - hover text (<title>) on every arrow: ids, times, fate, pair, full body.
// Element classes, for tests: one `g.msg` per drawn message, one
// `line.lane` per lane, `g.fault`, `g.invalid`, `rect.hold`, and
// `#first-failure`. The window's Describe() is in the header and in
// <desc id="window">.
#ifndef SIM_REPORT_MESSAGES_SVG_H_
#define SIM_REPORT_MESSAGES_SVG_H_

#include <map>
#include <string>
#include <vector>

#include "sim/maelstrom/run_record.h"
#include "sim/report/analysis.h"
#include "sim/report/window.h"

namespace report {

std::string RenderMessagesSvg(const RunAnalysis& analysis,
                              const MessageWindow& window);

// Which lane a client id is drawn on: its worker thread's, from the
// history ("thread 0"), or "setup" (init and setup clients, which have no
// operations).
class ClientLanes {
 public:
  static constexpr char kThreadLane[] = "thread ";
  static constexpr char kSetupLane[] = "setup";
  explicit ClientLanes(const sim::RunRecord& run);
  std::string LaneOf(const std::string& client) const;
  static bool IsClientLane(const std::string& lane);

 private:
  std::map<std::string, int> thread_of_;
};

// The lanes RenderMessagesSvg draws for `window`, in order: every node of
// the run and every service a drawn message names (LaneLess order), then
// "setup" if an init or setup client is drawn, then "thread N" for every
// worker thread whose client a drawn message names, by N.
std::vector<std::string> Lanes(const RunAnalysis& analysis,
                               const MessageWindow& window);

// Maelstrom's lane order (util.clj sort-clients): "<letters><digits>" ids by
// letters then number, then every other id (services) by name.
bool LaneLess(const std::string& a, const std::string& b);

}  // namespace report

#endif  // SIM_REPORT_MESSAGES_SVG_H_
