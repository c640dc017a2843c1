#include "testing/serve.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "kvclient/assert.h"
#include "testing/wait.h"

namespace harness {
namespace {

constexpr size_t kSendChunk = 256 << 10;  // per connection per wake-up
constexpr size_t kMaxListing = 5000;

volatile sig_atomic_t g_stop_signal = 0;
void OnStopSignal(int sig) { g_stop_signal = sig; }

const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
  }
  MC_ASSERT(false, "a status this server sends has a reason: ", status);
  return "";
}

// (sim/report's EscapeXml and UrlPath do the same, but that package admits
// only the report writers.)
std::string HtmlEscape(absl::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// "/a b/c" → "/a%20b/c": bytes outside [A-Za-z0-9-._~/] percent-encoded.
std::string PercentEncodePath(absl::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (absl::ascii_isalnum(c) || (c != 0 && std::strchr("-._~/", c))) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// For the request log: printable, bounded.
std::string Printable(absl::string_view text) {
  std::string out;
  for (char c : text.substr(0, 200)) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (text.size() > 200) out += "...";
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = absl::ascii_tolower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

absl::StatusOr<std::string> PercentDecode(absl::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      const int hi = i + 2 < text.size() ? HexDigit(text[i + 1]) : -1;
      const int lo = i + 2 < text.size() ? HexDigit(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return absl::InvalidArgumentError("a bad %-escape in the path");
      }
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0') return absl::InvalidArgumentError("a NUL in the path");
    out += c;
  }
  return out;
}

// Date: an IMF-fixdate (RFC 9110 section 5.6.7).
std::string HttpDate(absl::Time now) {
  return absl::FormatTime("%a, %d %b %Y %H:%M:%S GMT", now,
                          absl::UTCTimeZone());
}

std::string ResponseHead(int status, absl::string_view type, uint64_t length,
                         bool close, absl::string_view extra = "") {
  MC_ASSERT(status != 204 || length == 0, "a 204 has no body");
  return absl::StrCat(
      "HTTP/1.1 ", status, " ", Reason(status),
      "\r\nServer: maelstrom-serve\r\nDate: ", HttpDate(absl::Now()),
      "\r\nContent-Type: ", type,
      // RFC 9110 section 8.6: none in a 204.
      status == 204 ? "" : absl::StrCat("\r\nContent-Length: ", length),
      "\r\nCache-Control: no-cache\r\n"
      "X-Content-Type-Options: nosniff\r\nConnection: ",
      close ? "close" : "keep-alive", "\r\n", extra, "\r\n");
}

// One line of the head without its line end ("\r\n" or "\n").
absl::string_view StripCr(absl::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

bool IsToken(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(c) &&
        (c == 0 || !std::strchr("!#$%&'*+-.^_`|~", c))) {
      return false;
    }
  }
  return true;
}

// The request line, "GET /path HTTP/1.1".
HeadParse ParseRequestLine(absl::string_view line, HttpRequest* request) {
  std::vector<absl::string_view> parts = absl::StrSplit(line, ' ');
  if (parts.size() != 3 || !IsToken(parts[0]) || parts[1].empty()) {
    return HeadParse::kBad;
  }
  if (!absl::StartsWith(parts[2], "HTTP/")) return HeadParse::kBad;
  if (parts[2] == "HTTP/1.1") {
    request->minor_version = 1;
  } else if (parts[2] == "HTTP/1.0") {
    request->minor_version = 0;
  } else {
    return HeadParse::kBadVersion;
  }
  request->method = std::string(parts[0]);
  request->target = std::string(parts[1]);
  request->keep_alive = request->minor_version >= 1;
  return HeadParse::kOk;
}

// One "Name: value" header; only those that change how we answer matter.
HeadParse ParseHeader(absl::string_view line, HttpRequest* request) {
  const size_t colon = line.find(':');
  if (colon == absl::string_view::npos || !IsToken(line.substr(0, colon))) {
    return HeadParse::kBad;
  }
  const std::string name = absl::AsciiStrToLower(line.substr(0, colon));
  const std::string value =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  if (name == "connection") {
    for (absl::string_view token : absl::StrSplit(value, ',')) {
      token = absl::StripAsciiWhitespace(token);
      if (token == "close") request->keep_alive = false;
      if (token == "keep-alive") request->keep_alive = true;
    }
  } else if (name == "content-length") {
    uint64_t length = 0;
    if (!absl::SimpleAtoi(value, &length)) return HeadParse::kBad;
    request->has_body = request->has_body || length > 0;
  } else if (name == "transfer-encoding") {
    request->has_body = true;
  }
  return HeadParse::kOk;
}

}  // namespace

