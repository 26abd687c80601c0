#include "sim/invariants/invariant_suite.h"

#include "sim/invariants/awaiters_end.h"
#include "sim/invariants/control_accounting.h"
#include "sim/invariants/disconnect_once.h"
#include "sim/invariants/drain_bound.h"
#include "sim/invariants/inbox_bound.h"
#include "sim/invariants/nothing_left.h"
#include "sim/invariants/records_match_processes.h"
#include "sim/invariants/release_once.h"
#include "sim/invariants/reply_slot_accounting.h"
#include "sim/invariants/shutdown_notice.h"
#include "sim/invariants/timeout_means_alive.h"
#include "sim/invariants/unregister_once.h"

namespace liminal::sim {

InvariantSuite InvariantSuite::Standard() {
  InvariantSuite suite;
  suite.Add(std::make_unique<ReplySlotAccounting>());
  suite.Add(std::make_unique<ControlAccounting>());
  suite.Add(std::make_unique<UnregisterOnce>());
  suite.Add(std::make_unique<DisconnectOnce>());
  suite.Add(std::make_unique<ReleaseOnce>());
  suite.Add(std::make_unique<RecordsMatchProcesses>());
  suite.Add(std::make_unique<InboxBound>());
  suite.Add(std::make_unique<AwaitersEnd>());
  suite.Add(std::make_unique<DrainBound>());
  suite.Add(std::make_unique<NothingLeft>());
  suite.Add(std::make_unique<ShutdownNotice>());
  suite.Add(std::make_unique<TimeoutMeansAlive>());
  return suite;
}

void InvariantSuite::Add(std::unique_ptr<InvariantChecker> checker) {
  checkers_.push_back(std::move(checker));
}

std::optional<Violation> InvariantSuite::OnEvent(const TimedEvent& event) {
  for (auto& checker : checkers_) {
    if (std::optional<std::string> detail = checker->OnEvent(event)) {
      return Violation{std::string(checker->name()), std::move(*detail)};
    }
  }
  return std::nullopt;
}

std::optional<Violation> InvariantSuite::OnState(const WorldView& view) {
  for (auto& checker : checkers_) {
    if (std::optional<std::string> detail = checker->OnState(view)) {
      return Violation{std::string(checker->name()), std::move(*detail)};
    }
  }
  return std::nullopt;
}

std::optional<Violation> InvariantSuite::AtEnd(const EndOfRun& end) {
  for (auto& checker : checkers_) {
    if (std::optional<std::string> detail = checker->AtEnd(end)) {
      return Violation{std::string(checker->name()), std::move(*detail)};
    }
  }
  return std::nullopt;
}

std::vector<std::string> InvariantSuite::Names() const {
  std::vector<std::string> names;
  for (const auto& checker : checkers_) names.emplace_back(checker->name());
  return names;
}

}  // namespace liminal::sim
