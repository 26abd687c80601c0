#include "sim/invariants/unregister_once.h"

#include "absl/container/btree_map.h"
#include "absl/strings/str_cat.h"

namespace liminal::sim {
namespace {

struct NotifierCallsOfPid {
  int accepted = 0;
  int rejected = 0;
  int unregistered = 0;
};

}  // namespace

std::optional<std::string> UnregisterOnce::Check(const std::vector<NotifierCall>& calls) {
  absl::btree_map<runtime::Pid, NotifierCallsOfPid> pids;
  for (const NotifierCall& call : calls) {
    NotifierCallsOfPid& seen = pids[call.pid];
    switch (call.kind) {
      case NotifierCall::Kind::kAccepted:
        ++seen.accepted;
        break;
      case NotifierCall::Kind::kRejected:
        ++seen.rejected;
        break;
      case NotifierCall::Kind::kUnregistered:
        if (++seen.unregistered > 1) {
          return absl::StrCat("the notifier was told twice that pid ", call.pid, " unregistered");
        }
        if (seen.accepted == 0) {
          return absl::StrCat("the notifier was told that pid ", call.pid,
                              " unregistered, but it never accepted a registration from it (",
                              seen.rejected, " rejected)");
        }
        break;
    }
  }
  for (const auto& [pid, seen] : pids) {
    if (seen.accepted > 0 && seen.unregistered == 0) {
      return absl::StrCat("the notifier accepted a registration from pid ", pid,
                          " but was never told it unregistered");
    }
  }
  return std::nullopt;
}

std::optional<std::string> UnregisterOnce::AtEnd(const EndOfRun& end) {
  return Check(end.notifier_calls);
}

}  // namespace liminal::sim
