// Worker subjects: a conversation whose subject is `worker.<queue>` is a request for the
// workers registered for task queue <queue> (the worker dispatcher turns it into pushes), and
// registering as a worker for <queue> is checked against that same subject (permissions).
//
//   IsWorkerSubject("worker.emails") == true;  WorkerQueueOf("worker.emails") == "emails"
//   WorkerSubjectOf("emails") == "worker.emails"
#ifndef LIMINAL_CORE_SERVER_WORKER_SUBJECT_H_
#define LIMINAL_CORE_SERVER_WORKER_SUBJECT_H_

#include <string>
#include <string_view>

namespace liminal::server {

inline constexpr std::string_view kWorkerSubjectPrefix = "worker.";

inline bool IsWorkerSubject(std::string_view subject) {
  return subject.size() > kWorkerSubjectPrefix.size() && subject.starts_with(kWorkerSubjectPrefix);
}

// The task queue of a worker subject (precondition: IsWorkerSubject).
inline std::string_view WorkerQueueOf(std::string_view subject) {
  return subject.substr(kWorkerSubjectPrefix.size());
}

inline std::string WorkerSubjectOf(std::string_view task_queue) {
  std::string subject(kWorkerSubjectPrefix);
  subject.append(task_queue);
  return subject;
}

}  // namespace liminal::server

#endif  // LIMINAL_CORE_SERVER_WORKER_SUBJECT_H_
