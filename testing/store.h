// A test's store directory, as Maelstrom lays it out:
// <root>/<workload>/<yyyymmddThhmmss.mmm>/ with <root>/latest pointing at it,
// node-logs/ for the nodes' stderr, and helpers to write text files and run
// gnuplot (bounded in time; a missing gnuplot is a note, not a failure).
//
//   absl::StatusOr<Store> s = Store::Create("/home/me/store", "g-counter",
//                                           absl::Now());
//   s->WriteFile("results.json", json.dump(2));
//   s->Path("node-logs/n0.log");   //
//   "/home/me/store/g-counter/2026.../node-logs/n0.log"
#ifndef TESTING_STORE_H_
#define TESTING_STORE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace harness {

class Store {
 public:
  static absl::StatusOr<Store> Create(const std::string& root,
                                      const std::string& workload,
                                      absl::Time now);
  const std::string& dir() const { return dir_; }
  std::string Path(absl::string_view relative) const;
  absl::Status WriteFile(absl::string_view relative,
                         absl::string_view text) const;
  // Runs `gnuplot script` in the store dir; returns why it did not work.
  absl::Status RunGnuplot(absl::string_view script_relative) const;

 private:
  explicit Store(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

// mkdir -p.
absl::Status MakeDirs(const std::string& path);

}  // namespace harness

#endif  // TESTING_STORE_H_
