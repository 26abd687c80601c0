#include "tests/unit/server/fake_services.h"

#include <variant>

namespace liminal::server::testing {
namespace {

class FakeSession : public ConnectionSession {
 public:
  explicit FakeSession(FakeServices& services) : services_(services) {}

  void HandleFrame(protocol::Frame& frame, ConnectionOutput& out) override {
    if (const auto* subscribe = std::get_if<protocol::Subscribe>(&frame.body)) {
      (void)subscribe;
      ++subscriptions_;
      out.Send(protocol::MakeFrame(protocol::SubscribeAck{subscriptions_, {}}, frame.stream_id));
    } else if (std::holds_alternative<protocol::Unsubscribe>(frame.body)) {
      if (subscriptions_ > 0) --subscriptions_;
    } else if (std::holds_alternative<protocol::Publish>(frame.body)) {
      out.Send(protocol::MakeFrame(protocol::PublishAck{++published_}, frame.stream_id));
    }
  }
  void Pump(ConnectionOutput&) override {}
  bool HasSubscriptions() const override { return subscriptions_ > 0; }
  void Release() override { ++services_.sessions_released; }

 private:
  FakeServices& services_;
  uint64_t subscriptions_ = 0;
  uint64_t published_ = 0;
};

}  // namespace

std::unique_ptr<ConnectionSession> FakeServices::OpenSession() {
  ++sessions_opened;
  return std::make_unique<FakeSession>(*this);
}

absl::Status RecordingNotifier::OnWorkerRegistered(runtime::Pid pid,
                                                   const protocol::WorkerRegister& registration) {
  registered.push_back(pid);
  registrations.push_back(registration);
  if (!reject_with.empty()) return absl::PermissionDeniedError(reject_with);
  return absl::OkStatus();
}

}  // namespace liminal::server::testing
