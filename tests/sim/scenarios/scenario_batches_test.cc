// Every scenario, a batch of seeds under each strategy: every invariant holds after every
// step and at the end of every run (bar the known core issues), and the runs per second
// are printed for the record.
#include <chrono>
#include <cstdio>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/harness/simulation.h"
#include "sim/workload/scenarios.h"
#include "tests/sim/known_core_issues.h"

namespace liminal::sim {
namespace {

// Seeds per (scenario, strategy): with the services double, and with the real services.
// The messaging families run up to ~14 clients and a few hundred operations (10-40 times
// the steps of a supervisor-race run): fewer seeds here, the 10,000-seed runs by hand (README).
constexpr uint64_t kSeedsWithDouble = 300;
constexpr uint64_t kSeedsWithRealServices = 100;
constexpr uint64_t kSeedsOfMessagingScenarios = 8;

// The services double serves the supervisor-race families; the messaging families check
// guarantees only the real services keep.
std::vector<std::string> ScenariosForTheDouble() {
  std::vector<std::string> names;
  for (const std::string& name : ScenarioNames()) {
    if (!IsMessagingScenario(name)) names.push_back(name);
  }
  return names;
}

using Param = std::tuple<std::string, StrategyKind, ServicesKind>;

}  // namespace

// Test names and failure messages show the strategy by name.
void PrintTo(StrategyKind kind, std::ostream* os) { *os << StrategyKindName(kind); }
void PrintTo(ServicesKind kind, std::ostream* os) { *os << ServicesKindName(kind); }

namespace {

class ScenarioBatchTest : public ::testing::TestWithParam<Param> {};

TEST_P(ScenarioBatchTest, EveryInvariantHoldsForEverySeed) {
  const auto& [scenario, strategy, services] = GetParam();
  const uint64_t kSeeds = IsMessagingScenario(scenario)     ? kSeedsOfMessagingScenarios
                          : services == ServicesKind::kReal ? kSeedsWithRealServices
                                                            : kSeedsWithDouble;
  RunOptions options;
  options.strategy = strategy;
  options.services = services;
  uint64_t known = 0;
  uint64_t steps = 0;
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const RunResult r = RunScenario(scenario, seed, options);
    steps += r.steps;
    if (r.passed()) continue;
    if (const KnownCoreIssue* issue = FindKnownCoreIssue(r)) {
      ++known;
      std::printf(
          "known core issue (%s) at liminal-sim replay --scenario %s --seed 0x%llx "
          "--strategy %s --services %s\n",
          issue->invariant, scenario.c_str(), static_cast<unsigned long long>(seed),
          StrategyKindName(strategy), ServicesKindName(services));
      continue;
    }
    ADD_FAILURE() << r.violation->invariant << ": " << r.violation->detail
                  << "\nreplay: liminal-sim replay --scenario " << scenario << " --seed 0x"
                  << std::hex << seed << " --strategy " << StrategyKindName(strategy)
                  << " --services " << ServicesKindName(services);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s/%s/%s: %llu seeds, %.1f runs/s, %.0f steps/run, %llu known core issues\n",
              scenario.c_str(), StrategyKindName(strategy), ServicesKindName(services),
              static_cast<unsigned long long>(kSeeds), kSeeds / seconds,
              static_cast<double>(steps) / kSeeds, static_cast<unsigned long long>(known));
  EXPECT_GT(steps, kSeeds * 50) << "runs this short cannot be exploring anything";
}

std::string ParamName(const ::testing::TestParamInfo<Param>& param_info) {
  std::string name = absl::StrCat(std::get<0>(param_info.param), "_",
                                  StrategyKindName(std::get<1>(param_info.param)), "_",
                                  ServicesKindName(std::get<2>(param_info.param)));
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(WithServicesDouble, ScenarioBatchTest,
                         ::testing::Combine(::testing::ValuesIn(ScenariosForTheDouble()),
                                            ::testing::Values(StrategyKind::kRandom,
                                                              StrategyKind::kPct),
                                            ::testing::Values(ServicesKind::kDouble)),
                         ParamName);

INSTANTIATE_TEST_SUITE_P(WithRealServices, ScenarioBatchTest,
                         ::testing::Combine(::testing::ValuesIn(ScenarioNames()),
                                            ::testing::Values(StrategyKind::kRandom,
                                                              StrategyKind::kPct),
                                            ::testing::Values(ServicesKind::kReal)),
                         ParamName);

}  // namespace
}  // namespace liminal::sim
