// The core counter/main.cc runs, chosen when the binary is linked, so that
// main.cc has no test-only switch:
// - //counter:main_core (maelstrom-counter, what ships): MakeCore(options),
//   our node;
// - //counter:testonly_main_core (maelstrom-counter-testonly): the same
//   unless its flags --strategy=baseline or --bug=NAME pick a test-only core
//   (counter/testonly_variants.h).
//
//   std::unique_ptr<counter::Core> core = counter::MakeMainCore(options);
//   if (core == nullptr) return 2;  // a flag was wrong; stderr says which
#ifndef COUNTER_MAIN_CORE_H_
#define COUNTER_MAIN_CORE_H_

#include <memory>

#include "counter/core.h"

namespace counter {

std::unique_ptr<Core> MakeMainCore(const Options& options);

}  // namespace counter

#endif  // COUNTER_MAIN_CORE_H_
