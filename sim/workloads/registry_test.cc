// The registry: every workload can be made, names are Maelstrom's, and each
// one runs through the interpreter and its checker from an empty history.
#include "sim/workloads/registry.h"

#include "gtest/gtest.h"
#include "sim/maelstrom/checker.h"
#include "sim/maelstrom/interpreter.h"

namespace workloads {
namespace {

TEST(RegistryTest, ListsTheWorkloadsByMaelstromsNames) {
  EXPECT_EQ(Names(),
            "echo | unique-ids | broadcast | g-counter | pn-counter | g-set");
  for (const char* name : {"echo", "unique-ids", "broadcast", "g-counter",
                           "pn-counter", "g-set"}) {
    ASSERT_NE(Find(name), nullptr) << name;
    EXPECT_FALSE(Find(name)->summary.empty()) << name;
  }
  ASSERT_NE(Find("broadcast"), nullptr);
  ASSERT_EQ(Find("broadcast")->flags.size(), 1u);
  EXPECT_EQ(Find("broadcast")->flags[0].name, "--topology");
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
    // An empty run: nothing happened, nothing is wrong (set-full, g-set's
    // and broadcast's checker, calls it :unknown: no element is stable).
    sim::Verdict v =
        sim::CheckHistory(**w, {}, sim::CheckOptions{}, sim::CheckContext{});
    const bool set_full = spec->name == "broadcast" || spec->name == "g-set";
    EXPECT_EQ(v.validity,
              set_full ? sim::Validity::kUnknown : sim::Validity::kTrue)
        << spec->name;
    // Through the interpreter: inits first.
    sim::WorkloadOptions o;
    o.name = spec->name;
    sim::Interpreter interpreter(o, **w, {"n0"});
    EXPECT_EQ(interpreter.StartInits(absl::UnixEpoch()).size(), 1u);
  }
}

}  // namespace
}  // namespace workloads
