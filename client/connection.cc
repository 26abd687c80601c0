#include "client/connection.h"

#include <utility>

#include "client/internal/connection_impl.h"

namespace liminal::client {

void Connection::Connect(boost::asio::any_io_executor executor, std::string host, uint16_t port,
                         ConnectionOptions options, ConnectionHandlers handlers,
                         ConnectCallback done) {
  auto impl = std::make_shared<internal::ConnectionImpl>(std::move(executor), std::move(options),
                                                         std::move(handlers));
  impl->Start(std::move(host), port, std::move(done));
}

Connection::Connection(std::shared_ptr<internal::ConnectionImpl> impl) : impl_(std::move(impl)) {}

Connection::~Connection() { impl_->Close(nullptr); }

void Connection::Publish(std::string channel, std::string payload, PublishOptions options,
                         PublishCallback done) {
  impl_->Publish(std::move(channel), std::move(payload), std::move(options), std::move(done));
}

void Connection::Subscribe(std::string channel, SubscribeOptions options,
                           SubscriptionHandlers handlers, SubscribeCallback done) {
  impl_->Subscribe(std::move(channel), std::move(options), std::move(handlers), std::move(done));
}

absl::StatusOr<Conversation> Connection::OpenConversation(std::string subject,
                                                          ConversationHandlers handlers) {
  return impl_->OpenConversation(std::move(subject), std::move(handlers));
}

void Connection::RegisterWorker(WorkerRegistration registration, WorkerRegisterCallback done) {
  impl_->RegisterWorker(std::move(registration), std::move(done));
}

void Connection::Ping(PingCallback done) { impl_->Ping(std::move(done)); }

boost::asio::any_io_executor Connection::executor() const { return impl_->executor(); }

void Connection::SetPushHandler(PushHandler handler) { impl_->SetPushHandler(std::move(handler)); }

void Connection::SetPushHandler(SyncPushHandler handler) {
  impl_->SetPushHandler(MakePushHandler(std::move(handler)));
}

bool Connection::draining() const { return impl_->draining(); }

void Connection::Close(absl::AnyInvocable<void()> done) { impl_->Close(std::move(done)); }

}  // namespace liminal::client
