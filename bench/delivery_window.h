// DeliveryWindow: the end-to-end flow control and the counters shared by a throughput
// workload's publisher and subscribers, identical for every system so that each one is
// measured on the same terms: lossless, sustained delivery.
//
// The publisher may run at most `window` messages ahead of the slowest subscriber
// (published − min(delivered) < window). Without that bound a fast publisher measures how
// quickly a server can buffer, or drop (NATS slow consumers), rather than deliver.
//
//   DeliveryWindow window(/*subscribers=*/5, /*window=*/4096);
//   // subscriber i, for each message:           window.Delivered(i);
//   // blocking publisher (NATS, Redis):          window.WaitForRoom(absl::Milliseconds(1));
//   //                                             publish(); window.Published();
//   // asynchronous publisher (liminald): window.SetResumeHook([&] { post(Pump); });
//   //   in Pump:  if (!window.TryContinue()) return;   // the hook runs once room appears
//   PubSubResult r = window.Measure(warmup, measure);    // on the harness thread
//   DeliveryWindow::MeasureAll({&a, &b}, warmup, measure, pid);   // several channels
//   window.Fail(status);                                  // any side: stops the run
//
// Thread-safety: thread-safe. Delivered(i) must be called by one thread per subscriber i;
// Published/HasRoom/TryContinue/WaitForRoom by the one publisher thread.
#ifndef LIMINAL_BENCH_DELIVERY_WINDOW_H_
#define LIMINAL_BENCH_DELIVERY_WINDOW_H_

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bench/driver.h"

namespace liminal::bench {

// A window no run fills: for runs whose publisher is paced rather than bounded.
inline constexpr uint64_t kUnboundedDeliveryWindow = uint64_t{1} << 62;

class DeliveryWindow {
 public:
  DeliveryWindow(int subscribers, uint64_t window);
  DeliveryWindow(const DeliveryWindow&) = delete;
  DeliveryWindow& operator=(const DeliveryWindow&) = delete;

  // --- Subscribers ---
  void Delivered(int subscriber, uint64_t count = 1);

  // --- Publisher ---
  void Published(uint64_t count = 1);
  uint64_t published() const { return published_.load(std::memory_order_relaxed); }
  // Room for one more publish. Reads the subscribers' counters only once the room it saw
  // last time is used up, so the check costs no cache-line transfer per message.
  bool HasRoom();
  // Asynchronous publishers: true if there is room now; otherwise the publisher is parked
  // and the resume hook runs (on a subscriber's thread) as soon as there is room.
  bool TryContinue();
  void SetResumeHook(std::function<void()> hook) { resume_hook_ = std::move(hook); }
  // Blocking publishers: waits until there is room, the run stops, or `max_wait` passes.
  void WaitForRoom(absl::Duration max_wait);

  // --- Either side ---
  // Ends the run with an error (the first one wins); stopping() turns true.
  void Fail(absl::Status error);
  // Ends the run normally.
  void Stop();
  // After Stop(), once the publisher has stopped: waits until every subscriber has received
  // every published message, so connections can be torn down with nothing in flight (libnats
  // can crash when a subscription is destroyed while its reader still processes messages).
  // False if that did not happen within `timeout` (messages lost, or a failed run).
  bool AwaitDrained(absl::Duration timeout);
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  absl::Status error() const;

  uint64_t MinDelivered() const;
  uint64_t TotalDelivered() const;

  // On the harness thread: lets the run warm up, then counts deliveries over `measure`, and
  // the CPU time `server_pid` and this process used meanwhile. Fails if the run failed or
  // nothing was delivered in the window. Does not stop the run.
  absl::StatusOr<PubSubResult> Measure(absl::Duration warmup, absl::Duration measure,
                                       pid_t server_pid);
  // The same over several independent windows (one per channel of a many-channel run):
  // deliveries and publishes are summed; any window's failure fails the measurement.
  static absl::StatusOr<PubSubResult> MeasureAll(const std::vector<DeliveryWindow*>& windows,
                                                 absl::Duration warmup, absl::Duration measure,
                                                 pid_t server_pid);

 private:
  struct alignas(64) Counter {
    std::atomic<uint64_t> value{0};
  };

  void Wake();
  // Publisher only: recomputes publisher_room_ from the counters; true if there is room.
  bool RefreshRoom();
  // Any thread: whether the publisher is less than `window` ahead right now.
  bool RoomNow() const;

  const uint64_t window_;
  std::unique_ptr<Counter[]> delivered_;
  const int subscribers_;
  alignas(64) std::atomic<uint64_t> published_{0};
  alignas(64) std::atomic<bool> parked_{false};
  uint64_t publisher_room_ = 0;  // publishes allowed before the counters are read again
  std::atomic<bool> stopping_{false};
  std::function<void()> resume_hook_;

  mutable absl::Mutex mu_;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_DELIVERY_WINDOW_H_
