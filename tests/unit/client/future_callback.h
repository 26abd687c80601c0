// Test helper: a completion callback paired with the std::future it fulfils, so a test can
// start an asynchronous client operation and wait for its result with a timeout.
//
//   auto [done, result] = FutureCallback<absl::StatusOr<PublishResult>>();
//   connection->Publish("orders", "{}", {}, std::move(done));
//   std::optional<absl::StatusOr<PublishResult>> r = AwaitFor(result, kTimeout);
//   ASSERT_TRUE(r.has_value());
//
// Calling the callback twice throws std::future_error on the calling (I/O) thread, which
// terminates the test binary: a loud failure for "exactly once" guarantees.
#ifndef LIMINAL_TESTS_UNIT_CLIENT_FUTURE_CALLBACK_H_
#define LIMINAL_TESTS_UNIT_CLIENT_FUTURE_CALLBACK_H_

#include <future>
#include <optional>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/time/time.h"

namespace liminal::client::test_support {

template <typename T>
std::pair<absl::AnyInvocable<void(T)>, std::future<T>> FutureCallback() {
  std::promise<T> promise;
  std::future<T> future = promise.get_future();
  return {[promise = std::move(promise)](T value) mutable { promise.set_value(std::move(value)); },
          std::move(future)};
}

// The future's value, or nullopt if it is not ready within `timeout`.
template <typename T>
std::optional<T> AwaitFor(std::future<T>& future, absl::Duration timeout) {
  if (future.wait_for(absl::ToChronoNanoseconds(timeout)) != std::future_status::ready) {
    return std::nullopt;
  }
  return future.get();
}

}  // namespace liminal::client::test_support

#endif  // LIMINAL_TESTS_UNIT_CLIENT_FUTURE_CALLBACK_H_
