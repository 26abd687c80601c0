#include "core/server/services/pubsub/wake_list.h"

#include <algorithm>

namespace liminal::server::services {

void SendWakes(runtime::Scheduler& scheduler, WakeList& wakes, runtime::Pid skip) {
  if (wakes.size() > 1) {
    std::stable_sort(wakes.begin(), wakes.end(),
                     [](const auto& a, const auto& b) { return a->owner() < b->owner(); });
  }
  runtime::Pid last = runtime::kNoPid;
  bool delivered = true;
  for (const std::shared_ptr<Subscription>& subscription : wakes) {
    const runtime::Pid owner = subscription->owner();
    if (owner == skip) continue;
    if (owner != last) {
      last = owner;
      delivered = scheduler.Send(owner, runtime::Wake{});
    }
    if (!delivered) subscription->Rearm();
  }
  wakes.clear();
}

}  // namespace liminal::server::services
