// The server end of a simulated connection: the runtime::Socket a ConnectionProcess owns.
// Every call goes to the SimNetwork (and is a switch point there). Destroying it closes it.
#ifndef LIMINAL_SIM_NET_SIM_SOCKET_H_
#define LIMINAL_SIM_NET_SIM_SOCKET_H_

#include <string>

#include "core/runtime/socket.h"
#include "sim/net/sim_network.h"

namespace liminal::sim {

class SimSocket final : public runtime::Socket {
 public:
  SimSocket(SimNetwork& network, ConnId conn) : network_(network), conn_(conn) {}
  ~SimSocket() override { network_.ServerClose(conn_); }

  void StartReading(runtime::Pid owner, size_t inbox_limit) override {
    network_.ServerStartReading(conn_, owner, inbox_limit);
  }
  void Consumed(size_t bytes) override { network_.ServerConsumed(conn_, bytes); }
  void PauseReading() override { network_.ServerPauseReading(conn_); }
  void ResumeReading() override { network_.ServerResumeReading(conn_); }
  void Write(std::string bytes) override { network_.ServerWrite(conn_, std::move(bytes)); }
  size_t QueuedBytes() const override { return network_.ServerQueuedBytes(conn_); }
  void Close() override { network_.ServerClose(conn_); }
  std::string PeerAddress() const override { return network_.PeerAddress(conn_); }

  ConnId conn() const { return conn_; }

 private:
  SimNetwork& network_;
  ConnId conn_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_NET_SIM_SOCKET_H_
