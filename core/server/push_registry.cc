#include "core/server/push_registry.h"

namespace liminal::server {

std::shared_ptr<ReplySlot> PushRegistry::Register(runtime::Pid owner, absl::Time now) {
  auto slot = std::make_shared<ReplySlot>();
  slot->sent_at = now;
  slot->correlation_id = next_correlation_id_++;
  slot->owner = owner;
  pending_.emplace(slot->correlation_id, slot);
  by_owner_[owner].insert(slot->correlation_id);
  return slot;
}

std::shared_ptr<ReplySlot> PushRegistry::Resolve(runtime::Pid from, uint64_t correlation_id,
                                                 std::string reply) {
  auto it = pending_.find(correlation_id);
  if (it == pending_.end() || it->second->owner != from) return nullptr;
  it->second->reply = std::move(reply);
  return Finish(correlation_id, ReplySlotState::kReplied);
}

std::shared_ptr<ReplySlot> PushRegistry::Finish(uint64_t correlation_id,
                                                ReplySlotState final_state) {
  auto it = pending_.find(correlation_id);
  if (it == pending_.end()) return nullptr;
  std::shared_ptr<ReplySlot> slot = std::move(it->second);
  pending_.erase(it);
  slot->state = final_state;
  auto owner = by_owner_.find(slot->owner);
  if (owner != by_owner_.end()) {
    owner->second.erase(correlation_id);
    if (owner->second.empty()) by_owner_.erase(owner);
  }
  return slot;
}

std::vector<std::shared_ptr<ReplySlot>> PushRegistry::CancelOwnedBy(runtime::Pid owner) {
  std::vector<std::shared_ptr<ReplySlot>> cancelled;
  auto it = by_owner_.find(owner);
  if (it == by_owner_.end()) return cancelled;
  const std::vector<uint64_t> ids(it->second.begin(), it->second.end());
  for (uint64_t id : ids) cancelled.push_back(Finish(id, ReplySlotState::kCancelled));
  return cancelled;
}

runtime::Pid PushRegistry::OwnerOf(uint64_t correlation_id) const {
  auto it = pending_.find(correlation_id);
  return it == pending_.end() ? runtime::kNoPid : it->second->owner;
}

std::vector<std::pair<uint64_t, runtime::Pid>> PushRegistry::Pending() const {
  std::vector<std::pair<uint64_t, runtime::Pid>> pending;
  pending.reserve(pending_.size());
  for (const auto& [id, slot] : pending_) pending.emplace_back(id, slot->owner);
  return pending;
}

}  // namespace liminal::server