HeadParse ParseRequestHead(absl::string_view buffer, HttpRequest* request,
                           size_t* consumed) {
  *request = HttpRequest();
  size_t pos = 0;
  // RFC 9112 section 2.2: empty lines before the request line are ignored.
  while (pos < buffer.size() && (buffer[pos] == '\r' || buffer[pos] == '\n'))
    ++pos;
  bool first = true;
  for (;;) {
    const size_t end = buffer.find('\n', pos);
    if (end == absl::string_view::npos) {
      return buffer.size() >= kMaxRequestHead ? HeadParse::kTooLarge
                                              : HeadParse::kIncomplete;
    }
    if (end + 1 > kMaxRequestHead) return HeadParse::kTooLarge;
    const absl::string_view line = StripCr(buffer.substr(pos, end - pos));
    pos = end + 1;
    if (line.empty() && !first) {
      *consumed = pos;
      return HeadParse::kOk;
    }
    const HeadParse r =
        first ? ParseRequestLine(line, request) : ParseHeader(line, request);
    if (r != HeadParse::kOk) return r;
    first = false;
  }
}

absl::StatusOr<std::string> RequestPath(absl::string_view target) {
  if (target.empty() || target[0] != '/') {
    return absl::InvalidArgumentError("the request target is not a path");
  }
  target = target.substr(0, target.find_first_of("?#"));
  absl::StatusOr<std::string> decoded = PercentDecode(target);
  if (!decoded.ok()) return decoded.status();
  std::vector<std::string> segments;
  for (absl::string_view s : absl::StrSplit(*decoded, '/', absl::SkipEmpty())) {
    if (s == ".") continue;
    if (s == "..") {
      return absl::PermissionDeniedError(
          "a \"..\" segment in the path (nothing outside the store is served)");
    }
    segments.emplace_back(s);
  }
  // Jepsen web.clj serves the store under /files/; the same URLs work here.
  if (!segments.empty() && segments[0] == "files") {
    segments.erase(segments.begin());
  }
  if (segments.empty()) return std::string("/");
  const bool dir = decoded->back() == '/';
  return absl::StrCat("/", absl::StrJoin(segments, "/"), dir ? "/" : "");
}

absl::StatusOr<std::string> ResolveInStore(const std::string& store_real,
                                           const std::string& path) {
  MC_ASSERT(!path.empty() && path[0] == '/', "a request path is absolute");
  MC_ASSERT(path.find("/../") == std::string::npos,
            "RequestPath refuses \"..\" segments");
  const std::string full = store_real == "/" ? path : store_real + path;
  char real[PATH_MAX];
  if (realpath(full.c_str(), real) == nullptr) {
    if (errno == EACCES) {
      return absl::PermissionDeniedError("not readable by the server");
    }
    return absl::NotFoundError("no such file in the store");
  }
  const std::string resolved = real;
  if (store_real != "/" && resolved != store_real &&
      !absl::StartsWith(resolved, store_real + "/")) {
    return absl::PermissionDeniedError(
        "a link that leads outside the store (nothing outside it is served)");
  }
  return resolved;
}

