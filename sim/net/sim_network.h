// The simulated network between simulated clients and the server: one listener, and per
// connection two directions with their own latency, chunking and window (LinkParams).
// The server end of every accepted connection is a runtime::Socket (SimSocket) handed to
// the listener's accept callback; the client end is driven through this class by client
// fibers: Connect, Write, ShutdownWrite (half-close), Reset, and a blocking Read.
//
//   SimNetwork net(kernel, runtime.scheduler(), seed);
//   net.listener().StartAccepting([&](auto socket) { supervisor.SpawnConnection(...); });
//   ConnId c = net.Connect(params);          // in a client fiber
//   net.Write(c, bytes);                     // arrives as SocketData, maybe in pieces
//   ClientReadResult r = net.Read(c);        // blocks the fiber until bytes or EOF
//
// Every delivery is its own fiber at its virtual arrival time, so network deliveries race
// with process slices like everything else. Bytes are never reordered or duplicated; a
// reset drops what is still in flight. Socket calls are switch points.
#ifndef LIMINAL_SIM_NET_SIM_NETWORK_H_
#define LIMINAL_SIM_NET_SIM_NETWORK_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "core/runtime/pid.h"
#include "core/runtime/socket.h"
#include "sim/kernel/fiber_kernel.h"
#include "sim/kernel/rng.h"
#include "sim/net/link_params.h"
#include "sim/net/sim_listener.h"
#include "sim/runtime/sim_scheduler.h"

namespace liminal::sim {

using ConnId = uint64_t;

struct ClientReadResult {
  std::string bytes;
  bool eof = false;    // the server closed (after `bytes`)
  bool reset = false;  // the connection was refused or reset (by this client)
};

class SimNetwork {
 public:
  SimNetwork(FiberKernel& kernel, SimScheduler& scheduler, uint64_t seed);
  ~SimNetwork();
  SimNetwork(const SimNetwork&) = delete;
  SimNetwork& operator=(const SimNetwork&) = delete;

  SimListener& listener() { return listener_; }

  // Client side (call from client fibers).
  ConnId Connect(const ConnectionParams& params);
  void Write(ConnId conn, std::string bytes);
  void ShutdownWrite(ConnId conn);
  void Reset(ConnId conn);
  ClientReadResult Read(ConnId conn);

  // Harness side: whether the listener accepted the connection.
  bool accepted(ConnId conn) const;
  // A server-side socket's input not yet handled by its owner: delivered as SocketData and
  // not reported Consumed, and the size of the latest delivery (one read).
  struct ServerInbox {
    ConnId conn = 0;
    runtime::Pid owner = runtime::kNoPid;
    size_t unconsumed = 0;
    size_t last_read = 0;
  };
  // Every connection whose server side reads, in connection order.
  std::vector<ServerInbox> ServerInboxes() const;

  // Server side, used by SimSocket and SimListener.
  void ServerStartReading(ConnId conn, runtime::Pid owner, size_t inbox_limit);
  // The owner handled `bytes` of the SocketData it was sent; delivery resumes once the
  // unconsumed bytes are back within the inbox limit.
  void ServerConsumed(ConnId conn, size_t bytes);
  void ServerPauseReading(ConnId conn);
  void ServerResumeReading(ConnId conn);
  void ServerWrite(ConnId conn, std::string bytes);
  size_t ServerQueuedBytes(ConnId conn) const;
  void ServerClose(ConnId conn);
  std::string PeerAddress(ConnId conn) const;
  void StartAccepting(runtime::AcceptCallback on_accept);
  void StopAccepting();

  FiberKernel& kernel() { return kernel_; }

 private:
  struct Conn;
  Conn& At(ConnId conn);
  const Conn& At(ConnId conn) const;
  void Offer(ConnId conn);
  void Refuse(Conn& c);
  void AcceptLoop();
  void ArriveAtServer(Conn& c);
  void ArriveAtClient(Conn& c);
  void DeliverToServer(Conn& c);
  void PumpToClient(Conn& c);
  void SendToClient(Conn& c, std::string bytes);
  absl::Time NextArrival(absl::Time& last, const LinkParams& link);
  void WakeReader(Conn& c);

  FiberKernel& kernel_;
  SimScheduler& scheduler_;
  Trace& trace_;
  Rng rng_;
  SimListener listener_;
  std::vector<std::unique_ptr<Conn>> conns_;  // index id - 1

  runtime::AcceptCallback on_accept_;
  bool accepting_ = false;
  bool stopped_ = false;
  std::deque<ConnId> backlog_;
  FiberId acceptor_ = 0;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_NET_SIM_NETWORK_H_
