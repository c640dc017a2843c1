#include "kvclient/assert.h"

#include <cstdio>
#include <cstdlib>

namespace kvclient {
namespace assert_internal {

void Fail(const char* file, int line, const char* condition,
          const std::string& message) {
  std::fprintf(stderr, "ASSERTION FAILED at %s:%d: %s: %s\n", file, line,
               condition, message.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace assert_internal
}  // namespace kvclient
