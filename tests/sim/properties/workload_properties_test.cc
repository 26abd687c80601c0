// Workload properties: for any workload rapidcheck generates, and any scheduling seed,
// every invariant holds (bar the known core issues) under both strategies, and the run
// replays to the same trace hash. A failure prints the shrunk workload; reproduce it with
// RC_PARAMS="seed=<seed>".
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdio>
#include <optional>

#include "sim/harness/simulation.h"
#include "tests/sim/known_core_issues.h"
#include "workload_generators.h"

namespace liminal::sim {
namespace {

void CheckInvariants(StrategyKind strategy) {
  const Workload workload = *GenWorkload();
  const uint64_t seed = *rc::gen::inRange<uint64_t>(0, 1'000'000);
  RunOptions options;
  options.strategy = strategy;
  const RunResult r = RunWorkload(workload, seed, options);
  if (r.passed() || FindKnownCoreIssue(r) != nullptr) return;
  RC_LOG() << "seed " << seed << ": " << r.violation->invariant << ": " << r.violation->detail
           << "\n";
  RC_FAIL("an invariant was violated");
}

RC_GTEST_PROP(SimWorkloadProperties, InvariantsHoldUnderRandomScheduling, ()) {
  CheckInvariants(StrategyKind::kRandom);
}

RC_GTEST_PROP(SimWorkloadProperties, InvariantsHoldUnderPct, ()) {
  CheckInvariants(StrategyKind::kPct);
}

RC_GTEST_PROP(SimWorkloadProperties, AnyWorkloadReplaysToTheSameHash, ()) {
  const Workload workload = *GenWorkload();
  const uint64_t seed = *rc::gen::inRange<uint64_t>(0, 1'000'000);
  RC_ASSERT(RunWorkload(workload, seed, {}).trace_hash ==
            RunWorkload(workload, seed, {}).trace_hash);
}

size_t Size(const Workload& w) {
  size_t size = w.clients.size() + w.app.size() + w.faults.size();
  for (const ClientSpec& c : w.clients) size += c.ops.size();
  return size;
}

// The whole loop on a planted bug: rapidcheck finds a failing workload and shrinks it.
// The last failing workload the property sees is rapidcheck's minimal counterexample.
TEST(SimWorkloadShrinkingTest, APlantedBugShrinksToASmallWorkload) {
  RunOptions options;
  options.faults.skip_reply_slot_cancel_on_close = true;
  std::optional<Workload> smallest;
  std::optional<RunResult> smallest_result;
  size_t first_size = 0;
  const bool passed = rc::check("a push racing a close, with slot cancellation skipped", [&] {
    const Workload workload = *GenWorkload();
    const uint64_t seed = *rc::gen::inRange<uint64_t>(0, 1'000'000);
    RunResult r = RunWorkload(workload, seed, options);
    const bool failed = !r.passed();
    if (failed) {
      if (!smallest.has_value()) first_size = Size(workload);
      smallest = workload;
      smallest_result = std::move(r);
    }
    RC_ASSERT(!failed);
  });
  ASSERT_FALSE(passed) << "rapidcheck did not find the planted bug";
  ASSERT_TRUE(smallest.has_value());
  std::printf("shrunk from %zu to %zu workload items; minimal workload:\n%s", first_size,
              Size(*smallest), DescribeWorkload(*smallest).c_str());
  std::printf("violation: %s: %s\n", smallest_result->violation->invariant.c_str(),
              smallest_result->violation->detail.c_str());
  EXPECT_EQ(smallest_result->violation->invariant, "reply-slot-accounting");
  // A push to a connection that then closes: one client, one push.
  EXPECT_LE(smallest->clients.size(), 2u);
  EXPECT_LE(Size(*smallest), 8u);
}

}  // namespace
}  // namespace liminal::sim
