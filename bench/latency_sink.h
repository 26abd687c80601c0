// LatencySink: the subscriber side of the latency-under-load workload. Every payload starts
// with its send time (steady clock nanoseconds, native byte order: publisher and subscriber
// share a process); the sink records arrival − send for the messages sent inside the
// measured window.
//
//   LatencySink sink(measure_from, measure_until, /*max_samples=*/4'000'000);
//   publisher:  StampSendTime(payload);  publish(payload);
//   subscriber: sink.Received(payload);  // one thread at a time (the subscription's)
//   ... after the subscription has stopped: sink.TakeResult(...)
//
// Thread-safety: Received() from one thread at a time; the accessors once it has stopped.
#ifndef LIMINAL_BENCH_LATENCY_SINK_H_
#define LIMINAL_BENCH_LATENCY_SINK_H_

#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "bench/driver.h"

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

  // The run's result, once the subscription has stopped: the measurement's error, a
  // DataLoss error naming `system` when the delivery window did not drain (`published` vs
  // `delivered`), or the samples (moved out) and the in-window counts.
  absl::StatusOr<LoadLatencyResult> TakeResult(absl::string_view system,
                                               const absl::Status& measured, bool drained,
                                               uint64_t published, uint64_t delivered,
                                               uint64_t sent_in_window) {
    if (!measured.ok()) return measured;
    if (!drained) {
      return absl::DataLossError(absl::StrCat(system, ": ", published - delivered, " of ",
                                              published,
                                              " messages not delivered 5 s after the run"));
    }
    LoadLatencyResult result;
    result.latencies_ns = std::move(samples_);
    result.sent_in_window = sent_in_window;
    result.delivered_in_window = delivered_in_window_;
    return result;
  }

 private:
  const LatencyClock::time_point from_;
  const LatencyClock::time_point until_;
  const size_t max_samples_;
  uint64_t delivered_in_window_ = 0;
  std::vector<int64_t> samples_;
};

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_LATENCY_SINK_H_
