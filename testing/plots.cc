#include "testing/plots.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace harness {
namespace {

using sim::EventType;

// Series in a fixed order, so the plot's legend and colours are stable.
struct Series {
  kvclient::CounterOp f;
  EventType type;
  const char* title;
  const char* color;
};
constexpr Series kSeries[] = {
    {kvclient::CounterOp::kAdd, EventType::kOk, "add ok", "#0072B2"},
    {kvclient::CounterOp::kAdd, EventType::kInfo, "add info", "#E69F00"},
    {kvclient::CounterOp::kAdd, EventType::kFail, "add fail", "#D55E00"},
    {kvclient::CounterOp::kRead, EventType::kOk, "read ok", "#009E73"},
    {kvclient::CounterOp::kRead, EventType::kInfo, "read info", "#CC79A7"},
    {kvclient::CounterOp::kRead, EventType::kFail, "read fail", "#000000"},
};
constexpr int kSeriesCount = sizeof kSeries / sizeof kSeries[0];

int SeriesOf(const sim::HistoryEvent& e) {
  for (int i = 0; i < kSeriesCount; ++i) {
    if (kSeries[i].f == e.f && kSeries[i].type == e.type) return i;
  }
  return 0;
}

// (invoke time, latency) per series, from invoke/completion pairs.
std::vector<std::vector<std::pair<double, double>>> LatencyPoints(
    const sim::History& history, absl::Time start) {
  std::vector<std::vector<std::pair<double, double>>> points(kSeriesCount);
  std::map<int, absl::Time> open;  // thread → invoke time
  for (const sim::HistoryEvent& e : history) {
    if (e.type == EventType::kInvoke) {
      open[e.thread] = e.time;
      continue;
    }
    auto it = open.find(e.thread);
    if (it == open.end()) continue;
    points[SeriesOf(e)].emplace_back(
        absl::ToDoubleSeconds(it->second - start),
        absl::ToDoubleMilliseconds(e.time - it->second));
    open.erase(it);
  }
  return points;
}

std::string Shading(const std::vector<FaultSpan>& faults, absl::Time start,
                    absl::Time end) {
  static const std::map<std::string, const char*> kColors = {
      {"partition", "#FF9999"},
      {"kill", "#999999"},
      {"pause", "#9999FF"},
      {"kv-cut", "#FFCC66"}};
  std::string out;
  int id = 1;
  for (const FaultSpan& f : faults) {
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

}  // namespace

PlotFiles MakePlots(const sim::History& history, absl::Time start,
                    absl::Time end, const std::vector<FaultSpan>& faults) {
  PlotFiles files;
  auto points = LatencyPoints(history, start);
  // One gnuplot data block per series (blocks are separated by two blank
  // lines); a dummy point keeps empty series addressable by index.
  for (int i = 0; i < kSeriesCount; ++i) {
    absl::StrAppend(&files.latency_data, "# ", kSeries[i].title, "\n");
    if (points[i].empty()) absl::StrAppend(&files.latency_data, "NaN NaN\n");
    for (const auto& [t, ms] : points[i]) {
      absl::StrAppendFormat(&files.latency_data, "%.6f %.3f\n", t, ms);
    }
    absl::StrAppend(&files.latency_data, "\n\n");
  }
  // Completions per whole second, per series.
  const int seconds = std::max<int>(
      1, static_cast<int>(absl::ToDoubleSeconds(end - start)) + 1);
  std::vector<std::vector<int>> rate(seconds,
                                     std::vector<int>(kSeriesCount, 0));
  for (const sim::HistoryEvent& e : history) {
    if (e.type == EventType::kInvoke) continue;
    int s = static_cast<int>(absl::ToDoubleSeconds(e.time - start));
    if (s >= 0 && s < seconds) ++rate[s][SeriesOf(e)];
  }
  absl::StrAppend(&files.rate_data, "# second");
  for (const Series& s : kSeries)
    absl::StrAppend(&files.rate_data, " \"", s.title, "\"");
  absl::StrAppend(&files.rate_data, "\n");
  for (int s = 0; s < seconds; ++s) {
    absl::StrAppend(&files.rate_data, s);
    for (int v : rate[s]) absl::StrAppend(&files.rate_data, " ", v);
    absl::StrAppend(&files.rate_data, "\n");
  }

  const std::string shading = Shading(faults, start, end);
  const double x_max = std::max(1.0, absl::ToDoubleSeconds(end - start));
  std::string& g = files.script;
  absl::StrAppend(&g, "set terminal png size 1100,500 noenhanced\n",
                  "set xlabel \"Time (s)\"\nset key outside right top\n",
                  absl::StrFormat("set xrange [0:%.3f]\n", x_max), shading);
  absl::StrAppend(&g, "set output \"latency-raw.png\"\n",
                  "set title \"latency-raw (shaded: faults)\"\n",
                  "set ylabel \"Latency (ms)\"\nset logscale y\n", "plot ");
  for (int i = 0; i < kSeriesCount; ++i) {
    absl::StrAppendFormat(
        &g,
        "%s\"latency-raw.dat\" index %d using 1:2 with points "
        "pt 7 ps 0.4 lc rgb \"%s\" title \"%s\"",
        i ? ", " : "", i, kSeries[i].color, kSeries[i].title);
  }
  absl::StrAppend(&g, "\nunset logscale y\n", "set output \"rate.png\"\n",
                  "set title \"rate (shaded: faults)\"\n",
                  "set ylabel \"Throughput (ops/s)\"\nset yrange [0:*]\nplot ");
  for (int i = 0; i < kSeriesCount; ++i) {
    absl::StrAppendFormat(&g,
                          "%s\"rate.dat\" using ($1+0.5):%d with lines lw 2 "
                          "lc rgb \"%s\" title \"%s\"",
                          i ? ", " : "", i + 2, kSeries[i].color,
                          kSeries[i].title);
  }
  absl::StrAppend(&g, "\n");
  return files;
}

}  // namespace harness
