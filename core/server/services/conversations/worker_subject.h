// Worker subjects: a conversation whose subject is `worker.<queue>` is a request for the
// workers registered for task queue <queue> (the worker dispatcher turns it into pushes).
//
//   IsWorkerSubject("worker.emails") == true;  WorkerQueueOf("worker.emails") == "emails"
#ifndef LIMINAL_CORE_SERVER_SERVICES_WORKER_SUBJECT_H_
#define LIMINAL_CORE_SERVER_SERVICES_WORKER_SUBJECT_H_

#include <string_view>

namespace liminal::server::services {

inline constexpr std::string_view kWorkerSubjectPrefix = "worker.";

inline bool IsWorkerSubject(std::string_view subject) {
  return subject.size() > kWorkerSubjectPrefix.size() && subject.starts_with(kWorkerSubjectPrefix);
}

// The task queue of a worker subject (precondition: IsWorkerSubject).
inline std::string_view WorkerQueueOf(std::string_view subject) {
  return subject.substr(kWorkerSubjectPrefix.size());
}

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_WORKER_SUBJECT_H_
