// A simulated client: two fibers over one simulated connection. The script fiber connects
// at its start time and runs the client's ops (frames, garbage, half-close, reset) with
// their pauses; the reader fiber decodes what the server sends, answers pushes per the
// client's PushPolicy, reacts to Disconnect per its DisconnectPolicy, and checks the wire:
// the server never writes a malformed or truncated frame, never a second Disconnect, and
// nothing after a ConnectError (and, with strict_handshake, no Push before the ConnectAck).
// With a MessagingHistory it records every message it sends and receives there, names its
// messages and requests in their payloads, and consumes its ACKS subscriptions per its
// AckPolicy (Accept, possibly late; Defer each message at most once; Reject).
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

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "core/protocol/frame.h"
#include "core/protocol/frame_stream.h"
#include "sim/invariants/messaging_history.h"
#include "sim/kernel/fiber_kernel.h"
#include "sim/kernel/rng.h"
#include "sim/net/sim_network.h"
#include "sim/workload/workload.h"

namespace liminal::sim {

class SimClient {
 public:
  SimClient(uint32_t index, const ClientSpec& spec, const ServerSpec& server, SimNetwork& network,
            FiberKernel& kernel, uint64_t seed, bool strict_handshake = false,
            MessagingHistory* history = nullptr);

  void Start();

  uint32_t index() const { return index_; }
  bool connected() const { return conn_ != 0; }
  ConnId conn() const { return conn_; }
  // True once the client saw its connection end (EOF, reset or refusal), or it never
  // connected because its script never started.
  bool finished() const { return reader_done_; }
  const std::optional<std::string>& wire_violation() const { return wire_violation_; }
  // True once it wrote bytes that are not a whole valid frame (garbage, a truncated or an
  // oversize frame): the server may read its later frames as part of them, so its
  // operations are exempt from the messaging history's liveness check.
  bool sent_malformed() const { return sent_malformed_; }

 private:
  void RunScript();
  void RunReader();
  void RunOp(const ClientOp& op);
  void SendFrame(const protocol::Frame& frame);
  void HandleServerFrame(const protocol::Frame& frame);
  void WireViolation(std::string what);
  uint32_t NextStream();
  void Publish(const ClientOp& op);
  void Subscribe(const ClientOp& op);
  void ConversationFrame(const ClientOp& op);
  void ManualAccept(const ClientOp& op);
  // An ACKS subscription's answer to one delivery, per the client's AckPolicy.
  void Consume(uint32_t stream, uint64_t seq, const protocol::Deliver& deliver);
  void SendAck(uint32_t stream, MessagingHistory::AckKind kind, uint64_t seq);
  void RecordServerFrame(const protocol::Frame& frame);

  struct SubscriptionState {
    bool acks = false;
    uint64_t highest_seq = 0;
    absl::btree_set<std::string> deferred;  // messages deferred once already
  };

  const uint32_t index_;
  const ClientSpec spec_;
  const ServerSpec server_;
  const bool strict_handshake_;
  SimNetwork& network_;
  FiberKernel& kernel_;
  Trace& trace_;
  Rng rng_;
  MessagingHistory* const history_;
  ConnId conn_ = 0;
  absl::btree_map<uint32_t, SubscriptionState> subscriptions_;  // by stream
  std::vector<uint32_t> subscription_streams_;                  // in Subscribe order
  absl::btree_map<uint32_t, uint64_t> conversation_of_slot_;    // the slot's newest open
  uint32_t messages_sent_ = 0;
  uint32_t requests_sent_ = 0;
  uint32_t next_stream_ = 3;
  protocol::FrameStream inbound_{protocol::FrameStream::kNoLimit};
  bool reader_done_ = false;
  bool closed_by_us_ = false;
  bool got_connect_error_ = false;
  bool got_connect_ack_ = false;
  bool sent_malformed_ = false;
  int disconnects_seen_ = 0;
  std::optional<std::string> wire_violation_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_HARNESS_SIM_CLIENT_H_
