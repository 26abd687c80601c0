#include "core/storage/invariant.h"

#include <cstdio>
#include <cstdlib>

namespace liminal::storage::internal {

void InvariantFailed(const char* file, int line, const char* condition, const char* explanation) {
  std::fprintf(stderr, "%s:%d: storage invariant violated: %s (%s)\n", file, line, condition,
               explanation);
  std::abort();
}

}  // namespace liminal::storage::internal