std::string ContentTypeFor(absl::string_view filename) {
  const size_t slash = filename.rfind('/');
  if (slash != absl::string_view::npos) filename.remove_prefix(slash + 1);
  const size_t dot = filename.rfind('.');
  const std::string ext = dot == absl::string_view::npos
                              ? ""
                              : absl::AsciiStrToLower(filename.substr(dot + 1));
  static const std::pair<const char*, const char*> kTypes[] = {
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"json", "application/json; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      // Jepsen web.clj: edn as text/plain, "wrong, but we like seeing it
      // in-browser" (there is no registered type for it).
      {"edn", "text/plain; charset=utf-8"},
      {"txt", "text/plain; charset=utf-8"},
      {"log", "text/plain; charset=utf-8"},
      {"gnuplot", "text/plain; charset=utf-8"},
      {"dat", "text/plain; charset=utf-8"},
  };
  for (const auto& [e, type] : kTypes) {
    if (ext == e) return type;
  }
  return "application/octet-stream";
}

std::string DirectoryListing(const std::string& dir, const std::string& path) {
  struct Entry {
    bool is_dir;
    std::string name;
    int64_t size;
  };
  std::vector<Entry> entries;
  size_t more = 0;
  if (DIR* d = opendir(dir.c_str())) {
    while (struct dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      if (entries.size() >= kMaxListing) {
        ++more;
        continue;
      }
      struct stat st;
      const bool ok = fstatat(dirfd(d), e->d_name, &st, 0) == 0;
      entries.push_back({ok && S_ISDIR(st.st_mode), name,
                         ok ? static_cast<int64_t>(st.st_size) : -1});
    }
    closedir(d);
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::make_pair(!a.is_dir, a.name) <
           std::make_pair(!b.is_dir, b.name);
  });
  const std::string title = HtmlEscape(path);
  std::string html = absl::StrCat(
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", title,
      "</title></head>\n<body style=\"font-family: sans-serif\">\n<h1>", title,
      "</h1>\n<ul>\n");
  if (path != "/") absl::StrAppend(&html, "<li><a href=\"../\">../</a></li>\n");
  for (const Entry& e : entries) {
    const std::string shown = e.name + (e.is_dir ? "/" : "");
    absl::StrAppend(
        &html, "<li><a href=\"", HtmlEscape(PercentEncodePath(shown)), "\">",
        HtmlEscape(shown), "</a>",
        e.is_dir || e.size < 0 ? "" : absl::StrCat(" (", e.size, " bytes)"),
        "</li>\n");
  }
  if (more > 0)
    absl::StrAppend(&html, "<li>(", more, " more not listed)</li>\n");
  absl::StrAppend(&html, "</ul>\n</body></html>\n");
  return html;
}

// ------------------------------------------------------------ the server

namespace {

struct Connection {
  int fd = -1;
  std::string in;   // received, not yet handled
  std::string out;  // the response head (and a generated body)
  size_t out_sent = 0;
  int file = -1;  // a file body, sent after `out`
  uint64_t file_left = 0;
  bool writing = false;  // a response is under way; reading waits
  bool close_after = false;
  bool closed = false;
  absl::Time deadline;
};

class Server {
 public:
  Server(const ServeOptions& options, std::string store_real, std::ostream& out)
      : options_(options), store_real_(std::move(store_real)), out_(out) {}
  ~Server();
  absl::Status Listen();
  int Run();

 private:
  void Accept(int listener, absl::Time now);
  void OnReadable(Connection& c, absl::Time now);
  void OnWritable(Connection& c, absl::Time now);
  void HandleRequests(Connection& c, absl::Time now);
  void Respond(Connection& c, const HttpRequest& r);
  void RespondWithFile(Connection& c, const HttpRequest& r,
                       const std::string& file);
  void Begin(Connection& c, const HttpRequest& r, int status,
             absl::string_view type, uint64_t length,
             absl::string_view extra = "");
  void Send(Connection& c, const HttpRequest& r, int status,
            absl::string_view type, absl::string_view body,
            absl::string_view extra = "");
  void SendError(Connection& c, const HttpRequest& r, int status,
                 absl::string_view why, absl::string_view extra = "");
  void Close(Connection& c);
  void Log(const HttpRequest& r, int status);

