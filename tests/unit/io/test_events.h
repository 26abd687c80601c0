// Waiting helpers for the io tests: the runtime works on its own threads, so tests wait for
// events with a deadline instead of sleeping.
//
//   Countdown done(3);
//   ... three callbacks call done.Decrement() ...
//   ASSERT_TRUE(done.WaitFor(absl::Seconds(10)));
//
//   EventLog<int> log;
//   ... callbacks call log.Add(x) ...
//   ASSERT_TRUE(log.WaitForSize(2, absl::Seconds(10)));
//   EXPECT_THAT(log.Snapshot(), ElementsAre(1, 2));
//
// Thread-safe.
#ifndef LIMINAL_TESTS_UNIT_IO_TEST_EVENTS_H_
#define LIMINAL_TESTS_UNIT_IO_TEST_EVENTS_H_

#include <cstddef>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace liminal::io::testing {

// How long a test waits for something that should happen promptly.
inline constexpr absl::Duration kEventTimeout = absl::Seconds(20);

class Countdown {
 public:
  explicit Countdown(long count) : count_(count) {}
  void Decrement(long by = 1) {
    absl::MutexLock lock(&mu_);
    count_ -= by;
  }
  // True once the count reached zero (or below); false if `timeout` passed first.
  bool WaitFor(absl::Duration timeout = kEventTimeout) {
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(&Reached, &count_), timeout);
  }
  long remaining() const {
    absl::MutexLock lock(&mu_);
    return count_;
  }

 private:
  static bool Reached(long* count) { return *count <= 0; }
  mutable absl::Mutex mu_;
  long count_;
};

template <typename T>
class EventLog {
 public:
  void Add(T value) {
    absl::MutexLock lock(&mu_);
    events_.push_back(std::move(value));
  }
  bool WaitForSize(size_t size, absl::Duration timeout = kEventTimeout) {
    absl::MutexLock lock(&mu_);
    auto reached = [&] { return events_.size() >= size; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }
  std::vector<T> Snapshot() const {
    absl::MutexLock lock(&mu_);
    return events_;
  }
  size_t size() const {
    absl::MutexLock lock(&mu_);
    return events_.size();
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<T> events_;
};

}  // namespace liminal::io::testing

#endif  // LIMINAL_TESTS_UNIT_IO_TEST_EVENTS_H_
