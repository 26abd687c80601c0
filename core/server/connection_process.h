// One lightweight process per client connection. It decodes frames from its socket
// (refusing oversize frames from the header alone), enforces the handshake gate, answers
// keepalives, applies controls from its queue, forwards application frames to its
// ConnectionSession, and writes responses in one batch per slice through a bounded
// outbound queue. It runs only when a message, bytes or a control arrive — never polls.
//
// Close routes (peer EOF or reset, client Disconnect, protocol error, ForceClose, handshake
// or idle timeout) all end in Close(): flush, close the socket, release the connection's
// resources through the host exactly once, and exit normally. A crash (Kill) skips all of
// that; the supervisor's exit monitor releases instead.
#ifndef LIMINAL_CORE_SERVER_CONNECTION_PROCESS_H_
#define LIMINAL_CORE_SERVER_CONNECTION_PROCESS_H_

#include <memory>
#include <string>
#include <vector>

#include "core/protocol/frame.h"
#include "core/protocol/frame_stream.h"
#include "core/protocol/reason_code.h"
#include "core/runtime/clock.h"
#include "core/runtime/outbound_bytes.h"
#include "core/runtime/process.h"
#include "core/runtime/scheduler.h"
#include "core/runtime/socket.h"
#include "core/server/access_guard.h"
#include "core/server/connection_host.h"
#include "core/server/connection_options.h"
#include "core/server/connection_services.h"
#include "core/server/connection_state.h"
#include "core/server/frame_tally.h"

namespace liminal::server {

class ConnectionProcess final : public runtime::Process, private ConnectionOutput {
 public:
  ConnectionProcess(ConnectionHost& host, std::shared_ptr<ConnectionState> state,
                    std::unique_ptr<runtime::Socket> socket, const ConnectionOptions& options,
                    runtime::Scheduler& scheduler, runtime::Clock& clock);
  ~ConnectionProcess() override;

  void OnStart(runtime::ProcessContext& ctx) override;
  void OnMessage(runtime::ProcessContext& ctx, runtime::Message& message) override;

  // Timer tags carried by TimerFired.
  static constexpr uint64_t kHandshakeTimer = 1;
  static constexpr uint64_t kIdleTimer = 2;

 private:
  static constexpr size_t kOutboundBatchReserve = 8 * 1024;
  // A batch that has reached this size goes to the socket before the next frame is added:
  // batches stay within one allocation size instead of regrowing (and copying) through every
  // size of a long burst, and the kernel gets the first bytes while the rest is encoded.
  static constexpr size_t kOutboundBatchFlushBytes = 64 * 1024;
  // A delivered payload at least this large is spliced into the batch (sent from the shared
  // envelope by a gathered write) instead of copied into it. Below it, copying costs less
  // than the extra piece and the reference.
  static constexpr size_t kSplicePayloadBytes = 1024;

  // ConnectionOutput
  runtime::Pid pid() const override { return pid_; }
  void Send(const protocol::Frame& frame) override;
  void SendDeliver(uint32_t stream_id, uint64_t delivery_seq, const protocol::SchemaId& schema_id,
                   const std::shared_ptr<const protocol::Envelope>& envelope) override;
  bool HasOutboundRoom() const override;
  AccessGuard& access() override { return access_; }

  void ApplyControls();
  // Decodes and handles every complete frame; a stream error fails the connection.
  void OnBytes(std::string bytes);
  // `frame` is consumed: the session may move its payload out.
  void HandleFrame(protocol::Frame& frame);
  void HandleConnect(const protocol::Connect& connect);
  void SendPush(PushControl push);
  // WorkerRegister: checked against the `respond` permission, then handed to the host.
  void HandleWorkerRegister(const protocol::WorkerRegister& registration);
  void OnTimer(uint64_t tag);
  void ArmTimer(uint64_t tag, absl::Duration delay);
  // Whether the simulation fires fault point `point` now (never in production).
  bool Buggify(runtime::FaultPoint point) const;
  // outbound_batch_'s owned bytes, reserved for a burst when a slice starts writing into it.
  std::string& OutboundBatch();
  // After a frame of `type_id` was encoded into the batch: records it, or fails the
  // connection with E_INTERNAL if encoding refused it.
  void RecordSent(const absl::Status& encoded, uint8_t type_id);
  void SendDisconnectOnce();
  // Sends ConnectError(stream 0, code, text) and closes.
  void FailProtocol(protocol::ReasonCode code, std::string text);
  void Close(CloseRoute route);
  void FlushOutbound();

  ConnectionHost& host_;
  std::shared_ptr<ConnectionState> state_;
  std::unique_ptr<runtime::Socket> socket_;
  const ConnectionOptions& options_;
  runtime::Scheduler& scheduler_;
  runtime::Clock& clock_;
  AccessGuard access_;
  FrameTally frames_in_;   // flushed at the end of each OnBytes
  FrameTally frames_out_;  // flushed whenever output goes to the socket

  runtime::ProcessContext* ctx_ = nullptr;  // valid during a slice
  runtime::Pid pid_ = runtime::kNoPid;
  protocol::FrameStream inbound_;
  runtime::OutboundBytes outbound_batch_;
  size_t last_batch_owned_bytes_ = 0;     // owned bytes of the batch last handed to the socket
  std::vector<PushControl> held_pushes_;  // pushes that arrived before the handshake
  bool handshake_done_ = false;
  bool closing_ = false;
  bool reading_paused_ = false;
  runtime::TimerId handshake_timer_ = 0;
  runtime::TimerId idle_timer_ = 0;
  absl::Time last_activity_;
};

}  // namespace liminal::server

#endif  // LIMINAL_CORE_SERVER_CONNECTION_PROCESS_H_
