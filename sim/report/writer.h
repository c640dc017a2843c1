// The one call each driver makes at the end of a run: writes every report
// file into the run's store directory and refreshes the store's index.
//
//   report::ReportOptions options;
//   options.store_root = "store";                       // optional
//   absl::StatusOr<report::WrittenReport> w =
//       report::WriteRunReport(store.dir(), run, options);
//   if (w.ok()) std::cout << "messages.svg: " << w->window.Describe() << "\n";
//   else std::cout << "report skipped: " << w.status().message() << "\n";
//
// Writes (each atomically: a temporary file renamed into place), from one
// RunAnalysis of the run (analysis.h) handed to every page:
//   messages.svg   RenderMessagesSvg over ChooseWindow(analysis,
//   options.window) timeline.html  RenderTimelineHtml history.edn    HistoryEdn
//   results.edn    ResultsEdn (Jepsen's results map; replaces any older one)
//   run.json       RunJson (what the store index lists)
//   index.html     RenderRunIndex, linking every report file and every file
//                  of run.meta (node logs, plots, history.txt, ...) that exists
//   <store_root>/index.html   RenderStoreIndex(ScanStore(store_root)), when
//                  options.store_root is set
// Errors (absl::Status): the directory cannot be created or a file cannot be
// written; a sim::RunRecord that cannot be rendered (concurrency < 1). Nothing
// is half-written: a file either has its old content or its new one.
#ifndef SIM_REPORT_WRITER_H_
#define SIM_REPORT_WRITER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sim/maelstrom/run_record.h"
#include "sim/report/index.h"
#include "sim/report/window.h"

namespace report {

struct ReportOptions {
  WindowOptions window;
  std::string store_root;  // empty: no store-level index
};

struct WrittenReport {
  MessageWindow window;            // what messages.svg drew
  std::vector<std::string> files;  // written, relative to the run directory
};

absl::StatusOr<WrittenReport> WriteRunReport(const std::string& dir,
                                             const sim::RunRecord& run,
                                             const ReportOptions& options);

// Every run directory under `root` (<root>/<workload>/<run>/ holding a
// run.json or a results.json; symlinks such as `latest` are skipped), at
// most 10,000. Unreadable or malformed metadata is listed with an unknown
// verdict rather than dropped.
absl::StatusOr<std::vector<RunSummary>> ScanStore(const std::string& root);

// Writes <root>/index.html from ScanStore(root).
absl::Status WriteStoreIndex(const std::string& root);

// mkdir -p.
absl::Status MakeDirs(const std::string& path);

// A fresh run directory in Maelstrom's layout, for both drivers:
// <root>/<workload>/<yyyymmddThhmmssmmm>/ (Jepsen's timestamp, local time,
// milliseconds keep two runs in the same second apart; a run already there
// is never reused: the stamp moves on a millisecond) with node-logs/ inside,
// and <root>/latest pointing at it (relative, so the store can move).
//
//   CreateRunDir("store", "g-counter", absl::Now())
//     == "store/g-counter/20260101T120000123"
absl::StatusOr<std::string> CreateRunDir(const std::string& root,
                                         const std::string& workload,
                                         absl::Time now);

// Writes `text` to `path` through a temporary file and rename(2).
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view text);

}  // namespace report

#endif  // SIM_REPORT_WRITER_H_
