#include "core/testing/in_memory_socket.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/check/check.h"
#include "core/protocol/frame_encoder.h"

namespace liminal::testing {
namespace {

class InMemorySocket final : public runtime::Socket {
 public:
  explicit InMemorySocket(std::shared_ptr<SocketPeer> peer) : peer_(std::move(peer)) {}
  ~InMemorySocket() override { Close(); }

  void StartReading(runtime::Pid owner, size_t inbox_limit) override {
    peer_->ServerStartReading(owner, inbox_limit);
  }
  void Consumed(size_t bytes) override { peer_->ServerConsumed(bytes); }
  void PauseReading() override { peer_->ServerPauseReading(); }
  void ResumeReading() override { peer_->ServerResumeReading(); }
  void Write(std::string bytes) override { peer_->ServerWrite(std::move(bytes)); }
  size_t QueuedBytes() const override { return peer_->ServerQueuedBytes(); }
  void Close() override { peer_->ServerClose(); }
  std::string PeerAddress() const override { return peer_->address(); }

 private:
  std::shared_ptr<SocketPeer> peer_;
};

}  // namespace

void SocketPeer::Write(std::string bytes) {
  if (peer_closed_ || server_closed_) return;
  inbound_.append(bytes);
  Deliver();
}

void SocketPeer::WriteFrame(const protocol::Frame& frame) {
  std::string bytes;
  LIMINAL_CHECK(protocol::EncodeFrame(frame, bytes).ok(), "a test's frame encodes");
  Write(std::move(bytes));
}

void SocketPeer::Close() {
  if (peer_closed_) return;
  peer_closed_ = true;
  close_reason_ = absl::OkStatus();
  Deliver();
}

void SocketPeer::Reset(absl::Status reason) {
  if (peer_closed_) return;
  peer_closed_ = true;
  inbound_.clear();
  close_reason_ = std::move(reason);
  Deliver();
}

void SocketPeer::Deliver() {
  if (owner_ == runtime::kNoPid || paused_ || server_closed_) return;
  if (unconsumed_ > inbox_limit_) return;  // the owner is behind: bytes wait here
  if (!inbound_.empty()) {
    unconsumed_ += inbound_.size();
    scheduler_.Send(owner_, runtime::SocketData{std::move(inbound_)});
    inbound_.clear();
  }
  if (peer_closed_ && !close_delivered_) {
    close_delivered_ = true;
    scheduler_.Send(owner_, runtime::SocketClosed{close_reason_});
  }
}

std::vector<protocol::Frame> SocketPeer::TakeFrames() {
  std::vector<protocol::Frame> frames;
  while (std::optional<protocol::Frame> frame = received_.Next()) {
    frames.push_back(std::move(*frame));
  }
  LIMINAL_CHECK(received_.error() == nullptr,
                absl::StrCat("the server wrote a bad frame: ", received_.error()->Describe()));
  return frames;
}

void SocketPeer::Unstall() {
  stalled_ = false;
  if (queued_.empty()) return;
  received_.Append(std::move(queued_));
  queued_.clear();
  if (owner_ != runtime::kNoPid && !server_closed_) {
    scheduler_.Send(owner_, runtime::SocketDrained{0});
  }
}

void SocketPeer::ServerStartReading(runtime::Pid owner, size_t inbox_limit) {
  owner_ = owner;
  inbox_limit_ = inbox_limit;
  Deliver();
}

void SocketPeer::ServerConsumed(size_t bytes) {
  unconsumed_ -= std::min(bytes, unconsumed_);
  Deliver();
}

void SocketPeer::ServerResumeReading() {
  paused_ = false;
  Deliver();
}

void SocketPeer::ServerWrite(std::string bytes) {
  if (server_closed_) return;
  if (stalled_) {
    queued_.append(bytes);
  } else {
    received_.Append(std::move(bytes));
  }
}

void SocketPeer::ServerClose() {
  if (server_closed_) return;
  // Close flushes what is queued (a stalled peer would get it eventually).
  received_.Append(std::move(queued_));
  queued_.clear();
  server_closed_ = true;
}

std::pair<std::unique_ptr<runtime::Socket>, std::shared_ptr<SocketPeer>> MakeSocketPair(
    runtime::Scheduler& scheduler, std::string peer_address) {
  auto peer = std::make_shared<SocketPeer>(scheduler, std::move(peer_address));
  return {std::make_unique<InMemorySocket>(peer), peer};
}

}  // namespace liminal::testing
