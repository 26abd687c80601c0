// Annotate: `status` with `context` in front of its message, same code; OK stays OK. The
// storage layer's errors name the operation and the file this way ("opening /data/x: ...").
#ifndef LIMINAL_CORE_STORAGE_ANNOTATE_H_
#define LIMINAL_CORE_STORAGE_ANNOTATE_H_

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace liminal::storage {

inline absl::Status Annotate(const absl::Status& status, absl::string_view context) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(context, ": ", status.message()));
}

}  // namespace liminal::storage

#endif  // LIMINAL_CORE_STORAGE_ANNOTATE_H_
