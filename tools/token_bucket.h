// The --rate limiter: a token bucket refilled at `rate` tokens per second that holds at most
// `burst` tokens. It starts full, or empty (kEmpty: the first sends are spaced by the rate,
// and `burst` only lets a caller that woke up late catch up). Take() reserves the next token and
// says when it may be used; the caller sleeps until then (no busy waiting).
//
//   TokenBucket bucket(/*rate=*/500, /*burst=*/1, absl::Now());
//   for (...) {
//     watcher.SleepUntil(bucket.Take(absl::Now()));   // 2 ms apart
//     Send();
//   }
//
// With burst 1 the sends are spaced exactly 1/rate apart while the caller keeps up; a caller
// that falls behind never catches up with more than `burst` sends in a row. This is the
// generic cell rate algorithm (a "virtual scheduling" token bucket): one time value, no
// timers.
// Thread-safety: none; use from one thread.
#ifndef LIMINAL_TOOLS_TOKEN_BUCKET_H_
#define LIMINAL_TOOLS_TOKEN_BUCKET_H_

#include "absl/time/time.h"

namespace liminal::tools {

class TokenBucket {
 public:
  enum class Start { kFull, kEmpty };

  // `rate` > 0 tokens per second; `burst` >= 1.
  TokenBucket(double rate, double burst, absl::Time now, Start start = Start::kFull);

  // Reserves one token; returns when it is available (`now` if one is available at once).
  absl::Time Take(absl::Time now);

 private:
  absl::Duration interval_;   // 1 / rate
  absl::Duration tolerance_;  // (burst - 1) * interval: how early a send may be
  absl::Time theoretical_arrival_;
};

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_TOKEN_BUCKET_H_
