// Rendezvous: a value produced on an I/O thread (a client library callback) and awaited by
// the harness thread with a deadline. The state is shared, so a callback that fires after
// the wait gave up is harmless.
//
//   Rendezvous<absl::StatusOr<client::Subscription>> subscribed;
//   connection.Subscribe("bench", options, std::move(handlers), subscribed.Callback());
//   std::optional<absl::StatusOr<client::Subscription>> s = subscribed.Wait(absl::Seconds(10));
//   if (!s.has_value()) ...   // timed out
//
// Thread-safety: Callback() is called once, its result runs once on any thread; Wait() once.
#ifndef LIMINAL_BENCH_RENDEZVOUS_H_
#define LIMINAL_BENCH_RENDEZVOUS_H_

#include <future>
#include <memory>
#include <optional>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/time/time.h"

namespace liminal::bench {

template <typename T>
class Rendezvous {
 public:
  Rendezvous() : promise_(std::make_shared<std::promise<T>>()), future_(promise_->get_future()) {}

  // The callback to hand to the client library.
  absl::AnyInvocable<void(T)> Callback() {
    return [promise = promise_](T value) { promise->set_value(std::move(value)); };
  }

  std::optional<T> Wait(absl::Duration timeout) {
    if (future_.wait_for(absl::ToChronoMilliseconds(timeout)) != std::future_status::ready) {
      return std::nullopt;
    }
    return future_.get();
  }

 private:
  std::shared_ptr<std::promise<T>> promise_;
  std::future<T> future_;
};

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_RENDEZVOUS_H_