  ServeOptions options_;
  std::string store_real_;
  std::ostream& out_;
  std::vector<int> listeners_;
  std::vector<std::unique_ptr<Connection>> connections_;
  int64_t requests_ = 0;
};

Server::~Server() {
  for (auto& c : connections_) Close(*c);
  for (int fd : listeners_) close(fd);
}

std::string AddressText(const sockaddr* addr) {
  char host[INET6_ADDRSTRLEN] = "?";
  if (addr->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr,
              host, sizeof host);
    return host;
  }
  inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr,
            host, sizeof host);
  return absl::StrCat("[", host, "]");
}

void SetPort(sockaddr* addr, int port) {
  if (addr->sa_family == AF_INET) {
    reinterpret_cast<sockaddr_in*>(addr)->sin_port = htons(port);
  } else {
    reinterpret_cast<sockaddr_in6*>(addr)->sin6_port = htons(port);
  }
}

// Binds every address `host` names (127.0.0.1 and ::1 for localhost); with
// --port 0 they share the first one's port.
absl::Status Server::Listen() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_ADDRCONFIG;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(options_.host.c_str(), nullptr, &hints, &found)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot resolve --host ", options_.host, ": ", gai_strerror(rc)));
  }
  int port = options_.port;
  std::string first_error;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    int fd =
        socket(a->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd >= 0 && a->ai_family == AF_INET6)
      setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    SetPort(a->ai_addr, port);
    if (fd < 0 || bind(fd, a->ai_addr, a->ai_addrlen) != 0 ||
        listen(fd, 128) != 0) {
      if (first_error.empty()) {
        first_error = absl::StrCat(AddressText(a->ai_addr), ":", port, ": ",
                                   std::strerror(errno));
      }
      if (fd >= 0) close(fd);
      continue;
    }
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
    port = ntohs(a->ai_family == AF_INET
                     ? reinterpret_cast<sockaddr_in*>(&bound)->sin_port
                     : reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
    listeners_.push_back(fd);
    out_ << "Listening on http://" << AddressText(a->ai_addr) << ":" << port
         << "/\n";
  }
  freeaddrinfo(found);
  if (listeners_.empty()) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", first_error,
        first_error.find("in use") != std::string::npos ? " (try --port)"
                                                        : ""));
  }
  return absl::OkStatus();
}

void Server::Close(Connection& c) {
  if (c.closed) return;
  if (c.file >= 0) close(c.file);
  c.file = -1;
  shutdown(c.fd, SHUT_WR);
  close(c.fd);
  c.closed = true;
}

void Server::Accept(int listener, absl::Time now) {
  for (;;) {
    int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or a connection reset before we got it
    if (connections_.size() >= static_cast<size_t>(kMaxConnections)) {
      const std::string body =
          absl::StrCat("503 Service Unavailable: this server takes at most ",
                       kMaxConnections, " connections at once; try again\n");
      const std::string r =
          ResponseHead(503, "text/plain; charset=utf-8", body.size(), true) +
          body;
      ssize_t unused = send(fd, r.data(), r.size(), MSG_NOSIGNAL);
      (void)unused;
      shutdown(fd, SHUT_WR);
      close(fd);
      out_ << "(connection refused: " << kMaxConnections
           << " already open) 503\n";
      continue;
    }
    auto c = std::make_unique<Connection>();
    c->fd = fd;
    c->deadline = now + kIdleTimeout;
    connections_.push_back(std::move(c));
  }
}

void Server::Log(const HttpRequest& r, int status) {
  ++requests_;
  out_ << Printable(r.method) << " " << Printable(r.target) << " " << status
       << "\n";
}

// Starts a response: its head now; a body, if any, is the caller's.
void Server::Begin(Connection& c, const HttpRequest& r, int status,
                   absl::string_view type, uint64_t length,
                   absl::string_view extra) {
  MC_ASSERT(!c.writing && c.file < 0, "one response at a time");
  c.out = ResponseHead(status, type, length, c.close_after, extra);
  c.out_sent = 0;
  c.writing = true;
  Log(r, status);
}

void Server::Send(Connection& c, const HttpRequest& r, int status,
                  absl::string_view type, absl::string_view body,
                  absl::string_view extra) {
  Begin(c, r, status, type, body.size(), extra);
  if (r.method != "HEAD") c.out.append(body.data(), body.size());
}

