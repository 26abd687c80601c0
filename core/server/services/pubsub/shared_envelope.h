// SharedEnvelope: how a published message travels through the services. The publisher's
// envelope is copied once, into an immutable shared object, and every subscription that
// queues it (on the source channel and on routed targets) holds the same bytes; the last
// delivery, ack or drop frees them.
#ifndef LIMINAL_CORE_SERVER_SERVICES_SHARED_ENVELOPE_H_
#define LIMINAL_CORE_SERVER_SERVICES_SHARED_ENVELOPE_H_

#include <cstdint>
#include <memory>

#include "core/protocol/envelope.h"

namespace liminal::server::services {

using SharedEnvelope = std::shared_ptr<const protocol::Envelope>;

// One message on its way to one subscription: the shared envelope and the message id the
// channel gave it (a durable consumer's position is counted in these ids).
struct QueuedMessage {
  SharedEnvelope envelope;
  uint64_t message_id = 0;
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_SHARED_ENVELOPE_H_
