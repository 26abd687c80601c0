#include "bench/delivery_window.h"

#include <unistd.h>

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "bench/proc_metrics.h"

namespace liminal::bench {

DeliveryWindow::DeliveryWindow(int subscribers, uint64_t window)
    : window_(std::max<uint64_t>(window, 1)),
      delivered_(new Counter[static_cast<size_t>(std::max(subscribers, 1))]),
      subscribers_(std::max(subscribers, 1)) {}

void DeliveryWindow::Delivered(int subscriber, uint64_t count) {
  delivered_[static_cast<size_t>(subscriber)].value.fetch_add(count, std::memory_order_seq_cst);
  // Pairs with the store in TryContinue: either the publisher sees this delivery or this
  // load sees the publisher parked.
  if (parked_.load(std::memory_order_seq_cst) && RoomNow() && parked_.exchange(false)) Wake();
  // While draining, releasing the mutex makes AwaitDrained re-evaluate its condition.
  if (stopping_.load(std::memory_order_acquire)) {
    absl::MutexLock lock(&mu_);
  }
}

void DeliveryWindow::Wake() {
  if (resume_hook_) {
    resume_hook_();
    return;
  }
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

void DeliveryWindow::Published(uint64_t count) {
  published_.fetch_add(count, std::memory_order_relaxed);
  publisher_room_ -= std::min(count, publisher_room_);
}

bool DeliveryWindow::HasRoom() {
  // The room seen at the last look is spent before looking again: reading every
  // subscriber's counter per publish would pull their cache lines over on each message.
  return publisher_room_ > 0 || RefreshRoom();
}

bool DeliveryWindow::RefreshRoom() {
  const uint64_t ahead = published() - MinDelivered();
  publisher_room_ = ahead < window_ ? window_ - ahead : 0;
  return publisher_room_ > 0;
}

bool DeliveryWindow::RoomNow() const { return published() - MinDelivered() < window_; }

bool DeliveryWindow::TryContinue() {
  if (HasRoom()) return true;
  parked_.store(true, std::memory_order_seq_cst);
  if (!RefreshRoom()) return false;
  // Room appeared meanwhile: continue unless a subscriber already claimed the wake (then
  // the hook runs, or has run, and resumes the publisher).
  return parked_.exchange(false);
}

void DeliveryWindow::WaitForRoom(absl::Duration max_wait) {
  if (TryContinue()) return;
  absl::MutexLock lock(&mu_);
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return woken_ || stopping_.load(std::memory_order_acquire);
  };
  mu_.AwaitWithTimeout(absl::Condition(&ready), max_wait);
  woken_ = false;
  parked_.store(false);
}

void DeliveryWindow::Fail(absl::Status error) {
  {
    absl::MutexLock lock(&mu_);
    if (error_.ok()) error_ = std::move(error);
  }
  Stop();
}

void DeliveryWindow::Stop() {
  stopping_.store(true, std::memory_order_release);
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

bool DeliveryWindow::AwaitDrained(absl::Duration timeout) {
  auto drained = [this]() { return MinDelivered() >= published(); };
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&drained), timeout);
}

absl::Status DeliveryWindow::error() const {
  absl::MutexLock lock(&mu_);
  return error_;
}

uint64_t DeliveryWindow::MinDelivered() const {
  uint64_t min = std::numeric_limits<uint64_t>::max();
  for (int i = 0; i < subscribers_; ++i) {
    min = std::min(min, delivered_[static_cast<size_t>(i)].value.load(std::memory_order_seq_cst));
  }
  return min;
}

uint64_t DeliveryWindow::TotalDelivered() const {
  uint64_t total = 0;
  for (int i = 0; i < subscribers_; ++i) {
    total += delivered_[static_cast<size_t>(i)].value.load(std::memory_order_relaxed);
  }
  return total;
}

absl::StatusOr<PubSubResult> DeliveryWindow::Measure(absl::Duration warmup, absl::Duration measure,
                                                     pid_t server_pid) {
  return MeasureAll({this}, warmup, measure, server_pid);
}

namespace {

absl::Status FirstWindowError(const std::vector<DeliveryWindow*>& windows) {
  for (const DeliveryWindow* window : windows) {
    if (absl::Status error = window->error(); !error.ok()) return error;
  }
  return absl::OkStatus();
}

// Waits `duration`, or less when a window fails. The wait is the measurement itself (a
// fixed window), not a readiness poll; failures are looked for every 20 ms.
void WaitUnlessAWindowFailed(const std::vector<DeliveryWindow*>& windows, absl::Duration duration) {
  const absl::Time end = absl::Now() + duration;
  while (FirstWindowError(windows).ok()) {
    const absl::Duration left = end - absl::Now();
    if (left <= absl::ZeroDuration()) return;
    absl::SleepFor(std::min(left, absl::Milliseconds(20)));
  }
}

uint64_t SumWindowsDelivered(const std::vector<DeliveryWindow*>& windows) {
  uint64_t total = 0;
  for (const DeliveryWindow* window : windows) total += window->TotalDelivered();
  return total;
}

uint64_t SumWindowsPublished(const std::vector<DeliveryWindow*>& windows) {
  uint64_t total = 0;
  for (const DeliveryWindow* window : windows) total += window->published();
  return total;
}

}  // namespace

absl::StatusOr<PubSubResult> DeliveryWindow::MeasureAll(const std::vector<DeliveryWindow*>& windows,
                                                        absl::Duration warmup,
                                                        absl::Duration measure, pid_t server_pid) {
  WaitUnlessAWindowFailed(windows, warmup);
  const absl::Time start = absl::Now();
  const uint64_t delivered_start = SumWindowsDelivered(windows);
  const uint64_t published_start = SumWindowsPublished(windows);
  const absl::StatusOr<absl::Duration> server_cpu_start = ReadCpuTime(server_pid);
  const absl::StatusOr<absl::Duration> harness_cpu_start = ReadCpuTime(::getpid());
  WaitUnlessAWindowFailed(windows, measure);
  const absl::Time end = absl::Now();
  const uint64_t delivered_end = SumWindowsDelivered(windows);
  const uint64_t published_end = SumWindowsPublished(windows);
  const absl::StatusOr<absl::Duration> server_cpu_end = ReadCpuTime(server_pid);
  const absl::StatusOr<absl::Duration> harness_cpu_end = ReadCpuTime(::getpid());
  if (absl::Status failed = FirstWindowError(windows); !failed.ok()) return failed;
  if (delivered_end == delivered_start) {
    return absl::DeadlineExceededError(absl::StrCat(
        "no deliveries during the ", absl::FormatDuration(measure), " window (published ",
        published_end, ", delivered ", delivered_end, " in total)"));
  }
  const double seconds = absl::ToDoubleSeconds(end - start);
  PubSubResult result;
  result.deliveries = delivered_end - delivered_start;
  result.elapsed = end - start;
  result.deliveries_per_second = static_cast<double>(result.deliveries) / seconds;
  result.publishes_per_second = static_cast<double>(published_end - published_start) / seconds;
  if (server_cpu_start.ok() && server_cpu_end.ok()) {
    result.server_cpu = *server_cpu_end - *server_cpu_start;
  }
  if (harness_cpu_start.ok() && harness_cpu_end.ok()) {
    result.harness_cpu = *harness_cpu_end - *harness_cpu_start;
  }
  if (const absl::StatusOr<int64_t> rss = ReadRssBytes(server_pid); rss.ok()) {
    result.server_rss_bytes = *rss;  // unreadable: no value, so the RSS target skips
  }
  return result;
}

}  // namespace liminal::bench
