// TEST-ONLY (//counter:maelstrom-counter-testonly): the binary's core picked
// by --strategy and --bug, for the harness's end-to-end teeth tests
// (testing/harness_test.sh). The shipped binary has neither flag.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "counter/main_core.h"
#include "counter/testonly_variants.h"

ABSL_FLAG(std::string, strategy, "own-keys",
          "own-keys (ours) or baseline (one shared key and a cas loop, what "
          "most public solutions do; for comparison)");
ABSL_FLAG(std::string, bug, "none",
          "TESTING ONLY: run a deliberately broken variant (stale-read, "
          "ack-before-durable, double-count-retry, forget-on-restart, "
          "merge-by-total, push-pending-total, adopt-by-total, no-backoff, "
          "relay-pending-total)");

namespace counter {
namespace {

// Sets *out from a named choice flag, or says which value was unknown.
template <typename T>
bool ParseChoice(absl::optional<T> (*parse)(absl::string_view),
                 const char* flag, const std::string& value, T* out) {
  absl::optional<T> parsed = parse(value);
  if (!parsed.has_value()) {
    std::fprintf(stderr, "maelstrom-counter: unknown --%s=%s\n", flag,
                 value.c_str());
    return false;
  }
  *out = *parsed;
  return true;
}

}  // namespace

std::unique_ptr<Core> MakeMainCore(const Options& options) {
  Bug bug = Bug::kNone;
  Strategy strategy = Strategy::kOwnKeys;
  if (!ParseChoice(ParseBug, "bug", absl::GetFlag(FLAGS_bug), &bug) ||
      !ParseChoice(ParseStrategy, "strategy", absl::GetFlag(FLAGS_strategy),
                   &strategy)) {
    return nullptr;
  }
  return MakeVariantCore(options, strategy, bug);
}

}  // namespace counter
