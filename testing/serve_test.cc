#include "testing/serve.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace harness {
namespace {

HeadParse Parse(const std::string& text, HttpRequest* r, size_t* consumed) {
  return ParseRequestHead(text, r, consumed);
}

TEST(ParseRequestHeadTest, ReadsAGetWithHeaders) {
  HttpRequest r;
  size_t consumed = 0;
  const std::string head =
      "GET /g-counter/x/index.html?a=1 HTTP/1.1\r\nHost: localhost\r\n"
      "User-Agent: curl\r\n\r\n";
  ASSERT_EQ(Parse(head + "GET / HTTP/1.1\r\n", &r, &consumed), HeadParse::kOk);
  EXPECT_EQ(consumed, head.size()) << "a pipelined request stays unread";
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/g-counter/x/index.html?a=1");
  EXPECT_EQ(r.minor_version, 1);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_FALSE(r.has_body);
}

TEST(ParseRequestHeadTest, KeepAliveFollowsVersionAndConnection) {
  HttpRequest r;
  size_t consumed = 0;
  ASSERT_EQ(Parse("GET / HTTP/1.0\r\n\r\n", &r, &consumed), HeadParse::kOk);
  EXPECT_FALSE(r.keep_alive);
  ASSERT_EQ(
      Parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &r, &consumed),
      HeadParse::kOk);
  EXPECT_TRUE(r.keep_alive);
  ASSERT_EQ(Parse("GET / HTTP/1.1\nConnection: close\n\n", &r, &consumed),
            HeadParse::kOk);
  EXPECT_FALSE(r.keep_alive);
}

TEST(ParseRequestHeadTest, IncompleteBadTooLargeAndOtherVersions) {
  HttpRequest r;
  size_t consumed = 0;
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: x\r\n", &r, &consumed),
            HeadParse::kIncomplete);
  EXPECT_EQ(Parse("", &r, &consumed), HeadParse::kIncomplete);
  EXPECT_EQ(Parse("GET /\r\n\r\n", &r, &consumed), HeadParse::kBad);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nno colon\r\n\r\n", &r, &consumed),
            HeadParse::kBad);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n", &r, &consumed),
            HeadParse::kBad);
  EXPECT_EQ(Parse("GET / HTTP/2.0\r\n\r\n", &r, &consumed),
            HeadParse::kBadVersion);
  EXPECT_EQ(Parse("GET / FTP/1.0\r\n\r\n", &r, &consumed), HeadParse::kBad);
  EXPECT_EQ(Parse(std::string("GET / HTTP/1.1\r\nA\0B: 1\r\n\r\n", 26), &r,
                  &consumed),
            HeadParse::kBad)
      << "a NUL is not a token character";
  const std::string huge =
      "GET / HTTP/1.1\r\nX: " + std::string(kMaxRequestHead, 'a');
  EXPECT_EQ(Parse(huge, &r, &consumed), HeadParse::kTooLarge);
  EXPECT_EQ(Parse(huge + "\r\n\r\n", &r, &consumed), HeadParse::kTooLarge);
}

TEST(ParseRequestHeadTest, NotesABody) {
  HttpRequest r;
  size_t consumed = 0;
  ASSERT_EQ(
      Parse("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", &r, &consumed),
      HeadParse::kOk);
  EXPECT_TRUE(r.has_body);
  ASSERT_EQ(Parse("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", &r,
                  &consumed),
            HeadParse::kOk);
  EXPECT_TRUE(r.has_body);
}

TEST(RequestPathTest, DecodesAndNormalizes) {
  EXPECT_EQ(*RequestPath("/"), "/");
  EXPECT_EQ(*RequestPath("/?x=1"), "/");
  EXPECT_EQ(*RequestPath("/a//b/./c"), "/a/b/c");
  EXPECT_EQ(*RequestPath("/a/b/"), "/a/b/");
  EXPECT_EQ(*RequestPath("/a%20b/c%2Ed"), "/a b/c.d");
  // Jepsen web.clj's URLs: /files/<path in the store>.
  EXPECT_EQ(*RequestPath("/files/g-counter/x/results.edn"),
            "/g-counter/x/results.edn");
  EXPECT_EQ(*RequestPath("/files/"), "/");
}

