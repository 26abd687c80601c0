// What SpawnConnection hands back: the connection's pid and peer address, plus liveness
// and crash injection through the scheduler. Cheap to copy; does not keep anything alive.
#ifndef LIMINAL_CORE_SERVER_CONNECTION_HANDLE_H_
#define LIMINAL_CORE_SERVER_CONNECTION_HANDLE_H_

#include <string>

#include "core/runtime/pid.h"
#include "core/runtime/scheduler.h"

namespace liminal::server {

class ConnectionHandle {
 public:
  ConnectionHandle(runtime::Pid pid, std::string peer_address, runtime::Scheduler& scheduler)
      : pid_(pid), peer_address_(std::move(peer_address)), scheduler_(&scheduler) {}

  runtime::Pid pid() const { return pid_; }
  const std::string& peer_address() const { return peer_address_; }
  bool is_live() const { return scheduler_->IsAlive(pid_); }
  // Kills the process at its next slice boundary, as a crash would: no close path runs;
  // the supervisor's exit monitor releases the connection.
  void request_crash() const {
    scheduler_->Kill(pid_, runtime::ExitReason::Killed("crash requested"));
  }

 private:
  runtime::Pid pid_;
  std::string peer_address_;
  runtime::Scheduler* scheduler_;
};

}  // namespace liminal::server

#endif  // LIMINAL_CORE_SERVER_CONNECTION_HANDLE_H_
