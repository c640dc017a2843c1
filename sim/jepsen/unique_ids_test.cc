// Conformance: Jepsen 0.3.7's unique-ids (jepsen/src/jepsen/checker.clj
// unique-ids; tesser core.clj range/extremum, frequencies). The
// "JepsenTest..." cases are jepsen/test/jepsen/checker_test.clj
// unique-ids-test; the printed maps follow Maelstrom v0.2.4 runs' results.
#include "sim/jepsen/unique_ids.h"

#include <string>

#include "gtest/gtest.h"
#include "sim/jepsen/history_builder.h"

namespace sim {
namespace jepsen {
namespace {

using kvclient::Json;
using B = HistoryBuilder;

B& Gen(B& b, int process, Json id) {
  return b.Invoke(process, "generate").Ok(process, "generate", std::move(id));
}

TEST(UniqueIdsConformance, JepsenTestEmpty) {
  UniqueIdsResult r = CheckUniqueIds({});
  EXPECT_EQ(r.valid, Validity::kTrue);
  EXPECT_EQ(r.edn.Print(),
            "{:valid? true, :attempted-count 0, :acknowledged-count 0, "
            ":duplicated-count 0, :duplicated {}, :range [nil nil]}");
}

TEST(UniqueIdsConformance, JepsenTestDups) {
  B b;
  Gen(b, 0, 0);
  Gen(b, 1, 1);
  Gen(b, 2, 0);
  Gen(b, 3, 0);
  b.Invoke(4, "generate").Info(4, "generate");
  UniqueIdsResult r = CheckUniqueIds(b.Build());
  EXPECT_EQ(r.valid, Validity::kFalse);
  EXPECT_EQ(r.edn.Print(),
            "{:valid? false, :attempted-count 5, :acknowledged-count 4, "
            ":duplicated-count 1, :duplicated {0 3}, :range [0 1]}");
}

TEST(UniqueIdsConformance, StringIdsRangeLexicographically) {
  // As in Maelstrom runs with UUID or "n1-7"-style ids.
  B b;
  Gen(b, 0, "9995742327677228931737274495");
  Gen(b, 1, "10000307800144602181737274490");
  Gen(b, 2, "n1-7");
  UniqueIdsResult r = CheckUniqueIds(b.Build());
  EXPECT_EQ(r.valid, Validity::kTrue);
  EXPECT_EQ(r.edn.Print(),
            "{:valid? true, :attempted-count 3, :acknowledged-count 3, "
            ":duplicated-count 0, :duplicated {}, :range "
            "[\"10000307800144602181737274490\" \"n1-7\"]}");
}

TEST(UniqueIdsConformance, DuplicateIdsAcrossNodesAreInvalid) {
  // A node numbering from 0 on every node: each id comes back once per node.
  B b;
  for (int k = 0; k < 3; ++k) {
    for (int node = 0; node < 3; ++node) Gen(b, node, k);
  }
  UniqueIdsResult r = CheckUniqueIds(b.Build());
  EXPECT_EQ(r.valid, Validity::kFalse);
  EXPECT_EQ(r.edn.Print(),
            "{:valid? false, :attempted-count 9, :acknowledged-count 9, "
            ":duplicated-count 3, :duplicated {0 3, 1 3, 2 3}, :range [0 2]}");
}

TEST(UniqueIdsConformance, NonOkGeneratesAreAttemptsOnly) {
  B b;
  Gen(b, 0, 7);
  b.Invoke(1, "generate").Fail(1, "generate").Error(":net-timeout");
  b.Invoke(2, "generate").Info(2, "generate");
  b.Invoke(3, "generate");  // never completed
  UniqueIdsResult r = CheckUniqueIds(b.Build());
  EXPECT_EQ(r.attempted_count, 4);
  EXPECT_EQ(r.acknowledged_count, 1);
  EXPECT_EQ(r.valid, Validity::kTrue);
}

TEST(UniqueIdsConformance, EqualityIsClojures) {
  B b;
  Gen(b, 0, 1);
  Gen(b, 1, 1.0);  // a Double: not = the Long 1 (but compares equal)
  Gen(b, 2, 1);
  EXPECT_EQ(CheckUniqueIds(b.Build()).edn.Print(),
            "{:valid? false, :attempted-count 3, :acknowledged-count 3, "
            ":duplicated-count 1, :duplicated {1 2}, :range [1 1]}");
  B vectors;
  Gen(vectors, 0, Json::array({1, 2}));
  Gen(vectors, 1, Json::array({1, 2}));
  Gen(vectors, 2, Json::array({1, 2.0}));
  EXPECT_EQ(CheckUniqueIds(vectors.Build()).edn.Print(),
            "{:valid? false, :attempted-count 3, :acknowledged-count 3, "
            ":duplicated-count 1, :duplicated {[1 2] 2}, "
            ":range [[1 2.0] [1 2.0]]}");
}

TEST(UniqueIdsConformance, NilIdsAreCountedButOutOfRange) {
  B b;
  Gen(b, 0, nullptr);
  Gen(b, 1, 5);
  Gen(b, 2, nullptr);  // after an id, still not the smallest
  UniqueIdsResult r = CheckUniqueIds(b.Build());
  EXPECT_EQ(r.edn.Print(),
            "{:valid? false, :attempted-count 3, :acknowledged-count 3, "
            ":duplicated-count 1, :duplicated {nil 2}, :range [5 5]}");
}

TEST(UniqueIdsConformance, AtMost48DuplicatesShownTheMostFrequent) {
  B b;
  for (int id = 0; id < 50; ++id) {
    const int copies = id == 3 ? 4 : id == 40 ? 3 : 2;
    for (int c = 0; c < copies; ++c) Gen(b, c, id);
  }
  UniqueIdsResult r = CheckUniqueIds(b.Build());
  EXPECT_EQ(r.duplicates.size(), 50u);
  ASSERT_EQ(r.duplicated.size(), 48u);
  // 3 and 40 are the most frequent; among the 2s the larger ids win, so
  // 0 and 1 are left out.
  EXPECT_EQ(r.duplicated.front().first, 2);
  EXPECT_EQ(r.duplicated.back().first, 49);
  const std::string printed = r.edn.Print();
  EXPECT_NE(printed.find(":duplicated-count 50, :duplicated {2 2, 3 4, 4 2"),
            std::string::npos)
      << printed;
}

TEST(UniqueIdsConformance, IdsCompareCannotOrderMakeJepsenThrow) {
  B b;
  Gen(b, 0, 1);
  Gen(b, 1, "1");  // (compare "1" 1): ClassCastException in the range
  UniqueIdsResult r = CheckUniqueIds(b.Build());
  EXPECT_EQ(r.valid, Validity::kUnknown);
  EXPECT_EQ(r.edn.Print().rfind("{:valid? :unknown, :error ", 0), 0u);
  B maps;
  Gen(maps, 0, Json::object({{"a", 1}}));
  Gen(maps, 1, Json::object({{"a", 2}}));
  EXPECT_EQ(CheckUniqueIds(maps.Build()).valid, Validity::kUnknown);
  B one_map;  // a single id is never compared
  Gen(one_map, 0, Json::object({{"a", 1}}));
  EXPECT_EQ(CheckUniqueIds(one_map.Build()).valid, Validity::kTrue);
}

}  // namespace
}  // namespace jepsen
}  // namespace sim
