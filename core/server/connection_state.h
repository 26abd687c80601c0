// The state one connection shares between its process and the outside world (supervisor,
// application callers, exit callbacks): the control queue, the Disconnect-sent flag, the
// stored worker registration, the session, and the released flag that makes cleanup
// happen exactly once. It exists before the process is spawned, so nothing the process
// does in its first slice can be missed by the supervisor.
//
// Thread-safe: every member is guarded by the state's own runtime Mutex. Lock order:
// the supervisor's mutex before a state's mutex, never the reverse.
#ifndef LIMINAL_CORE_SERVER_CONNECTION_STATE_H_
#define LIMINAL_CORE_SERVER_CONNECTION_STATE_H_

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/protocol/frame.h"
#include "core/runtime/mutex.h"
#include "core/runtime/pid.h"
#include "core/server/connection_services.h"
#include "core/server/control.h"

namespace liminal::server {

struct QueuedControl {
  ControlId id = 0;
  Control control;
};

// What the single winning releaser takes away from the state.
struct ReleaseWork {
  bool had_registration = false;
  bool had_rejected_registration = false;
  std::unique_ptr<ConnectionSession> session;
  std::vector<QueuedControl> discarded_controls;
};

class ConnectionState {
 public:
  ConnectionState(std::unique_ptr<runtime::Mutex> mu, std::string peer_address,
                  std::unique_ptr<ConnectionSession> session);

  const std::string& peer_address() const { return peer_address_; }

  // Control queue. Enqueue refuses (nullopt) once released. Remove returns false when the
  // process already drained the control.
  std::optional<ControlId> EnqueueControl(Control control);
  bool RemoveControl(ControlId id);
  std::vector<QueuedControl> DrainControls();

  // Returns true for the caller that flips the flag (the one that must write Disconnect).
  bool MarkDisconnectSent();
  bool disconnect_sent() const;

  // Stores (or replaces) the registration. False when the connection is already released:
  // the caller then owes the notifier an unregister itself.
  bool StoreRegistration(protocol::WorkerRegister registration);
  void NoteRejectedRegistration();
  std::optional<protocol::WorkerRegister> registration() const;

  // The session, for use inside the process only (never concurrently with release).
  ConnectionSession* session() const { return session_raw_; }

  bool released() const;
  // The first call returns the work to do; later calls return nullopt.
  std::optional<ReleaseWork> BeginRelease();

 private:
  std::unique_ptr<runtime::Mutex> mu_;
  const std::string peer_address_;
  ConnectionSession* const session_raw_;

  ControlId next_control_id_ ABSL_GUARDED_BY(*mu_) = 1;
  std::deque<QueuedControl> controls_ ABSL_GUARDED_BY(*mu_);
  bool disconnect_sent_ ABSL_GUARDED_BY(*mu_) = false;
  std::optional<protocol::WorkerRegister> registration_ ABSL_GUARDED_BY(*mu_);
  bool rejected_registration_ ABSL_GUARDED_BY(*mu_) = false;
  bool released_ ABSL_GUARDED_BY(*mu_) = false;
  std::unique_ptr<ConnectionSession> session_ ABSL_GUARDED_BY(*mu_);
};

}  // namespace liminal::server

#endif  // LIMINAL_CORE_SERVER_CONNECTION_STATE_H_
