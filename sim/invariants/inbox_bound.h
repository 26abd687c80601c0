// "A connection's unhandled input stays within its bound": input backpressure holds. The
// socket stops reading while its connection has more than max_inbox_bytes (the configured
// `max_connection_inbox_bytes`) of delivered, unhandled input, so after any step a
// connection holds at most that bound plus one read. (A frame still being assembled is
// bounded separately, by max_frame_bytes.) Checked after every step.
#ifndef LIMINAL_SIM_INVARIANTS_INBOX_BOUND_H_
#define LIMINAL_SIM_INVARIANTS_INBOX_BOUND_H_

#include "sim/invariants/invariant_checker.h"

namespace liminal::sim {

class InboxBound final : public InvariantChecker {
 public:
  std::string_view name() const override { return "inbox-bound"; }
  std::optional<std::string> OnState(const WorldView& view) override;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_INVARIANTS_INBOX_BOUND_H_
