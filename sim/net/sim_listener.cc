#include "sim/net/sim_listener.h"

#include "sim/net/sim_network.h"

namespace liminal::sim {

void SimListener::StartAccepting(runtime::AcceptCallback on_accept) {
  network_.StartAccepting(std::move(on_accept));
}

void SimListener::Stop() { network_.StopAccepting(); }

}  // namespace liminal::sim