TEST(RequestPathTest, RefusesEscapesAndBadTargets) {
  for (const char* t : {"/..", "/../etc/passwd", "/a/../../b", "/%2e%2e/x",
                        "/a/%2E%2E/%2e%2e/b", "/a%2f..%2fb"}) {
    absl::StatusOr<std::string> p = RequestPath(t);
    EXPECT_TRUE(absl::IsPermissionDenied(p.status())) << t << " " << p.status();
  }
  for (const char* t : {"", "*", "http://x/", "/a%00b", "/a%zz", "/a%2"}) {
    absl::StatusOr<std::string> p = RequestPath(t);
    EXPECT_TRUE(absl::IsInvalidArgument(p.status())) << t << " " << p.status();
  }
}

std::string RealTempDir(const std::string& name) {
  const char* t = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(t ? t : "/tmp") + "/" + name;
  mkdir(dir.c_str(), 0755);
  char real[PATH_MAX];
  EXPECT_NE(realpath(dir.c_str(), real), nullptr);
  return real;
}

TEST(ResolveInStoreTest, StaysInsideTheStore) {
  const std::string root = RealTempDir("resolve");
  const std::string store = root + "/store";
  mkdir(store.c_str(), 0755);
  mkdir((store + "/g-counter").c_str(), 0755);
  mkdir((store + "/g-counter/run1").c_str(), 0755);
  std::ofstream(store + "/g-counter/run1/index.html") << "<p>run</p>";
  std::ofstream(root + "/secret.txt") << "secret";
  symlink("g-counter/run1", (store + "/latest").c_str());
  symlink((root + "/secret.txt").c_str(), (store + "/leak.txt").c_str());
  symlink(root.c_str(), (store + "/up").c_str());

  EXPECT_EQ(*ResolveInStore(store, "/"), store);
  EXPECT_EQ(*ResolveInStore(store, "/latest/index.html"),
            store + "/g-counter/run1/index.html");
  EXPECT_TRUE(absl::IsNotFound(ResolveInStore(store, "/nope").status()));
  EXPECT_TRUE(
      absl::IsNotFound(ResolveInStore(store, "/latest/index.html/").status()));
  EXPECT_TRUE(
      absl::IsPermissionDenied(ResolveInStore(store, "/leak.txt").status()));
  EXPECT_TRUE(absl::IsPermissionDenied(
      ResolveInStore(store, "/up/secret.txt").status()));
  // A sibling whose name starts like the store is still outside it.
  mkdir((store + "-other").c_str(), 0755);
  symlink((store + "-other").c_str(), (store + "/other").c_str());
  EXPECT_TRUE(
      absl::IsPermissionDenied(ResolveInStore(store, "/other").status()));
}

TEST(ContentTypeForTest, TheStoresFiles) {
  EXPECT_EQ(ContentTypeFor("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("/x/messages.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("latency-raw.png"), "image/png");
  EXPECT_EQ(ContentTypeFor("results.json"), "application/json; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("results.edn"), "text/plain; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("history.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("node-logs/n0.log"), "text/plain; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("plots.gnuplot"), "text/plain; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("RESULTS.HTML"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("core"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("a.html/b"), "application/octet-stream");
}

TEST(DirectoryListingTest, EscapesAndEncodesNames) {
  const std::string dir = RealTempDir("listing");
  std::ofstream(dir + "/a <b>&.txt") << "12345";
  mkdir((dir + "/sub dir").c_str(), 0755);
  const std::string html = DirectoryListing(dir, "/x/<y>/");
  EXPECT_TRUE(absl::StrContains(html, "<title>/x/&lt;y&gt;/</title>")) << html;
  EXPECT_TRUE(absl::StrContains(
      html,
      "<a href=\"a%20%3Cb%3E%26.txt\">a &lt;b&gt;&amp;.txt</a> (5 bytes)"))
      << html;
  EXPECT_TRUE(absl::StrContains(html, "<a href=\"sub%20dir/\">sub dir/</a>"))
      << html;
  EXPECT_LT(html.find("sub dir/"), html.find("a &lt;b")) << "directories first";
  EXPECT_TRUE(absl::StrContains(html, "<a href=\"../\">../</a>"));
  // A name with a NUL-free byte that is not ASCII: encoded, not dropped.
  std::ofstream(dir + "/\xff#?") << "";
  EXPECT_TRUE(
      absl::StrContains(DirectoryListing(dir, "/"), "href=\"%FF%23%3F\""));
}

}  // namespace
}  // namespace harness
