#include "io/runtime/system_mutex.h"

namespace liminal::io {
namespace {

bool Evaluate(absl::FunctionRef<bool()>* condition) { return (*condition)(); }

}  // namespace

bool SystemMutex::AwaitWithTimeout(absl::FunctionRef<bool()> condition, absl::Duration timeout) {
  return mu_.AwaitWithTimeout(absl::Condition(&Evaluate, &condition), timeout);
}

}  // namespace liminal::io
