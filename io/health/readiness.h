// Readiness: the named conditions that must all hold before liminald reports itself ready on
// GET /ready (server-behaviour.md §7). The daemon sets them as start-up progresses and clears
// `listener_bound` when a graceful shutdown stops accepting; the health endpoint reads them.
//
//   Readiness readiness({kConfigLoaded, kListenerBound});   // all unmet at first
//   readiness.Set(kConfigLoaded, true);
//   readiness.IsReady();   // false: listener_bound is still unmet
//   readiness.Unmet();     // {"listener_bound"}
//
// Thread-safe.
#ifndef LIMINAL_IO_HEALTH_READINESS_H_
#define LIMINAL_IO_HEALTH_READINESS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace liminal::io {

inline constexpr absl::string_view kConfigLoaded = "config_loaded";
inline constexpr absl::string_view kListenerBound = "listener_bound";

class Readiness {
 public:
  // The conditions, in the order Unmet() lists them; each starts unmet.
  explicit Readiness(const std::vector<absl::string_view>& conditions);

  // Marks a condition met or unmet. Unknown names are ignored (and never block readiness).
  void Set(absl::string_view condition, bool met);

  bool IsReady() const;
  std::vector<std::string> Unmet() const;

 private:
  mutable absl::Mutex mu_;
  std::vector<std::pair<std::string, bool>> conditions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace liminal::io

#endif  // LIMINAL_IO_HEALTH_READINESS_H_
