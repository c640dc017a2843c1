#include "sim/report/writer.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "sim/report/jepsen_edn.h"
#include "sim/report/messages_svg.h"
#include "sim/report/timeline.h"

namespace report {
namespace {

constexpr size_t kMaxRuns = 10000;
constexpr size_t kMaxMetadataBytes = 1 << 20;

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

bool IsRealDir(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Sorted names of the real subdirectories of `dir` (no dot entries, no
// symlinks), at most `limit`.
std::vector<std::string> SubDirs(const std::string& dir, size_t limit) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return names;
  while (struct dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.empty() || name[0] == '.') continue;
    if (IsRealDir(dir + "/" + name)) names.push_back(name);
    if (names.size() >= limit) break;
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

absl::StatusOr<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::string text(kMaxMetadataBytes, '\0');
  in.read(&text[0], static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

// The files index.html links: the report's own, then the driver's, each
// only if it exists.
std::vector<IndexLink> Links(const std::string& dir,
                             const sim::RunRecord& run) {
  std::vector<IndexLink> candidates = {
      {"messages.svg", "Lamport diagram of the messages (a window; see below)"},
      {"timeline.html", "every operation per client thread over time"},
      {"results.edn", "results in Jepsen's shape"},
      {"history.edn", "the history in Jepsen's shape"},
  };
  for (const std::string& f : run.meta.other_files)
    candidates.push_back({f, ""});
  for (const std::string& f : run.meta.plots) candidates.push_back({f, "plot"});
  for (const std::string& f : run.meta.node_logs)
    candidates.push_back({f, "node log (stderr)"});
  std::vector<IndexLink> links;
  for (IndexLink& link : candidates) {
    if (Exists(dir + "/" + link.path)) links.push_back(std::move(link));
  }
  return links;
}

// The store index seen from `dir`: "../../index.html" for
// <root>/<workload>/<run>; "" when dir is not under root.
std::string StoreIndexHref(const std::string& dir, const std::string& root) {
  if (root.empty()) return "";
  std::vector<std::string> d = absl::StrSplit(dir, '/', absl::SkipEmpty());
  std::vector<std::string> r = absl::StrSplit(root, '/', absl::SkipEmpty());
  const bool absolute = !dir.empty() && dir[0] == '/';
  if (absolute != (!root.empty() && root[0] == '/') || d.size() <= r.size() ||
      !std::equal(r.begin(), r.end(), d.begin())) {
    return "";
  }
  std::string href;
  for (size_t i = r.size(); i < d.size(); ++i) href += "../";
  return href + "index.html";
}

}  // namespace

absl::Status MakeDirs(const std::string& path) {
  std::string prefix = path.empty() || path[0] != '/' ? "" : "/";
  for (absl::string_view part : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    absl::StrAppend(&prefix, part, "/");
    if (mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      return absl::InternalError(
          absl::StrCat("mkdir ", prefix, ": ", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> CreateRunDir(const std::string& root,
                                         const std::string& workload,
                                         absl::Time now) {
  if (absl::Status s = MakeDirs(absl::StrCat(root, "/", workload)); !s.ok())
    return s;
  // Bounded: a thousand runs started in the same millisecond is a bug.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    std::string stamp =
        absl::FormatTime("%Y%m%dT%H%M%E3S", now + absl::Milliseconds(attempt),
                         absl::LocalTimeZone());
    stamp.erase(std::remove(stamp.begin(), stamp.end(), '.'), stamp.end());
    const std::string rel = absl::StrCat(workload, "/", stamp);
    const std::string dir = absl::StrCat(root, "/", rel);
    if (mkdir(dir.c_str(), 0755) != 0) {
      if (errno == EEXIST) continue;
      return absl::InternalError(
          absl::StrCat("mkdir ", dir, ": ", std::strerror(errno)));
    }
    if (absl::Status s = MakeDirs(dir + "/node-logs"); !s.ok()) return s;
    const std::string latest = root + "/latest";
    const std::string tmp = latest + ".tmp";
    unlink(tmp.c_str());
    if (symlink(rel.c_str(), tmp.c_str()) == 0)
      std::rename(tmp.c_str(), latest.c_str());
    return dir;
  }
  return absl::AlreadyExistsError(absl::StrCat("1000 run directories at ",
                                               absl::FormatTime(now),
                                               " already exist under ", root));
}

absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view text) {
  const std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
      std::remove(tmp.c_str());
      return absl::InternalError(absl::StrCat("cannot write ", tmp));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    return absl::InternalError(
        absl::StrCat("rename ", tmp, " -> ", path, ": ", why));
  }
  return absl::OkStatus();
}

absl::StatusOr<WrittenReport> WriteRunReport(const std::string& dir,
                                             const sim::RunRecord& run,
                                             const ReportOptions& options) {
  if (run.concurrency < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "concurrency must be at least 1 (got ", run.concurrency, ")"));
  }
  if (absl::Status s = MakeDirs(dir); !s.ok()) return s;
  // Computed once, handed to every page that needs it.
  const RunAnalysis analysis(run);
  WrittenReport written;
  written.window = ChooseWindow(analysis, options.window);
  const std::string description = written.window.Describe();
  auto write = [&](const char* name, const std::string& text) {
    absl::Status s = WriteFileAtomically(absl::StrCat(dir, "/", name), text);
    if (s.ok()) written.files.push_back(name);
    return s;
  };
  for (auto [name, text] : std::vector<std::pair<const char*, std::string>>{
           {"messages.svg", RenderMessagesSvg(analysis, written.window)},
           {"timeline.html", RenderTimelineHtml(analysis)},
           {"history.edn", HistoryEdn(analysis)},
           {"results.edn", ResultsEdn(run)},
           {"run.json", RunJson(run, description)},
       }) {
    if (absl::Status s = write(name, text); !s.ok()) return s;
  }
  if (absl::Status s =
          write("index.html",
                RenderRunIndex(run, Links(dir, run), description,
                               StoreIndexHref(dir, options.store_root)));
      !s.ok()) {
    return s;
  }
  if (!options.store_root.empty()) {
    if (absl::Status s = WriteStoreIndex(options.store_root); !s.ok()) return s;
  }
  return written;
}

absl::StatusOr<std::vector<RunSummary>> ScanStore(const std::string& root) {
  struct stat st;
  if (stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::NotFoundError(absl::StrCat("no store at ", root));
  }
  std::vector<RunSummary> runs;
  for (const std::string& workload : SubDirs(root, kMaxRuns)) {
    for (const std::string& name : SubDirs(root + "/" + workload, kMaxRuns)) {
      if (runs.size() >= kMaxRuns) return runs;
      const std::string rel = absl::StrCat(workload, "/", name);
      const std::string path = absl::StrCat(root, "/", rel);
      absl::StatusOr<RunSummary> summary;
      if (Exists(path + "/run.json")) {
        absl::StatusOr<std::string> text = ReadSmallFile(path + "/run.json");
        summary = text.ok() ? ParseRunJson(*text, rel) : text.status();
      } else if (Exists(path + "/results.json")) {
        absl::StatusOr<std::string> text =
            ReadSmallFile(path + "/results.json");
        summary = text.ok() ? ParseResultsJson(*text, rel) : text.status();
      } else {
        continue;  // not a run directory
      }
      if (!summary.ok()) {  // listed, with what went wrong
        RunSummary unknown;
        unknown.dir = rel;
        unknown.workload = workload;
        unknown.started = name;
        unknown.verdict = std::string(summary.status().message());
        summary = unknown;
      }
      summary->has_index = Exists(path + "/index.html");
      runs.push_back(*std::move(summary));
    }
  }
  return runs;
}

absl::Status WriteStoreIndex(const std::string& root) {
  absl::StatusOr<std::vector<RunSummary>> runs = ScanStore(root);
  if (!runs.ok()) return runs.status();
  return WriteFileAtomically(root + "/index.html",
                             RenderStoreIndex(*std::move(runs)));
}

}  // namespace report
