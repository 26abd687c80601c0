#include "io/runtime/asio_clock.h"

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <utility>

namespace liminal::io {

struct AsioClock::Timer {
  Timer(boost::asio::io_context& io, absl::AnyInvocable<void() &&> cb)
      : timer(io), callback(std::move(cb)) {}
  boost::asio::steady_timer timer;
  absl::AnyInvocable<void() &&> callback;
};

AsioClock::AsioClock(boost::asio::io_context& io) : io_(io) {}

AsioClock::~AsioClock() = default;

absl::Time AsioClock::WallNow() const { return absl::Now(); }

absl::Time AsioClock::Now() const {
  return absl::UnixEpoch() + absl::FromChrono(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::steady_clock::now().time_since_epoch()));
}

runtime::TimerId AsioClock::RunAfter(absl::Duration delay, absl::AnyInvocable<void() &&> callback) {
  if (delay < absl::ZeroDuration()) delay = absl::ZeroDuration();
  // asio saturates expiry arithmetic, so an infinite delay is simply "never".
  const std::chrono::nanoseconds wait = absl::ToChronoNanoseconds(delay);
  absl::MutexLock lock(&mu_);
  const runtime::TimerId id = next_id_++;
  auto timer = std::make_unique<Timer>(io_, std::move(callback));
  timer->timer.expires_after(wait);
  // The callback lives in the table, not in the handler: whoever removes the entry first
  // (Fire or Cancel) decides whether it runs.
  timer->timer.async_wait([this, id](const boost::system::error_code&) { Fire(id); });
  timers_.emplace(id, std::move(timer));
  return id;
}

bool AsioClock::Cancel(runtime::TimerId timer) {
  std::unique_ptr<Timer> cancelled;
  {
    absl::MutexLock lock(&mu_);
    auto it = timers_.find(timer);
    if (it == timers_.end()) return false;
    cancelled = std::move(it->second);
    timers_.erase(it);
  }
  // Destroying the asio timer aborts its wait; the handler then finds no entry.
  return true;
}

void AsioClock::Fire(runtime::TimerId id) {
  std::unique_ptr<Timer> fired;
  {
    absl::MutexLock lock(&mu_);
    auto it = timers_.find(id);
    if (it == timers_.end()) return;  // cancelled
    fired = std::move(it->second);
    timers_.erase(it);
  }
  absl::AnyInvocable<void()&&> callback = std::move(fired->callback);
  fired.reset();
  std::move(callback)();
}

size_t AsioClock::pending_timers() const {
  absl::MutexLock lock(&mu_);
  return timers_.size();
}

}  // namespace liminal::io
