// Helpers for the protocol e2e suites: start the real liminald, connect clients of the client
// library (blocking and asynchronous), speak raw frames where the client would refuse to
// send bad bytes, and read /metrics. Every wait has a deadline; nothing sleeps.
//
//   std::unique_ptr<DaemonProcess> d = ...StartDaemon(config)...;
//   auto client = ConnectClient(*d);                        // BlockingClient
//   auto raw = RawClient::Connect(d->listen());             // raw frames
//   raw->Handshake();  raw->Send(MakeFrame(Ping{}));  raw->Next();  raw->ExpectClosed();
//   absl::StatusOr<double> v = ReadMetric(d->health(), "liminal_deliveries_total");
#ifndef LIMINAL_TESTS_E2E_PROTOCOL_PROTOCOL_TEST_UTIL_H_
#define LIMINAL_TESTS_E2E_PROTOCOL_PROTOCOL_TEST_UTIL_H_

#include <gmock/gmock.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client/blocking_client.h"
#include "client/connection.h"
#include "client/io_thread.h"
#include "core/config/host_port.h"
#include "core/protocol/frame.h"
#include "core/protocol/frame_stream.h"
#include "tests/e2e/support/daemon_process.h"
#include "tests/e2e/support/tcp_connection.h"

namespace liminal::e2e {

// Matches an OK absl::StatusOr whose value matches `matcher`.
MATCHER_P(IsOkAndHolds, matcher, "") {
  if (!arg.ok()) {
    *result_listener << "status " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(matcher, *arg, result_listener);
}

// Deadline of every step that is expected to succeed (generous: it only matters on failure).
inline constexpr std::chrono::milliseconds kStepTimeout{10000};
inline constexpr absl::Duration kCallTimeout = absl::Seconds(10);

// Starts liminald from `config_toml` with `files` next to it.
absl::StatusOr<std::unique_ptr<DaemonProcess>> StartDaemon(
    std::string config_toml, std::map<std::string, std::string> files = {});

// A BlockingClient connected (and handshaken) to the daemon's protocol port.
absl::StatusOr<std::unique_ptr<client::BlockingClient>> ConnectClient(const DaemonProcess& daemon,
                                                                      std::string auth_token = "");

// An asynchronous Connection on `io`, connected and handshaken within kStepTimeout.
absl::StatusOr<std::unique_ptr<client::Connection>> ConnectAsync(
    client::IoThread& io, const DaemonProcess& daemon, client::ConnectionHandlers handlers,
    client::ConnectionOptions options = {});

// OK if a fresh client can connect, ping, publish to `channel` and get it delivered back:
// "the server keeps serving".
absl::Status CheckServing(const DaemonProcess& daemon, const std::string& channel = "events");

// The wire bytes of `frame` (the encoder refuses malformed frames).
absl::StatusOr<std::string> EncodeToWire(const protocol::Frame& frame);

// "ConnectError(0x0009, \"...\")", "Ping", ...: a frame for failure messages.
std::string Describe(const protocol::Frame& frame);

// A raw protocol connection: frames in and out, decoded with the core codec.
class RawClient {
 public:
  static absl::StatusOr<RawClient> Connect(const config::HostPort& address);

  absl::Status Send(const protocol::Frame& frame);
  absl::Status SendBytes(absl::string_view bytes);

  // Sends Connect 1.0..1.0 with `auth_token`; OK once ConnectAck arrives.
  absl::Status Handshake(std::string auth_token = "");

  // The next frame from the server. UNAVAILABLE once it closed the connection with nothing
  // left to decode, DATA_LOSS if it sent bytes that do not decode, DEADLINE_EXCEEDED.
  absl::StatusOr<protocol::Frame> Next(std::chrono::milliseconds timeout = kStepTimeout);

  // The next frame, which must be a ConnectError.
  absl::StatusOr<protocol::ConnectError> NextConnectError(
      std::chrono::milliseconds timeout = kStepTimeout);

  // OK once the server has closed the connection without sending another frame.
  absl::Status ExpectClosed(std::chrono::milliseconds timeout = kStepTimeout);

  TcpConnection& tcp() { return tcp_; }

 private:
  explicit RawClient(TcpConnection tcp) : tcp_(std::move(tcp)) {}

  TcpConnection tcp_;
  protocol::FrameStream buffer_{protocol::FrameStream::kNoLimit};  // received, not yet decoded
  bool closed_ = false;
};

// The value of `series` ("liminal_deliveries_total",
// "liminal_frames_in_total{type=\"Publish\"}") in Prometheus text, or nullopt.
std::optional<double> FindMetric(absl::string_view exposition, absl::string_view series);

// GET /metrics once and read `series`.
absl::StatusOr<double> ReadMetric(const config::HostPort& health, absl::string_view series);

// Scrapes /metrics until `done(value)` holds; DEADLINE_EXCEEDED (naming the last value)
// after `timeout`. For effects that the server applies after the client has seen the
// response (batched acks, releases after a close).
absl::StatusOr<double> AwaitMetric(const config::HostPort& health, absl::string_view series,
                                   const std::function<bool(double)>& done,
                                   std::chrono::milliseconds timeout = kStepTimeout);

}  // namespace liminal::e2e

#endif  // LIMINAL_TESTS_E2E_PROTOCOL_PROTOCOL_TEST_UTIL_H_
