#include "core/server/dispatch/worker_dispatcher.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace liminal::server::dispatch {

using runtime::MutexLock;
using runtime::Pid;

absl::StatusOr<std::unique_ptr<WorkerDispatcher>> WorkerDispatcher::Create(
    runtime::Runtime& runtime, services::ResponderRegistry& responders, ConnectionNotifier* next,
    FaultHooks faults) {
  std::unique_ptr<WorkerDispatcher> dispatcher(new WorkerDispatcher(runtime, next, faults));
  WorkerDispatcher* self = dispatcher.get();
  absl::Status registered = responders.RegisterPrefix(
      std::string(kWorkerSubjectPrefix),
      services::ResponderFromFunction([self](services::ParticipantContext& context,
                                             std::string payload, services::ReplyHandle reply) {
        self->Dispatch(context, std::move(payload), std::move(reply));
      }));
  if (!registered.ok()) return registered;
  return dispatcher;
}

WorkerDispatcher::WorkerDispatcher(runtime::Runtime& runtime, ConnectionNotifier* next,
                                   FaultHooks faults)
    : next_(next), faults_(faults), mu_(runtime.NewMutex()) {}

void WorkerDispatcher::Attach(ConnectionSupervisor& supervisor, absl::Duration push_timeout) {
  MutexLock lock(*mu_);
  supervisor_ = &supervisor;
  push_timeout_ = push_timeout;
}

absl::Status WorkerDispatcher::OnWorkerRegistered(Pid pid,
                                                  const protocol::WorkerRegister& registration) {
  if (next_ != nullptr) {
    if (absl::Status verdict = next_->OnWorkerRegistered(pid, registration); !verdict.ok()) {
      return verdict;
    }
  }
  MutexLock lock(*mu_);
  // A second registration replaces the first (unless the planted bug keeps it).
  if (!faults_.keep_replaced_worker_registration) RemoveLocked(pid);
  workers_[registration.task_queue].push_back(pid);
  queue_of_[pid] = registration.task_queue;
  return absl::OkStatus();
}

void WorkerDispatcher::OnWorkerUnregistered(Pid pid) {
  {
    MutexLock lock(*mu_);
    RemoveLocked(pid);
  }
  if (next_ != nullptr) next_->OnWorkerUnregistered(pid);
}

void WorkerDispatcher::RemoveLocked(Pid pid) {
  auto it = queue_of_.find(pid);
  if (it == queue_of_.end()) return;
  auto queue = workers_.find(it->second);
  if (queue != workers_.end()) {
    std::erase(queue->second, pid);
    if (queue->second.empty()) workers_.erase(queue);
  }
  queue_of_.erase(it);
}

std::vector<Pid> WorkerDispatcher::WorkersFor(std::string_view task_queue) const {
  MutexLock lock(*mu_);
  auto it = workers_.find(task_queue);
  return it == workers_.end() ? std::vector<Pid>{} : it->second;
}

void WorkerDispatcher::Dispatch(services::ParticipantContext& context, std::string payload,
                                services::ReplyHandle reply) {
  const std::string task_queue(WorkerQueueOf(context.subject()));
  Pid worker = runtime::kNoPid;
  ConnectionSupervisor* supervisor = nullptr;
  absl::Duration timeout;
  {
    MutexLock lock(*mu_);
    auto it = workers_.find(task_queue);
    if (it != workers_.end() && supervisor_ != nullptr) {
      size_t& cursor = cursor_[task_queue];
      worker = it->second[cursor % it->second.size()];
      cursor = (cursor + 1) % it->second.size();
      supervisor = supervisor_;
      timeout = push_timeout_;
    }
  }
  if (supervisor == nullptr) {
    context.Crash(absl::StrCat("no worker registered for task queue '", task_queue, "'"));
    return;
  }
  // A rolled-back push, or one refused at max_pending_pushes_per_connection, drops `reply`;
  // the client then gets E_REPLY_TIMEOUT.
  (void)supervisor->PushToConnectionAsync(worker, std::move(payload), timeout,
                                          [reply = std::move(reply)](PushResult result) mutable {
                                            if (result.outcome == PushOutcome::kReply)
                                              reply.Send(std::move(result.reply));
                                          });
}

}  // namespace liminal::server::dispatch
