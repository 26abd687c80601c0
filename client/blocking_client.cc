#include "client/blocking_client.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/client_error.h"
#include "client/internal/completion.h"

namespace liminal::client {
namespace {

using internal::Completion;

// Waits for `completion`; a missing value becomes a client timeout naming `what`.
template <typename T>
T WaitOrTimeout(Completion<T>& completion, absl::Duration timeout, absl::string_view what) {
  std::optional<T> result = completion.WaitFor(timeout);
  if (!result.has_value()) {
    return ClientTimeoutError(absl::StrCat(what, " within ", absl::FormatDuration(timeout)));
  }
  return *std::move(result);
}

}  // namespace

absl::StatusOr<std::unique_ptr<BlockingClient>> BlockingClient::Connect(
    const std::string& host, uint16_t port, const ConnectionOptions& options) {
  auto io = std::make_shared<IoThread>();
  auto shared = std::make_shared<Shared>();
  ConnectionHandlers handlers{
      .on_push =
          [shared](PushRequest push, PushResponder responder) {
            absl::MutexLock lock(&shared->mu);
            shared->pushes.emplace_back(std::move(push), std::move(responder));
          },
      .on_draining = nullptr,
      .on_closed =
          [shared](absl::Status why) {
            absl::MutexLock lock(&shared->mu);
            shared->closed = std::move(why);
          },
  };
  Completion<absl::StatusOr<std::unique_ptr<Connection>>> connected;
  Connection::Connect(io->executor(), host, port, options, std::move(handlers),
                      connected.Callback());
  // The connection enforces connect_timeout itself, so this wait always ends with its answer;
  // waiting a little longer avoids racing it.
  std::optional<absl::StatusOr<std::unique_ptr<Connection>>> result =
      connected.WaitFor(options.connect_timeout + absl::Seconds(5));
  if (!result.has_value()) {
    return ClientTimeoutError(absl::StrCat("connecting to ", host, ":", port));
  }
  if (!result->ok()) return std::move(*result).status();
  return std::unique_ptr<BlockingClient>(new BlockingClient(
      std::move(io), *std::move(*result), std::move(shared), options.close_linger));
}

BlockingClient::BlockingClient(std::shared_ptr<IoThread> io, std::unique_ptr<Connection> connection,
                               std::shared_ptr<Shared> shared, absl::Duration close_linger)
    : io_(std::move(io)),
      connection_(std::move(connection)),
      shared_(std::move(shared)),
      close_linger_(close_linger) {}

BlockingClient::~BlockingClient() {
  Close();
  // The I/O thread stops when the last of the client, its subscriptions and conversations is
  // gone, so those still fail their calls promptly (Disconnected) after the client is.
}

absl::StatusOr<PublishResult> BlockingClient::Publish(std::string channel, std::string payload,
                                                      absl::Duration timeout,
                                                      PublishOptions options) {
  Completion<absl::StatusOr<PublishResult>> ack;
  std::string what = absl::StrCat("no PublishAck for '", channel, "'");
  connection_->Publish(std::move(channel), std::move(payload), std::move(options), ack.Callback());
  return WaitOrTimeout(ack, timeout, what);
}

absl::StatusOr<std::unique_ptr<BlockingSubscription>> BlockingClient::Subscribe(
    std::string channel, absl::Duration timeout, SubscribeOptions options) {
  auto queue = std::make_shared<BlockingSubscription::Queue>();
  AckMode ack_mode = options.ack_mode;
  // The queue acknowledges in Next(), so the connection must not acknowledge on receipt.
  options.ack_mode = AckMode::kManual;
  // A SubscribeAck that arrives after we gave up belongs to nobody: release it.
  Completion<absl::StatusOr<Subscription>> subscribed([](absl::StatusOr<Subscription> late) {
    if (late.ok()) late->Unsubscribe();
  });
  std::string what = absl::StrCat("no SubscribeAck for '", channel, "'");
  connection_->Subscribe(std::move(channel), std::move(options), queue->Handlers(queue),
                         subscribed.Callback());
  absl::StatusOr<Subscription> subscription = WaitOrTimeout(subscribed, timeout, what);
  if (!subscription.ok()) return subscription.status();
  return std::unique_ptr<BlockingSubscription>(
      new BlockingSubscription(io_, *std::move(subscription), std::move(queue), ack_mode));
}

absl::StatusOr<std::unique_ptr<BlockingConversation>> BlockingClient::OpenConversation(
    std::string subject) {
  auto errors = std::make_shared<BlockingConversation::ErrorSlot>();
  absl::StatusOr<Conversation> conversation =
      connection_->OpenConversation(std::move(subject), errors->Handlers(errors));
  if (!conversation.ok()) return conversation.status();
  return std::unique_ptr<BlockingConversation>(
      new BlockingConversation(io_, *std::move(conversation), std::move(errors)));
}

absl::StatusOr<std::string> BlockingClient::Request(std::string subject, std::string payload,
                                                    absl::Duration timeout) {
  absl::StatusOr<std::unique_ptr<BlockingConversation>> conversation =
      OpenConversation(std::move(subject));
  if (!conversation.ok()) return conversation.status();
  return (*conversation)->Request(std::move(payload), timeout);  // closed by its destructor
}

absl::StatusOr<WorkerRegisterResult> BlockingClient::RegisterWorker(WorkerRegistration registration,
                                                                    absl::Duration timeout) {
  Completion<absl::StatusOr<WorkerRegisterResult>> ack;
  connection_->RegisterWorker(std::move(registration), ack.Callback());
  return WaitOrTimeout(ack, timeout, "no WorkerRegisterAck");
}

absl::StatusOr<size_t> BlockingClient::ServePushes(
    absl::FunctionRef<std::string(uint64_t, std::string_view)> handler, size_t max_pushes,
    absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  size_t served = 0;
  while (served < max_pushes) {
    std::optional<std::pair<PushRequest, PushResponder>> push;
    {
      absl::MutexLock lock(&shared_->mu);
      auto ready = [](Shared* shared) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared->mu) {
        return !shared->pushes.empty() || !shared->closed.ok();
      };
      shared_->mu.AwaitWithDeadline(absl::Condition(+ready, shared_.get()), deadline);
      if (!shared_->pushes.empty()) {
        push.emplace(std::move(shared_->pushes.front()));
        shared_->pushes.pop_front();
      } else if (!shared_->closed.ok()) {
        return shared_->closed;
      } else {
        break;  // deadline
      }
    }
    auto& [request, responder] = *push;
    responder.Reply(handler(request.correlation_id, request.payload));
    ++served;
  }
  return served;
}

absl::StatusOr<absl::Duration> BlockingClient::Ping(absl::Duration timeout) {
  Completion<absl::StatusOr<absl::Duration>> pong;
  connection_->Ping(pong.Callback());
  return WaitOrTimeout(pong, timeout, "no Pong");
}

absl::Status BlockingClient::status() const {
  absl::MutexLock lock(&shared_->mu);
  return shared_->closed;
}

void BlockingClient::Close() {
  Completion<bool> closed;
  connection_->Close([done = closed.Callback()]() mutable { done(true); });
  // Close() bounds itself by close_linger; the margin only guards against a stuck I/O thread.
  closed.WaitFor(close_linger_ + absl::Seconds(5));
}

}  // namespace liminal::client
