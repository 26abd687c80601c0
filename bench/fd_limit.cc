#include "bench/fd_limit.h"

#include <sys/resource.h>

#include <algorithm>

namespace liminal::bench {

int64_t RaiseFileLimit(int64_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  const rlim_t target = static_cast<rlim_t>(wanted);
  if (limit.rlim_cur >= target) return static_cast<int64_t>(limit.rlim_cur);
  if (limit.rlim_max < target) {
    rlimit raised{.rlim_cur = target, .rlim_max = target};
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) return wanted;
  }
  limit.rlim_cur = std::min(target, limit.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &limit);
  ::getrlimit(RLIMIT_NOFILE, &limit);
  return static_cast<int64_t>(limit.rlim_cur);
}

}  // namespace liminal::bench
