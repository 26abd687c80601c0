// ConsumerPositions: a durable channel's named consumers and, for each, the message id it
// has acknowledged up to (server-behaviour.md §5, README "Named consumers"). Each position
// is a file `<directory>/<escaped name>` holding the id in decimal, replaced atomically
// (written to `<name>.tmp`, fsynced, renamed over the old one), so a crash leaves either the
// old position or the new one, never a torn one.
//
//   absl::StatusOr<ConsumerPositions> positions = ConsumerPositions::Load(fs, dir);
//   positions->Get("billing");                    // nullopt for a new consumer
//   positions->Advance("billing", 41);            // only ever forward
//   std::vector<ConsumerPosition> dirty = positions->TakeDirty();    // under the owner's lock
//   absl::Status saved = ConsumerPositions::Save(fs, dir, dirty);    // blocking, no lock
//   if (!saved.ok()) positions->MarkDirty(dirty);                    // retry later
//
// Not thread-safe except Save, which touches only the files it is given.
#ifndef LIMINAL_CORE_STORAGE_CONSUMER_POSITIONS_H_
#define LIMINAL_CORE_STORAGE_CONSUMER_POSITIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/runtime/file.h"

namespace liminal::storage {

struct ConsumerPosition {
  std::string name;
  uint64_t acknowledged_through = 0;
};

class ConsumerPositions {
 public:
  // Creates `directory` if needed and reads every position in it. A file that does not hold a
  // decimal id is an error naming it (positions are never written torn).
  static absl::StatusOr<ConsumerPositions> Load(runtime::FileSystem& fs, std::string directory);

  std::optional<uint64_t> Get(std::string_view name) const;
  // Raises `name`'s position to `acknowledged_through`; never lowers it. True if it moved.
  bool Advance(std::string_view name, uint64_t acknowledged_through);
  // The positions that moved since the last TakeDirty, oldest name first.
  std::vector<ConsumerPosition> TakeDirty();
  // Puts back positions a failed Save did not write.
  void MarkDirty(const std::vector<ConsumerPosition>& positions);
  bool dirty() const { return !dirty_.empty(); }
  size_t size() const { return positions_.size(); }

  static absl::Status Save(runtime::FileSystem& fs, const std::string& directory,
                           const std::vector<ConsumerPosition>& positions);

 private:
  explicit ConsumerPositions(std::string directory) : directory_(std::move(directory)) {}

  std::string directory_;
  absl::btree_map<std::string, uint64_t, std::less<>> positions_;
  absl::btree_set<std::string, std::less<>> dirty_;
};

}  // namespace liminal::storage

#endif  // LIMINAL_CORE_STORAGE_CONSUMER_POSITIONS_H_
