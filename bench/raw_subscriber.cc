#include "bench/raw_subscriber.h"

#include <sys/socket.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "core/protocol/frame.h"
#include "core/protocol/frame_encoder.h"
#include "core/protocol/frame_type.h"
#include "core/protocol/reason_code.h"

namespace liminal::bench {
namespace {

using boost::asio::ip::tcp;

constexpr uint32_t kSubscribeStream = 3;

std::string EncodedConnect() {
  std::string out;
  (void)protocol::EncodeFrame(protocol::MakeFrame(protocol::Connect{
                                  .min_version = {1, 0}, .max_version = {1, 0}, .auth_token = ""}),
                              out);
  return out;
}

// SO_LINGER with a zero timeout: close() sends RST and drops unsent data.
void ResetSocket(tcp::socket& socket) {
  if (!socket.is_open()) return;
  boost::system::error_code ignored;
  socket.set_option(boost::asio::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
}

std::string ReasonText(uint16_t code, const std::optional<std::string>& message) {
  return absl::StrCat(std::string(protocol::ReasonCodeName(code)), " ", message.value_or(""));
}

}  // namespace

RawSubscriber::RawSubscriber(boost::asio::any_io_executor executor, std::string channel,
                             RawSubscriberHandlers handlers)
    : socket_(std::move(executor)), channel_(std::move(channel)), handlers_(std::move(handlers)) {}

std::shared_ptr<RawSubscriber> RawSubscriber::Open(boost::asio::any_io_executor executor,
                                                   const tcp::endpoint& endpoint,
                                                   std::string channel,
                                                   RawSubscriberHandlers handlers) {
  auto subscriber =
      std::make_shared<RawSubscriber>(std::move(executor), std::move(channel), std::move(handlers));
  subscriber->Start(endpoint);
  return subscriber;
}

void RawSubscriber::Start(const tcp::endpoint& endpoint) {
  socket_.async_connect(endpoint, [self = shared_from_this()](boost::system::error_code error) {
    if (self->done_) return;
    if (error) {
      return self->Fail(absl::UnavailableError(absl::StrCat("connect: ", error.message())));
    }
    std::string hello = EncodedConnect();
    (void)protocol::EncodeFrame(protocol::MakeFrame(protocol::Subscribe{.channel = self->channel_,
                                                                        .accepted_schemas = {},
                                                                        .max_in_flight = 1},
                                                    kSubscribeStream, /*flags=*/0),
                                hello);
    self->Write(std::move(hello));
    self->Read();
  });
}

void RawSubscriber::Write(std::string bytes) {
  auto data = std::make_shared<std::string>(std::move(bytes));
  boost::asio::async_write(
      socket_, boost::asio::buffer(*data),
      [self = shared_from_this(), data](boost::system::error_code error, size_t) {
        if (error && !self->done_) {
          self->Fail(absl::UnavailableError(absl::StrCat("write: ", error.message())));
        }
      });
}

void RawSubscriber::Read() {
  socket_.async_read_some(
      boost::asio::buffer(buffer_),
      [self = shared_from_this()](boost::system::error_code error, size_t size) {
        if (self->done_) return;
        if (error) {
          return self->Fail(absl::UnavailableError(
              absl::StrCat("the server closed the connection: ", error.message())));
        }
        self->OnBytes(size);
        if (!self->done_) self->Read();
      });
}

void RawSubscriber::OnBytes(size_t size) {
  received_.Append(std::string_view(buffer_.data(), size));
  while (!done_) {
    std::optional<protocol::Frame> frame = received_.Next();
    if (!frame.has_value()) break;
    const protocol::FrameBody& body = frame->body;
    if (std::holds_alternative<protocol::Deliver>(body)) {
      if (handlers_.on_delivery) handlers_.on_delivery();
    } else if (std::holds_alternative<protocol::SubscribeAck>(body)) {
      if (handlers_.on_subscribed) handlers_.on_subscribed();
    } else if (std::holds_alternative<protocol::Ping>(body)) {
      std::string pong;
      (void)protocol::EncodeFrame(protocol::MakeFrame(protocol::Pong{}), pong);
      Write(std::move(pong));
    } else if (const auto* refused = std::get_if<protocol::ConnectError>(&body)) {
      return Fail(absl::UnavailableError(
          absl::StrCat("ConnectError: ", ReasonText(refused->reason_code, refused->message))));
    } else if (const auto* error = std::get_if<protocol::SubscribeError>(&body)) {
      return Fail(absl::UnavailableError(
          absl::StrCat("SubscribeError: ", ReasonText(error->reason_code, error->message))));
    } else if (std::holds_alternative<protocol::Disconnect>(body)) {
      return Fail(absl::UnavailableError("the server sent Disconnect (draining)"));
    }
    // ConnectAck and anything else: nothing to do.
  }
  if (const protocol::FrameStreamError* error = received_.error(); error != nullptr && !done_) {
    Fail(absl::DataLossError(absl::StrCat("liminald sent a malformed frame: ", error->Describe())));
  }
}

void RawSubscriber::Fail(absl::Status why) {
  if (done_) return;
  done_ = true;
  ResetSocket(socket_);
  if (handlers_.on_failed) handlers_.on_failed(std::move(why));
}

void RawSubscriber::Reset() {
  done_ = true;
  ResetSocket(socket_);
}

void RawSubscriber::Close() {
  done_ = true;
  if (!socket_.is_open()) return;
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

void RawSubscriber::AbortHandshake(boost::asio::any_io_executor executor,
                                   const tcp::endpoint& endpoint,
                                   absl::AnyInvocable<void(absl::Status)> done) {
  auto socket = std::make_shared<tcp::socket>(std::move(executor));
  socket->async_connect(
      endpoint, [socket, done = std::move(done)](boost::system::error_code error) mutable {
        if (error) {
          return done(absl::UnavailableError(absl::StrCat("connect: ", error.message())));
        }
        auto half = std::make_shared<std::string>(EncodedConnect());
        half->resize(half->size() / 2);
        boost::asio::async_write(
            *socket, boost::asio::buffer(*half),
            [socket, half, done = std::move(done)](boost::system::error_code, size_t) mutable {
              ResetSocket(*socket);
              done(absl::OkStatus());
            });
      });
}

}  // namespace liminal::bench
