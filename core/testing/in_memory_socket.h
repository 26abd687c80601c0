// A connected in-memory socket pair: the server end implements runtime::Socket and is
// handed to the code under test; the test drives the client end (SocketPeer).
//
//   auto [server_socket, peer] = MakeSocketPair(rt.scheduler(), "10.0.0.7:4242");
//   peer->Write(EncodeFrames(...));   // arrives as SocketData at the owning process
//   peer->Close();                   // arrives as SocketClosed{OK}
//   std::vector<Frame> frames = peer->TakeFrames();   // what the server wrote
//
// Writes from the server land in the peer at once unless the peer is stalled, in which
// case they queue (QueuedBytes) until Unstall(), which then sends SocketDrained.
#ifndef LIMINAL_CORE_TESTING_IN_MEMORY_SOCKET_H_
#define LIMINAL_CORE_TESTING_IN_MEMORY_SOCKET_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "core/protocol/frame.h"
#include "core/protocol/frame_stream.h"
#include "core/runtime/scheduler.h"
#include "core/runtime/socket.h"

namespace liminal::testing {

class SocketPeer {
 public:
  SocketPeer(runtime::Scheduler& scheduler, std::string address)
      : scheduler_(scheduler), address_(std::move(address)) {}

  // Client → server.
  void Write(std::string bytes);
  void WriteFrame(const protocol::Frame& frame);
  void Close();                     // orderly EOF
  void Reset(absl::Status reason);  // abrupt failure

  // Server → client.
  // Decodes and removes every complete frame received so far. Aborts the test binary on
  // a malformed server frame (the server must never write one).
  std::vector<protocol::Frame> TakeFrames();
  bool server_closed() const { return server_closed_; }
  void Stall() { stalled_ = true; }
  void Unstall();

  // Server-end bookkeeping (used by the Socket implementation).
  void ServerStartReading(runtime::Pid owner, size_t inbox_limit);
  void ServerConsumed(size_t bytes);
  void ServerPauseReading() {
    paused_ = true;
    ++pause_count_;
  }
  void ServerResumeReading();
  void ServerWrite(std::string bytes);
  size_t ServerQueuedBytes() const { return queued_.size(); }
  void ServerClose();
  const std::string& address() const { return address_; }
  size_t pause_count() const { return pause_count_; }
  // Bytes delivered to the owner that it has not reported Consumed yet.
  size_t unconsumed() const { return unconsumed_; }

 private:
  void Deliver();

  runtime::Scheduler& scheduler_;
  std::string address_;
  runtime::Pid owner_ = runtime::kNoPid;
  bool paused_ = false;
  size_t pause_count_ = 0;
  size_t inbox_limit_ = SIZE_MAX;
  size_t unconsumed_ = 0;
  std::string inbound_;  // client bytes not yet delivered to the owner
  bool peer_closed_ = false;
  absl::Status close_reason_;
  bool close_delivered_ = false;
  protocol::FrameStream received_{protocol::FrameStream::kNoLimit};  // server bytes, as frames
  std::string queued_;
  bool stalled_ = false;
  bool server_closed_ = false;
};

std::pair<std::unique_ptr<runtime::Socket>, std::shared_ptr<SocketPeer>> MakeSocketPair(
    runtime::Scheduler& scheduler, std::string peer_address = "127.0.0.1:50000");

}  // namespace liminal::testing

#endif  // LIMINAL_CORE_TESTING_IN_MEMORY_SOCKET_H_
