// Test doubles for the supervisor's collaborators: a ConnectionServices whose sessions
// answer Subscribe/Publish minimally and track subscriptions, and a ConnectionNotifier
// that records every call and can be told to reject.
#ifndef LIMINAL_TESTS_UNIT_SERVER_FAKE_SERVICES_H_
#define LIMINAL_TESTS_UNIT_SERVER_FAKE_SERVICES_H_

#include <memory>
#include <string>
#include <vector>

#include "core/server/connection_notifier.h"
#include "core/server/connection_services.h"

namespace liminal::server::testing {

class FakeServices : public ConnectionServices {
 public:
  std::unique_ptr<ConnectionSession> OpenSession() override;
  absl::Status FlushDurableState() override { return flush_status; }

  absl::Status flush_status;
  int sessions_opened = 0;
  int sessions_released = 0;
};

class RecordingNotifier : public ConnectionNotifier {
 public:
  absl::Status OnWorkerRegistered(runtime::Pid pid,
                                  const protocol::WorkerRegister& registration) override;
  void OnWorkerUnregistered(runtime::Pid pid) override { unregistered.push_back(pid); }

  std::string reject_with;  // non-empty: reject every registration with this text
  std::vector<runtime::Pid> registered;
  std::vector<protocol::WorkerRegister> registrations;  // as received, parallel to `registered`
  std::vector<runtime::Pid> unregistered;
};

}  // namespace liminal::server::testing

#endif  // LIMINAL_TESTS_UNIT_SERVER_FAKE_SERVICES_H_
