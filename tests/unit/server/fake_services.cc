#include "tests/unit/server/fake_services.h"

#include <variant>

namespace liminal::server::testing {
namespace {

class FakeSession : public ConnectionSession {
 public:
  explicit FakeSession(FakeServices& services) : services_(services) {}

  void OnSubscribe(const protocol::Frame& frame, protocol::Subscribe&,
                   ConnectionOutput& out) override {
    ++subscriptions_;
    out.Send(protocol::MakeFrame(protocol::SubscribeAck{subscriptions_, {}}, frame.stream_id));
  }
  void OnUnsubscribe(const protocol::Frame&, protocol::Unsubscribe&, ConnectionOutput&) override {
    if (subscriptions_ > 0) --subscriptions_;
  }
  void OnPublish(const protocol::Frame& frame, protocol::Publish&, ConnectionOutput& out) override {
    out.Send(protocol::MakeFrame(protocol::PublishAck{++published_}, frame.stream_id));
  }
  void OnConversationOpen(const protocol::Frame&, protocol::ConversationOpen&,
                          ConnectionOutput&) override {}
  void OnConversationMessage(const protocol::Frame&, protocol::ConversationMessage&,
                             ConnectionOutput&) override {}
  void OnConversationClose(const protocol::Frame&, protocol::ConversationClose&,
                           ConnectionOutput&) override {}
  void OnAccept(const protocol::Frame&, protocol::Accept&, ConnectionOutput&) override {}
  void OnDefer(const protocol::Frame&, protocol::Defer&, ConnectionOutput&) override {}
  void OnReject(const protocol::Frame&, protocol::Reject&, ConnectionOutput&) override {}
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
