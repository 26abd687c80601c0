// IdleConnections: thousands of idle client connections to one server, for measuring what
// an idle connection costs the server (RSS, CPU). Plain non-blocking sockets driven by one
// epoll loop — no client library, no threads — so the harness itself stays small. Each
// connection completes the system's handshake (IdleHandshake, from the driver) before it
// counts; connections are opened in batches so the server's accept backlog never overflows.
//
//   IdleHandshake hello = driver.IdleConnectionHandshake();
//   absl::StatusOr<std::unique_ptr<IdleConnections>> idle =
//       IdleConnections::Open("127.0.0.1", port, 10'000, hello, {.batch = 500});
//   ... measure the server ...
//   size_t closed = (*idle)->CountClosedByServer();   // should be 0
//   idle->reset();                                     // closes every socket
//
// Thread-safety: not thread-safe.
#ifndef LIMINAL_BENCH_IDLE_CONNECTIONS_H_
#define LIMINAL_BENCH_IDLE_CONNECTIONS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace liminal::bench {

struct IdleHandshake {
  // Written once the TCP connection is up.
  std::string hello;
  // Given every byte received so far: true once the handshake is complete, false to wait
  // for more, an error if the server refused.
  std::function<absl::StatusOr<bool>(std::string_view received)> complete;
};

struct IdleConnectionOptions {
  size_t batch = 500;
  absl::Duration timeout = absl::Seconds(60);  // for all of them
};

class IdleConnections {
 public:
  static absl::StatusOr<std::unique_ptr<IdleConnections>> Open(
      const std::string& host, uint16_t port, size_t count, const IdleHandshake& handshake,
      const IdleConnectionOptions& options = {});

  IdleConnections(const IdleConnections&) = delete;
  IdleConnections& operator=(const IdleConnections&) = delete;
  ~IdleConnections();

  // Established connections (handshake complete).
  size_t size() const { return established_; }

  // How many connections the server has closed since they were opened (non-blocking).
  size_t CountClosedByServer();

 private:
  explicit IdleConnections(int epoll_fd) : epoll_fd_(epoll_fd) {}
  absl::Status OpenBatch(const std::string& host, uint16_t port, size_t count,
                         const IdleHandshake& handshake, absl::Time deadline);

  const int epoll_fd_;
  std::vector<int> fds_;  // every socket opened, established or not
  size_t established_ = 0;
  size_t closed_ = 0;
};

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_IDLE_CONNECTIONS_H_
