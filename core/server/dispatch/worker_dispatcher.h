// WorkerDispatcher: the built-in application of push and worker registration that liminald
// serves. Every registered worker belongs to its WorkerRegister's task queue; a conversation
// on the subject `worker.<task_queue>` is served by pushing each message to one of that
// queue's workers (round robin, in registration order) and returning the worker's
// PushReply as the conversation reply.
//
//   auto dispatcher = WorkerDispatcher::Create(runtime, services.responders());
//   SupervisorOptions options;
//   options.notifier = dispatcher->get();        // sees every (un)registration
//   ConnectionSupervisor supervisor(runtime, services, options);
//   (*dispatcher)->Attach(supervisor, absl::Seconds(5));
//
// Outcomes for the requesting client: the worker's reply; E_REPLY_TIMEOUT when the worker
// does not answer in time or disconnects first (the push's awaiter ends and the reply is
// never sent); E_PARTICIPANT_CRASHED "no worker registered for task queue 'q'" when the
// queue has no worker at the moment of the request. Messages sent without REPLY_REQUESTED
// are still pushed; the worker's answer is dropped.
//
// It is also a ConnectionNotifier decorator: an optional `next` notifier (the embedding
// application's) is consulted first and may reject. Thread-safe.
#ifndef LIMINAL_CORE_SERVER_DISPATCH_WORKER_DISPATCHER_H_
#define LIMINAL_CORE_SERVER_DISPATCH_WORKER_DISPATCHER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/runtime/runtime.h"
#include "core/server/connection_notifier.h"
#include "core/server/connection_supervisor.h"
#include "core/server/fault_hooks.h"
#include "core/server/services/conversations/responder.h"
#include "core/server/services/conversations/responder_registry.h"
#include "core/server/worker_subject.h"

namespace liminal::server::dispatch {

using server::kWorkerSubjectPrefix;

class WorkerDispatcher final : public ConnectionNotifier {
 public:
  // Registers the `worker.` subject prefix in `responders`; fails if it is taken.
  static absl::StatusOr<std::unique_ptr<WorkerDispatcher>> Create(
      runtime::Runtime& runtime, services::ResponderRegistry& responders,
      ConnectionNotifier* next = nullptr, FaultHooks faults = {});

  // Connects the dispatcher to the supervisor it pushes through (which holds this
  // dispatcher as its notifier, hence two steps). Call before accepting connections.
  void Attach(ConnectionSupervisor& supervisor, absl::Duration push_timeout);

  absl::Status OnWorkerRegistered(runtime::Pid pid,
                                  const protocol::WorkerRegister& registration) override;
  void OnWorkerUnregistered(runtime::Pid pid) override;

  // The workers of `task_queue`, in dispatch order.
  std::vector<runtime::Pid> WorkersFor(std::string_view task_queue) const;

 private:
  WorkerDispatcher(runtime::Runtime& runtime, ConnectionNotifier* next, FaultHooks faults);
  void Dispatch(services::ParticipantContext& context, std::string payload,
                services::ReplyHandle reply);
  void RemoveLocked(runtime::Pid pid) ABSL_EXCLUSIVE_LOCKS_REQUIRED(*mu_);

  ConnectionNotifier* const next_;
  const FaultHooks faults_;  // planted bugs for the simulation (fault_hooks.h)
  std::unique_ptr<runtime::Mutex> mu_;
  ConnectionSupervisor* supervisor_ ABSL_GUARDED_BY(*mu_) = nullptr;
  absl::Duration push_timeout_ ABSL_GUARDED_BY(*mu_) = absl::Seconds(5);
  absl::btree_map<std::string, std::vector<runtime::Pid>, std::less<>> workers_
      ABSL_GUARDED_BY(*mu_);
  absl::btree_map<runtime::Pid, std::string> queue_of_ ABSL_GUARDED_BY(*mu_);
  absl::btree_map<std::string, size_t, std::less<>> cursor_ ABSL_GUARDED_BY(*mu_);
};

}  // namespace liminal::server::dispatch

#endif  // LIMINAL_CORE_SERVER_DISPATCH_WORKER_DISPATCHER_H_
