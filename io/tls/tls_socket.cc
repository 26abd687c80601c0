#include "io/tls/tls_socket.h"

#include <boost/asio/ssl/error.hpp>
#include <utility>

#include "io/runtime/stream_socket_impl.h"

namespace liminal::io {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

struct TlsTransport {
  using Stream = TlsSocket::Stream;
  static constexpr bool kTls = true;
  static tcp::socket& Lowest(Stream& stream) { return stream.next_layer(); }
  // The peer closed TCP without close_notify: for self-delimiting frames, just an end.
  static bool IsCleanEnd(const error_code& ec) { return ec == asio::ssl::error::stream_truncated; }
};

}  // namespace

class TlsSocket::Impl : public stream_socket_internal::StreamSocketImpl<TlsTransport> {
 public:
  using StreamSocketImpl::StreamSocketImpl;
};

TlsSocket::TlsSocket(runtime::Scheduler& scheduler, Stream stream, SocketOptions options)
    : impl_(std::make_shared<Impl>(scheduler, std::move(stream), options)) {}

TlsSocket::~TlsSocket() { impl_->Close(); }

void TlsSocket::StartReading(runtime::Pid owner, size_t inbox_limit) {
  impl_->StartReading(owner, inbox_limit);
}
void TlsSocket::Consumed(size_t bytes) { impl_->Consumed(bytes); }
void TlsSocket::PauseReading() { impl_->PauseReading(); }
void TlsSocket::ResumeReading() { impl_->ResumeReading(); }
void TlsSocket::Write(std::string bytes) { impl_->Write(runtime::OutboundBytes(std::move(bytes))); }
void TlsSocket::WriteGathered(runtime::OutboundBytes bytes) { impl_->Write(std::move(bytes)); }
size_t TlsSocket::QueuedBytes() const { return impl_->QueuedBytes(); }
void TlsSocket::Close() { impl_->Close(); }
std::string TlsSocket::PeerAddress() const { return impl_->peer(); }
uint64_t TlsSocket::write_batches() const { return impl_->write_batches(); }

}  // namespace liminal::io
