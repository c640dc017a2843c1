// Assertions that stay on in every build (tests, sweeps, fuzzing, -c opt and
// the shipped binary), in the manner of TigerBeetle's: an invariant that does
// not hold means the program's state is already wrong, and going on would
// turn a loud bug into a silent wrong answer. The failure names the file,
// line, condition and why it must hold, then aborts.
//
//   MC_ASSERT(pending_.size() <= kMaxPendingAdds,
//             "pending adds are bounded by admission: ", pending_.size());
//
// The message arguments are passed to absl::StrCat and evaluated only when
// the condition is false. Use MC_ASSERT for what the code itself guarantees;
// bad input from outside (a malformed line, a wrong field) is not an
// assertion but an error reply.
#ifndef KVCLIENT_ASSERT_H_
#define KVCLIENT_ASSERT_H_

#include <string>

#include "absl/base/optimization.h"
#include "absl/strings/str_cat.h"

namespace kvclient {
namespace assert_internal {

// Prints "ASSERTION FAILED at file:line: condition: message" to stderr and
// aborts. Never returns.
[[noreturn]] void Fail(const char* file, int line, const char* condition,
                       const std::string& message);

}  // namespace assert_internal
}  // namespace kvclient

#define MC_ASSERT(condition, ...)                                       \
  do {                                                                  \
    if (ABSL_PREDICT_FALSE(!(condition))) {                             \
      ::kvclient::assert_internal::Fail(__FILE__, __LINE__, #condition, \
                                        ::absl::StrCat(__VA_ARGS__));   \
    }                                                                   \
  } while (false)

#endif  // KVCLIENT_ASSERT_H_
