// The registry: every workload can be made, names are Maelstrom's, and each
// one runs through the interpreter and its checker from an empty history.
#include "sim/workloads/registry.h"

#include "gtest/gtest.h"
#include "sim/maelstrom/checker.h"
#include "sim/maelstrom/interpreter.h"

namespace workloads {
namespace {

TEST(RegistryTest, ListsTheCountersByMaelstromsNames) {
  EXPECT_EQ(Names(), "g-counter | pn-counter");
  ASSERT_NE(Find("g-counter"), nullptr);
  ASSERT_NE(Find("pn-counter"), nullptr);
  EXPECT_EQ(Find("lin-kv"), nullptr);
  EXPECT_FALSE(Make("lin-kv", {}).ok());
}

TEST(RegistryTest, EveryWorkloadIsCompleteEnoughToRun) {
  for (const sim::WorkloadSpec* spec : All()) {
    absl::StatusOr<std::unique_ptr<sim::Workload>> w = spec->make({});
    ASSERT_TRUE(w.ok()) << spec->name << ": " << w.status();
    EXPECT_FALSE((*w)->fs().empty()) << spec->name;
    EXPECT_NE((*w)->MainGenerator(), nullptr) << spec->name;
    EXPECT_NE((*w)->NewClient(), nullptr) << spec->name;
    for (const sim::WorkloadFlag& flag : spec->flags) {
      EXPECT_EQ(flag.name.rfind("--", 0), 0u)
          << spec->name << ": " << flag.name;
    }
    // An empty run: nothing happened, nothing is wrong.
    sim::Verdict v =
        sim::CheckHistory(**w, {}, sim::CheckOptions{}, sim::CheckContext{});
    EXPECT_EQ(v.validity, sim::Validity::kTrue) << spec->name;
    // Through the interpreter: inits first.
    sim::WorkloadOptions o;
    o.name = spec->name;
    sim::Interpreter interpreter(o, **w, {"n0"});
    EXPECT_EQ(interpreter.StartInits(absl::UnixEpoch()).size(), 1u);
  }
}

}  // namespace
}  // namespace workloads
