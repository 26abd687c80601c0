#include "client/push.h"

#include <utility>

#include "client/internal/connection_impl.h"

namespace liminal::client {

PushResponder::PushResponder(std::shared_ptr<internal::ConnectionImpl> impl, uint32_t stream_id,
                             uint64_t correlation_id)
    : impl_(std::move(impl)), stream_id_(stream_id), correlation_id_(correlation_id) {}

void PushResponder::Reply(std::string payload) {
  if (!impl_) return;
  std::shared_ptr<internal::ConnectionImpl> impl = std::move(impl_);
  impl_ = nullptr;
  impl->PushReply(stream_id_, correlation_id_, std::move(payload));
}

PushHandler MakePushHandler(SyncPushHandler handler) {
  return [handler = std::move(handler)](PushRequest push, PushResponder responder) mutable {
    responder.Reply(handler(push.correlation_id, push.payload));
  };
}

}  // namespace liminal::client
