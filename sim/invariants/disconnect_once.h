// "At most one Disconnect per connection (kFrameSent with id 0x04), always before the
// socket close."
#ifndef LIMINAL_SIM_INVARIANTS_DISCONNECT_ONCE_H_
#define LIMINAL_SIM_INVARIANTS_DISCONNECT_ONCE_H_

#include "absl/container/btree_map.h"
#include "sim/invariants/invariant_checker.h"

namespace liminal::sim {

class DisconnectOnce final : public InvariantChecker {
 public:
  std::string_view name() const override { return "disconnect-once"; }
  std::optional<std::string> OnEvent(const TimedEvent& event) override;

 private:
  struct Conn {
    int disconnects = 0;
    bool socket_closed = false;
  };
  absl::btree_map<runtime::Pid, Conn> conns_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_INVARIANTS_DISCONNECT_ONCE_H_
