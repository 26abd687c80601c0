#include "tests/unit/client/fake_server.h"

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <utility>

#include "core/protocol/frame_encoder.h"
#include "gtest/gtest.h"

namespace liminal::client::test_support {

namespace asio = boost::asio;
using asio::ip::tcp;

bool AnswerHandshake(FakeSession& session, const protocol::Frame& frame) {
  if (std::holds_alternative<protocol::Connect>(frame.body)) {
    session.Send(protocol::MakeFrame(protocol::ConnectAck{{1, 0}, 0}));
    return true;
  }
  if (std::holds_alternative<protocol::Ping>(frame.body)) {
    session.Send(protocol::MakeFrame(protocol::Pong{}));
    return true;
  }
  return false;
}

FakeSession::FakeSession(tcp::socket socket, FakeScript script)
    : socket_(std::move(socket)), script_(std::move(script)) {}

void FakeSession::Start() {
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);  // no Nagle delays between test frames
  ReadMore();
}

void FakeSession::Send(const protocol::Frame& frame) {
  std::string bytes;
  absl::Status encoded = protocol::EncodeFrame(frame, bytes);
  if (!encoded.ok()) {
    ADD_FAILURE() << "fake server cannot encode its frame: " << encoded;
    return;
  }
  SendRaw(std::move(bytes));
}

void FakeSession::SendRaw(std::string bytes) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), bytes = std::move(bytes)] {
    self->outbound_ += bytes;
    self->WriteMore();
  });
}

void FakeSession::Close() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->close_after_write_ = true;
    self->WriteMore();
  });
}

void FakeSession::CloseNow() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void FakeSession::WriteMore() {
  if (!writing_.empty() || !socket_.is_open()) return;
  if (outbound_.empty()) {
    if (close_after_write_) {
      boost::system::error_code ignored;
      socket_.shutdown(tcp::socket::shutdown_both, ignored);
      socket_.close(ignored);
    }
    return;
  }
  std::swap(writing_, outbound_);
  asio::async_write(socket_, asio::buffer(writing_),
                    [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                      self->writing_.clear();
                      if (ec) return;
                      self->WriteMore();
                    });
}

void FakeSession::ReadMore() {
  auto buffer = std::make_shared<std::array<char, 8192>>();
  socket_.async_read_some(
      asio::buffer(*buffer),
      [self = shared_from_this(), buffer](const boost::system::error_code& ec, size_t n) {
        if (ec) {
          absl::MutexLock lock(&self->mu_);
          self->client_closed_ = true;
          return;
        }
        self->inbound_.Append(std::string_view(buffer->data(), n));
        while (std::optional<protocol::Frame> frame = self->inbound_.Next()) {
          if (self->script_) self->script_(*self, *frame);
          absl::MutexLock lock(&self->mu_);
          self->frames_.push_back(std::move(*frame));
        }
        if (const protocol::FrameStreamError* error = self->inbound_.error()) {
          ADD_FAILURE() << "client sent a bad frame: " << error->Describe();
          return self->CloseNow();
        }
        self->ReadMore();
      });
}

std::optional<protocol::Frame> FakeSession::NextFrame(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto ready = [](std::deque<protocol::Frame>* frames) { return !frames->empty(); };
  if (!mu_.AwaitWithTimeout(absl::Condition(+ready, &frames_), timeout)) return std::nullopt;
  protocol::Frame frame = std::move(frames_.front());
  frames_.pop_front();
  return frame;
}

size_t FakeSession::queued_frames() const {
  absl::MutexLock lock(&mu_);
  return frames_.size();
}

bool FakeSession::WaitForClientClose(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&client_closed_), timeout);
}

FakeServer::FakeServer(FakeScript script)
    : script_(std::move(script)),
      acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
  AcceptMore();
  thread_ = std::thread([this] { io_.run(); });
}

FakeServer::~FakeServer() {
  asio::post(io_, [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (auto& session : all_sessions_) session->CloseNow();
  });
  // Run until every socket has been closed and every handler has finished.
  thread_.join();
}

void FakeServer::AcceptMore() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec) return;
    auto session = std::make_shared<FakeSession>(std::move(socket), script_);
    all_sessions_.push_back(session);
    session->Start();
    {
      absl::MutexLock lock(&mu_);
      sessions_.push_back(session);
    }
    AcceptMore();
  });
}

std::shared_ptr<FakeSession> FakeServer::WaitForSession(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto ready = [](std::deque<std::shared_ptr<FakeSession>>* sessions) {
    return !sessions->empty();
  };
  if (!mu_.AwaitWithTimeout(absl::Condition(+ready, &sessions_), timeout)) return nullptr;
  std::shared_ptr<FakeSession> session = sessions_.front();
  sessions_.pop_front();
  return session;
}

}  // namespace liminal::client::test_support
