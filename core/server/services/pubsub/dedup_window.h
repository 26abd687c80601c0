// DedupWindow: one channel's idempotency keys (Publish flag 0x02, server-behaviour.md §2).
// A key is remembered with the message id it was first published under, for `window` from
// that first publish; a later publish with the same key inside the window is a duplicate and
// is answered with the original id. Expired keys are dropped lazily, oldest first, on every
// call, so memory is bounded by the keys seen within one window.
//
//   DedupWindow dedup(absl::Minutes(5));
//   if (std::optional<uint64_t> original = dedup.Find(key, now)) { /* duplicate */ }
//   else { uint64_t id = next_id++; ...; dedup.Remember(key, id, now); }
//
// Not thread-safe: the owning Channel guards it with its mutex. The window is measured on
// the runtime Clock; a duplicate does not extend it.
#ifndef LIMINAL_CORE_SERVER_SERVICES_DEDUP_WINDOW_H_
#define LIMINAL_CORE_SERVER_SERVICES_DEDUP_WINDOW_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/time/time.h"

namespace liminal::server::services {

class DedupWindow {
 public:
  explicit DedupWindow(absl::Duration window) : window_(window) {}

  // The id `key` was first published under, if that was less than `window` before `now`.
  std::optional<uint64_t> Find(std::string_view key, absl::Time now);

  // Remembers `key` -> `message_id` from `now`. Replaces an expired entry for the same key.
  void Remember(std::string_view key, uint64_t message_id, absl::Time now);

  // Releases `key` if it is remembered under `message_id` (a publish that failed to store).
  void Forget(std::string_view key, uint64_t message_id);

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    uint64_t message_id = 0;
    absl::Time expires;
  };
  void DropExpired(absl::Time now);

  absl::Duration window_;
  absl::btree_map<std::string, Entry, std::less<>> entries_;
  absl::btree_set<std::pair<absl::Time, std::string>> by_expiry_;
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_DEDUP_WINDOW_H_
