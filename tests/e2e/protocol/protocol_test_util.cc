// Helpers for the protocol e2e suites (see protocol_test_util.h).
#include "tests/e2e/protocol/protocol_test_util.h"

#include <future>
#include <utility>
#include <variant>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/protocol/frame_encoder.h"
#include "core/protocol/frame_type.h"
#include "tests/e2e/support/http_client.h"

namespace liminal::e2e {

using Clock = std::chrono::steady_clock;

absl::StatusOr<std::unique_ptr<DaemonProcess>> StartDaemon(
    std::string config_toml, std::map<std::string, std::string> files) {
  DaemonProcessOptions options;
  options.config_toml = std::move(config_toml);
  options.files = std::move(files);
  return DaemonProcess::Start(std::move(options));
}

absl::StatusOr<std::unique_ptr<client::BlockingClient>> ConnectClient(const DaemonProcess& daemon,
                                                                      std::string auth_token) {
  client::ConnectionOptions options;
  options.auth_token = std::move(auth_token);
  options.connect_timeout = kCallTimeout;
  return client::BlockingClient::Connect(daemon.listen().host, daemon.listen().port, options);
}

absl::StatusOr<std::unique_ptr<client::Connection>> ConnectAsync(
    client::IoThread& io, const DaemonProcess& daemon, client::ConnectionHandlers handlers,
    client::ConnectionOptions options) {
  options.connect_timeout = kCallTimeout;
  auto done = std::make_shared<std::promise<absl::StatusOr<std::unique_ptr<client::Connection>>>>();
  std::future<absl::StatusOr<std::unique_ptr<client::Connection>>> connected = done->get_future();
  client::Connection::Connect(io.executor(), daemon.listen().host, daemon.listen().port,
                              std::move(options), std::move(handlers),
                              [done](absl::StatusOr<std::unique_ptr<client::Connection>> c) {
                                done->set_value(std::move(c));
                              });
  if (connected.wait_for(kStepTimeout + std::chrono::seconds(1)) != std::future_status::ready) {
    return absl::DeadlineExceededError("Connection::Connect never completed");
  }
  return connected.get();
}

absl::Status CheckServing(const DaemonProcess& daemon, const std::string& channel) {
  absl::StatusOr<std::unique_ptr<client::BlockingClient>> c = ConnectClient(daemon);
  if (!c.ok()) return c.status();
  if (absl::StatusOr<absl::Duration> rtt = (*c)->Ping(kCallTimeout); !rtt.ok()) {
    return rtt.status();
  }
  absl::StatusOr<std::unique_ptr<client::BlockingSubscription>> sub =
      (*c)->Subscribe(channel, kCallTimeout);
  if (!sub.ok()) return sub.status();
  absl::StatusOr<client::PublishResult> ack = (*c)->Publish(channel, "still-serving", kCallTimeout);
  if (!ack.ok()) return ack.status();
  absl::StatusOr<client::Delivery> d = (*sub)->Next(kCallTimeout);
  if (!d.ok()) return d.status();
  if (d->payload != "still-serving") {
    return absl::InternalError(absl::StrCat("delivered '", d->payload, "', not 'still-serving'"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> EncodeToWire(const protocol::Frame& frame) {
  std::string out;
  if (absl::Status s = protocol::EncodeFrame(frame, out); !s.ok()) return s;
  return out;
}

std::string Describe(const protocol::Frame& frame) {
  const std::string name(
      protocol::FrameTypeName(static_cast<protocol::FrameType>(frame.type_id())));
  auto text = [](const std::optional<std::string>& message) {
    return message.has_value() ? absl::StrCat("\"", *message, "\"") : std::string("none");
  };
  if (const auto* error = std::get_if<protocol::ConnectError>(&frame.body)) {
    return absl::StrCat(name, "(0x", absl::Hex(error->reason_code, absl::kZeroPad4), ", ",
                        text(error->message), ")");
  }
  return absl::StrCat(name, " on stream ", frame.stream_id);
}

// ---------------------------------------------------------------------------------------
// RawClient

absl::StatusOr<RawClient> RawClient::Connect(const config::HostPort& address) {
  absl::StatusOr<TcpConnection> tcp = TcpConnection::Connect(address, kStepTimeout);
  if (!tcp.ok()) return tcp.status();
  return RawClient(*std::move(tcp));
}

absl::Status RawClient::Send(const protocol::Frame& frame) {
  absl::StatusOr<std::string> bytes = EncodeToWire(frame);
  if (!bytes.ok()) return bytes.status();
  return SendBytes(*bytes);
}

absl::Status RawClient::SendBytes(absl::string_view bytes) {
  return tcp_.Send(bytes, kStepTimeout);
}

absl::Status RawClient::Handshake(std::string auth_token) {
  if (absl::Status sent =
          Send(protocol::MakeFrame(protocol::Connect{{1, 0}, {1, 0}, std::move(auth_token)}));
      !sent.ok()) {
    return sent;
  }
  absl::StatusOr<protocol::Frame> reply = Next();
  if (!reply.ok()) return reply.status();
  if (!std::holds_alternative<protocol::ConnectAck>(reply->body)) {
    return absl::FailedPreconditionError(
        absl::StrCat("expected ConnectAck, got ", Describe(*reply)));
  }
  return absl::OkStatus();
}

absl::StatusOr<protocol::Frame> RawClient::Next(std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  while (true) {
    if (std::optional<protocol::Frame> frame = buffer_.Next()) return *std::move(frame);
    if (const protocol::FrameStreamError* error = buffer_.error()) {
      return absl::DataLossError(
          absl::StrCat("undecodable bytes from the server: ", error->Describe()));
    }
    if (closed_) {
      return absl::UnavailableError(absl::StrCat(
          "connection closed by the server", buffer_.buffered_bytes() == 0 ? "" : " mid-frame"));
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return absl::DeadlineExceededError("no frame from the server in time");
    absl::StatusOr<std::string> more = tcp_.ReadAtLeast(1, left);
    if (!more.ok()) return more.status();
    if (more->empty()) closed_ = true;
    buffer_.Append(*std::move(more));
  }
}

absl::StatusOr<protocol::ConnectError> RawClient::NextConnectError(
    std::chrono::milliseconds timeout) {
  absl::StatusOr<protocol::Frame> frame = Next(timeout);
  if (!frame.ok()) return frame.status();
  if (const auto* error = std::get_if<protocol::ConnectError>(&frame->body)) {
    if (frame->stream_id != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("ConnectError on stream ", frame->stream_id, ", not 0"));
    }
    return *error;
  }
  return absl::FailedPreconditionError(
      absl::StrCat("expected ConnectError, got ", Describe(*frame)));
}

absl::Status RawClient::ExpectClosed(std::chrono::milliseconds timeout) {
  absl::StatusOr<protocol::Frame> frame = Next(timeout);
  if (frame.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("expected the server to close, got ", Describe(*frame)));
  }
  if (absl::IsUnavailable(frame.status())) return absl::OkStatus();
  return frame.status();
}

// ---------------------------------------------------------------------------------------
// Metrics

std::optional<double> FindMetric(absl::string_view exposition, absl::string_view series) {
  for (absl::string_view line : absl::StrSplit(exposition, '\n')) {
    if (line.size() <= series.size() || line.substr(0, series.size()) != series ||
        line[series.size()] != ' ') {
      continue;
    }
    double value = 0;
    if (absl::SimpleAtod(line.substr(series.size() + 1), &value)) return value;
    return std::nullopt;
  }
  return std::nullopt;
}

absl::StatusOr<double> ReadMetric(const config::HostPort& health, absl::string_view series) {
  absl::StatusOr<HttpResponse> response = HttpGet(health, "/metrics", kStepTimeout);
  if (!response.ok()) return response.status();
  if (response->status != 200) {
    return absl::UnavailableError(absl::StrCat("GET /metrics: ", response->status));
  }
  std::optional<double> value = FindMetric(response->body, series);
  if (!value.has_value()) {
    return absl::NotFoundError(absl::StrCat("no series ", series, " in /metrics"));
  }
  return *value;
}

absl::StatusOr<double> AwaitMetric(const config::HostPort& health, absl::string_view series,
                                   const std::function<bool(double)>& done,
                                   std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  while (true) {
    absl::StatusOr<double> value = ReadMetric(health, series);
    if (!value.ok()) return value.status();
    if (done(*value)) return *value;
    if (Clock::now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat(series, " is still ", *value, " after ", timeout.count(), " ms"));
    }
  }
}

}  // namespace liminal::e2e
