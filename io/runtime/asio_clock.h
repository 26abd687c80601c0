// AsioClock: the production binding of the Clock seam. Now() reads std::chrono::steady_clock
// (monotonic; only differences mean anything); RunAfter arms an asio::steady_timer whose
// callback runs on the io_context, outside any process and outside any strand.
//
//   AsioClock& clock = runtime.clock();
//   runtime::TimerId t = clock.RunAfter(absl::Seconds(5), [&] { scheduler.Send(pid, Wake{}); });
//   if (clock.Cancel(t)) { /* it had not fired and never will */ }
//
// Cancel is race-free: a timer is either cancelled (Cancel returns true, the callback never
// runs) or fired (Cancel returns false, the callback runs or has run), never both. Negative
// delays count as zero.
//
// Thread-safe. Callbacks must not block. The clock must outlive the io_context's threads
// (AsioRuntime orders this); timers still pending when the runtime stops never fire.
#ifndef LIMINAL_IO_RUNTIME_ASIO_CLOCK_H_
#define LIMINAL_IO_RUNTIME_ASIO_CLOCK_H_

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "core/runtime/clock.h"

namespace liminal::io {

class AsioClock final : public runtime::Clock {
 public:
  explicit AsioClock(boost::asio::io_context& io);
  ~AsioClock() override;
  AsioClock(const AsioClock&) = delete;
  AsioClock& operator=(const AsioClock&) = delete;

  absl::Time Now() const override;
  absl::Time WallNow() const override;  // absl::Now()
  runtime::TimerId RunAfter(absl::Duration delay, absl::AnyInvocable<void() &&> callback) override;
  bool Cancel(runtime::TimerId timer) override;

  // Timers armed and neither fired nor cancelled yet.
  size_t pending_timers() const;

 private:
  struct Timer;
  void Fire(runtime::TimerId id);

  boost::asio::io_context& io_;
  mutable absl::Mutex mu_;
  runtime::TimerId next_id_ ABSL_GUARDED_BY(mu_) = 1;
  absl::flat_hash_map<runtime::TimerId, std::unique_ptr<Timer>> timers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace liminal::io

#endif  // LIMINAL_IO_RUNTIME_ASIO_CLOCK_H_
