// Maelstrom's two performance plots, as gnuplot inputs: latency-raw (every
// completed operation: x = invoke time, y = latency, by operation and
// outcome) and rate (completions per second, by operation and outcome).
// Fault windows (partitions, kills, ...) are shaded, as Jepsen shades
// nemesis activity.
//
//   PlotFiles f = MakePlots(history, {"add", "read"}, start, end, faults);
//   store.WriteFile("latency-raw.dat", f.latency_data); ...
//   store.WriteFile("plots.gnuplot", f.script);
//   store.RunGnuplot("plots.gnuplot");
#ifndef TESTING_PLOTS_H_
#define TESTING_PLOTS_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "sim/maelstrom/history.h"
#include "sim/maelstrom/run_record.h"

namespace harness {

struct PlotFiles {
  std::string latency_data;  // latency-raw.dat
  std::string rate_data;     // rate.dat
  std::string script;        // plots.gnuplot → latency-raw.png, rate.png
};

// One series per (f, outcome) for each f in `fs` (the verdict's by_f keys),
// in that order; fault windows shaded.
PlotFiles MakePlots(const sim::History& history,
                    const std::vector<std::string>& fs, absl::Time start,
                    absl::Time end,
                    const std::vector<sim::FaultWindow>& faults);

}  // namespace harness

#endif  // TESTING_PLOTS_H_
