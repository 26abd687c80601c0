// An io_context with one background thread running it, for callers that do not run Asio
// themselves (BlockingClient uses one per client).
//
//   IoThread io;
//   Connection::Connect(io.executor(), "127.0.0.1", 7400, {}, {}, [](auto conn) { ... });
//   ...
//   io.Stop();  // or let the destructor do it
//
// Stop() (and the destructor) drops pending handlers without running them, so close the
// connections on it first (Connection::Close with a completion) when a graceful close
// matters.
//
// Thread-safety: executor() is thread-safe. Stop() and the destructor must not be called
// from the IoThread's own thread.
#ifndef LIMINAL_CLIENT_IO_THREAD_H_
#define LIMINAL_CLIENT_IO_THREAD_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <thread>

namespace liminal::client {

class IoThread {
 public:
  IoThread();
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;
  ~IoThread();

  boost::asio::any_io_executor executor() { return io_.get_executor(); }

  // Stops the io_context and joins the thread. Idempotent.
  void Stop();

 private:
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
};

}  // namespace liminal::client

#endif  // LIMINAL_CLIENT_IO_THREAD_H_