void Server::SendError(Connection& c, const HttpRequest& r, int status,
                       absl::string_view why, absl::string_view extra) {
  Send(c, r, status, "text/plain; charset=utf-8",
       absl::StrCat(status, " ", Reason(status), ": ", why, "\n"), extra);
}

void Server::RespondWithFile(Connection& c, const HttpRequest& r,
                             const std::string& file) {
  int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    if (fd >= 0) close(fd);
    SendError(c, r, 403, "not a regular readable file");
    return;
  }
  Begin(c, r, 200, ContentTypeFor(file), static_cast<uint64_t>(st.st_size));
  if (r.method == "HEAD" || st.st_size == 0) {
    close(fd);
    return;
  }
  c.file = fd;
  c.file_left = static_cast<uint64_t>(st.st_size);
}

void Server::Respond(Connection& c, const HttpRequest& r) {
  if (r.method != "GET" && r.method != "HEAD") {
    SendError(c, r, 405, "this server is read-only: GET and HEAD only",
              "Allow: GET, HEAD\r\n");
    return;
  }
  absl::StatusOr<std::string> path = RequestPath(r.target);
  if (!path.ok()) {
    SendError(c, r, absl::IsPermissionDenied(path.status()) ? 403 : 400,
              path.status().message());
    return;
  }
  absl::StatusOr<std::string> real = ResolveInStore(store_real_, *path);
  if (*path == "/favicon.ico" && absl::IsNotFound(real.status())) {
    Send(c, r, 204, "image/x-icon", "");  // browsers ask; none is fine
    return;
  }
  if (!real.ok()) {
    SendError(c, r, absl::IsPermissionDenied(real.status()) ? 403 : 404,
              absl::StrCat(real.status().message(), ": ", Printable(*path)));
    return;
  }
  struct stat st;
  if (stat(real->c_str(), &st) != 0) {
    SendError(c, r, 404, "no such file in the store");
    return;
  }
  if (!S_ISDIR(st.st_mode)) {
    RespondWithFile(c, r, *real);
    return;
  }
  if (path->back() != '/') {  // relative links inside need the slash
    const std::string to = PercentEncodePath(*path + "/");
    SendError(c, r, 301, absl::StrCat("see ", to),
              absl::StrCat("Location: ", to, "\r\n"));
    return;
  }
  absl::StatusOr<std::string> index =
      ResolveInStore(store_real_, *path + "index.html");
  if (index.ok() && stat(index->c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    RespondWithFile(c, r, *index);
    return;
  }
  Send(c, r, 200, "text/html; charset=utf-8", DirectoryListing(*real, *path));
}

void Server::HandleRequests(Connection& c, absl::Time now) {
  if (c.writing || c.closed) return;
  HttpRequest r;
  size_t consumed = 0;
  const HeadParse parsed = ParseRequestHead(c.in, &r, &consumed);
  if (parsed == HeadParse::kIncomplete) return;
  c.deadline = now + kIdleTimeout;
  if (parsed != HeadParse::kOk) {
    c.close_after = true;
    if (r.method.empty()) r.method = "?";
    if (parsed == HeadParse::kTooLarge) {
      SendError(
          c, r, 431,
          absl::StrCat("the request head is over ", kMaxRequestHead, " bytes"));
    } else if (parsed == HeadParse::kBadVersion) {
      SendError(c, r, 505, "this server speaks HTTP/1.0 and HTTP/1.1");
    } else {
      SendError(c, r, 400, "a malformed request head");
    }
    return;
  }
  c.in.erase(0, consumed);
  // A body is never read (GET and HEAD have none): the connection ends
  // after the answer rather than parse it as the next request.
  c.close_after = !r.keep_alive || r.has_body;
  Respond(c, r);
}

void Server::OnReadable(Connection& c, absl::Time now) {
  char buf[16 << 10];
  const ssize_t n = recv(c.fd, buf, sizeof buf, 0);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
    Close(c);  // the client left (or reset)
    return;
  }
  if (n < 0) return;
  c.in.append(buf, static_cast<size_t>(n));
  c.deadline = now + kIdleTimeout;
  // Bounded: one head plus one read of what follows it.
  MC_ASSERT(c.in.size() <= kMaxRequestHead + 2 * sizeof buf,
            "a connection's unread input stays bounded: ", c.in.size());
  HandleRequests(c, now);
}

