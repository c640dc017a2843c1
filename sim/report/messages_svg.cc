#include "sim/report/messages_svg.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "kvclient/assert.h"
#include "sim/maelstrom/node_line.h"
#include "sim/report/analysis.h"
#include "sim/report/escape.h"

namespace report {
namespace {

using kvclient::Json;

// Layout, in pixels.
constexpr double kGutter = 86;  // time labels on the left
constexpr double kLaneWidth = 104;
constexpr double kHeaderHeight = 104;
constexpr double kLaneLabelHeight = 22;
constexpr double kRowHeight = 15;
constexpr int kTimeLabelEvery = 20;  // rows
constexpr int kLaneLabelEvery = 60;  // rows
constexpr size_t kLabelChars = 44;   // Maelstrom truncates at 48

constexpr char kErrorColor[] = "#FF1E90";  // Maelstrom viz.clj message->color
constexpr double kPi = 3.14159265358979323846;

// A CSS class name from arbitrary text: [a-z0-9-] kept, the rest '-'.
std::string CssName(absl::string_view text) {
  std::string out;
  for (char c : text) {
    const char lower =
        (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    out.push_back(
        (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') ? lower
                                                                         : '-');
  }
  return out;
}

const std::map<std::string, const char*>& TypeColors() {
  static const auto* colors = new std::map<std::string, const char*>{
      {"add", "#0072B2"},   {"read", "#009E73"}, {"cas", "#E69F00"},
      {"write", "#CC79A7"}, {"init", "#7F7F7F"}, {"ts", "#56B4E9"},
  };
  return *colors;
}

// A message's type, with a reply's "_ok" removed so a pair shares a colour.
std::string BaseType(const Json& body) {
  std::string type(kvclient::BodyType(body));
  if (absl::EndsWith(type, "_ok")) type.resize(type.size() - 3);
  return type;
}

bool IsError(const Json& body) { return kvclient::BodyType(body) == "error"; }

std::string ColorOf(const Json& body) {
  if (IsError(body)) return kErrorColor;
  const std::string type = BaseType(body);
  auto it = TypeColors().find(type);
  if (it != TypeColors().end()) return it->second;
  // Any other type: a fixed colour from its name (FNV-1a), so every run
  // draws it the same.
  static constexpr const char* kOthers[] = {"#D55E00", "#8C564B", "#9467BD",
                                            "#17BECF", "#BCBD22", "#1F77B4"};
  uint64_t h = 1469598103934665603ull;
  for (char c : type) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
  return kOthers[h % (sizeof kOthers / sizeof kOthers[0])];
}

// Integers beyond 64 bits as their digits (sim/maelstrom/node_line.h).
std::string Dump(const Json& j, int indent) {
  return sim::RestoreBigIntegers(
      j.dump(indent, ' ', false, Json::error_handler_t::replace));
}

// Maelstrom's label: "<type> <body without type/msg_id/in_reply_to>"; for an
// error, its code and text.
std::string Label(const Json& body) {
  const std::string type(kvclient::BodyType(body));
  if (type == "error") {
    std::string code = body.contains("code") ? Dump(body["code"], -1) : "?";
    std::string text = body.contains("text") && body["text"].is_string()
                           ? body["text"].get<std::string>()
                           : "";
    return Truncate(absl::StrCat("error ", code, " ", text), kLabelChars);
  }
  Json rest = body.is_object() ? body : Json::object();
  for (const char* key : {"type", "msg_id", "in_reply_to"}) rest.erase(key);
  return Truncate(rest.empty() ? type : absl::StrCat(type, " ", Dump(rest, -1)),
                  kLabelChars);
}

std::string Num(double v) { return absl::StrFormat("%.1f", v); }

std::string FateClass(sim::Fate fate) {
  switch (fate) {
    case sim::Fate::kDelivered: return "delivered";
    case sim::Fate::kPartitioned: return "partitioned";
    case sim::Fate::kLost: return "lost";
    case sim::Fate::kKvCut: return "kv-cut";
    case sim::Fate::kReceiverDown: return "receiver-down";
    case sim::Fate::kNotRead: return "not-read";
    case sim::Fate::kInFlight: return "in-flight";
  }
  return "other";
}

const char* FaultColor(const std::string& kind) {
  if (kind == "partition") return "#FF9999";
  if (kind == "kill") return "#999999";
  if (kind == "pause") return "#9999FF";
  if (kind == "kv-cut") return "#FFCC66";
  return "#DDDDDD";
}

// One row of the diagram.
struct Event {
  absl::Time time;
  size_t pos;  // message position in send order (for invalid lines: index)
  int kind;    // 0 send, 1 arrival or drop, 2 invalid line
};

class SvgBuilder {
 public:
  SvgBuilder(const RunAnalysis& analysis, const MessageWindow& window)
      : run_(analysis.run()),
        analysis_(analysis),
        window_(window),
        pairs_(analysis.replies()),
        lanes_(Lanes(analysis, window)) {
    for (size_t i = 0; i < lanes_.size(); ++i) lane_index_[lanes_[i]] = i;
    const ClientLanes clients(run_);
    for (size_t pos = window.first;
         pos < window.last && pos < analysis.send_order().size(); ++pos) {
      for (const std::string& id : {Msg(pos).src, Msg(pos).dest}) {
        if (kvclient::IsClientId(id))
          lane_index_[id] = lane_index_.at(clients.LaneOf(id));
      }
    }
    BuildRows();
  }

  std::string Render();

 private:
  const sim::MessageRecord& Msg(size_t pos) const {
    return analysis_.message_at(pos);
  }
  double LaneX(const std::string& id) const {
    auto it = lane_index_.find(id);
    MC_ASSERT(it != lane_index_.end(),
              "every endpoint of a drawn message has a lane: ", id);
    return kGutter + kLaneWidth * (static_cast<double>(it->second) + 0.5);
  }
  double BodyTop() const { return kHeaderHeight + kLaneLabelHeight; }
  double RowY(size_t row) const {
    return BodyTop() + kRowHeight * (static_cast<double>(row) + 0.5);
  }
  double BodyBottom() const {
    return BodyTop() + kRowHeight * (static_cast<double>(rows_.size()) + 1);
  }
  double Width() const {
    return kGutter + kLaneWidth * static_cast<double>(lanes_.size()) + 20;
  }
  // The first row at or after t (rows_.size() if none).
  size_t RowAtOrAfter(absl::Time t) const;
  std::string Seconds(absl::Time t) const {
    return sim::SecondsSince(run_.t0, t, 6);
  }

  void BuildRows();
  void Header(std::string* out) const;
  void LanesAndTimes(std::string* out) const;
  void Faults(std::string* out) const;
  void Holds(std::string* out) const;
  void Message(size_t pos, std::string* out) const;
  void InvalidLines(std::string* out) const;
  void FailureLine(std::string* out) const;
  std::string Title(size_t pos) const;

  const sim::RunRecord& run_;
  const RunAnalysis& analysis_;
  const MessageWindow& window_;
  const ReplyPairs& pairs_;
  const std::vector<std::string> lanes_;
  std::map<std::string, size_t> lane_index_;
  std::vector<Event> rows_;
  std::map<size_t, size_t> send_row_, end_row_;  // message position → row
  std::vector<std::pair<size_t, size_t>> invalid_rows_;  // (invalid line, row)
};

void SvgBuilder::BuildRows() {
  for (size_t pos = window_.first; pos < window_.last; ++pos) {
    const sim::MessageRecord& m = Msg(pos);
    rows_.push_back({m.sent, pos, 0});
    if (m.end.has_value()) rows_.push_back({std::max(*m.end, m.sent), pos, 1});
  }
  if (window_.size() > 0) {
    const absl::Time from = run_.t0 + window_.from, to = run_.t0 + window_.to;
    for (size_t i = 0; i < run_.invalid_lines.size(); ++i) {
      const sim::InvalidLine& line = run_.invalid_lines[i];
      if (line.time >= from && line.time <= to &&
          lane_index_.count(line.node)) {
        rows_.push_back({line.time, i, 2});
      }
    }
  }
  std::stable_sort(rows_.begin(), rows_.end(),
                   [](const Event& a, const Event& b) {
                     if (a.time != b.time) return a.time < b.time;
                     if ((a.kind == 2) != (b.kind == 2))
                       return a.kind == 2;  // invalid lines first
                     return std::tie(a.pos, a.kind) < std::tie(b.pos, b.kind);
                   });
  for (size_t row = 0; row < rows_.size(); ++row) {
    const Event& e = rows_[row];
    if (e.kind == 0) send_row_[e.pos] = row;
    if (e.kind == 1) end_row_[e.pos] = row;
    if (e.kind == 2) invalid_rows_.emplace_back(e.pos, row);
  }
}

size_t SvgBuilder::RowAtOrAfter(absl::Time t) const {
  auto it = std::lower_bound(
      rows_.begin(), rows_.end(), t,
      [](const Event& e, absl::Time time) { return e.time < time; });
  return static_cast<size_t>(it - rows_.begin());
}

void SvgBuilder::Header(std::string* out) const {
  const sim::RunMetadata& meta = run_.meta;
  absl::StrAppend(out, "<text class=\"h1\" x=\"12\" y=\"24\">",
                  EscapeXml(absl::StrCat(meta.workload, ", seed ", meta.seed,
                                         ": messages")),
                  "</text>\n");
  absl::StrAppend(out, "<text class=\"window\" x=\"12\" y=\"44\">Window: ",
                  EscapeXml(window_.Describe()), "</text>\n");
  absl::StrAppend(out, "<text class=\"note\" x=\"12\" y=\"62\">",
                  EscapeXml(absl::StrCat(
                      "Time flows down, one row per send or arrival. Hover "
                      "an arrow for the whole message. Verdict: ",
                      meta.verdict_line)),
                  "</text>\n");
  // Legend: the types drawn, then the fates.
  std::set<std::pair<std::string, std::string>> types;  // (label, colour)
  for (size_t pos = window_.first; pos < window_.last; ++pos) {
    const Json& body = Msg(pos).body;
    types.emplace(IsError(body) ? "error" : BaseType(body), ColorOf(body));
  }
  double x = 12;
  const double y = 86;
  for (const auto& [type, color] : types) {
    absl::StrAppend(out, "<rect x=\"", Num(x), "\" y=\"", Num(y - 9),
                    "\" width=\"14\" height=\"10\" fill=\"", color,
                    "\"/><text class=\"legend\" x=\"", Num(x + 18), "\" y=\"",
                    Num(y), "\">", EscapeXml(type.empty() ? "(no type)" : type),
                    "</text>\n");
    x += 26 + 7 * static_cast<double>(std::min<size_t>(type.size(), 16));
  }
  absl::StrAppend(
      out, "<text class=\"legend\" x=\"", Num(x + 10), "\" y=\"", Num(y),
      "\">dashed + cross: never arrived; bar on a lane: request held until its "
      "reply; shaded: faults</text>\n");
}

void SvgBuilder::LanesAndTimes(std::string* out) const {
  const double top = BodyTop(), bottom = BodyBottom();
  // The clients' lanes (one per worker thread, last) as one group.
  size_t clients = 0;
  while (clients < lanes_.size() &&
         ClientLanes::IsClientLane(lanes_[lanes_.size() - 1 - clients]))
    ++clients;
  if (clients > 0) {
    const double left =
        kGutter + kLaneWidth * static_cast<double>(lanes_.size() - clients);
    absl::StrAppend(out, "<rect class=\"clients\" x=\"", Num(left), "\" y=\"",
                    Num(kHeaderHeight - 4), "\" width=\"",
                    Num(kLaneWidth * clients), "\" height=\"",
                    Num(bottom - kHeaderHeight + 4), "\"/>\n");
  }
  for (const std::string& lane : lanes_) {
    const double x = LaneX(lane);
    absl::StrAppend(out, "<line class=\"lane\" x1=\"", Num(x), "\" y1=\"",
                    Num(top), "\" x2=\"", Num(x), "\" y2=\"", Num(bottom),
                    "\"/>\n");
    for (size_t row = 0; row < rows_.size() || row == 0;
         row += kLaneLabelEvery) {
      absl::StrAppend(out, "<text class=\"lane-label", row ? " repeat" : "",
                      "\" x=\"", Num(x), "\" y=\"",
                      Num(row ? RowY(row) - 2 : top - 8), "\">",
                      EscapeXml(lane), "</text>\n");
    }
  }
  for (size_t row = 0; row < rows_.size(); row += kTimeLabelEvery) {
    absl::StrAppend(out, "<text class=\"time\" x=\"", Num(kGutter - 6),
                    "\" y=\"", Num(RowY(row) + 4), "\">",
                    Seconds(rows_[row].time).substr(0, 12), "s</text>\n");
  }
}

void SvgBuilder::Faults(std::string* out) const {
  if (rows_.empty()) return;
  for (const sim::FaultWindow& f : run_.faults) {
    if (f.end <= rows_.front().time || f.start > rows_.back().time) continue;
    const size_t first = RowAtOrAfter(f.start);
    const size_t end = RowAtOrAfter(f.end);  // rows before it are inside
    const double y0 = first == 0 ? BodyTop() : RowY(first) - kRowHeight / 2;
    // A fault that began and ended between two rows still shows, thinly.
    const double y1 =
        std::max(y0 + 4, end >= rows_.size() ? BodyBottom()
                                             : RowY(end) - kRowHeight / 2);
    std::vector<std::pair<double, double>> spans;  // x ranges
    if (f.nodes.empty()) {
      spans.emplace_back(
          kGutter, kGutter + kLaneWidth * static_cast<double>(lanes_.size()));
    } else {
      for (const std::string& node : f.nodes) {
        if (!lane_index_.count(node)) continue;
        const double x = LaneX(node);
        spans.emplace_back(x - kLaneWidth / 2 + 2, x + kLaneWidth / 2 - 2);
      }
    }
    const std::string title =
        absl::StrCat(f.kind, " from t=", Seconds(f.start), "s to ",
                     f.end == absl::InfiniteFuture()
                         ? std::string("the end")
                         : absl::StrCat("t=", Seconds(f.end), "s"),
                     ": ", f.description);
    absl::StrAppend(out, "<g class=\"fault kind-", CssName(f.kind),
                    "\"><title>", EscapeXml(title), "</title>\n");
    for (const auto& [xa, xb] : spans) {
      absl::StrAppend(out, "<rect x=\"", Num(xa), "\" y=\"", Num(y0),
                      "\" width=\"", Num(xb - xa), "\" height=\"", Num(y1 - y0),
                      "\" fill=\"", FaultColor(f.kind), "\"/>\n");
    }
    absl::StrAppend(out, "<text class=\"fault-label\" x=\"",
                    Num(spans.empty() ? kGutter : spans[0].first + 4),
                    "\" y=\"", Num(y0 + 11), "\">",
                    EscapeXml(Truncate(f.description, 90)), "</text></g>\n");
  }
}

void SvgBuilder::Holds(std::string* out) const {
  for (size_t pos = window_.first; pos < window_.last; ++pos) {
    const int64_t request = pairs_.request_of[pos];
    if (request < 0) continue;
    auto arrived = end_row_.find(static_cast<size_t>(request));
    if (arrived == end_row_.end())
      continue;  // the request is outside the window
    const sim::MessageRecord& reply = Msg(pos);
    const sim::MessageRecord& req = Msg(static_cast<size_t>(request));
    const double x = LaneX(reply.src);
    const double y0 = RowY(arrived->second), y1 = RowY(send_row_.at(pos));
    if (y1 <= y0) continue;
    const std::string title =
        absl::StrFormat("%s held %s's %s for %.3f ms (#%d -> #%d)", reply.src,
                        req.src, std::string(kvclient::BodyType(req.body)),
                        absl::ToDoubleMilliseconds(reply.sent - *req.end),
                        request + 1, pos + 1);
    absl::StrAppend(out, "<rect class=\"hold\" x=\"", Num(x - 3), "\" y=\"",
                    Num(y0), "\" width=\"6\" height=\"", Num(y1 - y0),
                    "\" fill=\"", ColorOf(req.body), "\"><title>",
                    EscapeXml(title), "</title></rect>\n");
  }
}

std::string SvgBuilder::Title(size_t pos) const {
  const sim::MessageRecord& m = Msg(pos);
  std::string t = absl::StrCat("#", pos + 1, " ", m.src, " → ", m.dest,
                               "  sent t=", Seconds(m.sent), "s");
  if (m.end.has_value()) {
    absl::StrAppend(&t, ", ", sim::Arrived(m.fate) ? "delivered" : "dropped",
                    " t=", Seconds(*m.end),
                    absl::StrFormat("s (+%.3f ms)", absl::ToDoubleMilliseconds(
                                                        *m.end - m.sent)));
  }
  absl::StrAppend(&t, "\nfate: ", sim::FateName(m.fate));
  if (int64_t req = pairs_.request_of[pos]; req >= 0) {
    const sim::MessageRecord& r = Msg(static_cast<size_t>(req));
    absl::StrAppend(
        &t, "\nreply to #", req + 1, " (", kvclient::BodyType(r.body),
        " sent t=", Seconds(r.sent),
        absl::StrFormat("s, %.3f ms earlier)",
                        absl::ToDoubleMilliseconds(m.sent - r.sent)));
  }
  if (int64_t rep = pairs_.reply_of[pos]; rep >= 0) {
    const sim::MessageRecord& r = Msg(static_cast<size_t>(rep));
    absl::StrAppend(
        &t, "\nanswered by #", rep + 1, " (", kvclient::BodyType(r.body),
        absl::StrFormat(") after %.3f ms",
                        absl::ToDoubleMilliseconds(r.sent - m.sent)));
  } else if (kvclient::MsgId(m.body).has_value()) {
    absl::StrAppend(&t, "\nno reply");
  }
  absl::StrAppend(&t, "\n", Dump(m.body, 2));
  return t;
}

void SvgBuilder::Message(size_t pos, std::string* out) const {
  const sim::MessageRecord& m = Msg(pos);
  const std::string color = ColorOf(m.body);
  const bool arrived = sim::Arrived(m.fate) && m.end.has_value();
  const double x0 = LaneX(m.src), y0 = RowY(send_row_.at(pos));
  double x1 = LaneX(m.dest);
  double y1 = m.end.has_value() ? RowY(end_row_.at(pos)) : y0 + 2 * kRowHeight;
  if (!arrived) {  // a cut arrow stops part-way and ends in a cross
    const double part = m.end.has_value() ? 0.6 : 0.35;
    x1 = x0 + (x1 - x0) * part;
    y1 = y0 + (y1 - y0) * part;
  }
  std::string classes = absl::StrCat("msg fate-", FateClass(m.fate));
  if (IsError(m.body)) absl::StrAppend(&classes, " error");
  if (pairs_.request_of[pos] >= 0) absl::StrAppend(&classes, " reply");
  absl::StrAppend(out, "<g class=\"", classes, "\" id=\"m", pos + 1, "\"");
  if (int64_t other = std::max(pairs_.request_of[pos], pairs_.reply_of[pos]);
      other >= 0) {
    absl::StrAppend(out, " data-pair=\"m", other + 1, "\"");
  }
  absl::StrAppend(out, "><title>", EscapeXml(Title(pos)), "</title>");
  const std::string stroke = absl::StrCat(" stroke=\"", color, "\"");
  const std::string marker =
      arrived ? absl::StrCat(" marker-end=\"url(#ah", color.substr(1), ")\"")
              : "";
  double lx, ly, angle;
  if (m.src == m.dest) {  // a message to itself: a loop to the right
    absl::StrAppend(out, "<path d=\"M", Num(x0), " ", Num(y0), " C",
                    Num(x0 + 40), " ", Num(y0), " ", Num(x0 + 40), " ", Num(y1),
                    " ", Num(x0 + 2), " ", Num(y1), "\" fill=\"none\"", stroke,
                    marker, "/>");
    lx = x0 + 34, ly = (y0 + y1) / 2, angle = 0;
  } else {
    absl::StrAppend(out, "<line x1=\"", Num(x0), "\" y1=\"", Num(y0),
                    "\" x2=\"", Num(x1), "\" y2=\"", Num(y1), "\"", stroke,
                    marker, "/>");
    lx = (x0 + x1) / 2, ly = (y0 + y1) / 2;
    angle = std::atan2(y1 - y0, x1 - x0) * 180 / kPi;
    if (angle > 90 || angle < -90) angle += 180;  // keep the text upright
  }
  if (!arrived) {
    absl::StrAppend(out, "<path class=\"cross\" d=\"M", Num(x1 - 4), " ",
                    Num(y1 - 4), " L", Num(x1 + 4), " ", Num(y1 + 4), " M",
                    Num(x1 - 4), " ", Num(y1 + 4), " L", Num(x1 + 4), " ",
                    Num(y1 - 4), "\"/>");
  }
  absl::StrAppend(out, "<text class=\"label\" transform=\"translate(", Num(lx),
                  " ", Num(ly), ") rotate(", Num(angle), ")\" y=\"-3\"",
                  IsError(m.body) ? " fill=\"#C0005A\"" : "", ">",
                  EscapeXml(Label(m.body)), "</text></g>\n");
}

void SvgBuilder::InvalidLines(std::string* out) const {
  for (const auto& [index, row] : invalid_rows_) {
    const sim::InvalidLine& line = run_.invalid_lines[index];
    const double x = LaneX(line.node), y = RowY(row);
    const std::string title = absl::StrCat(
        "invalid line from ", line.node, " at t=", Seconds(line.time),
        "s: ", line.why, "\n", line.line, "\nMaelstrom stops reading ",
        line.node, " here.");
    absl::StrAppend(out, "<g class=\"invalid\"><title>", EscapeXml(title),
                    "</title><circle cx=\"", Num(x), "\" cy=\"", Num(y),
                    "\" r=\"7\"/><path d=\"M", Num(x - 4), " ", Num(y - 4),
                    " L", Num(x + 4), " ", Num(y + 4), " M", Num(x - 4), " ",
                    Num(y + 4), " L", Num(x + 4), " ", Num(y - 4),
                    "\"/><text x=\"", Num(x + 10), "\" y=\"", Num(y + 4),
                    "\">invalid line</text></g>\n");
  }
}

void SvgBuilder::FailureLine(std::string* out) const {
  if (!window_.focus.has_value() || rows_.empty()) return;
  const absl::Time f = *window_.focus;
  if (f < rows_.front().time || f > rows_.back().time) return;
  // The line goes just above the first row at the failure's time, or, for a
  // bad final read, just below the arrival of the reply that carried it
  // (replies to clients arrive at the instant the read completes).
  size_t row = RowAtOrAfter(f);
  std::string culprit;
  if (!window_.focus_client.empty()) {
    for (size_t pos = window_.last; pos-- > window_.first;) {
      const sim::MessageRecord& m = Msg(pos);
      if (m.dest == window_.focus_client && m.end == f && end_row_.count(pos)) {
        row = end_row_.at(pos) + 1;
        culprit = absl::StrCat(" (#", pos + 1, ")");
        break;
      }
    }
  }
  const double y = row >= rows_.size() ? BodyBottom() - kRowHeight / 2
                                       : RowY(row) - kRowHeight / 2;
  const std::string what = absl::StrCat("first failed check at t=", Seconds(f),
                                        "s: ", window_.focus_what, culprit);
  absl::StrAppend(out, "<g id=\"first-failure\"><title>", EscapeXml(what),
                  "</title><line x1=\"", Num(kGutter - 80), "\" y1=\"", Num(y),
                  "\" x2=\"", Num(Width() - 10), "\" y2=\"", Num(y),
                  "\"/><text x=\"", Num(kGutter + 4), "\" y=\"", Num(y + 12),
                  "\">", EscapeXml(Truncate(what, 160)), "</text></g>\n");
}

std::string SvgBuilder::Render() {
  const double width = Width(), height = BodyBottom() + 30;
  std::string out;
  out.reserve(1024 + 900 * window_.size());
  absl::StrAppend(
      &out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"",
      Num(width), "\" height=\"", Num(height), "\" viewBox=\"0 0 ", Num(width),
      " ", Num(height), "\" data-first=\"", window_.first, "\" data-last=\"",
      window_.last, "\" data-total=\"", window_.total, "\">\n");
  absl::StrAppend(&out, "<title>",
                  EscapeXml(absl::StrCat(run_.meta.workload, " seed ",
                                         run_.meta.seed, ": messages")),
                  "</title>\n<desc id=\"window\">",
                  EscapeXml(window_.Describe()), "</desc>\n");
  absl::StrAppend(&out, R"(<style>
svg { font-family: Helvetica, Arial, sans-serif; font-size: 11px; background: #fff; }
.h1 { font-size: 16px; font-weight: bold; }
.window { font-size: 12px; fill: #222; }
.note, .legend { font-size: 11px; fill: #555; }
.lane { stroke: #ccc; stroke-width: 1; }
.clients { fill: #f4f8fc; }
.lane-label { text-anchor: middle; font-weight: bold; }
.lane-label.repeat { fill: #aaa; font-weight: normal; }
.time { text-anchor: end; fill: #777; font-size: 10px; }
.msg line, .msg path { stroke-width: 1.6; }
.msg:hover line, .msg:hover path { stroke-width: 3.5; }
.msg .cross { stroke: #000; stroke-width: 2; }
.msg.error line { stroke-width: 2.4; }
.msg:not(.fate-delivered) line { stroke-dasharray: 5 3; }
.label { text-anchor: middle; font-size: 9.5px; fill: #333; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.msg:hover .label { font-weight: bold; }
.hold { opacity: 0.35; }
.fault rect { opacity: 0.28; }
.fault-label { fill: #a33; font-size: 10px; }
.invalid circle { fill: #fff; stroke: #d00; stroke-width: 2; }
.invalid path { stroke: #d00; stroke-width: 2; }
.invalid text { fill: #d00; font-weight: bold; }
#first-failure line { stroke: #d00; stroke-width: 1.5; stroke-dasharray: 8 4; }
#first-failure text { fill: #d00; font-weight: bold; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
</style>
)");
  // One arrowhead per colour drawn.
  std::set<std::string> colors;
  for (size_t pos = window_.first; pos < window_.last; ++pos)
    colors.insert(ColorOf(Msg(pos).body));
  absl::StrAppend(&out, "<defs>");
  for (const std::string& c : colors) {
    absl::StrAppend(&out, "<marker id=\"ah", c.substr(1),
                    "\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" ",
                    "markerWidth=\"8\" markerHeight=\"8\" "
                    "markerUnits=\"userSpaceOnUse\" orient=\"auto\">",
                    "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"", c,
                    "\"/></marker>");
  }
  absl::StrAppend(&out, "</defs>\n");
  Header(&out);
  Faults(&out);
  LanesAndTimes(&out);
  Holds(&out);
  for (size_t pos = window_.first; pos < window_.last; ++pos)
    Message(pos, &out);
  InvalidLines(&out);
  FailureLine(&out);
  absl::StrAppend(&out, "</svg>\n");
  return out;
}

// "<letters><digits>" → (0, letters, number); anything else → (1, id, 0).
std::tuple<int, std::string, int64_t> LaneKey(const std::string& id) {
  size_t digits = id.size();
  while (digits > 0 && id[digits - 1] >= '0' && id[digits - 1] <= '9') --digits;
  bool letters = digits > 0 && digits < id.size() && digits <= 32;
  for (size_t i = 0; letters && i < digits; ++i) {
    letters = (id[i] >= 'a' && id[i] <= 'z') || (id[i] >= 'A' && id[i] <= 'Z');
  }
  int64_t number = 0;
  if (letters && absl::SimpleAtoi(id.substr(digits), &number)) {
    return {0, id.substr(0, digits), number};
  }
  return {1, id, 0};
}

}  // namespace

bool LaneLess(const std::string& a, const std::string& b) {
  const auto ka = LaneKey(a), kb = LaneKey(b);
  return ka != kb ? ka < kb : a < b;
}

ClientLanes::ClientLanes(const sim::RunRecord& run) {
  for (const sim::HistoryEvent& e : run.history)
    thread_of_[e.client] = e.thread;
}

std::string ClientLanes::LaneOf(const std::string& client) const {
  auto it = thread_of_.find(client);
  if (it == thread_of_.end()) return kSetupLane;
  return absl::StrCat(kThreadLane, it->second);
}

bool ClientLanes::IsClientLane(const std::string& lane) {
  return lane == kSetupLane || absl::StartsWith(lane, kThreadLane);
}

std::vector<std::string> Lanes(const RunAnalysis& analysis,
                               const MessageWindow& window) {
  const sim::RunRecord& run = analysis.run();
  const ClientLanes clients(run);
  std::set<std::string> ids(run.meta.node_ids.begin(), run.meta.node_ids.end());
  std::set<int> threads;
  bool setup = false;
  for (size_t pos = window.first;
       pos < window.last && pos < analysis.send_order().size(); ++pos) {
    for (const std::string& id :
         {analysis.message_at(pos).src, analysis.message_at(pos).dest}) {
      if (!kvclient::IsClientId(id)) {
        ids.insert(id);
        continue;
      }
      const std::string lane = clients.LaneOf(id);
      if (lane == ClientLanes::kSetupLane) {
        setup = true;
      } else {
        threads.insert(
            std::stoi(lane.substr(strlen(ClientLanes::kThreadLane))));
      }
    }
  }
  std::vector<std::string> lanes(ids.begin(), ids.end());
  std::sort(lanes.begin(), lanes.end(), LaneLess);  // nodes, then services
  if (setup) lanes.push_back(ClientLanes::kSetupLane);
  for (int t : threads)
    lanes.push_back(absl::StrCat(ClientLanes::kThreadLane, t));
  return lanes;
}

std::string RenderMessagesSvg(const RunAnalysis& analysis,
                              const MessageWindow& window) {
  const size_t n = analysis.run().messages.size();
  MC_ASSERT(window.first <= window.last && window.last <= n,
            "the window comes from ChooseWindow on this run: [", window.first,
            ", ", window.last, ") of ", n);
  return SvgBuilder(analysis, window).Render();
}

}  // namespace report
