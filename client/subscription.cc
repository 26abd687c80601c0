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
  if (std::shared_ptr<internal::ConnectionImpl> impl = impl_.lock()) impl->Ack(stream_id_, seq);
}

void Subscription::Reject(uint64_t seq, std::optional<std::string> reason) const {
  if (std::shared_ptr<internal::ConnectionImpl> impl = impl_.lock())
    impl->Reject(stream_id_, seq, std::move(reason));
}

void Subscription::Defer(uint64_t seq, std::optional<std::string> reason) const {
  if (std::shared_ptr<internal::ConnectionImpl> impl = impl_.lock())
    impl->Defer(stream_id_, seq, std::move(reason));
}

void Subscription::Unsubscribe() const {
  if (std::shared_ptr<internal::ConnectionImpl> impl = impl_.lock()) impl->Unsubscribe(stream_id_);
}

}  // namespace liminal::client
