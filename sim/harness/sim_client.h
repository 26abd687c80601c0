// A simulated client: two fibers over one simulated connection. The script fiber connects
// at its start time and runs the client's ops (frames, garbage, half-close, reset) with
// their pauses; the reader fiber decodes what the server sends, answers pushes per the
// client's PushPolicy, reacts to Disconnect per its DisconnectPolicy, and checks the wire:
// the server never writes a malformed or truncated frame, never a second Disconnect, and
// nothing after a ConnectError (and, with strict_handshake, no Push before the ConnectAck).
//
//   SimClient client(0, spec, workload.server, network, kernel, seed);
//   client.Start();                 // spawns "client:0"
//   ... kernel.Run(...) ...
//   if (client.wire_violation()) ...
#ifndef LIMINAL_SIM_HARNESS_SIM_CLIENT_H_
#define LIMINAL_SIM_HARNESS_SIM_CLIENT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "core/protocol/frame.h"
#include "core/protocol/frame_stream.h"
#include "sim/kernel/fiber_kernel.h"
#include "sim/kernel/rng.h"
#include "sim/net/sim_network.h"
#include "sim/workload/workload.h"

namespace liminal::sim {

class SimClient {
 public:
  SimClient(uint32_t index, const ClientSpec& spec, const ServerSpec& server, SimNetwork& network,
            FiberKernel& kernel, uint64_t seed, bool strict_handshake = false);

  void Start();

  uint32_t index() const { return index_; }
  bool connected() const { return conn_ != 0; }
  ConnId conn() const { return conn_; }
  // True once the client saw its connection end (EOF, reset or refusal), or it never
  // connected because its script never started.
  bool finished() const { return reader_done_; }
  const std::optional<std::string>& wire_violation() const { return wire_violation_; }

 private:
  void RunScript();
  void RunReader();
  void RunOp(const ClientOp& op);
  void SendFrame(const protocol::Frame& frame);
  void HandleServerFrame(const protocol::Frame& frame);
  void WireViolation(std::string what);
  uint32_t NextStream();

  const uint32_t index_;
  const ClientSpec spec_;
  const ServerSpec server_;
  const bool strict_handshake_;
  SimNetwork& network_;
  FiberKernel& kernel_;
  Trace& trace_;
  Rng rng_;
  ConnId conn_ = 0;
  uint32_t next_stream_ = 3;
  protocol::FrameStream inbound_{protocol::FrameStream::kNoLimit};
  bool reader_done_ = false;
  bool closed_by_us_ = false;
  bool got_connect_error_ = false;
  bool got_connect_ack_ = false;
  int disconnects_seen_ = 0;
  std::optional<std::string> wire_violation_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_HARNESS_SIM_CLIENT_H_
