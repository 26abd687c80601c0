// The Mutex seam: the only way core code shares state between processes or with outside
// callers. Production wraps absl::Mutex; in simulation every Lock/Unlock is a preemption
// point where the harness may switch fibers.
//
//   std::unique_ptr<Mutex> mu = runtime.NewMutex();
//   {
//     MutexLock lock(*mu);
//     bool done = mu->AwaitWithTimeout([&] { return ready; }, absl::Seconds(1));
//   }
#ifndef LIMINAL_CORE_RUNTIME_MUTEX_H_
#define LIMINAL_CORE_RUNTIME_MUTEX_H_

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/time/time.h"

namespace liminal::runtime {

class ABSL_LOCKABLE Mutex {
 public:
  virtual ~Mutex() = default;
  virtual void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() = 0;
  virtual void Unlock() ABSL_UNLOCK_FUNCTION() = 0;

  // Precondition: held. Releases the mutex until `condition` (evaluated with the mutex held)
  // becomes true or `timeout` elapses on the runtime's clock, then reacquires it. Returns
  // the final value of `condition`. Waiters are re-checked whenever the mutex is released.
  virtual bool AwaitWithTimeout(absl::FunctionRef<bool()> condition, absl::Duration timeout) = 0;
};

class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_.Lock(); }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_.Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mu_;
};

}  // namespace liminal::runtime

#endif  // LIMINAL_CORE_RUNTIME_MUTEX_H_
