#include "io/runtime/asio_runtime.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "core/check/check.h"
#include "io/runtime/system_mutex.h"

namespace liminal::io {
namespace {

size_t ResolveThreadCount(size_t requested) {
  if (requested != 0) return requested;
  return std::max<size_t>(1, std::thread::hardware_concurrency());
}

}  // namespace

AsioRuntime::AsioRuntime(AsioRuntimeOptions options)
    : thread_count_(ResolveThreadCount(options.scheduler_threads)),
      scheduler_(io_),
      clock_(io_),
      random_(options.random_seed.has_value() ? *options.random_seed : SystemRandom::DeviceSeed()) {
  absl::MutexLock lock(&mu_);
  work_.emplace(io_.get_executor());
}

AsioRuntime::~AsioRuntime() {
  Stop();
  Join();
}

std::unique_ptr<runtime::Mutex> AsioRuntime::NewMutex() { return std::make_unique<SystemMutex>(); }

void AsioRuntime::Start() {
  absl::MutexLock lock(&mu_);
  if (started_) return;
  started_ = true;
  if (io_.stopped()) return;  // Stop() came first: nothing will ever run
  threads_.reserve(thread_count_);
  for (size_t i = 0; i < thread_count_; ++i) {
    threads_.emplace_back([this, i] { RunThread(i); });
    thread_ids_.push_back(threads_.back().get_id());
  }
}

void AsioRuntime::RunThread(size_t index) {
  const std::string name = "liminal-rt-" + std::to_string(index);
  ::pthread_setname_np(::pthread_self(), name.substr(0, 15).c_str());
  for (;;) {
    try {
      io_.run();
      return;  // stopped
    } catch (const std::exception& e) {
      spdlog::error("runtime thread {}: a task threw: {}; continuing", index, e.what());
    } catch (...) {
      spdlog::error("runtime thread {}: a task threw a non-standard exception; continuing", index);
    }
  }
}

void AsioRuntime::Stop() {
  absl::MutexLock lock(&mu_);
  work_.reset();
  io_.stop();
}

void AsioRuntime::Join() {
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    const std::thread::id self = std::this_thread::get_id();
    LIMINAL_CHECK(std::find(thread_ids_.begin(), thread_ids_.end(), self) == thread_ids_.end(),
                  "AsioRuntime::Join is not called from one of its own threads (a deadlock)");
    threads.swap(threads_);
  }
  for (std::thread& thread : threads) thread.join();
  // Blocking file work (fsyncs) may call back into the core: it finishes here too.
  files_.JoinBlockingWork();
  // No thread runs the io_context any more (Join after Stop): processes that never exited
  // are destroyed here, while whatever they point to still exists.
  if (io_.stopped()) scheduler_.DestroyRemaining();
}

bool AsioRuntime::IsRuntimeThread() const {
  absl::MutexLock lock(&mu_);
  return std::find(thread_ids_.begin(), thread_ids_.end(), std::this_thread::get_id()) !=
         thread_ids_.end();
}

}  // namespace liminal::io
