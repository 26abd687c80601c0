// RawSubscriber: a liminald connection spoken in raw frames, for what the client library
// never does — subscribing WITHOUT the ACKS flag (the reference SDK's way: no credit, no
// acknowledgements) and ending a connection abruptly with a TCP reset. The soak run
// (soak_traffic.h) uses it for its no-ACKS subscribers and its abrupt churn.
//
//   auto sub = RawSubscriber::Open(io.executor(), endpoint, "soak.3", {
//       .on_subscribed = [] { ... }, .on_delivery = [] { ++deliveries; },
//       .on_failed = [](absl::Status why) { ... }});     // refused, shed, closed by server
//   ...
//   sub->Reset();    // RST: SO_LINGER 0, then close; no handler runs afterwards
//   sub->Close();    // or an orderly FIN
//
//   RawSubscriber::AbortHandshake(io.executor(), endpoint, [] { ... });   // half a Connect, RST
//
// The subscriber sends Connect and Subscribe (stream 3, flags 0) at once, answers Ping with
// Pong, and counts every Deliver; it never acknowledges. It reads continuously, so the server
// never has to shed it for a full socket.
//
// Thread-safety: every method must run on the executor's thread, and the executor must be
// single-threaded (an IoThread); handlers run there.
#ifndef LIMINAL_BENCH_RAW_SUBSCRIBER_H_
#define LIMINAL_BENCH_RAW_SUBSCRIBER_H_

#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "core/protocol/frame_stream.h"

namespace liminal::bench {

struct RawSubscriberHandlers {
  absl::AnyInvocable<void()> on_subscribed;
  absl::AnyInvocable<void()> on_delivery;
  // Once, for a failure the subscriber did not cause: connect failure, ConnectError,
  // SubscribeError, a malformed frame, or the server closing the connection.
  absl::AnyInvocable<void(absl::Status)> on_failed;
};

class RawSubscriber : public std::enable_shared_from_this<RawSubscriber> {
 public:
  static std::shared_ptr<RawSubscriber> Open(boost::asio::any_io_executor executor,
                                             const boost::asio::ip::tcp::endpoint& endpoint,
                                             std::string channel, RawSubscriberHandlers handlers);

  // Connects, writes the first half of a Connect frame, then resets the connection; `done`
  // runs once it is reset (or the connect failed, which it reports).
  static void AbortHandshake(boost::asio::any_io_executor executor,
                             const boost::asio::ip::tcp::endpoint& endpoint,
                             absl::AnyInvocable<void(absl::Status)> done);

  // Ends the connection with a TCP reset. No handler runs afterwards. Idempotent.
  void Reset();
  // Ends the connection with an orderly shutdown. No handler runs afterwards. Idempotent.
  void Close();

  // Not public API: use Open.
  RawSubscriber(boost::asio::any_io_executor executor, std::string channel,
                RawSubscriberHandlers handlers);

 private:
  void Start(const boost::asio::ip::tcp::endpoint& endpoint);
  void Read();
  void Write(std::string bytes);
  void OnBytes(size_t size);
  void Fail(absl::Status why);

  boost::asio::ip::tcp::socket socket_;
  std::string channel_;
  RawSubscriberHandlers handlers_;
  bool done_ = false;  // closed, reset or failed: no more handlers
  // liminald's default max_frame_bytes: the most a frame from it can hold.
  protocol::FrameStream received_{uint64_t{16} << 20};
  std::array<char, 16384> buffer_{};
};

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_RAW_SUBSCRIBER_H_
