// What a ConnectionProcess needs from the supervisor that spawned it. Kept as an interface
// so the process depends on four calls, not on the whole supervisor.
#ifndef LIMINAL_CORE_SERVER_CONNECTION_HOST_H_
#define LIMINAL_CORE_SERVER_CONNECTION_HOST_H_

#include <cstdint>
#include <string>

#include "core/protocol/frame.h"
#include "core/runtime/pid.h"
#include "core/server/connection_state.h"
#include "core/server/supervisor_event.h"
#include "core/server/supervisor_metrics.h"

namespace liminal::server {

class ConnectionHost {
 public:
  virtual ~ConnectionHost() = default;
  // A PushReply arrived on connection `from`.
  virtual void ResolvePushReply(runtime::Pid from, uint64_t correlation_id,
                                std::string payload) = 0;
  // A WorkerRegister arrived; returns the ack to send.
  virtual protocol::WorkerRegisterAck RegisterWorker(
      ConnectionState& state, runtime::Pid pid, const protocol::WorkerRegister& registration) = 0;
  // The connection is closing: release everything it owns (idempotent).
  virtual void ReleaseConnection(ConnectionState& state, runtime::Pid pid) = 0;
  virtual void RecordEvent(const SupervisorEvent& event) = 0;
  // A no-op handle when the server exports no metrics (unit tests, simulation).
  virtual SupervisorMetrics metrics() const = 0;
};

}  // namespace liminal::server

#endif  // LIMINAL_CORE_SERVER_CONNECTION_HOST_H_
