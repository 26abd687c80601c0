// ThreadSanitizer builds only (preset `tsan`; linked into every executable there).
// Also covers absl::Status's reference count (see the end of the file).
//
// Debian's Abseil is not built with -fsanitize=thread, so absl::Mutex, absl::CondVar and
// absl::Notification synchronise threads without TSan seeing it: every object handed over
// under one of them (the runtime's Mutex seam, io::SystemMutex, wraps absl::Mutex) would be
// reported as a race. This file interposes their out-of-line members (an executable's
// definition wins over the shared library's), forwards to Abseil's own code found with
// dlsym(RTLD_NEXT), and reports each acquire and release to TSan through its mutex
// annotation interface: what an instrumented Abseil does itself (ABSL_TSAN_MUTEX_*).
// While Abseil runs, TSan ignores memory accesses, as it does for an instrumented
// Abseil: conditions are evaluated inside Lock/Unlock by whichever thread holds the mutex.
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/base/config.h"
#include "absl/base/macros.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

#if !defined(__SANITIZE_THREAD__)
#error "cmake/tsan/absl_sync_annotations.cc is for ThreadSanitizer builds only"
#endif

namespace {

// "_ZN4absl<len><inline namespace>" + rest: the Itanium mangling of absl::<ns>::<rest>.
template <typename Fn>
Fn Real(const char* rest) {
  const std::string ns = ABSL_INTERNAL_TOKEN_STR(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  // A leading 'K' marks a const member function (_ZNK...).
  const bool is_const = rest[0] == 'K';
  const std::string name = std::string(is_const ? "_ZNK4absl" : "_ZN4absl") +
                           std::to_string(ns.size()) + ns + (is_const ? rest + 1 : rest);
  void* fn = dlsym(RTLD_NEXT, name.c_str());
  if (fn == nullptr) {
    std::fprintf(stderr, "absl_sync_annotations: %s not found in Abseil\n", name.c_str());
    std::abort();
  }
  return reinterpret_cast<Fn>(fn);
}

// Abseil's members call each other through the PLT too (AwaitWithTimeout calls
// AwaitWithDeadline, Notification calls Lock and LockWhen): only the outermost call on a
// thread is reported, nested ones go straight to Abseil.
thread_local int depth = 0;
struct Outermost {
  Outermost() : outer(depth++ == 0) {}
  ~Outermost() { --depth; }
  const bool outer;
};

#define LIMINAL_REAL(type, mangled)             \
  static const auto real = Real<type>(mangled); \
  const Outermost outermost;                    \
  if (!outermost.outer) return real(LIMINAL_ARGS)

// An absl::Notification is {Mutex mutex_; std::atomic<bool> notified_yet_;}; its inline
// HasBeenNotified() is an (instrumented) acquire load of notified_yet_, so Notify releases
// on that address for TSan.
void* NotifiedFlag(const absl::Notification* n) {
  static_assert(sizeof(absl::Mutex) == sizeof(intptr_t));
  return const_cast<char*>(reinterpret_cast<const char*>(n) + sizeof(absl::Mutex));
}

// The mutex is held on entry and on return; Abseil releases and reacquires it meanwhile.
template <typename F>
auto Released(void* mu, F&& wait) {
  __tsan_mutex_pre_unlock(mu, 0);
  auto result = wait();
  __tsan_mutex_post_unlock(mu, 0);
  __tsan_mutex_pre_lock(mu, 0);
  __tsan_mutex_post_lock(mu, 0, 0);
  return result;
}

// Acquires the mutex in Abseil, reported as a lock (`flags` 0 or __tsan_mutex_read_lock).
template <typename F>
auto Acquired(void* mu, unsigned flags, F&& lock) {
  __tsan_mutex_pre_lock(mu, flags);
  auto result = lock();
  __tsan_mutex_post_lock(mu, flags, 0);
  return result;
}

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

Mutex::~Mutex() {
  static const auto real = Real<void (*)(Mutex*)>("5MutexD2Ev");
  __tsan_mutex_destroy(this, 0);
  real(this);
}

void Mutex::Lock() {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this
  LIMINAL_REAL(void (*)(Mutex*), "5Mutex4LockEv");
  Acquired(this, 0, [&] {
    real(this);
    return 0;
  });
}

void Mutex::ReaderLock() {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this
  LIMINAL_REAL(void (*)(Mutex*), "5Mutex10ReaderLockEv");
  Acquired(this, __tsan_mutex_read_lock, [&] {
    real(this);
    return 0;
  });
}

bool Mutex::TryLock() {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this
  LIMINAL_REAL(bool (*)(Mutex*), "5Mutex7TryLockEv");
  __tsan_mutex_pre_lock(this, __tsan_mutex_try_lock);
  const bool locked = real(this);
  __tsan_mutex_post_lock(this, __tsan_mutex_try_lock | (locked ? 0 : __tsan_mutex_try_lock_failed),
                         0);
  return locked;
}

bool Mutex::ReaderTryLock() {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this
  LIMINAL_REAL(bool (*)(Mutex*), "5Mutex13ReaderTryLockEv");
  const unsigned flags = __tsan_mutex_try_lock | __tsan_mutex_read_lock;
  __tsan_mutex_pre_lock(this, flags);
  const bool locked = real(this);
  __tsan_mutex_post_lock(this, flags | (locked ? 0 : __tsan_mutex_try_lock_failed), 0);
  return locked;
}

void Mutex::Unlock() {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this
  LIMINAL_REAL(void (*)(Mutex*), "5Mutex6UnlockEv");
  __tsan_mutex_pre_unlock(this, 0);
  real(this);
  __tsan_mutex_post_unlock(this, 0);
}

void Mutex::ReaderUnlock() {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this
  LIMINAL_REAL(void (*)(Mutex*), "5Mutex12ReaderUnlockEv");
  __tsan_mutex_pre_unlock(this, __tsan_mutex_read_lock);
  real(this);
  __tsan_mutex_post_unlock(this, __tsan_mutex_read_lock);
}

void Mutex::LockWhen(const Condition& cond) {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this, cond
  LIMINAL_REAL(void (*)(Mutex*, const Condition&), "5Mutex8LockWhenERKNS0_9ConditionE");
  Acquired(this, 0, [&] {
    real(this, cond);
    return 0;
  });
}

void Mutex::ReaderLockWhen(const Condition& cond) {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this, cond
  LIMINAL_REAL(void (*)(Mutex*, const Condition&), "5Mutex14ReaderLockWhenERKNS0_9ConditionE");
  Acquired(this, __tsan_mutex_read_lock, [&] {
    real(this, cond);
    return 0;
  });
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, Duration timeout) {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this, cond, timeout
  LIMINAL_REAL(bool (*)(Mutex*, const Condition&, Duration),
               "5Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  return Acquired(this, 0, [&] { return real(this, cond, timeout); });
}

bool Mutex::ReaderLockWhenWithTimeout(const Condition& cond, Duration timeout) {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this, cond, timeout
  LIMINAL_REAL(bool (*)(Mutex*, const Condition&, Duration),
               "5Mutex25ReaderLockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  return Acquired(this, __tsan_mutex_read_lock, [&] { return real(this, cond, timeout); });
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, Time deadline) {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this, cond, deadline
  LIMINAL_REAL(bool (*)(Mutex*, const Condition&, Time),
               "5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  return Acquired(this, 0, [&] { return real(this, cond, deadline); });
}

bool Mutex::ReaderLockWhenWithDeadline(const Condition& cond, Time deadline) {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this, cond, deadline
  LIMINAL_REAL(bool (*)(Mutex*, const Condition&, Time),
               "5Mutex26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  return Acquired(this, __tsan_mutex_read_lock, [&] { return real(this, cond, deadline); });
}

void Mutex::Await(const Condition& cond) {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this, cond
  LIMINAL_REAL(void (*)(Mutex*, const Condition&), "5Mutex5AwaitERKNS0_9ConditionE");
  Released(this, [&] {
    real(this, cond);
    return 0;
  });
}

bool Mutex::AwaitWithTimeout(const Condition& cond, Duration timeout) {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this, cond, timeout
  LIMINAL_REAL(bool (*)(Mutex*, const Condition&, Duration),
               "5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  return Released(this, [&] { return real(this, cond, timeout); });
}

bool Mutex::AwaitWithDeadline(const Condition& cond, Time deadline) {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this, cond, deadline
  LIMINAL_REAL(bool (*)(Mutex*, const Condition&, Time),
               "5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  return Released(this, [&] { return real(this, cond, deadline); });
}

void CondVar::Wait(Mutex* mu) {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this, mu
  LIMINAL_REAL(void (*)(CondVar*, Mutex*), "7CondVar4WaitEPNS0_5MutexE");
  Released(mu, [&] {
    real(this, mu);
    return 0;
  });
}

bool CondVar::WaitWithTimeout(Mutex* mu, Duration timeout) {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this, mu, timeout
  LIMINAL_REAL(bool (*)(CondVar*, Mutex*, Duration),
               "7CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  return Released(mu, [&] { return real(this, mu, timeout); });
}

bool CondVar::WaitWithDeadline(Mutex* mu, Time deadline) {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this, mu, deadline
  LIMINAL_REAL(bool (*)(CondVar*, Mutex*, Time),
               "7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  return Released(mu, [&] { return real(this, mu, deadline); });
}

void Notification::Notify() {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this
  LIMINAL_REAL(void (*)(Notification*), "12Notification6NotifyEv");
  __tsan_release(NotifiedFlag(this));
  real(this);
}

void Notification::WaitForNotification() const {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this
  LIMINAL_REAL(void (*)(const Notification*), "K12Notification19WaitForNotificationEv");
  real(this);
  __tsan_acquire(NotifiedFlag(this));
}

bool Notification::WaitForNotificationWithTimeout(Duration timeout) const {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this, timeout
  LIMINAL_REAL(bool (*)(const Notification*, Duration),
               "K12Notification30WaitForNotificationWithTimeoutENS0_8DurationE");
  const bool notified = real(this, timeout);
  if (notified) __tsan_acquire(NotifiedFlag(this));
  return notified;
}

bool Notification::WaitForNotificationWithDeadline(Time deadline) const {
#undef LIMINAL_ARGS
#define LIMINAL_ARGS this, deadline
  LIMINAL_REAL(bool (*)(const Notification*, Time),
               "K12Notification31WaitForNotificationWithDeadlineENS0_4TimeE");
  const bool notified = real(this, deadline);
  if (notified) __tsan_acquire(NotifiedFlag(this));
  return notified;
}

// absl::Status shares a reference-counted representation between copies, and the last
// Unref (in the uninstrumented library) deletes it: a copy handed to another thread made
// TSan report the delete as racing with the other thread's earlier reads. Each unref
// releases, and the one that may delete first acquires every earlier release.
void Status::UnrefNonInlined(uintptr_t rep) {
  static const auto real = Real<void (*)(uintptr_t)>("6Status15UnrefNonInlinedEm");
  __tsan_release(reinterpret_cast<void*>(rep));
  __tsan_acquire(reinterpret_cast<void*>(rep));
  real(rep);
}

ABSL_NAMESPACE_END
}  // namespace absl
