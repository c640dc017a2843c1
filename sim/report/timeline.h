// timeline.html: every client operation on a horizontal time axis, one row
// per client thread (Jepsen's timeline.html shows the same per process, with
// its colours: ok #6DB6FE, info #FFAA26, fail #FEB5DA). One self-contained
// page: inline CSS and a few lines of inline JS for the zoom slider (the
// page reads fine without it); no network access at view time.
//
//   std::string html = RenderTimelineHtml(RunAnalysis(run));
//
// What it shows: a bar per completed operation from invoke to completion
// (at least 3 px wide), coloured by outcome; hover text with the Jepsen
// process, thread, client, f, value, times, latency and error; final reads
// outlined (a final read outside the acceptable set in red); operations
// that never completed as hatched bars to the end of the run; fault windows
// as shaded bands with their descriptions. At most 10,000 bars (Jepsen's
// timeline.clj op-limit), with a note when cut. Element classes, for tests: one
// `div.op` per completed operation (RunAnalysis::ops), `div.pending-op`,
// `div.op.final`, `div.op.bad`, `div.fault`, `div.row` per thread.
#ifndef SIM_REPORT_TIMELINE_H_
#define SIM_REPORT_TIMELINE_H_

#include <string>

#include "sim/maelstrom/run_record.h"
#include "sim/report/analysis.h"

namespace report {

std::string RenderTimelineHtml(const RunAnalysis& analysis);

}  // namespace report

#endif  // SIM_REPORT_TIMELINE_H_
