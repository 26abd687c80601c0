// Turns a failed LIMINAL_CHECK inside a simulation run into a failing seed. While a
// CheckCapture is alive on a thread, a check failing on that thread records a "check"
// violation (file:line, condition, message), stops the kernel and parks the failing fiber
// for good — it never runs again, so nothing continues past a broken invariant — and the run
// reports the violation like any other, with its replay line. A check failing outside a
// fiber (the harness itself) cannot be parked: it prints the scenario, seed and replay
// command, then aborts.
//
//   CheckCapture capture(kernel, "push-vs-close", seed);
//   kernel.Run(observer, limits);
//   if (capture.violation()) result.violation = capture.violation();
#ifndef LIMINAL_SIM_HARNESS_CHECK_CAPTURE_H_
#define LIMINAL_SIM_HARNESS_CHECK_CAPTURE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "core/check/check.h"
#include "sim/invariants/violation.h"
#include "sim/kernel/fiber_kernel.h"

namespace liminal::sim {

class CheckCapture {
 public:
  CheckCapture(FiberKernel& kernel, std::string scenario, uint64_t seed);
  ~CheckCapture();
  CheckCapture(const CheckCapture&) = delete;
  CheckCapture& operator=(const CheckCapture&) = delete;

  // The first failed check of this run, if any.
  const std::optional<Violation>& violation() const { return violation_; }

 private:
  static void OnCheckFailed(const check::CheckFailure& failure);

  FiberKernel& kernel_;
  const std::string scenario_;
  const uint64_t seed_;
  CheckCapture* const outer_;  // the capture this one shadows on this thread, if any
  std::optional<Violation> violation_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_HARNESS_CHECK_CAPTURE_H_
