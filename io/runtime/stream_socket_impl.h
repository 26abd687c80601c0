// StreamSocketImpl: the one implementation behind both production Socket bindings —
// AsioSocket (plain TCP, io/runtime/asio_socket.h) and TlsSocket (TLS over TCP,
// io/tls/tls_socket.h). The behaviour (read loop, inbox limit, pause/resume, batched writes,
// SocketDrained, bounded close) is documented in asio_socket.h; this header is included only
// by those two bindings' .cc files.
//
// `Transport` describes the byte stream:
//   struct Transport {
//     using Stream = ...;                               // tcp::socket or ssl::stream<tcp::socket>
//     static constexpr bool kTls = ...;
//     static tcp::socket& Lowest(Stream&);              // the TCP socket underneath
//     static bool IsCleanEnd(const error_code&);        // an end of input that is not an error
//   };
// Plain TCP takes two shortcuts that TLS cannot: a Write with nothing queued goes straight
// to send(2) from the calling thread, and reading waits for readiness without a buffer, then
// recv(2)s into the thread's buffer and copies exactly what arrived into the SocketData (an
// idle connection holds no read buffer at all). With TLS every write is sealed on the strand
// (a batch as one buffer, so one record rather than one per frame), reads go through the
// stream into a small per-socket buffer, and Close() sends close_notify after the flush.
#ifndef LIMINAL_IO_RUNTIME_STREAM_SOCKET_IMPL_H_
#define LIMINAL_IO_RUNTIME_STREAM_SOCKET_IMPL_H_

#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/defer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/runtime/message.h"
#include "core/runtime/outbound_bytes.h"
#include "core/runtime/scheduler.h"
#include "io/health/bind_acceptor.h"
#include "io/runtime/asio_socket.h"

namespace liminal::io::stream_socket_internal {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

// TLS: per-socket buffer for the pending read, small because idle connections keep it.
inline constexpr size_t kTlsReadBytes = 4 * 1024;
// Plain TCP: the per-thread buffer each recv(2) fills; one SocketData carries at most this.
// Measured: 256 KiB reads took 4 KiB pub/sub from 4.3-4.5 to 4.1 us of server CPU per
// message but cost 16 B pub/sub a tenth of its rate (2.55-2.80M -> 2.41-2.51M msg/s).
inline constexpr size_t kPlainReadBytes = 64 * 1024;
// Plain TCP: most pieces of a batch one direct send(2) passes; the queued write sends the rest.
inline constexpr size_t kMaxIov = 128;

// Where a TLS socket's pending read lands; plain sockets have none (see TlsReadBuffer).
struct NoReadBuffer {};
template <bool kTls>
using TlsReadBuffer = std::conditional_t<kTls, std::array<char, kTlsReadBytes>, NoReadBuffer>;

inline std::string PeerText(const tcp::socket& socket) {
  error_code ec;
  const tcp::endpoint endpoint = socket.remote_endpoint(ec);
  return ec ? std::string("unknown") : ToHostPort(endpoint).ToString();
}

template <typename Transport>
class StreamSocketImpl : public std::enable_shared_from_this<StreamSocketImpl<Transport>> {
 public:
  using Stream = typename Transport::Stream;
  using Impl = StreamSocketImpl<Transport>;
  using std::enable_shared_from_this<Impl>::shared_from_this;

  StreamSocketImpl(runtime::Scheduler& scheduler, Stream stream, SocketOptions options)
      : scheduler_(scheduler),
        stream_(std::move(stream)),
        strand_(asio::make_strand(stream_.get_executor())),
        grace_timer_(stream_.get_executor()),
        options_(options),
        peer_(PeerText(lowest())) {
    error_code ignored;
    lowest().set_option(tcp::no_delay(true), ignored);
  }

  // ---- Any thread ----

  void StartReading(runtime::Pid owner, size_t inbox_limit) {
    {
      absl::MutexLock lock(&mu_);
      if (closed_) return;
      owner_ = owner;
      inbox_limit_ = inbox_limit;
      reading_wanted_ = true;
      DeliverHeldLocked();
    }
    PostToStrand(&Impl::ReadSome);
  }