void Server::OnWritable(Connection& c, absl::Time now) {
  while (c.out_sent < c.out.size()) {
    const ssize_t n = send(c.fd, c.out.data() + c.out_sent,
                           c.out.size() - c.out_sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) return Close(c);
    c.out_sent += static_cast<size_t>(n);
    c.deadline = now + kIdleTimeout;
  }
  if (c.file >= 0) {
    const ssize_t n = sendfile(c.fd, c.file, nullptr,
                               std::min<uint64_t>(c.file_left, kSendChunk));
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    // An error, or the file shrank under us: the length promised cannot be
    // kept, so the connection ends.
    if (n <= 0) return Close(c);
    c.file_left -= static_cast<uint64_t>(n);
    c.deadline = now + kIdleTimeout;
    if (c.file_left > 0) return;
    close(c.file);
    c.file = -1;
  }
  if (c.close_after) return Close(c);
  c.writing = false;
  c.out.clear();
  c.out_sent = 0;
  HandleRequests(c, now);  // a pipelined request may be waiting
}

int Server::Run() {
  sigset_t stop_signals, unblocked;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop_signals, &unblocked);
  sigdelset(&unblocked, SIGINT);
  sigdelset(&unblocked, SIGTERM);
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  out_ << "Serving " << store_real_ << " read-only; Ctrl-C to stop."
       << std::endl;
  while (g_stop_signal == 0) {
    std::vector<pollfd> fds;
    for (int fd : listeners_) fds.push_back({fd, POLLIN, 0});
    absl::Time wake = absl::Now() + absl::Seconds(1);
    for (auto& c : connections_) {
      fds.push_back(
          {c->fd, static_cast<short>(c->writing ? POLLOUT : POLLIN), 0});
      wake = std::min(wake, c->deadline);
    }
    const timespec timeout = WaitTimeout(absl::Now(), wake, absl::Seconds(1));
    const int n = ppoll(fds.data(), fds.size(), &timeout, &unblocked);
    if (n < 0) continue;  // EINTR: a stop signal, checked above
    const absl::Time now = absl::Now();
    const size_t before = connections_.size();  // Accept appends
    for (size_t i = 0; i < before; ++i) {
      Connection& c = *connections_[i];
      const short revents = fds[listeners_.size() + i].revents;
      if (revents & (POLLERR | POLLNVAL))
        Close(c);
      else if (revents & POLLOUT)
        OnWritable(c, now);
      else if (revents & (POLLIN | POLLHUP))
        OnReadable(c, now);
      if (!c.closed && now >= c.deadline) Close(c);  // idle, or a slow client
    }
    for (size_t i = 0; i < listeners_.size(); ++i) {
      if (fds[i].revents & POLLIN) Accept(listeners_[i], now);
    }
    connections_.erase(std::remove_if(connections_.begin(), connections_.end(),
                                      [](const auto& c) { return c->closed; }),
                       connections_.end());
  }
  out_ << "maelstrom serve: stopped by SIG" << sigabbrev_np(g_stop_signal)
       << " after " << requests_ << " requests" << std::endl;
  return 0;
}

}  // namespace

int Serve(const ServeOptions& options, std::ostream& out) {
  struct stat st;
  char real[PATH_MAX];
  if (stat(options.store_root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) ||
      realpath(options.store_root.c_str(), real) == nullptr) {
    out << "maelstrom serve: no store at " << options.store_root
        << " (run `maelstrom test` there first, or pass --store DIR)"
        << std::endl;
    return 255;
  }
  Server server(options, real, out);
  if (absl::Status s = server.Listen(); !s.ok()) {
    out << "maelstrom serve: " << s.message() << std::endl;
    return 255;
  }
  return server.Run();
}

}  // namespace harness
