#include "sim/report/index.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "kvclient/message.h"
#include "sim/report/escape.h"
#include "sim/report/page.h"

namespace report {
namespace {

using kvclient::Json;

const char kRunCss[] = R"(
.files td:first-child { white-space: nowrap; }
.plots img { max-width: 100%; border: 1px solid #ddd; margin: 4px 8px 4px 0; }
.window { color: #555; }
)";

const char kStoreCss[] = R"(
.runs td, .runs th { padding: 4px 16px 4px 0; border-bottom: 1px solid #eee; }
.runs .verdict { font-weight: normal; padding: 1px 8px; }
)";

std::string Link(absl::string_view path, absl::string_view text) {
  return absl::StrCat("<a href=\"", EscapeXml(UrlPath(path)), "\">",
                      EscapeXml(text), "</a>");
}

bool IsImage(absl::string_view path) {
  return absl::EndsWith(path, ".png") || absl::EndsWith(path, ".svg");
}

std::string Dump(const Json& j) {
  return j.dump(2, ' ', false, Json::error_handler_t::replace);
}

absl::StatusOr<Json> ParseObject(absl::string_view text,
                                 absl::string_view what) {
  Json j = Json::parse(text.begin(), text.end(), nullptr,
                       /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is not a JSON object"));
  }
  return j;
}

std::string StringField(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// "g-counter/20260101T120000000" → "20260101T120000000".
std::string Stamp(absl::string_view dir) {
  const size_t slash = dir.rfind('/');
  return std::string(slash == absl::string_view::npos ? dir
                                                      : dir.substr(slash + 1));
}

std::string Workload(absl::string_view dir) {
  const size_t slash = dir.find('/');
  return std::string(slash == absl::string_view::npos ? ""
                                                      : dir.substr(0, slash));
}

// The figures a reader of this workload looks for first: the network's
// msgs-per-op (net/checker.clj: messages over client invokes; the broadcast
// challenges are graded on the servers'), then the workload's own rows
// (WorkloadReport::summary: broadcast's and g-set's stable latency median
// and max, unique-ids' duplicates, ...).
void AppendFigures(const sim::RunRecord& run, std::string* body) {
  int64_t invokes = 0;
  for (const sim::HistoryEvent& e : run.history)
    invokes += e.type == sim::EventType::kInvoke;
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("operations", absl::StrCat(invokes, " invoked"));
  auto per_op = [&](int64_t n) {
    return invokes == 0
               ? std::string("nil")
               : absl::StrFormat("%.3f", static_cast<double>(n) /
                                             static_cast<double>(invokes));
  };
  const sim::NetFigures& net = run.results.net;
  rows.emplace_back("msgs-per-op (servers)",
                    absl::StrCat(per_op(net.servers.msg_count), " (",
                                 net.servers.msg_count, " messages)"));
  rows.emplace_back("msgs-per-op (all)",
                    absl::StrCat(per_op(net.all.msg_count), " (",
                                 net.all.msg_count, " messages)"));
  for (const auto& r : run.results.workload.summary) rows.push_back(r);
  absl::StrAppend(body, "<h2>Figures</h2>\n<table class=\"figures\">\n");
  for (const auto& [key, value] : rows) {
    absl::StrAppend(body, "<tr><th>", EscapeXml(key), "</th><td>",
                    EscapeXml(value), "</td></tr>\n");
  }
  absl::StrAppend(body, "</table>\n");
}

}  // namespace

std::string RenderRunIndex(const sim::RunRecord& run,
                           const std::vector<IndexLink>& files,
                           absl::string_view window_description,
                           absl::string_view store_index_href) {
  const sim::RunMetadata& meta = run.meta;
  std::string body;
  absl::StrAppend(
      &body, "<h1>",
      EscapeXml(absl::StrCat(meta.workload, ", seed ", meta.seed)),
      "</h1>\n<p><span class=\"verdict ", VerdictClass(meta.exit_code), "\">",
      EscapeXml(meta.verdict_line.empty() ? std::string("(no verdict)")
                                          : meta.verdict_line),
      "</span> exit code ", meta.exit_code,
      store_index_href.empty()
          ? std::string()
          : absl::StrCat(" &nbsp; <a href=\"",
                         EscapeXml(UrlPath(store_index_href)),
                         "\">all runs</a>"),
      "</p>\n");
  absl::StrAppend(&body, "<table>\n");
  auto row = [&](absl::string_view key, absl::string_view value) {
    absl::StrAppend(&body, "<tr><th>", EscapeXml(key), "</th><td>",
                    EscapeXml(value), "</td></tr>\n");
  };
  row("workload", meta.workload);
  row("driver", meta.driver);
  row("seed", absl::StrCat(meta.seed));
  row("started", absl::FormatTime("%Y-%m-%d %H:%M:%E3S UTC", meta.started,
                                  absl::UTCTimeZone()));
  row("nodes", absl::StrJoin(meta.node_ids, " "));
  row("client threads", absl::StrCat(run.concurrency));
  row("command", meta.command);
  absl::StrAppend(&body, "</table>\n");
  AppendFigures(run, &body);
  absl::StrAppend(&body, "<h2>Files</h2>\n<table class=\"files\">\n");
  for (const IndexLink& f : files) {
    absl::StrAppend(&body, "<tr><td>", Link(f.path, f.path), "</td><td>",
                    EscapeXml(f.what), "</td></tr>\n");
  }
  absl::StrAppend(&body, "</table>\n<p class=\"window\">messages.svg draws ",
                  EscapeXml(window_description), "</p>\n");
  std::string plots;
  for (const IndexLink& f : files) {
    if (!IsImage(f.path) || absl::EndsWith(f.path, "messages.svg")) continue;
    absl::StrAppend(&plots, "<a href=\"", EscapeXml(UrlPath(f.path)),
                    "\"><img src=\"", EscapeXml(UrlPath(f.path)), "\" alt=\"",
                    EscapeXml(f.path), "\"></a>\n");
  }
  if (!plots.empty())
    absl::StrAppend(&body, "<h2>Plots</h2>\n<div class=\"plots\">\n", plots,
                    "</div>\n");
  if (!meta.results_text.empty()) {
    absl::StrAppend(&body, "<h2>Results</h2>\n<pre>",
                    EscapeXml(meta.results_text), "</pre>\n");
  }
  return HtmlPage(absl::StrCat(meta.workload, " seed ", meta.seed), kRunCss,
                  body, "");
}

std::string RunJson(const sim::RunRecord& run,
                    absl::string_view window_description) {
  const sim::RunMetadata& meta = run.meta;
  Json j = Json::object();
  j["workload"] = meta.workload;
  j["driver"] = meta.driver;
  j["seed"] = meta.seed;
  j["started"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", meta.started,
                                  absl::UTCTimeZone());
  j["exit-code"] = meta.exit_code;
  j["valid?"] = meta.exit_code == 0;
  j["verdict"] = meta.verdict_line;
  j["command"] = meta.command;
  j["messages-window"] = std::string(window_description);
  return Dump(j) + "\n";
}

absl::StatusOr<RunSummary> ParseRunJson(absl::string_view json,
                                        absl::string_view dir) {
  absl::StatusOr<Json> j = ParseObject(json, absl::StrCat(dir, "/run.json"));
  if (!j.ok()) return j.status();
  RunSummary s;
  s.dir = std::string(dir);
  s.workload = StringField(*j, "workload");
  s.driver = StringField(*j, "driver");
  s.started = StringField(*j, "started");
  s.verdict = StringField(*j, "verdict");
  if (j->contains("seed") && (*j)["seed"].is_number_integer())
    s.seed = (*j)["seed"].dump();
  if (j->contains("exit-code") && (*j)["exit-code"].is_number_integer()) {
    s.exit_code = (*j)["exit-code"].get<int>();
  }
  if (s.workload.empty()) s.workload = Workload(dir);
  if (s.started.empty()) s.started = Stamp(dir);
  return s;
}

absl::StatusOr<RunSummary> ParseResultsJson(absl::string_view json,
                                            absl::string_view dir) {
  absl::StatusOr<Json> j =
      ParseObject(json, absl::StrCat(dir, "/results.json"));
  if (!j.ok()) return j.status();
  RunSummary s;
  s.dir = std::string(dir);
  s.workload = Workload(dir);
  s.started = Stamp(dir);
  if (j->contains("seed") && (*j)["seed"].is_number_integer())
    s.seed = (*j)["seed"].dump();
  if (j->contains("exit-code") && (*j)["exit-code"].is_number_integer()) {
    s.exit_code = (*j)["exit-code"].get<int>();
  } else if (j->contains("valid?") && (*j)["valid?"].is_boolean()) {
    s.exit_code = (*j)["valid?"].get<bool>() ? 0 : 1;
  }
  return s;
}

std::string RenderStoreIndex(std::vector<RunSummary> runs) {
  std::stable_sort(runs.begin(), runs.end(),
                   [](const RunSummary& a, const RunSummary& b) {
                     return Stamp(a.dir) > Stamp(b.dir);
                   });
  std::string body = absl::StrCat(
      "<h1>Runs</h1>\n<p>", runs.size(),
      " runs, newest first. <a href=\"latest/index.html\">latest</a></p>\n");
  absl::StrAppend(
      &body,
      "<table "
      "class=\"runs\">\n<tr><th>started</th><th>workload</th><th>seed</th>"
      "<th>driver</th><th>verdict</th><th>run</th></tr>\n");
  for (const RunSummary& r : runs) {
    const std::string target = r.has_index ? absl::StrCat(r.dir, "/index.html")
                                           : absl::StrCat(r.dir, "/");
    const std::string verdict =
        r.exit_code < 0
            ? std::string("unknown")
            : absl::StrCat(r.exit_code == 0   ? "valid"
                           : r.exit_code == 1 ? "invalid"
                                              : "exit ",
                           r.exit_code >= 2 ? absl::StrCat(r.exit_code) : "");
    absl::StrAppend(
        &body, "<tr><td>", EscapeXml(r.started), "</td><td>",
        EscapeXml(r.workload), "</td><td>", EscapeXml(r.seed), "</td><td>",
        EscapeXml(r.driver), "</td><td><span class=\"verdict ",
        r.exit_code < 0 ? "unknown" : VerdictClass(r.exit_code), "\" title=\"",
        EscapeXml(r.verdict), "\">", EscapeXml(verdict), "</span></td><td>",
        Link(target, r.dir), "</td></tr>\n");
  }
  absl::StrAppend(&body, "</table>\n");
  return HtmlPage("Runs", kStoreCss, body, "");
}

}  // namespace report
