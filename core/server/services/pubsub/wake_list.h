// WakeList: the subscriptions a publish (or a durable commit) armed, whose owners must be
// woken once the channel's mutex is released. SendWakes sends one Wake per owner process,
// however many of its subscriptions are listed: grouping by owner keeps a fan-out to many
// subscriptions of one connection from becoming a storm.
//
//   WakeList wakes;
//   channel.Publish(..., wakes);            // fills it under the channel's mutex
//   SendWakes(scheduler, wakes, self_pid);  // afterwards; self is pumped by its own slice
#ifndef LIMINAL_CORE_SERVER_SERVICES_WAKE_LIST_H_
#define LIMINAL_CORE_SERVER_SERVICES_WAKE_LIST_H_

#include <memory>

#include "absl/container/inlined_vector.h"
#include "core/runtime/pid.h"
#include "core/runtime/scheduler.h"
#include "core/server/services/pubsub/subscription.h"

namespace liminal::server::services {

using WakeList = absl::InlinedVector<std::shared_ptr<Subscription>, 4>;

// Wakes every listed owner except `skip` (kNoPid: none), re-arming the subscriptions whose
// owner could not be woken, then clears the list.
void SendWakes(runtime::Scheduler& scheduler, WakeList& wakes, runtime::Pid skip);

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_WAKE_LIST_H_
