// The store's two kinds of index page, and run.json, the small metadata
// file that lets a store-level index list runs without parsing results.
//
//   std::string page = RenderRunIndex(run, {{"messages.svg", "Lamport
//   diagram"}, ...},
//                                     window.Describe(), "../../index.html");
//   std::string json = RunJson(run, window.Describe());
//   absl::StatusOr<RunSummary> s = ParseRunJson(json,
//   "g-counter/20260101T120000000"); std::string root_page =
//   RenderStoreIndex({*s, ...});   // newest first
//
// run.json: {"workload": "g-counter", "driver": "harness", "seed": 7,
//            "started": "2026-01-01T12:00:00Z", "exit-code": 1, "valid?":
//            false, "verdict": "Analysis invalid! ...", "command": "...",
//            "messages-window": "messages 1-800 of 6123 ..."}
// A run directory from before run.json existed is still listed from its
// results.json ("valid?", "exit-code", "seed"); see ParseResultsJson.
#ifndef SIM_REPORT_INDEX_H_
#define SIM_REPORT_INDEX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/maelstrom/run_record.h"

namespace report {

// A file of the run directory, relative to it.
struct IndexLink {
  std::string path;
  std::string what;
};

// index.html of one run: verdict, metadata, links to `files` (those that
// exist; plots among them are also shown inline), the results text, and a
// link to the store's index at `store_index_href` (none when empty).
std::string RenderRunIndex(const sim::RunRecord& run,
                           const std::vector<IndexLink>& files,
                           absl::string_view window_description,
                           absl::string_view store_index_href = "");

std::string RunJson(const sim::RunRecord& run,
                    absl::string_view window_description);

// One line of the store index.
struct RunSummary {
  std::string
      dir;  // relative to the store root, "g-counter/20260101T120000000"
  std::string workload;
  std::string driver;
  std::string started;  // as written in run.json, or the directory's stamp
  std::string seed;     // "" when unknown
  int exit_code = -1;   // -1 when unknown
  std::string verdict;
  bool has_index = false;  // dir/index.html exists
};

absl::StatusOr<RunSummary> ParseRunJson(absl::string_view json,
                                        absl::string_view dir);
absl::StatusOr<RunSummary> ParseResultsJson(absl::string_view json,
                                            absl::string_view dir);

// The store root's index.html: every run, newest first (by the directory's
// timestamp, Maelstrom's <workload>/<yyyymmddThhmmssmmm> layout).
std::string RenderStoreIndex(std::vector<RunSummary> runs);

}  // namespace report

#endif  // SIM_REPORT_INDEX_H_
