// RatePacer: an open-loop schedule of events at a fixed rate, for publishers that offer a
// fixed load (the latency-under-load workload) rather than as much as the server takes.
//
//   RatePacer pacer(/*per_second=*/500'000, SteadyClock::now());
//   while (running) {
//     for (uint64_t n = pacer.TakeDue(SteadyClock::now()); n > 0; --n) Publish();
//     std::this_thread::sleep_for(kRatePacerTick);    // or an asio timer
//   }
//
// Events are due at start + i / per_second; TakeDue returns those that fell due since the
// last call, so a late tick catches up with a burst and the long-run rate is exact.
//
// Thread-safety: not thread-safe; one publisher owns it.
#ifndef LIMINAL_BENCH_RATE_PACER_H_
#define LIMINAL_BENCH_RATE_PACER_H_

#include <chrono>
#include <cstdint>

namespace liminal::bench {

// How often paced publishers look at their schedule.
inline constexpr std::chrono::microseconds kRatePacerTick{100};

class RatePacer {
 public:
  using Clock = std::chrono::steady_clock;

  RatePacer(double per_second, Clock::time_point start) : per_second_(per_second), start_(start) {}

  // The events due by `now` that were not taken yet; counts them as taken.
  uint64_t TakeDue(Clock::time_point now) {
    if (now <= start_) return 0;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const auto due = static_cast<uint64_t>(elapsed * per_second_);
    const uint64_t fresh = due > taken_ ? due - taken_ : 0;
    taken_ += fresh;
    return fresh;
  }

  uint64_t taken() const { return taken_; }

 private:
  const double per_second_;
  const Clock::time_point start_;
  uint64_t taken_ = 0;
};

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_RATE_PACER_H_
