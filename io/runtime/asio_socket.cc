#include "io/runtime/asio_socket.h"

#include <boost/asio/connect.hpp>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "io/runtime/asio_runtime.h"
#include "io/runtime/stream_socket_impl.h"

namespace liminal::io {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

struct PlainTcpTransport {
  using Stream = tcp::socket;
  static constexpr bool kTls = false;
  static tcp::socket& Lowest(Stream& stream) { return stream; }
  static bool IsCleanEnd(const error_code&) { return false; }
};

}  // namespace

class AsioSocket::Impl : public stream_socket_internal::StreamSocketImpl<PlainTcpTransport> {
 public:
  using StreamSocketImpl::StreamSocketImpl;
};

AsioSocket::AsioSocket(runtime::Scheduler& scheduler, tcp::socket socket, SocketOptions options)
    : impl_(std::make_shared<Impl>(scheduler, std::move(socket), options)) {}

AsioSocket::~AsioSocket() { impl_->Close(); }

absl::StatusOr<std::unique_ptr<AsioSocket>> AsioSocket::Connect(AsioRuntime& runtime,
                                                                const config::HostPort& address,
                                                                SocketOptions options) {
  error_code ec;
  tcp::resolver resolver(runtime.io_context());
  const auto endpoints = resolver.resolve(address.host, std::to_string(address.port),
                                          tcp::resolver::numeric_service, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot resolve ", address.ToString(), ": ", ec.message()));
  }
  tcp::socket socket(runtime.io_context());
  asio::connect(socket, endpoints, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot connect to ", address.ToString(), ": ", ec.message()));
  }
  return std::make_unique<AsioSocket>(runtime.scheduler(), std::move(socket), options);
}

void AsioSocket::StartReading(runtime::Pid owner, size_t inbox_limit) {
  impl_->StartReading(owner, inbox_limit);
}
void AsioSocket::Consumed(size_t bytes) { impl_->Consumed(bytes); }
void AsioSocket::PauseReading() { impl_->PauseReading(); }
void AsioSocket::ResumeReading() { impl_->ResumeReading(); }
void AsioSocket::Write(std::string bytes) {
  impl_->Write(runtime::OutboundBytes(std::move(bytes)));
}
void AsioSocket::WriteGathered(runtime::OutboundBytes bytes) { impl_->Write(std::move(bytes)); }
size_t AsioSocket::QueuedBytes() const { return impl_->QueuedBytes(); }
void AsioSocket::Close() { impl_->Close(); }
std::string AsioSocket::PeerAddress() const { return impl_->peer(); }
uint64_t AsioSocket::write_batches() const { return impl_->write_batches(); }

}  // namespace liminal::io
