#include "client/subscription.h"

#include <utility>

#include "client/internal/connection_impl.h"

namespace liminal::client {

Subscription::Subscription(std::shared_ptr<internal::ConnectionImpl> impl, uint32_t stream_id,
                           uint64_t id, const protocol::SchemaId& schema_id, std::string channel)
    : impl_(std::move(impl)),
      stream_id_(stream_id),
      id_(id),
      schema_id_(schema_id),
      channel_(std::move(channel)) {}

void Subscription::Ack(uint64_t seq) const {
  if (impl_) impl_->Ack(stream_id_, seq);
}

void Subscription::Reject(uint64_t seq, std::optional<std::string> reason) const {
  if (impl_) impl_->Reject(stream_id_, seq, std::move(reason));
}

void Subscription::Defer(uint64_t seq, std::optional<std::string> reason) const {
  if (impl_) impl_->Defer(stream_id_, seq, std::move(reason));
}

void Subscription::Unsubscribe() const {
  if (impl_) impl_->Unsubscribe(stream_id_);
}

}  // namespace liminal::client
