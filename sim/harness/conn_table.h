// Which connection process serves which simulated client: filled in when the acceptor
// spawns the client's connection (the pid is known the moment Spawn registers it, before
// SpawnConnection returns) and read by application and fault fibers that target "client k".
#ifndef LIMINAL_SIM_HARNESS_CONN_TABLE_H_
#define LIMINAL_SIM_HARNESS_CONN_TABLE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "core/runtime/pid.h"
#include "core/server/connection_handle.h"

namespace liminal::sim {

class ConnTable {
 public:
  explicit ConnTable(size_t clients) : pids_(clients, runtime::kNoPid), handles_(clients) {}

  void SetPid(uint32_t client, runtime::Pid pid) { pids_.at(client) = pid; }
  void SetHandle(uint32_t client, server::ConnectionHandle handle) {
    handles_.at(client).emplace(std::move(handle));
  }
  // kNoPid until the client's connection has been spawned (or if it never was).
  runtime::Pid PidOf(uint32_t client) const {
    return client < pids_.size() ? pids_[client] : runtime::kNoPid;
  }
  const server::ConnectionHandle* HandleOf(uint32_t client) const {
    if (client >= handles_.size() || !handles_[client].has_value()) return nullptr;
    return &*handles_[client];
  }
  size_t size() const { return pids_.size(); }

 private:
  std::vector<runtime::Pid> pids_;
  std::vector<std::optional<server::ConnectionHandle>> handles_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_HARNESS_CONN_TABLE_H_
