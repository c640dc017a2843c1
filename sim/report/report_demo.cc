// Writes a store of synthetic runs (synthetic_run.h) with WriteRunReport,
// for the browser test and for looking at the pages by hand:
//
//   bazel run //sim/report:report_demo -- /tmp/store
//   → /tmp/store/g-counter/20260101T120000000/  a valid run
//     /tmp/store/g-counter/20260101T120100000/  a final read outside the set
//     /tmp/store/g-counter/20260101T120200000/  an invalid line
//     /tmp/store/index.html, /tmp/store/latest → the last run
//
// Each run directory also gets expected.json: the counts its pages must
// show, computed here from the data (not from the renderers' output), and a
// small rate plot (rate.png, completions per second) so index.html has a
// real image to load.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "kvclient/message.h"
#include "sim/report/analysis.h"
#include "sim/report/synthetic_run.h"
#include "sim/report/writer.h"

namespace {

using kvclient::Json;

uint32_t Crc32(const std::string& bytes) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char b : bytes) {
    crc ^= b;
    for (int k = 0; k < 8; ++k)
      crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void Put32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((v >> shift) & 0xFF));
}

void Chunk(std::string* png, const char* type, const std::string& data) {
  Put32(png, static_cast<uint32_t>(data.size()));
  const std::string body = std::string(type) + data;
  png->append(body);
  Put32(png, Crc32(body));
}

// An 8-bit greyscale PNG, zlib "stored" blocks (no compression needed).
std::string Png(const std::vector<std::string>& rows, uint32_t width) {
  std::string raw;
  for (const std::string& row : rows) raw += '\0' + row;  // filter type 0
  std::string z = "\x78\x01";
  uint32_t a = 1, b = 0;
  for (unsigned char c : raw) a = (a + c) % 65521, b = (b + a) % 65521;
  for (size_t pos = 0; pos < raw.size() || pos == 0; pos += 65535) {
    const size_t n = std::min<size_t>(65535, raw.size() - pos);
    z.push_back(pos + n >= raw.size() ? 1 : 0);
    z.push_back(static_cast<char>(n & 0xFF));
    z.push_back(static_cast<char>(n >> 8));
    z.push_back(static_cast<char>(~n & 0xFF));
    z.push_back(static_cast<char>((~n >> 8) & 0xFF));
    z.append(raw, pos, n);
    if (raw.empty()) break;
  }
  Put32(&z, (b << 16) | a);
  std::string png = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  Put32(&ihdr, width);
  Put32(&ihdr, static_cast<uint32_t>(rows.size()));
  ihdr += std::string("\x08\x00\x00\x00\x00", 5);  // 8-bit grey, no interlace
  Chunk(&png, "IHDR", ihdr);
  Chunk(&png, "IDAT", z);
  Chunk(&png, "IEND", "");
  return png;
}

// Completions per second as dark columns, 4 px per second, 100 px tall.
std::string RatePlot(const sim::RunRecord& run) {
  std::map<int64_t, int> per_second;
  int peak = 1;
  for (const sim::HistoryEvent& e : run.history) {
    if (e.type == sim::EventType::kInvoke) continue;
    peak = std::max(peak, ++per_second[absl::ToInt64Seconds(e.time - run.t0)]);
  }
  const uint32_t width =
      4 * static_cast<uint32_t>(
              per_second.empty() ? 1 : per_second.rbegin()->first + 1);
  std::vector<std::string> rows(100,
                                std::string(width, static_cast<char>(0xFF)));
  for (const auto& [second, n] : per_second) {
    const int height = n * 100 / peak;
    for (int y = 100 - height; y < 100; ++y) {
      for (int x = 0; x < 3; ++x)
        rows[y][static_cast<size_t>(second * 4 + x)] = 0x40;
    }
  }
  return Png(rows, width);
}

Json Expected(const sim::RunRecord& run, const report::WrittenReport& written) {
  const std::vector<size_t> order = report::SendOrder(run.messages);
  // messages.svg's lanes: nodes, services, one per worker thread, "setup".
  std::map<std::string, int> thread_of;
  for (const sim::HistoryEvent& e : run.history) thread_of[e.client] = e.thread;
  std::set<std::string> lanes(run.meta.node_ids.begin(),
                              run.meta.node_ids.end());
  for (size_t pos = written.window.first; pos < written.window.last; ++pos) {
    for (const std::string& id :
         {run.messages[order[pos]].src, run.messages[order[pos]].dest}) {
      if (!kvclient::IsClientId(id)) {
        lanes.insert(id);
      } else {
        auto it = thread_of.find(id);
        lanes.insert(it == thread_of.end()
                         ? std::string("setup")
                         : absl::StrCat("thread ", it->second));
      }
    }
  }
  int64_t completed = 0, finals = 0;
  std::set<int> open;
  for (const sim::HistoryEvent& e : run.history) {
    if (e.type == sim::EventType::kInvoke) {
      open.insert(e.thread);
    } else if (open.erase(e.thread)) {
      ++completed;
      finals += e.final;
    }
  }
  return Json{{"messages", written.window.size()},
              {"lanes", lanes.size()},
              {"completed_ops", completed},
              {"final_reads", finals},
              {"faults", run.faults.size()},
              {"invalid_lines", run.invalid_lines.size()},
              {"window", written.window.Describe()},
              {"total_messages", run.messages.size()},
              {"exit_code", run.meta.exit_code}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: report_demo <store-root>\n";
    return 2;
  }
  const std::string root = argv[1];
  struct Case {
    const char* stamp;
    report::SyntheticOptions options;
  };
  std::vector<Case> cases(3);
  cases[0] = {"20260101T120000000", {}};
  cases[1] = {"20260101T120100000", {}};
  cases[1].options.seed = 2;
  cases[1].options.bad_final_read = true;
  cases[2] = {"20260101T120200000", {}};
  cases[2].options.seed = 3;
  cases[2].options.invalid_line = true;
  std::string last;
  for (const Case& c : cases) {
    sim::RunRecord run = report::SyntheticRun(c.options);
    run.meta.started = run.meta.started + absl::Minutes(&c - cases.data());
    const std::string rel = absl::StrCat("g-counter/", c.stamp);
    const std::string dir = absl::StrCat(root, "/", rel);
    run.meta.plots = {"rate.png"};
    absl::Status made = report::MakeDirs(dir);
    if (made.ok())
      made = report::WriteFileAtomically(dir + "/rate.png", RatePlot(run));
    if (!made.ok()) {
      std::cerr << "report_demo: " << made << "\n";
      return 1;
    }
    report::ReportOptions options;
    options.store_root = root;
    absl::StatusOr<report::WrittenReport> written =
        report::WriteRunReport(dir, run, options);
    if (!written.ok()) {
      std::cerr << "report_demo: " << written.status() << "\n";
      return 1;
    }
    const Json expected = Expected(run, *written);
    if (!report::WriteFileAtomically(dir + "/expected.json",
                                     expected.dump(2) + "\n")
             .ok())
      return 1;
    std::cout << dir << ": " << written->window.Describe() << "\n";
    last = rel;
  }
  unlink((root + "/latest").c_str());
  if (symlink(last.c_str(), (root + "/latest").c_str()) != 0) return 1;
  return 0;
}
