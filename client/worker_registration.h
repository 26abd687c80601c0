// Worker registration (wire-protocol.md §2.9, server-behaviour.md §4).
//
//   WorkerRegistration reg;
//   reg.namespaces = {"default"};
//   reg.task_queue = "emails";
//   reg.activity_types = {"send"};
//   reg.identity = "worker-1";
//   reg.activities = {{"send", R"({"type":"object"})", R"({"type":"string"})"}};  // optional
//   absl::StatusOr<WorkerRegisterResult> r = client->RegisterWorker(reg, absl::Seconds(5));
//   if (r.ok() && !r->accepted) LOG(r->rejection_reason);
//
// Thread-safety: plain value types.
#ifndef LIMINAL_CLIENT_WORKER_REGISTRATION_H_
#define LIMINAL_CLIENT_WORKER_REGISTRATION_H_

#include <string>

#include "core/protocol/frame.h"

namespace liminal::client {

// The WorkerRegister fields: namespaces, task_queue, node (absent ≠ empty), activity_types,
// identity, and the optional activity census `activities` (name, input and output schema JSON
// per entry; sent only when non-empty, reference-compat.md §1b). Being the protocol struct
// itself, everything set here goes on the wire unchanged.
using WorkerRegistration = protocol::WorkerRegister;

struct WorkerRegisterResult {
  bool accepted = false;
  std::string rejection_reason;  // the server's text when !accepted

  friend bool operator==(const WorkerRegisterResult&, const WorkerRegisterResult&) = default;
};

}  // namespace liminal::client

#endif  // LIMINAL_CLIENT_WORKER_REGISTRATION_H_
