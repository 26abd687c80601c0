// AsioRuntime: the production Runtime (core/runtime/runtime.h). One boost::asio::io_context
// run by N threads carries every process slice (each process on its own strand), timer,
// monitor, posted task and socket completion. An idle runtime blocks in epoll and uses no
// CPU: there is no polling and no periodic timer.
//
//   io::AsioRuntime runtime({.scheduler_threads = 4});
//   runtime.Start();
//   server::ConnectionSupervisor supervisor(runtime, services, {});
//   auto listener = io::AsioListener::Bind(runtime, {"0.0.0.0", 7400});
//   (*listener)->StartAccepting([&](std::unique_ptr<runtime::Socket> socket) {
//     supervisor.SpawnConnection(std::move(socket));
//   });
//   ...
//   runtime.Stop();   // from any thread, even a handler
//   runtime.Join();   // from a non-runtime thread; destroys processes that are left
//
// Lifecycle: Start() once; work posted before Start() waits for it. Stop() makes every
// thread return as soon as its current handler finishes; queued handlers are abandoned
// (never run), timers never fire, and the runtime cannot be restarted. Join() waits for the
// threads, then destroys the processes still alive (their monitors are not called). Call
// Stop() and Join() before destroying anything the processes or callbacks point to (the
// ConnectionSupervisor, sessions, listeners' callbacks); the destructor does both.
//
// An exception escaping a posted task, monitor or timer callback is logged and the thread
// keeps running; one escaping a process slice ends that process (see asio_scheduler.h).
//
// Thread-safety: Start/Stop/Join and every accessor are thread-safe; Join must not be called
// from one of the runtime's own threads (it would wait for itself; it aborts instead).
#ifndef LIMINAL_IO_RUNTIME_ASIO_RUNTIME_H_
#define LIMINAL_IO_RUNTIME_ASIO_RUNTIME_H_

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "core/runtime/runtime.h"
#include "io/runtime/asio_clock.h"
#include "io/runtime/asio_scheduler.h"
#include "io/runtime/posix_file_system.h"
#include "io/runtime/system_random.h"

namespace liminal::io {

struct AsioRuntimeOptions {
  // Threads running the io_context; 0 means std::thread::hardware_concurrency() (at least 1).
  size_t scheduler_threads = 0;
  // Seed for random(); unset means a seed from std::random_device.
  std::optional<uint64_t> random_seed = std::nullopt;
};

class AsioRuntime final : public runtime::Runtime {
 public:
  explicit AsioRuntime(AsioRuntimeOptions options = {});
  ~AsioRuntime() override;  // Stop() + Join()
  AsioRuntime(const AsioRuntime&) = delete;
  AsioRuntime& operator=(const AsioRuntime&) = delete;

  // Starts the threads. Later calls do nothing.
  void Start();
  // Asks every thread to return after its current handler. Idempotent; any thread.
  void Stop();
  // Waits for the threads (after Stop), then destroys the processes that are left.
  void Join();

  // True on one of this runtime's threads.
  bool IsRuntimeThread() const;
  size_t thread_count() const { return thread_count_; }
  boost::asio::io_context& io_context() { return io_; }

  AsioScheduler& scheduler() override { return scheduler_; }
  AsioClock& clock() override { return clock_; }
  SystemRandom& random() override { return random_; }
  PosixFileSystem& file_system() override { return files_; }
  std::unique_ptr<runtime::Mutex> NewMutex() override;

 private:
  void RunThread(size_t index);

  // Declared first: destroyed last, after everything that holds handlers or I/O objects.
  boost::asio::io_context io_;
  const size_t thread_count_;
  AsioScheduler scheduler_;
  AsioClock clock_;
  SystemRandom random_;
  PosixFileSystem files_;

  mutable absl::Mutex mu_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_
      ABSL_GUARDED_BY(mu_);
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread::id> thread_ids_ ABSL_GUARDED_BY(mu_);
};

}  // namespace liminal::io

#endif  // LIMINAL_IO_RUNTIME_ASIO_RUNTIME_H_
