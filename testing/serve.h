// `maelstrom serve`: Maelstrom's web server over the store (Jepsen 0.3.7
// cli.clj serve-cmd, web.clj), read-only, for the pages the harness writes:
// the store's index.html at /, and every run's pages and files at their
// path in the store (/g-counter/<time>/index.html, .../messages.svg,
// .../node-logs/n0.log). Jepsen's own URLs, /files/<path>, name the same
// files. A directory without an index.html gets a listing.
//
//   harness::ServeOptions o;            // localhost:8080, <cwd>/store
//   o.store_root = "/home/me/store";
//   return harness::Serve(o, std::cout); // until Ctrl-C or SIGTERM
//
// One thread, one ppoll loop, non-blocking sockets. Bounded: at most
// kMaxConnections at once (one more gets a 503 and is closed), a request
// head of at most kMaxRequestHead bytes (else 431), no request bodies; a
// connection that makes no progress for kIdleTimeout is closed. GET and
// HEAD only (else 405). Nothing outside the store is served: a path with a
// ".." segment is refused (403) and every path is resolved (symlinks
// included) and must land inside the store's own real path (else 403;
// store/latest, a link inside the store, works). HTTP/1.1 keep-alive.
//
// Differences from Jepsen's server, all deliberate: binds localhost by
// default (Jepsen: 0.0.0.0); --port 0 picks a free port (Jepsen: "Must be
// positive"); JSON is served as application/json (Jepsen: text/plain); no
// .zip downloads and no paging of the home page (the store's index.html is
// the harness's own).
#ifndef TESTING_SERVE_H_
#define TESTING_SERVE_H_

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace harness {

struct ServeOptions {
  std::string host = "localhost";  // -b/--host (Jepsen's default: 0.0.0.0)
  int port = 8080;                 // -p/--port, Jepsen's default; 0: any
  std::string store_root;          // --store, absolute
};

inline constexpr int kMaxConnections = 64;
inline constexpr size_t kMaxRequestHead = 16 << 10;
inline constexpr absl::Duration kIdleTimeout = absl::Seconds(15);

// Serves until SIGINT or SIGTERM (then 0). Prints where it listens, one
// line per request, and errors to `out`. Returns 255 when the store is not
// a directory or no address could be bound (the reason is printed).
int Serve(const ServeOptions& options, std::ostream& out);

// ------------------------------------------------- the parts, for tests

struct HttpRequest {
  std::string method;     // "GET"
  std::string target;     // "/g-counter/x/index.html?y=1", as sent
  int minor_version = 1;  // HTTP/1.<minor>
  bool keep_alive = true;
  bool has_body = false;  // Content-Length > 0 or Transfer-Encoding
};

enum class HeadParse { kIncomplete, kOk, kBad, kTooLarge, kBadVersion };

// Parses the request head at the start of `buffer` (up to and including
// the blank line). On kOk, *consumed is the head's length. kIncomplete:
// no blank line yet and buffer is under kMaxRequestHead.
HeadParse ParseRequestHead(absl::string_view buffer, HttpRequest* request,
                           size_t* consumed);

// The target's path, percent-decoded, without query, "." segments and
// repeated slashes, Jepsen's "/files" prefix removed: "/" or "/a/b".
// InvalidArgument for a bad escape, a NUL or a target that is not a path;
// PermissionDenied for a ".." segment.
absl::StatusOr<std::string> RequestPath(absl::string_view target);

// The file `path` (from RequestPath) names in the store whose real path
// is `store_real`, symlinks resolved: NotFound, or PermissionDenied when
// it resolves outside the store.
absl::StatusOr<std::string> ResolveInStore(const std::string& store_real,
                                           const std::string& path);

// "text/html; charset=utf-8" for "index.html"; by extension:
// html, svg, png, txt/log/edn/gnuplot/dat, json, css, js, jpg, gif;
// application/octet-stream for anything else.
std::string ContentTypeFor(absl::string_view filename);

// An HTML listing of directory `dir` (a real path in the store), titled
// with the request `path`; names escaped, links percent-encoded. At most
// 5000 entries are listed.
std::string DirectoryListing(const std::string& dir, const std::string& path);

}  // namespace harness

#endif  // TESTING_SERVE_H_
