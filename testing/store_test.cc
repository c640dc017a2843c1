#include "testing/store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace harness {
namespace {

std::string Root() {
  const char* t = std::getenv("TEST_TMPDIR");
  return std::string(t ? t : "/tmp") + "/store-test/store";
}

TEST(StoreTest, LayoutAndLatestSymlink) {
  absl::Time t = absl::FromUnixSeconds(1700000000);
  auto first = Store::Create(Root(), "g-counter", t);
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = Store::Create(Root(), "g-counter", t + absl::Milliseconds(5));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE(first->dir(), second->dir());  // same second, distinct dirs
  EXPECT_TRUE(absl::StartsWith(second->dir(), Root() + "/g-counter/"));
  struct stat st;
  EXPECT_EQ(stat(second->Path("node-logs").c_str(), &st), 0);

  ASSERT_TRUE(second->WriteFile("results.json", "{}\n").ok());
  std::ifstream in(Root() + "/latest/results.json");  // latest → second
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "{}\n");
  char target[4096] = {};
  ASSERT_GT(readlink((Root() + "/latest").c_str(), target, sizeof target - 1),
            0);
  EXPECT_EQ(target[0] == '/', false) << "latest should be relative: " << target;
}

TEST(StoreTest, TwoRunsInTheSameMillisecondGetTheirOwnDirectories) {
  absl::Time t = absl::FromUnixSeconds(1700000100);
  auto first = Store::Create(Root(), "g-counter", t);
  auto second = Store::Create(Root(), "g-counter", t);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(first->dir(), second->dir());
}

TEST(StoreTest, WriteFailsInMissingDir) {
  auto s = Store::Create(Root(), "pn-counter", absl::Now());
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->WriteFile("no/such/dir/file", "x").ok());
}

}  // namespace
}  // namespace harness
