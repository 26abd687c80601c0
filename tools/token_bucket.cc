#include "tools/token_bucket.h"

#include <algorithm>

namespace liminal::tools {

TokenBucket::TokenBucket(double rate, double burst, absl::Time now, Start start)
    : interval_(absl::Seconds(1.0 / rate)),
      tolerance_(interval_ * (std::max(burst, 1.0) - 1.0)),
      theoretical_arrival_(start == Start::kFull ? now : now + tolerance_) {}

absl::Time TokenBucket::Take(absl::Time now) {
  const absl::Time send = std::max(now, theoretical_arrival_ - tolerance_);
  theoretical_arrival_ = std::max(theoretical_arrival_, send) + interval_;
  return send;
}

}  // namespace liminal::tools
