// Answering server pushes (wire-protocol.md §2.8, server-behaviour.md §4).
//
// Synchronous handler: return the reply payload.
//   connection->SetPushHandler([](uint64_t correlation_id, std::string_view payload) {
//     return std::string("ack");
//   });
//
// Asynchronous handler: keep the responder and reply later, from any thread.
//   connection->SetPushHandler([pool](PushRequest push, PushResponder responder) {
//     pool->Run([push = std::move(push), r = std::move(responder)]() mutable {
//       r.Reply(Compute(push.payload));
//     });
//   });
//
// A reply is a PushReply with the push's correlation id, sent on the stream the push came
// on. A responder dropped without replying sends nothing; the server's awaiter then times
// out on its own.
#ifndef LIMINAL_CLIENT_PUSH_H_
#define LIMINAL_CLIENT_PUSH_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/functional/any_invocable.h"

namespace liminal::client {

namespace internal {
class ConnectionImpl;
}  // namespace internal

struct PushRequest {
  uint64_t correlation_id = 0;
  std::string payload;
  uint32_t stream_id = 0;  // the stream the Push arrived on (1 for liminald)
};

// Sends the PushReply for one push. Move-only; the first Reply() wins, later calls are
// ignored. Thread-safety: Reply() may be called from any thread; one responder must not be
// used by two threads at once.
class PushResponder {
 public:
  PushResponder() = default;
  PushResponder(PushResponder&&) = default;
  PushResponder& operator=(PushResponder&&) = default;

  void Reply(std::string payload);
  // False once Reply() was called (or for a default-constructed responder).
  bool pending() const { return impl_ != nullptr; }

 private:
  friend class internal::ConnectionImpl;
  PushResponder(std::shared_ptr<internal::ConnectionImpl> impl, uint32_t stream_id,
                uint64_t correlation_id);

  std::shared_ptr<internal::ConnectionImpl> impl_;
  uint32_t stream_id_ = 0;
  uint64_t correlation_id_ = 0;
};

// Runs on the connection's strand; must not block. Reply through the responder, now or later.
using PushHandler = absl::AnyInvocable<void(PushRequest, PushResponder)>;

// Runs on the connection's strand; must not block. The return value is the reply payload.
using SyncPushHandler =
    absl::AnyInvocable<std::string(uint64_t correlation_id, std::string_view payload)>;

// Wraps a synchronous handler as a PushHandler.
PushHandler MakePushHandler(SyncPushHandler handler);

}  // namespace liminal::client

#endif  // LIMINAL_CLIENT_PUSH_H_
