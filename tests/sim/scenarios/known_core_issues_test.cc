// Keeps each known core issue honest: a workload aimed at the race must still reproduce
// it. When the core is fixed this test fails on purpose — then delete the issue from
// known_core_issues.h and flip the expectation into a regression test.
#include "tests/sim/known_core_issues.h"

#include <cstdio>
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "sim/harness/simulation.h"

namespace liminal::sim {
namespace {

// Clients connecting at the very instant the graceful shutdown starts: the acceptor is in
// the middle of SpawnConnection while Shutdown() and AwaitIdle() run.
Workload ConnectAtShutdown(uint32_t start_us) {
  Workload w;
  w.family = "connect-at-shutdown";
  for (int i = 0; i < 4; ++i) {
    ClientSpec c;
    c.start_us = start_us;
    c.ops = {ClientOp{ClientOpKind::kHandshake, 0, 0, 0}};
    w.clients.push_back(c);
  }
  w.shutdown.at_us = 1'000;
  w.shutdown.drain_us = 5'000;
  return w;
}

TEST(KnownCoreIssueTest, SpawnRacingShutdownStillReproduces) {
  std::optional<uint64_t> first;
  int hits = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    const RunResult r = RunWorkload(ConnectAtShutdown(1'000), seed, {});
    if (r.passed()) continue;
    const KnownCoreIssue* issue = FindKnownCoreIssue(r);
    ASSERT_NE(issue, nullptr) << r.violation->invariant << ": " << r.violation->detail;
    ++hits;
    if (!first.has_value()) first = seed;
  }
  std::printf("spawn-vs-shutdown race reproduced in %d of 300 seeds (first: seed %llu)\n", hits,
              static_cast<unsigned long long>(first.value_or(0)));
  EXPECT_GT(hits, 0) << "the race no longer reproduces: if core/server fixed it, remove it "
                        "from known_core_issues.h and make this a regression test";
}

TEST(KnownCoreIssueTest, TheSameClientsWellBeforeTheShutdownNeverFail) {
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    const RunResult r = RunWorkload(ConnectAtShutdown(0), seed, {});
    EXPECT_TRUE(r.passed()) << "seed " << seed << ": " << r.violation->invariant << ": "
                            << r.violation->detail;
  }
}

}  // namespace
}  // namespace liminal::sim
