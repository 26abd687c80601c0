// SystemMutex: the production binding of the Mutex seam (core/runtime/mutex.h), a thin
// wrapper over absl::Mutex. AsioRuntime::NewMutex() hands these out.
//
//   std::unique_ptr<runtime::Mutex> mu = std::make_unique<SystemMutex>();
//   runtime::MutexLock lock(*mu);
//   bool ready = mu->AwaitWithTimeout([&] { return done; }, absl::Seconds(1));
//
// AwaitWithTimeout is absl::Mutex::AwaitWithTimeout: the condition is re-evaluated (with the
// mutex held) whenever the mutex is released, and the timeout runs on the real monotonic
// clock. It blocks the calling thread, so never call it from a process slice or a posted
// task: that would park one of the runtime's threads.
//
// Thread-safe (it is a mutex). Not reentrant.
#ifndef LIMINAL_IO_RUNTIME_SYSTEM_MUTEX_H_
#define LIMINAL_IO_RUNTIME_SYSTEM_MUTEX_H_

#include "absl/synchronization/mutex.h"
#include "core/runtime/mutex.h"

namespace liminal::io {

class SystemMutex final : public runtime::Mutex {
 public:
  void Lock() override ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.Lock(); }
  void Unlock() override ABSL_UNLOCK_FUNCTION() { mu_.Unlock(); }
  bool AwaitWithTimeout(absl::FunctionRef<bool()> condition, absl::Duration timeout) override;

 private:
  absl::Mutex mu_;
};

}  // namespace liminal::io

#endif  // LIMINAL_IO_RUNTIME_SYSTEM_MUTEX_H_
