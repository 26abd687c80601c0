// The simulated runtime::Listener: accepted connections are handed to the accept callback
// by an acceptor fiber (one at a time, like a real accept loop), after each connection's
// accept delay. Stop() ends the loop and refuses whatever is still waiting.
#ifndef LIMINAL_SIM_NET_SIM_LISTENER_H_
#define LIMINAL_SIM_NET_SIM_LISTENER_H_

#include <string>

#include "core/runtime/socket.h"

namespace liminal::sim {

class SimNetwork;

class SimListener final : public runtime::Listener {
 public:
  explicit SimListener(SimNetwork& network) : network_(network) {}
  void StartAccepting(runtime::AcceptCallback on_accept) override;
  void Stop() override;
  std::string LocalAddress() const override { return "10.0.0.1:7421"; }

 private:
  SimNetwork& network_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_NET_SIM_LISTENER_H_
