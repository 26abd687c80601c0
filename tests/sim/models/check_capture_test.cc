// A failed LIMINAL_CHECK inside a simulation run becomes the run's violation: the kernel
// stops and the failing fiber never runs past the check.
#include "sim/harness/check_capture.h"

#include <memory>

#include "core/check/check.h"
#include "gtest/gtest.h"
#include "sim/kernel/scheduling_strategy.h"
#include "sim/trace/trace.h"
#include "tests/sim/models/null_observer.h"

namespace liminal::sim {
namespace {

TEST(CheckCaptureTest, AFailedCheckInAFiberStopsTheRunWithACheckViolation) {
  Trace trace;
  FiberKernel kernel(MakeStrategy(StrategyKind::kRandom, 7), trace);
  bool ran_past_the_check = false;
  int other_steps = 0;
  CheckCapture capture(kernel, "unit", 0x2a);
  kernel.Spawn("failing", [&] {
    kernel.SleepFor(absl::Milliseconds(1));
    LIMINAL_CHECK(other_steps < 0, "a planted broken invariant");
    ran_past_the_check = true;
  });
  kernel.Spawn("other", [&] {
    for (int i = 0; i < 1000; ++i) {
      ++other_steps;
      kernel.SleepFor(absl::Microseconds(100));
    }
  });
  NullObserver observer;
  EXPECT_EQ(kernel.Run(observer, {}), KernelStop::kStopped);
  EXPECT_FALSE(ran_past_the_check);
  ASSERT_TRUE(capture.violation().has_value());
  EXPECT_EQ(capture.violation()->invariant, "check");
  EXPECT_NE(capture.violation()->detail.find("check_capture_test.cc:"), std::string::npos)
      << capture.violation()->detail;
  EXPECT_NE(capture.violation()->detail.find("other_steps < 0 (a planted broken invariant)"),
            std::string::npos)
      << capture.violation()->detail;
  EXPECT_LT(other_steps, 1000);  // the run stopped at the failure
}

TEST(CheckCaptureTest, WithoutACaptureAFailedCheckAborts) {
  EXPECT_DEATH(LIMINAL_CHECK(false, "no run to fail"), "check failed: false \\(no run to fail\\)");
}

}  // namespace
}  // namespace liminal::sim
