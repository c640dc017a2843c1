#include "sim/report/timeline.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "sim/maelstrom/jepsen_history.h"
#include "sim/report/analysis.h"
#include "sim/report/escape.h"
#include "sim/report/page.h"

namespace report {
namespace {

using sim::EventType;
using sim::HistoryEvent;

constexpr double kRowHeight = 28;  // px per thread
constexpr double kBarHeight = 18;
constexpr double kAxisHeight = 24;
constexpr double kFaultLevelHeight = 18;  // overlapping faults stack
constexpr double kTargetWidth = 3000;     // default zoom fits the run in this
// Jepsen's timeline.clj op-limit: more bars make the page unusable.
constexpr size_t kMaxBars = 10000;

const char kCss[] = R"(
.summary td { padding-right: 18px; }
.truncated { color: #a33; font-weight: bold; }
.controls { margin: 10px 0; }
.legend span { display: inline-block; margin-right: 14px; }
.swatch { display: inline-block; width: 14px; height: 10px; margin-right: 4px; vertical-align: middle; }
.frame { display: flex; border: 1px solid #ddd; }
.labels { flex: none; width: 150px; border-right: 1px solid #ddd; background: #fafafa; }
.labels div { height: 28px; line-height: 28px; padding-left: 6px; font-size: 12px; white-space: nowrap; overflow: hidden; }
.labels .axis-label { height: 24px; line-height: 24px; color: #777; }
.labels .fault-row-label { line-height: 22px; color: #a33; }
.scroll { overflow-x: auto; flex: 1; }
.chart { position: relative; }
.tick { position: absolute; top: 0; height: 100%; border-left: 1px solid #eee; font-size: 10px; color: #888; padding-left: 2px; }
.row { position: absolute; left: 0; right: 0; border-top: 1px solid #f0f0f0; }
.op, .pending-op { position: absolute; height: 18px; border-radius: 2px; box-sizing: border-box; }
.op .v { display: block; overflow: hidden; white-space: nowrap; font: 10px/16px monospace; padding: 0 2px; pointer-events: none; }
.op.ok { background: #6DB6FE; }
.op.info { background: #FFAA26; }
.op.fail { background: #FEB5DA; }
.op.read { opacity: 0.8; }
.op:hover, .pending-op:hover { outline: 2px solid #000; z-index: 2; }
.op.final { border: 2px solid #000; }
.op.final.bad { border: 3px solid #d00; background: #ff6b6b; }
.pending-op { background: repeating-linear-gradient(45deg, #ccc, #ccc 4px, #fff 4px, #fff 8px); border: 1px dashed #888; }
.fault { position: absolute; top: 0; height: 100%; opacity: 0.22; pointer-events: none; }
.fault-bar { position: absolute; height: 16px; font-size: 10px; line-height: 16px; overflow: hidden; white-space: nowrap; padding-left: 3px; color: #611; border-radius: 2px; }
.fault.partition, .fault-bar.partition { background: #FF9999; }
.fault.kill, .fault-bar.kill { background: #999999; }
.fault.pause, .fault-bar.pause { background: #9999FF; }
.fault.kv-cut, .fault-bar.kv-cut { background: #FFCC66; }
.fault.other, .fault-bar.other { background: #DDDDDD; }
)";

// Zoom: the chart's positions are calc(var(--pxs) * seconds), so one custom
// property rescales everything.
const char kScript[] = R"(
(function () {
  var chart = document.getElementById('chart');
  var zoom = document.getElementById('zoom');
  var label = document.getElementById('zoom-label');
  function apply() {
    var pxs = Math.round(Math.pow(10, Number(zoom.value)));
    chart.style.setProperty('--pxs', pxs + 'px');
    label.textContent = pxs + ' px/s';
  }
  zoom.addEventListener('input', apply);
  apply();
})();
)";

const char* TypeClass(EventType t) {
  switch (t) {
    case EventType::kOk: return "ok";
    case EventType::kFail: return "fail";
    case EventType::kInfo: return "info";
    case EventType::kInvoke: return "pending";
  }
  return "info";
}

const char* FaultClass(const std::string& kind) {
  for (const char* known : {"partition", "kill", "pause", "kv-cut"}) {
    if (kind == known) return known;
  }
  return "other";
}

std::string Sec(double s) { return absl::StrFormat("%.6f", s); }

// An :f as a CSS class name: letters, digits, '-' and '_' kept.
std::string ClassName(const std::string& f) {
  std::string out = f;
  for (char& c : out) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-')
      c = '_';
  }
  return out;
}

// CSS length `seconds` along the time axis.
std::string At(double seconds) {
  return absl::StrCat("calc(var(--pxs) * ", Sec(seconds), ")");
}
std::string Span(double seconds) {
  return absl::StrCat("max(3px, calc(var(--pxs) * ", Sec(seconds), "))");
}

class TimelineBuilder {
 public:
  explicit TimelineBuilder(const RunAnalysis& analysis)
      : run_(analysis.run()), ops_(analysis.ops()), jepsen_(analysis.jepsen()) {
    const sim::RunRecord& run = run_;
    for (const HistoryEvent& e : run.history) threads_.insert(e.thread);
    int row = 0;
    for (int t : threads_) row_of_[t] = row++;
    for (const sim::FlaggedOp& op : run.results.workload.flagged)
      bad_.emplace(op.index, op.note);
    // The axis spans t0 (or the first event before it) to the last event.
    double lo = 0, hi = 1;
    for (const HistoryEvent& e : run.history) {
      lo = std::min(lo, Rel(e.time));
      hi = std::max(hi, Rel(e.time));
    }
    for (const sim::FaultWindow& f : run.faults) {
      lo = std::min(lo, Rel(f.start));
      if (f.end != absl::InfiniteFuture()) hi = std::max(hi, Rel(f.end));
    }
    origin_ = lo;
    duration_ = hi - lo;
    // Each fault goes on the first level whose faults ended before it began.
    std::vector<absl::Time> level_end;
    for (const sim::FaultWindow& f : run.faults) {
      size_t level = 0;
      while (level < level_end.size() && level_end[level] > f.start) ++level;
      if (level == level_end.size()) level_end.push_back(f.end);
      level_end[level] = f.end;
      fault_level_.push_back(level);
    }
    levels_ = level_end.size();
  }

  std::string Render() const;

 private:
  double Rel(absl::Time t) const { return absl::ToDoubleSeconds(t - run_.t0); }
  double X(absl::Time t) const { return Rel(t) - origin_; }
  double FaultsHeight() const {
    return kFaultLevelHeight * std::max<size_t>(1, levels_) + 4;
  }
  double RowTop(int thread) const {
    return kAxisHeight + FaultsHeight() + kRowHeight * row_of_.at(thread);
  }
  std::string Summary() const;
  std::string Header() const;
  std::string Controls(double default_pxs) const;
  std::string Labels() const;
  std::string Chart(double chart_height, double default_pxs) const;
  std::string OpDiv(const OpPair& op) const;
  std::string OpTitle(const OpPair& op) const;
  std::string Faults(double chart_height) const;

  const sim::RunRecord& run_;
  const std::vector<OpPair>& ops_;
  const sim::JepsenHistory& jepsen_;
  std::set<int> threads_;
  std::map<int, int> row_of_;
  std::map<size_t, std::string> bad_;  // flagged completion → its note
  double origin_ = 0, duration_ = 1;
  std::vector<size_t> fault_level_;  // per fault
  size_t levels_ = 0;
};

std::string TimelineBuilder::Summary() const {
  std::map<std::string, std::map<std::string, int64_t>> counts;  // f → type → n
  int64_t pending = 0;
  for (const OpPair& op : ops_) {
    const std::string& f = run_.history[op.invoke].f;
    if (op.completion) {
      ++counts[f][TypeClass(run_.history[*op.completion].type)];
    } else {
      ++pending;
    }
  }
  std::string rows;
  for (const auto& [f, by_type] : counts) {
    auto n = [&](const char* t) {
      auto it = by_type.find(t);
      return it == by_type.end() ? 0 : it->second;
    };
    absl::StrAppend(&rows, "<tr><th>", f, "</th><td>ok ", n("ok"),
                    "</td><td>info ", n("info"), "</td><td>fail ", n("fail"),
                    "</td></tr>\n");
  }
  absl::StrAppend(&rows, "<tr><th>never completed</th><td>", pending,
                  "</td></tr>\n");
  for (const auto& [label, value] : run_.results.workload.summary) {
    absl::StrAppend(&rows, "<tr><th>", EscapeXml(label),
                    "</th><td colspan=\"3\">", EscapeXml(value),
                    "</td></tr>\n");
  }
  return absl::StrCat("<table class=\"summary\">\n", rows, "</table>\n");
}

std::string TimelineBuilder::OpTitle(const OpPair& op) const {
  const HistoryEvent& invoke = run_.history[op.invoke];
  std::string t =
      absl::StrCat("process ", jepsen_.Process(op.invoke), " (thread ",
                   invoke.thread, ", client ", invoke.client, ")\n", invoke.f);
  if (!invoke.value.is_null())
    absl::StrAppend(&t, " ", sim::FormatValue(invoke.value));
  if (op.completion) {
    const HistoryEvent& done = run_.history[*op.completion];
    absl::StrAppend(&t, " → ", TypeClass(done.type));
    // What the op learned: a read's value, not an add's echo of its delta.
    if (done.type == EventType::kOk && done.value != invoke.value)
      absl::StrAppend(&t, " ", sim::FormatValue(done.value));
    absl::StrAppend(&t, "\ninvoked t=", Sec(Rel(invoke.time)),
                    "s, completed t=", Sec(Rel(done.time)), "s\nlatency ",
                    absl::StrFormat("%.3f ms", absl::ToDoubleMilliseconds(
                                                   done.time - invoke.time)));
    if (!done.error.empty()) absl::StrAppend(&t, "\nerror: ", done.error);
  } else {
    absl::StrAppend(&t, " → never completed\ninvoked t=", Sec(Rel(invoke.time)),
                    "s");
  }
  auto bad = op.completion ? bad_.find(*op.completion) : bad_.end();
  if (invoke.final) {
    absl::StrAppend(&t, "\n", run_.results.workload.final_label,
                    bad != bad_.end() ? absl::StrCat(": ", bad->second) : "");
  } else if (bad != bad_.end()) {
    absl::StrAppend(&t, "\n", bad->second);
  }
  return t;
}

std::string TimelineBuilder::OpDiv(const OpPair& op) const {
  const HistoryEvent& invoke = run_.history[op.invoke];
  const double top = RowTop(invoke.thread) + (kRowHeight - kBarHeight) / 2;
  const double left = X(invoke.time);
  if (!op.completion) {
    return absl::StrCat("<div class=\"pending-op\" style=\"left:", At(left),
                        ";width:", Span(duration_ - left), ";top:", top,
                        "px\" title=\"", EscapeXml(OpTitle(op)), "\"></div>\n");
  }
  const HistoryEvent& done = run_.history[*op.completion];
  std::string classes =
      absl::StrCat("op ", TypeClass(done.type), " ", ClassName(invoke.f));
  if (invoke.final || done.final) absl::StrAppend(&classes, " final");
  if (bad_.count(*op.completion)) absl::StrAppend(&classes, " bad");
  // The op's value on the bar (what a read learned, else what was sent),
  // clipped to the bar; the title has all of it.
  const kvclient::Json& value =
      done.type == EventType::kOk && !done.value.is_null() ? done.value
                                                           : invoke.value;
  const std::string label =
      value.is_null() ? invoke.f
                      : absl::StrCat(invoke.f, " ", sim::FormatValue(value));
  return absl::StrCat("<div class=\"", classes, "\" style=\"left:", At(left),
                      ";width:", Span(X(done.time) - left), ";top:", top,
                      "px\" title=\"", EscapeXml(OpTitle(op)),
                      "\"><span class=\"v\">", EscapeXml(Truncate(label, 80)),
                      "</span></div>\n");
}

std::string TimelineBuilder::Faults(double chart_height) const {
  std::string out;
  for (size_t k = 0; k < run_.faults.size(); ++k) {
    const sim::FaultWindow& f = run_.faults[k];
    const double start = X(f.start);
    const double end = f.end == absl::InfiniteFuture() ? duration_ : X(f.end);
    const std::string title =
        absl::StrCat(f.kind, " t=", Sec(Rel(f.start)), "s to ",
                     f.end == absl::InfiniteFuture()
                         ? std::string("the end")
                         : absl::StrCat("t=", Sec(Rel(f.end)), "s"),
                     ": ", f.description);
    absl::StrAppend(&out, "<div class=\"fault ", FaultClass(f.kind),
                    "\" style=\"left:", At(start), ";width:", Span(end - start),
                    ";height:", chart_height, "px\"></div>\n");
    absl::StrAppend(
        &out, "<div class=\"fault-bar ", FaultClass(f.kind),
        "\" style=\"left:", At(start), ";width:", Span(end - start), ";top:",
        kAxisHeight + 2 +
            kFaultLevelHeight * static_cast<double>(fault_level_[k]),
        "px\" title=\"", EscapeXml(title), "\">",
        EscapeXml(Truncate(f.description, 120)), "</div>\n");
  }
  return out;
}

std::string TimelineBuilder::Header() const {
  const sim::RunMetadata& meta = run_.meta;
  std::string out = absl::StrCat(
      "<h1>",
      EscapeXml(
          absl::StrCat(meta.workload, ", seed ", meta.seed, ": timeline")),
      "</h1>\n<p><span class=\"verdict ", VerdictClass(meta.exit_code), "\">",
      EscapeXml(meta.verdict_line.empty()
                    ? absl::StrCat("exit code ", meta.exit_code)
                    : meta.verdict_line),
      "</span> <a href=\"index.html\">run index</a></p>\n", Summary());
  if (ops_.size() > kMaxBars) {
    absl::StrAppend(&out, "<p class=\"truncated\">Showing the first ", kMaxBars,
                    " of ", ops_.size(),
                    " operations (history.edn has them all).</p>\n");
  }
  return out;
}

std::string TimelineBuilder::Controls(double default_pxs) const {
  return absl::StrCat(
      "<div class=\"controls\">Zoom <input type=\"range\" "
      "id=\"zoom\" min=\"0.7\" max=\"3.7\" "
      "step=\"0.01\" value=\"",
      absl::StrFormat("%.2f", std::log10(default_pxs)),
      "\"> <span id=\"zoom-label\">", static_cast<int>(default_pxs),
      " px/s</span></div>\n",
      "<div class=\"legend\"><span><i class=\"swatch\" "
      "style=\"background:#6DB6FE\"></i>ok</span>"
      "<span><i class=\"swatch\" style=\"background:#FFAA26\"></i>info "
      "(indeterminate)</span>"
      "<span><i class=\"swatch\" style=\"background:#FEB5DA\"></i>fail</span>"
      "<span><i class=\"swatch\" style=\"border:2px solid #000\"></i>",
      EscapeXml(run_.results.workload.final_label),
      "</span>"
      "<span><i class=\"swatch\" style=\"border:2px solid "
      "#d00;background:#ff6b6b\"></i>",
      EscapeXml(run_.results.workload.flagged_label),
      "</span><span>Time is seconds since the run's "
      "start; hover a bar "
      "for "
      "the operation.</span></div>\n");
}

// The left column: a label per row.
std::string TimelineBuilder::Labels() const {
  const std::vector<std::string>& nodes = run_.meta.node_ids;
  std::string out = absl::StrCat(
      "<div class=\"labels\"><div "
      "class=\"axis-label\">time (s)</div>"
      "<div class=\"fault-row-label\" style=\"height:",
      FaultsHeight(), "px\">faults</div>\n");
  for (int t : threads_) {
    std::string node;
    if (!nodes.empty() && t >= 0) {
      node = absl::StrCat(" → ", nodes[static_cast<size_t>(t) % nodes.size()]);
    }
    absl::StrAppend(&out, "<div>", EscapeXml(absl::StrCat("thread ", t, node)),
                    "</div>\n");
  }
  return out + "</div>";
}

// The scrolling chart: axis ticks, rows, faults, a bar per operation.
std::string TimelineBuilder::Chart(double chart_height,
                                   double default_pxs) const {
  // Tick spacing: the first step that keeps the axis to at most 120 ticks.
  double tick = 3600;
  for (double step : {1, 2, 5, 10, 30, 60, 300, 600}) {
    if (duration_ / step <= 120) {
      tick = step;
      break;
    }
  }
  std::string out = absl::StrCat(
      "<div class=\"scroll\"><div class=\"chart\" "
      "id=\"chart\" style=\"--pxs:",
      static_cast<int>(default_pxs), "px;width:", At(duration_ + 0.5),
      ";height:", chart_height, "px\">\n");
  const int64_t first_tick = static_cast<int64_t>(std::ceil(origin_ / tick));
  for (int64_t k = first_tick;
       k * tick <= origin_ + duration_ && k - first_tick <= 1000; ++k) {
    absl::StrAppend(&out,
                    "<div class=\"tick\" style=\"left:", At(k * tick - origin_),
                    "\">", absl::StrFormat("%g", k * tick), "</div>\n");
  }
  for (int t : threads_) {
    absl::StrAppend(&out, "<div class=\"row\" style=\"top:", RowTop(t),
                    "px;height:", kRowHeight, "px\"></div>\n");
  }
  absl::StrAppend(&out, Faults(chart_height));
  for (size_t i = 0; i < ops_.size() && i < kMaxBars; ++i)
    absl::StrAppend(&out, OpDiv(ops_[i]));
  return out + "</div></div>";
}

std::string TimelineBuilder::Render() const {
  const sim::RunMetadata& meta = run_.meta;
  const double chart_height =
      kAxisHeight + FaultsHeight() + kRowHeight * threads_.size() + 4;
  const double default_pxs = std::min(
      2000.0, std::max(10.0, kTargetWidth / std::max(duration_, 0.001)));
  // Left: row labels. Right: the scrolling chart.
  const std::string body =
      absl::StrCat(Header(), Controls(default_pxs), "<div class=\"frame\">",
                   Labels(), Chart(chart_height, default_pxs), "</div>\n");
  return HtmlPage(
      absl::StrCat(meta.workload, " seed ", meta.seed, ": timeline"), kCss,
      body, kScript);
}

}  // namespace

std::string RenderTimelineHtml(const RunAnalysis& analysis) {
  return TimelineBuilder(analysis).Render();
}

}  // namespace report
