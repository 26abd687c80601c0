// Internal: turns one asynchronous callback into a value a blocking caller waits for, with a
// timeout. Used by the blocking facade.
//
//   Completion<absl::StatusOr<PublishResult>> result;
//   connection->Publish("orders", "{}", {}, result.Callback());
//   std::optional<absl::StatusOr<PublishResult>> r = result.WaitFor(absl::Seconds(5));
//   if (!r.has_value()) { /* timed out; a late result goes to on_late, if given */ }
//
// If the waiter gives up before the value arrives, the late value is handed to `on_late`
// (for example to unsubscribe a subscription nobody will read), or simply dropped.
//
// Thread-safety: the callback may run on any thread, once; WaitFor() may be called once, from
// one thread. The Completion object may be destroyed while the callback is still pending.
#ifndef LIMINAL_CLIENT_INTERNAL_COMPLETION_H_
#define LIMINAL_CLIENT_INTERNAL_COMPLETION_H_

#include <memory>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace liminal::client::internal {

template <typename T>
class Completion {
 public:
  explicit Completion(absl::AnyInvocable<void(T)> on_late = nullptr)
      : state_(std::make_shared<State>()) {
    state_->on_late = std::move(on_late);
  }

  // The callback to hand to the asynchronous operation.
  absl::AnyInvocable<void(T)> Callback() {
    return [state = state_](T value) mutable {
      absl::AnyInvocable<void(T)> on_late;
      {
        absl::MutexLock lock(&state->mu);
        if (!state->abandoned) {
          state->value = std::move(value);
          return;
        }
        on_late = std::move(state->on_late);
        state->on_late = nullptr;
      }
      if (on_late) on_late(std::move(value));
    };
  }

  // The value, or nullopt if it did not arrive within `timeout`.
  std::optional<T> WaitFor(absl::Duration timeout) {
    absl::MutexLock lock(&state_->mu);
    auto arrived = [](State* state) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state->mu) {
      return state->value.has_value();
    };
    if (!state_->mu.AwaitWithTimeout(absl::Condition(+arrived, state_.get()), timeout)) {
      state_->abandoned = true;
      return std::nullopt;
    }
    return std::move(state_->value);
  }

 private:
  struct State {
    absl::Mutex mu;
    std::optional<T> value ABSL_GUARDED_BY(mu);
    bool abandoned ABSL_GUARDED_BY(mu) = false;
    absl::AnyInvocable<void(T)> on_late ABSL_GUARDED_BY(mu);
  };

  std::shared_ptr<State> state_;
};

}  // namespace liminal::client::internal

#endif  // LIMINAL_CLIENT_INTERNAL_COMPLETION_H_
