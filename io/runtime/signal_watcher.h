// SignalWatcher: calls back once per SIGINT or SIGTERM the process receives, on the
// runtime's io_context (boost::asio::signal_set, so no work happens in the signal handler).
// The daemon uses it to start a graceful shutdown on the first signal and force it on the
// second.
//
//   std::atomic<int> received{0};
//   io::SignalWatcher signals(runtime.io_context(), [&](int signal_number) {
//     if (received.fetch_add(1) == 0) {
//       std::thread([&] { GracefulShutdown(); }).detach();   // never block the io_context
//     } else {
//       ForceShutdown();
//     }
//   });
//
// Callbacks run one at a time on a runtime thread, outside any process, and must not block.
// While the watcher exists the two signals no longer terminate the process; Stop() (or the
// destructor) restores the default disposition once the io_context runs the removal (right
// away on a running runtime). After Stop() returns the callback is not called again (Stop
// waits for a call in progress, unless called from inside the callback).
//
// Thread-safety: Stop() may be called from any thread, including from the callback.
#ifndef LIMINAL_IO_RUNTIME_SIGNAL_WATCHER_H_
#define LIMINAL_IO_RUNTIME_SIGNAL_WATCHER_H_

#include <boost/asio/io_context.hpp>
#include <memory>

#include "absl/functional/any_invocable.h"

namespace liminal::io {

class SignalWatcher {
 public:
  using Callback = absl::AnyInvocable<void(int signal_number)>;

  // Starts watching SIGINT and SIGTERM.
  SignalWatcher(boost::asio::io_context& io, Callback on_signal);
  ~SignalWatcher();  // Stop()
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  void Stop();

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace liminal::io

#endif  // LIMINAL_IO_RUNTIME_SIGNAL_WATCHER_H_