  void Consumed(size_t bytes) {
    {
      absl::MutexLock lock(&mu_);
      const bool was_full = InboxFullLocked();
      unconsumed_ -= std::min(bytes, unconsumed_);
      if (!was_full || InboxFullLocked() || closed_) return;
    }
    PostToStrand(&Impl::ReadSome);  // the loop stopped on a full inbox: start it again
  }

  void PauseReading() {
    absl::MutexLock lock(&mu_);
    if (closed_ || paused_) return;
    paused_ = true;
    ArmDrainLocked(queued_.load(std::memory_order_relaxed));
  }

  void ResumeReading() {
    {
      absl::MutexLock lock(&mu_);
      if (closed_ || !paused_) return;
      paused_ = false;
      DeliverHeldLocked();
    }
    PostToStrand(&Impl::ReadSome);
  }

  void Write(runtime::OutboundBytes bytes) {
    if (bytes.empty()) return;
    bool kick = false;
    {
      absl::MutexLock lock(&mu_);
      if (closed_ || write_failed_) return;
      // Nothing queued and no writer: send from the calling thread, no hop to the strand.
      // The common case of a batch the kernel takes whole costs one syscall and nothing else.
      // (Plaintext only: TLS records are written through the stream, on the strand.)
      if (!Transport::kTls && !write_active_ && pending_.empty()) {
        const size_t sent = SendNowLocked(bytes);
        if (sent == bytes.size()) return;
        bytes.RemovePrefix(sent);  // the rest (or all of it, on EAGAIN or an error) is queued
      }
      const size_t queued = queued_.load(std::memory_order_relaxed) + bytes.size();
      queued_.store(queued, std::memory_order_release);
      pending_.push_back(std::move(bytes));
      if (drain_armed_ || queued > options_.high_water_bytes) ArmDrainLocked(queued);
      if (!write_active_) {
        write_active_ = true;
        kick = true;
      }
    }
    if (kick) PostToStrand(&Impl::WriteNext);
  }

  // One non-blocking gathered send (sendmsg(2)) of `bytes`' pieces, the first kMaxIov of
  // them; returns how many bytes the kernel took (0 on EAGAIN or an error, which the queued
  // async write then meets and reports). Called only while no write is active, under mu_,
  // so Close() cannot close the descriptor meanwhile and writes never interleave.
  size_t SendNowLocked(const runtime::OutboundBytes& bytes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    std::array<iovec, kMaxIov> iov;
    size_t count = 0;
    bytes.ForEachPiece([&](std::string_view piece) {
      if (count == iov.size()) return;
      iov[count++] = {const_cast<char*>(piece.data()), piece.size()};
    });
    msghdr message{};
    message.msg_iov = iov.data();
    message.msg_iovlen = count;
    const ssize_t n = ::sendmsg(lowest().native_handle(), &message, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n <= 0) return 0;
    write_batches_.fetch_add(1, std::memory_order_relaxed);
    return static_cast<size_t>(n);
  }

  size_t QueuedBytes() const { return queued_.load(std::memory_order_acquire); }
  uint64_t write_batches() const { return write_batches_.load(std::memory_order_relaxed); }

  void Close() {
    {
      absl::MutexLock lock(&mu_);
      if (closed_) return;
      closed_ = true;
      held_data_.clear();
      held_close_.reset();
    }
    PostToStrand(&Impl::BeginClose);
  }

  const std::string& peer() const { return peer_; }

 private:
  // Deferred, not posted: from a runtime thread the strand's work runs on that thread after
  // the caller's handler instead of waking another thread for it (see AsioScheduler).
  void PostToStrand(void (Impl::*method)()) {
    asio::defer(strand_, [self = shared_from_this(), method] { ((*self).*method)(); });
  }

  tcp::socket& lowest() { return Transport::Lowest(stream_); }

  template <typename Handler>
  auto OnStrand(Handler handler) {
    return asio::bind_executor(strand_, std::move(handler));
  }

  // ---- Under mu_ ----

  void NotifyLocked(runtime::Message message) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (closed_ || owner_ == runtime::kNoPid) return;
    scheduler_.Send(owner_, std::move(message));  // a dead owner just drops it
  }

