// The application's hook into worker registration (the seed's notifier.rs).
//
//   class MyNotifier : public ConnectionNotifier {
//     absl::Status OnWorkerRegistered(Pid pid, const protocol::WorkerRegister& r) override {
//       if (r.task_queue.empty()) return absl::PermissionDeniedError("task queue required");
//       return absl::OkStatus();
//     }
//     void OnWorkerUnregistered(Pid pid) override { ... }
//   };
//
// OnWorkerRegistered is consulted before anything is stored; a non-OK status rejects the
// registration and its message becomes the WorkerRegisterAck's reason. OnWorkerUnregistered
// fires exactly once per stored registration, whichever way the connection ends. Both are
// called outside every supervisor lock, possibly from any runtime thread.
#ifndef LIMINAL_CORE_SERVER_CONNECTION_NOTIFIER_H_
#define LIMINAL_CORE_SERVER_CONNECTION_NOTIFIER_H_

#include "absl/status/status.h"
#include "core/protocol/frame.h"
#include "core/runtime/pid.h"

namespace liminal::server {

class ConnectionNotifier {
 public:
  virtual ~ConnectionNotifier() = default;
  virtual absl::Status OnWorkerRegistered(runtime::Pid pid,
                                          const protocol::WorkerRegister& registration) = 0;
  virtual void OnWorkerUnregistered(runtime::Pid pid) = 0;
};

}  // namespace liminal::server

#endif  // LIMINAL_CORE_SERVER_CONNECTION_NOTIFIER_H_
