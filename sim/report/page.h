// The frame of every HTML page the report writes: UTF-8, a title, inline
// CSS and optional inline JS, nothing loaded from anywhere else.
//
//   HtmlPage("g-counter seed 7", ".ok { color: blue; }", "<h1>Run</h1>", "")
//     == "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">..."
#ifndef SIM_REPORT_PAGE_H_
#define SIM_REPORT_PAGE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace report {

// `title` is plain text (escaped here); `css`, `body` and `script` are
// markup the caller has already escaped.
std::string HtmlPage(absl::string_view title, absl::string_view css,
                     absl::string_view body, absl::string_view script);

// Shared look of the report's pages (body font, verdict colours as in
// Jepsen's web UI: valid blue, invalid pink, unknown orange).
extern const char kBaseCss[];

// The CSS class of a verdict from Jepsen's exit code: 0 "valid",
// 1 "invalid", 2 "unknown", anything else (254, 255) "crashed".
const char* VerdictClass(int exit_code);

}  // namespace report

#endif  // SIM_REPORT_PAGE_H_