  // Hands held input (data, then the end) to the owner unless paused.
  void DeliverHeldLocked(bool even_if_paused = false) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if ((paused_ && !even_if_paused) || owner_ == runtime::kNoPid) return;
    if (!held_data_.empty()) {
      unconsumed_ += held_data_.size();
      NotifyLocked(runtime::SocketData{std::move(held_data_)});
      held_data_.clear();
    }
    if (held_close_.has_value()) {
      NotifyLocked(runtime::SocketClosed{std::move(*held_close_)});
      held_close_.reset();
    }
  }

  bool InboxFullLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return unconsumed_ > inbox_limit_;
  }

  void ArmDrainLocked(size_t queued) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    drain_armed_ = true;
    drain_mark_ = std::max(drain_mark_, queued / 2);
    CheckDrainLocked(queued);
  }

  void CheckDrainLocked(size_t queued) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!drain_armed_ || queued > drain_mark_) return;
    drain_armed_ = false;
    drain_mark_ = 0;
    NotifyLocked(runtime::SocketDrained{queued});
  }

  // ---- On the strand ----

  void ReadSome() {
    if (read_in_flight_ || read_ended_ || closing_) return;
    {
      absl::MutexLock lock(&mu_);
      if (!reading_wanted_ || paused_ || closed_ || input_ended_ || InboxFullLocked()) return;
    }
    StartRead();
  }

  void StartRead() {
    read_in_flight_ = true;
    if constexpr (Transport::kTls) {
      stream_.async_read_some(asio::buffer(tls_read_),
                              OnStrand([self = shared_from_this()](const error_code& ec, size_t n) {
                                self->OnTlsRead(ec, n);
                              }));
    } else {
      // Always through the strand's queue: a read loop that finds data every time must not
      // recurse, and other sockets' handlers get their turn between reads. Deferred: the
      // next read is this thread's continuation, not a reason to wake another thread.
      asio::defer(strand_, [self = shared_from_this()] { self->ReadNow(); });
    }
  }

  void OnTlsRead(const error_code& ec, size_t n) {
    read_in_flight_ = false;
    if (ec == asio::error::operation_aborted && !closing_) return;
    std::optional<absl::Status> end;
    if (ec) end = ReadEnd(ec);
    OnInput(std::string(tls_read_.data(), n), std::move(end));
  }

  // Plain TCP, on the strand with a read in flight: takes what the kernel has, or waits for
  // readiness when it has nothing. Edge-triggered readiness never fires for bytes that were
  // already there, so every wait is preceded by a recv that found the socket empty.
  void ReadNow() {
    if (finished_) {  // closed meanwhile: the descriptor is gone
      read_in_flight_ = false;
      return;
    }
    thread_local std::array<char, kPlainReadBytes> buffer;
    ssize_t n;
    do {
      n = ::recv(lowest().native_handle(), buffer.data(), buffer.size(), MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      lowest().async_wait(
          tcp::socket::wait_read,
          OnStrand([self = shared_from_this()](const error_code& ec) { self->OnReadable(ec); }));
      return;
    }
    read_in_flight_ = false;
    if (n > 0) {
      OnInput(std::string(buffer.data(), static_cast<size_t>(n)), std::nullopt);
    } else if (n == 0) {
      OnInput(std::string(), absl::OkStatus());
    } else {
      OnInput(std::string(), ReadEnd(error_code(errno, boost::system::system_category())));
    }
  }

  void OnReadable(const error_code& ec) {
    if (!ec) {
      ReadNow();
      return;
    }
    read_in_flight_ = false;
    if (ec == asio::error::operation_aborted && !closing_) return;
    OnInput(std::string(), ReadEnd(ec));
  }

  // What one read produced: `data` (maybe empty) and, when the input ended with this read,
  // how (OK for EOF). Delivers it to the owner, or discards it while closing.
  void OnInput(std::string data, std::optional<absl::Status> end) {
    if (closing_) {
      OnDiscardRead(end.has_value());
      return;
    }
    if (end.has_value()) read_ended_ = true;
    bool more = false;
    {
      absl::MutexLock lock(&mu_);
      if (closed_ || input_ended_) return;  // Close() or a write failure took over
      if (held_data_.empty()) {
        held_data_ = std::move(data);
      } else {
        held_data_.append(data);
      }
      if (end.has_value()) {
        input_ended_ = true;
        held_close_ = std::move(*end);
      }
      DeliverHeldLocked();
      more = !input_ended_ && !paused_ && !InboxFullLocked();
    }
    if (more) StartRead();
  }

  absl::Status ReadEnd(const error_code& ec) const {
    if (ec == asio::error::eof || Transport::IsCleanEnd(ec)) return absl::OkStatus();
    if (ec == asio::error::connection_reset) {
      return absl::UnavailableError(absl::StrCat("connection reset by peer ", peer_));
    }
    return absl::UnavailableError(absl::StrCat("read from ", peer_, " failed: ", ec.message()));
  }

  void WriteNext() {
    if (write_in_flight_ || finished_) return;
    bool flushed = false;
    {
      absl::MutexLock lock(&mu_);
      if (pending_.empty() || write_failed_) {
        write_active_ = false;
        flushed = true;
      } else {
        writing_.swap(pending_);
      }
    }
    if (flushed) {
      if (closing_) AfterFlush();
      return;
    }
    if (Transport::kTls && (writing_.size() > 1 || writing_.front().has_splices())) {
      // One TLS record per piece would cost a record header, a MAC and a write each: seal
      // the whole batch at once instead.
      std::string joined;
      size_t total = 0;
      for (const runtime::OutboundBytes& chunk : writing_) total += chunk.size();
      joined.reserve(total);
      for (runtime::OutboundBytes& chunk : writing_) joined.append(std::move(chunk).Flatten());
      writing_.clear();
      writing_.emplace_back(std::move(joined));
    }
    write_buffers_.clear();
    writing_bytes_ = 0;
    for (const runtime::OutboundBytes& chunk : writing_) {
      chunk.ForEachPiece(
          [&](std::string_view piece) { write_buffers_.emplace_back(piece.data(), piece.size()); });
      writing_bytes_ += chunk.size();
    }
    write_in_flight_ = true;
    write_batches_.fetch_add(1, std::memory_order_relaxed);
    asio::async_write(stream_, write_buffers_,
                      OnStrand([self = shared_from_this()](const error_code& ec, size_t) {
                        self->OnWritten(ec);
                      }));
  }

  void OnWritten(const error_code& ec) {
    write_in_flight_ = false;
    writing_.clear();
    write_buffers_.clear();
    if (finished_) return;  // Finish() already dropped the queue
    {
      absl::MutexLock lock(&mu_);
      size_t queued = queued_.load(std::memory_order_relaxed) - writing_bytes_;
      if (ec) {
        write_failed_ = true;
        for (const runtime::OutboundBytes& chunk : pending_) queued -= chunk.size();
        pending_.clear();
        drain_armed_ = false;
        queued_.store(queued, std::memory_order_release);
        if (!input_ended_) {
          input_ended_ = true;
          held_close_ = WriteEnd(ec);
        }
        // The connection is dead: hand over what is held (data, then the end of input)
        // even if reading is paused, since the owner may be waiting for SocketDrained.
        DeliverHeldLocked(/*even_if_paused=*/true);
      } else {
        queued_.store(queued, std::memory_order_release);
        CheckDrainLocked(queued);
      }
    }
    writing_bytes_ = 0;
    if (ec) {
      if (closing_) Finish();
      return;
    }
    WriteNext();
  }

  absl::Status WriteEnd(const error_code& ec) const {
    if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe) {
      return absl::UnavailableError(
          absl::StrCat("connection reset by peer ", peer_, " (", ec.message(), ")"));
    }
    return absl::UnavailableError(absl::StrCat("write to ", peer_, " failed: ", ec.message()));
  }

  void BeginClose() {
    closing_ = true;
    grace_timer_.expires_after(absl::ToChronoNanoseconds(options_.close_grace));
    grace_timer_.async_wait(OnStrand([self = shared_from_this()](const error_code& ec) {
      if (!ec) self->Finish();
    }));
    if (!write_in_flight_) WriteNext();  // calls AfterFlush once the queue is empty
  }

  // Everything queued has been written (or writing failed): half-close, then wait for the
  // peer's EOF so that unread input does not make the kernel reset the connection.
  void AfterFlush() {
    if (flush_done_ || finished_) return;
    flush_done_ = true;
    bool failed;
    {
      absl::MutexLock lock(&mu_);
      failed = write_failed_;
    }
    if (failed) {
      Finish();
      return;
    }
    if constexpr (Transport::kTls) {
      // close_notify, then wait for the peer's (the stream reads, and discards, until then);
      // when the peer's has already arrived this only sends ours.
      stream_.async_shutdown(
          OnStrand([self = shared_from_this()](const error_code&) { self->Finish(); }));
    } else if (read_ended_) {
      Finish();
    } else {
      error_code ignored;
      lowest().shutdown(tcp::socket::shutdown_send, ignored);
      if (!read_in_flight_) StartRead();
    }
  }

  // A read completed after Close(): discard it; the end of input finishes the close.
  void OnDiscardRead(bool ended) {
    if (finished_) return;
    if (ended) {
      read_ended_ = true;
      if (flush_done_) Finish();
      return;
    }
    // TLS: the shutdown started by AfterFlush reads (and discards) by itself.
    if (!Transport::kTls || !flush_done_) StartRead();
  }

  void Finish() {
    if (finished_) return;
    finished_ = true;
    {
      absl::MutexLock lock(&mu_);
      pending_.clear();  // whatever the grace period did not flush is dropped
      queued_.store(0, std::memory_order_release);
    }
    grace_timer_.cancel();
    error_code ignored;
    lowest().close(ignored);  // aborts whatever is still pending
  }

  runtime::Scheduler& scheduler_;
  Stream stream_;
  asio::strand<typename Stream::executor_type> strand_;
  asio::steady_timer grace_timer_;  // used on the strand only
  const SocketOptions options_;
  const std::string peer_;

  std::atomic<size_t> queued_{0};  // written under mu_, read lock-free
  std::atomic<uint64_t> write_batches_{0};

  mutable absl::Mutex mu_;
  runtime::Pid owner_ ABSL_GUARDED_BY(mu_) = runtime::kNoPid;
  bool reading_wanted_ ABSL_GUARDED_BY(mu_) = false;
  bool paused_ ABSL_GUARDED_BY(mu_) = false;
  size_t inbox_limit_ ABSL_GUARDED_BY(mu_) = SIZE_MAX;
  size_t unconsumed_ ABSL_GUARDED_BY(mu_) = 0;     // delivered as SocketData, not yet Consumed
  bool closed_ ABSL_GUARDED_BY(mu_) = false;       // Close() was called
  bool input_ended_ ABSL_GUARDED_BY(mu_) = false;  // the end of input is known
  std::string held_data_ ABSL_GUARDED_BY(mu_);     // read, not yet delivered (paused)
  std::optional<absl::Status> held_close_ ABSL_GUARDED_BY(mu_);
  std::vector<runtime::OutboundBytes> pending_ ABSL_GUARDED_BY(mu_);  // queued, not being written
  bool write_active_ ABSL_GUARDED_BY(mu_) = false;  // WriteNext posted or a write in flight
  bool write_failed_ ABSL_GUARDED_BY(mu_) = false;
  bool drain_armed_ ABSL_GUARDED_BY(mu_) = false;
  size_t drain_mark_ ABSL_GUARDED_BY(mu_) = 0;

  // Strand-only state.
  bool read_in_flight_ = false;
  bool read_ended_ = false;  // the read side saw EOF or an error
  bool write_in_flight_ = false;
  bool closing_ = false;
  bool flush_done_ = false;
  bool finished_ = false;
  std::vector<runtime::OutboundBytes> writing_;
  std::vector<asio::const_buffer> write_buffers_;
  size_t writing_bytes_ = 0;
  [[no_unique_address]] TlsReadBuffer<Transport::kTls> tls_read_;
};

}  // namespace liminal::io::stream_socket_internal

#endif  // LIMINAL_IO_RUNTIME_STREAM_SOCKET_IMPL_H_
