// A blocking liminal client for tools and tests: every call waits for its answer, with an
// explicit timeout, and returns absl::Status / absl::StatusOr.
//
//   ConnectionOptions options;
//   options.connect_timeout = absl::Seconds(2);
//   absl::StatusOr<std::unique_ptr<BlockingClient>> client =
//       BlockingClient::Connect("127.0.0.1", 7400, options);
//   if (!client.ok()) return client.status();   // e.g. "AuthenticationFailure (0x0006)"
//
//   absl::StatusOr<PublishResult> ack = (*client)->Publish("orders", "{}", absl::Seconds(5));
//
//   auto sub = (*client)->Subscribe("orders", absl::Seconds(5));
//   absl::StatusOr<Delivery> d = (*sub)->Next(absl::Seconds(1));
//
//   absl::StatusOr<std::string> reply =
//       (*client)->Request("echo", "hello", absl::Seconds(2));   // one-shot conversation
//
//   WorkerRegistration reg;
//   reg.namespaces = {"default"};
//   reg.task_queue = "q";
//   reg.identity = "w1";
//   absl::StatusOr<WorkerRegisterResult> r = (*client)->RegisterWorker(reg, absl::Seconds(5));
//
//   absl::StatusOr<size_t> served = (*client)->ServePushes(
//       [](uint64_t id, std::string_view payload) { return std::string("ok"); },
//       /*max_pushes=*/1, absl::Seconds(10));
//
//   absl::StatusOr<absl::Duration> rtt = (*client)->Ping(absl::Seconds(1));
//
// Errors carry the server's reason code name and text in the message and a ClientError
// payload (client_error.h): GetReasonCode(status), IsDisconnected(status),
// IsClientTimeout(status). A call that times out returns DEADLINE_EXCEEDED (kTimeout); the
// operation itself may still complete on the server.
//
// Pushes received before ServePushes() is called are queued (nothing is lost between the
// handshake and the first ServePushes call) and answered in arrival order.
//
// The client runs one background I/O thread (IoThread); callers block on their own threads.
// Subscriptions and conversations may outlive the client; once it is closed they report a
// Disconnected error.
//
// Thread-safety: thread-safe; any method may be called from any thread concurrently. The
// destructor closes the connection and must not race with other calls.
#ifndef LIMINAL_CLIENT_BLOCKING_CLIENT_H_
#define LIMINAL_CLIENT_BLOCKING_CLIENT_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "client/blocking_conversation.h"
#include "client/blocking_subscription.h"
#include "client/connection.h"
#include "client/connection_options.h"
#include "client/io_thread.h"
#include "client/publish.h"
#include "client/push.h"
#include "client/subscribe_options.h"
#include "client/worker_registration.h"

namespace liminal::client {

class BlockingClient {
 public:
  // Connects and handshakes within options.connect_timeout.
  static absl::StatusOr<std::unique_ptr<BlockingClient>> Connect(
      const std::string& host, uint16_t port, const ConnectionOptions& options = {});

  BlockingClient(const BlockingClient&) = delete;
  BlockingClient& operator=(const BlockingClient&) = delete;
  ~BlockingClient();

  absl::StatusOr<PublishResult> Publish(std::string channel, std::string payload,
                                        absl::Duration timeout, PublishOptions options = {});

  // Waits up to `timeout` for SubscribeAck.
  absl::StatusOr<std::unique_ptr<BlockingSubscription>> Subscribe(std::string channel,
                                                                  absl::Duration timeout,
                                                                  SubscribeOptions options = {});

  // Opens a conversation (the open is optimistic; see conversation.h).
  absl::StatusOr<std::unique_ptr<BlockingConversation>> OpenConversation(std::string subject);

  // One request on a fresh conversation with `subject`, closed afterwards.
  absl::StatusOr<std::string> Request(std::string subject, std::string payload,
                                      absl::Duration timeout);

  absl::StatusOr<WorkerRegisterResult> RegisterWorker(WorkerRegistration registration,
                                                      absl::Duration timeout);

  // Answers pushes on the calling thread: `handler` returns the reply payload. Returns the
  // number answered once `max_pushes` were answered or `timeout` has passed, or the
  // connection's end reason if it ends first.
  absl::StatusOr<size_t> ServePushes(
      absl::FunctionRef<std::string(uint64_t correlation_id, std::string_view payload)> handler,
      size_t max_pushes, absl::Duration timeout);

  absl::StatusOr<absl::Duration> Ping(absl::Duration timeout);

  // True once the server has sent Disconnect (it is shutting down).
  bool draining() const { return connection_->draining(); }

  // The asynchronous connection underneath, for callers that keep many operations in
  // flight (the blocking calls above wait for one at a time). Its callbacks run on this
  // client's I/O thread. Valid as long as the client.
  Connection& connection() { return *connection_; }

  // OK while the connection is up; afterwards the reason it ended.
  absl::Status status() const;

  // Sends Disconnect and closes the socket (bounded by ConnectionOptions::close_linger).
  // Later calls fail with a Disconnected error. Idempotent.
  void Close();

 private:
  // State shared with handlers running on the I/O thread.
  struct Shared {
    mutable absl::Mutex mu;
    std::deque<std::pair<PushRequest, PushResponder>> pushes ABSL_GUARDED_BY(mu);
    absl::Status closed ABSL_GUARDED_BY(mu);  // OK while connected
  };

  BlockingClient(std::shared_ptr<IoThread> io, std::unique_ptr<Connection> connection,
                 std::shared_ptr<Shared> shared, absl::Duration close_linger);

  // Shared with the subscriptions and conversations handed out, which may outlive the
  // client: the io_context must outlive every object bound to it, and must keep running so
  // their calls complete.
  std::shared_ptr<IoThread> io_;
  std::unique_ptr<Connection> connection_;
  std::shared_ptr<Shared> shared_;
  absl::Duration close_linger_;
};

}  // namespace liminal::client

#endif  // LIMINAL_CLIENT_BLOCKING_CLIENT_H_
