// LatencySink: the subscriber side of the latency-under-load workload. Every payload starts
// with its send time (steady clock nanoseconds, native byte order: publisher and subscriber
// share a process); the sink records arrival − send for the messages sent inside the
// measured window.
//
//   LatencySink sink(measure_from, measure_until, /*max_samples=*/4'000'000);
//   publisher:  StampSendTime(payload);  publish(payload);
//   subscriber: sink.Received(payload);  // one thread at a time (the subscription's)
//   ... after the subscription has stopped: sink.samples(), sink.delivered_in_window()
//
// Thread-safety: Received() from one thread at a time; the accessors once it has stopped.
#ifndef LIMINAL_BENCH_LATENCY_SINK_H_
#define LIMINAL_BENCH_LATENCY_SINK_H_

#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace liminal::bench {

using LatencyClock = std::chrono::steady_clock;

inline constexpr size_t kSendTimeBytes = sizeof(int64_t);

// Writes `now` into the first kSendTimeBytes of `payload` (which must be at least that long).
inline void StampSendTime(std::string& payload, LatencyClock::time_point now) {
  const int64_t ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  std::memcpy(payload.data(), &ns, kSendTimeBytes);
}

// The latency workload's timeline, shared by every system's driver: publishing starts at
// `start`, 200 ms from now (both clients are up well before), and the messages sent in
// [from, until) — after `warmup`, for `measure` — are the measured ones.
struct LatencySchedule {
  LatencySchedule(std::chrono::nanoseconds warmup, std::chrono::nanoseconds measure)
      : start(LatencyClock::now() + std::chrono::milliseconds(200)),
        from(start + warmup),
        until(from + measure) {}
  LatencyClock::time_point start;
  LatencyClock::time_point from;
  LatencyClock::time_point until;
};

class LatencySink {
 public:
  LatencySink(LatencyClock::time_point from, LatencyClock::time_point until, size_t max_samples)
      : from_(from), until_(until), max_samples_(max_samples) {
    samples_.reserve(std::min<size_t>(max_samples, 4'000'000));
  }

  void Received(std::string_view payload) {
    const LatencyClock::time_point now = LatencyClock::now();
    ++received_;
    if (payload.size() < kSendTimeBytes) return;
    int64_t ns = 0;
    std::memcpy(&ns, payload.data(), kSendTimeBytes);
    const LatencyClock::time_point sent{std::chrono::nanoseconds(ns)};
    if (sent < from_ || sent >= until_) return;
    ++delivered_in_window_;
    if (samples_.size() < max_samples_) {
      samples_.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(now - sent).count());
    }
  }

  uint64_t received() const { return received_; }
  uint64_t delivered_in_window() const { return delivered_in_window_; }
  std::vector<int64_t>& samples() { return samples_; }

 private:
  const LatencyClock::time_point from_;
  const LatencyClock::time_point until_;
  const size_t max_samples_;
  uint64_t received_ = 0;
  uint64_t delivered_in_window_ = 0;
  std::vector<int64_t> samples_;
};

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_LATENCY_SINK_H_
