// PROVISIONAL (wl2): replaced by struct's version on merge. Pins the
// proposed additions to the copy of sim/report/edn: sets, non-keyword map
// keys, and ' in keywords (Elle's :value', :a').
#include "sim/maelstrom/edn.h"

#include "gtest/gtest.h"

namespace sim {
namespace {

TEST(EdnAdditions, SetsKeysAndPrimes) {
  EXPECT_EQ(Edn::Set({Edn::Int(1), Edn::Int(2)}).Print(), "#{1 2}");
  EXPECT_EQ(Edn::Set().Print(), "#{}");
  Edn m = Edn::Map();
  m.PutKey(Edn::String("5"), Edn::Int(3)).Put("value'", Edn::Nil());
  EXPECT_EQ(m.Print(), "{\"5\" 3, :value' nil}");
  EXPECT_EQ(m.Pretty(), "{\"5\" 3,\n :value' nil}");
  EXPECT_EQ(Edn::Keyword("a'").Print(), ":a'");
}

}  // namespace
}  // namespace sim
