#include "testing/plots.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace harness {
namespace {

using sim::EventType;

// One series per (:f, outcome): the workload's fs in order, each ok, info,
// fail, so the plot's legend and colours are stable.
struct Series {
  std::string f;
  EventType type;
  std::string title;
  const char* color;
};

std::vector<Series> AllSeries(const std::vector<std::string>& fs) {
  static const char* kColors[] = {"#0072B2", "#E69F00", "#D55E00",
                                  "#009E73", "#CC79A7", "#000000",
                                  "#56B4E9", "#F0E442", "#999999"};
  std::vector<Series> out;
  for (const std::string& f : fs) {
    for (auto [type, name] : {std::make_pair(EventType::kOk, "ok"),
                              std::make_pair(EventType::kInfo, "info"),
                              std::make_pair(EventType::kFail, "fail")}) {
      out.push_back({f, type, absl::StrCat(f, " ", name),
                     kColors[out.size() % (sizeof kColors / sizeof *kColors)]});
    }
  }
  return out;
}

// The series of a completion, or -1.
int SeriesOf(const std::vector<Series>& series, const sim::HistoryEvent& e) {
  for (size_t i = 0; i < series.size(); ++i) {
    if (series[i].f == e.f && series[i].type == e.type)
      return static_cast<int>(i);
  }
  return -1;
}

// (invoke time, latency) per series, from invoke/completion pairs.
std::vector<std::vector<std::pair<double, double>>> LatencyPoints(
    const sim::History& history, const std::vector<Series>& series,
    absl::Time start) {
  std::vector<std::vector<std::pair<double, double>>> points(series.size());
  std::map<int, absl::Time> open;  // thread → invoke time
  for (const sim::HistoryEvent& e : history) {
    if (e.type == EventType::kInvoke) {
      open[e.thread] = e.time;
      continue;
    }
    auto it = open.find(e.thread);
    if (it == open.end()) continue;
    const int k = SeriesOf(series, e);
    if (k >= 0) {
      points[static_cast<size_t>(k)].emplace_back(
          absl::ToDoubleSeconds(it->second - start),
          absl::ToDoubleMilliseconds(e.time - it->second));
    }
    open.erase(it);
  }
  return points;
}

std::string Shading(const std::vector<sim::FaultWindow>& faults,
                    absl::Time start, absl::Time end) {
  static const std::map<std::string, const char*> kColors = {
      {"partition", "#FF9999"},
      {"kill", "#999999"},
      {"pause", "#9999FF"},
      {"kv-cut", "#FFCC66"}};
  std::string out;
  int id = 1;
  for (const sim::FaultWindow& f : faults) {
    auto color = kColors.find(f.kind);
    double a = absl::ToDoubleSeconds(f.start - start);
    double b = absl::ToDoubleSeconds(std::min(f.end, end) - start);
    absl::StrAppendFormat(
        &out,
        "set object %d rect from %.3f, graph 0 to %.3f, graph 1 "
        "behind fc rgb \"%s\" fs solid 0.25 noborder\n",
        id++, a, b, color == kColors.end() ? "#DDDDDD" : color->second);
  }
  return out;
}

// latency-raw.dat: one gnuplot data block per series (blocks are separated
// by two blank lines); a dummy point keeps empty series addressable by
// index.
std::string LatencyData(const sim::History& history,
                        const std::vector<Series>& series, absl::Time start) {
  std::string out;
  auto points = LatencyPoints(history, series, start);
  for (size_t i = 0; i < series.size(); ++i) {
    absl::StrAppend(&out, "# ", series[i].title, "\n");
    if (points[i].empty()) absl::StrAppend(&out, "NaN NaN\n");
    for (const auto& [t, ms] : points[i]) {
      absl::StrAppendFormat(&out, "%.6f %.3f\n", t, ms);
    }
    absl::StrAppend(&out, "\n\n");
  }
  return out;
}

// rate.dat: completions per whole second, per series.
std::string RateData(const sim::History& history,
                     const std::vector<Series>& series, absl::Time start,
                     absl::Time end) {
  const int seconds = std::max<int>(
      1, static_cast<int>(absl::ToDoubleSeconds(end - start)) + 1);
  std::vector<std::vector<int>> rate(seconds,
                                     std::vector<int>(series.size(), 0));
  for (const sim::HistoryEvent& e : history) {
    if (e.type == EventType::kInvoke) continue;
    const int s = static_cast<int>(absl::ToDoubleSeconds(e.time - start));
    const int k = SeriesOf(series, e);
    if (s >= 0 && s < seconds && k >= 0) ++rate[s][static_cast<size_t>(k)];
  }
  std::string out = "# second";
  for (const Series& s : series) absl::StrAppend(&out, " \"", s.title, "\"");
  absl::StrAppend(&out, "\n");
  for (int s = 0; s < seconds; ++s) {
    absl::StrAppend(&out, s);
    for (int v : rate[s]) absl::StrAppend(&out, " ", v);
    absl::StrAppend(&out, "\n");
  }
  return out;
}

std::string Script(const std::vector<Series>& series,
                   const std::string& shading, double x_max) {
  std::string g;
  absl::StrAppend(&g, "set terminal png size 1100,500 noenhanced\n",
                  "set xlabel \"Time (s)\"\nset key outside right top\n",
                  absl::StrFormat("set xrange [0:%.3f]\n", x_max), shading);
  absl::StrAppend(&g, "set output \"latency-raw.png\"\n",
                  "set title \"latency-raw (shaded: faults)\"\n",
                  "set ylabel \"Latency (ms)\"\nset logscale y\n", "plot ");
  for (size_t i = 0; i < series.size(); ++i) {
    absl::StrAppendFormat(
        &g,
        "%s\"latency-raw.dat\" index %d using 1:2 with points "
        "pt 7 ps 0.4 lc rgb \"%s\" title \"%s\"",
        i ? ", " : "", i, series[i].color, series[i].title);
  }
  absl::StrAppend(&g, "\nunset logscale y\n", "set output \"rate.png\"\n",
                  "set title \"rate (shaded: faults)\"\n",
                  "set ylabel \"Throughput (ops/s)\"\nset yrange [0:*]\nplot ");
  for (size_t i = 0; i < series.size(); ++i) {
    absl::StrAppendFormat(&g,
                          "%s\"rate.dat\" using ($1+0.5):%d with lines lw 2 "
                          "lc rgb \"%s\" title \"%s\"",
                          i ? ", " : "", i + 2, series[i].color,
                          series[i].title);
  }
  absl::StrAppend(&g, "\n");
  return g;
}

}  // namespace

PlotFiles MakePlots(const sim::History& history,
                    const std::vector<std::string>& fs, absl::Time start,
                    absl::Time end,
                    const std::vector<sim::FaultWindow>& faults) {
  const std::vector<Series> series = AllSeries(fs);
  PlotFiles files;
  files.latency_data = LatencyData(history, series, start);
  files.rate_data = RateData(history, series, start, end);
  files.script = Script(series, Shading(faults, start, end),
                        std::max(1.0, absl::ToDoubleSeconds(end - start)));
  return files;
}

}  // namespace harness
