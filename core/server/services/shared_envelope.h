// SharedEnvelope: how a published message travels through the services. The publisher's
// envelope is copied once, into an immutable shared object, and every subscription that
// queues it (on the source channel and on routed targets) holds the same bytes; the last
// delivery, ack or drop frees them.
#ifndef LIMINAL_CORE_SERVER_SERVICES_SHARED_ENVELOPE_H_
#define LIMINAL_CORE_SERVER_SERVICES_SHARED_ENVELOPE_H_

#include <memory>

#include "core/protocol/envelope.h"

namespace liminal::server::services {

using SharedEnvelope = std::shared_ptr<const protocol::Envelope>;

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_SHARED_ENVELOPE_H_
