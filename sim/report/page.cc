#include "sim/report/page.h"

#include "absl/strings/str_cat.h"
#include "sim/report/escape.h"

namespace report {

const char kBaseCss[] = R"(
body { font-family: Helvetica, Arial, sans-serif; font-size: 14px; margin: 16px 24px; color: #222; }
h1 { font-size: 20px; margin: 0 0 8px 0; }
h2 { font-size: 16px; margin: 20px 0 6px 0; }
a { color: #0b57a4; }
pre { background: #f6f6f6; padding: 8px; overflow-x: auto; font-size: 12px; }
table { border-collapse: collapse; }
td, th { padding: 3px 10px 3px 0; text-align: left; vertical-align: top; }
th { color: #555; font-weight: normal; }
.verdict { display: inline-block; padding: 4px 10px; border-radius: 3px; font-weight: bold; }
.verdict.valid { background: #6DB6FE; }
.verdict.invalid { background: #FEB5DA; }
.verdict.unknown { background: #FFAA26; }
.verdict.crashed { background: #d9d9d9; color: #a00; }
)";

std::string HtmlPage(absl::string_view title, absl::string_view css,
                     absl::string_view body, absl::string_view script) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\">\n<title>",
      EscapeXml(title), "</title>\n<style>", kBaseCss, css,
      "</style>\n</head>\n<body>\n", body,
      script.empty() ? "" : absl::StrCat("<script>\n", script, "\n</script>\n"),
      "</body></html>\n");
}

const char* VerdictClass(int exit_code) {
  switch (exit_code) {
    case 0: return "valid";
    case 1: return "invalid";
    case 2: return "unknown";
    default: return "crashed";  // 254 bad arguments, 255 the test broke
  }
}

}  // namespace report
