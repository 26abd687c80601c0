// A simulation run is a pure function of (build, scenario, seed, options): these tests run
// batches twice and compare trace hashes, in one process, interleaved with other runs, on
// several threads, and in two separate processes of the liminal-sim binary.
#include <cstdio>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/harness/explorer.h"
#include "sim/harness/simulation.h"
#include "sim/workload/scenarios.h"

namespace liminal::sim {
namespace {

constexpr uint64_t kSeedsPerScenario = 12;

RunOptions Options(StrategyKind strategy) {
  RunOptions options;
  options.strategy = strategy;
  return options;
}

// Runs `command`, returns its standard output.
std::string Capture(const std::string& command) {
  std::string output;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (pipe == nullptr) return output;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe.get())) > 0) output.append(buffer, n);
  return output;
}

uint64_t HashFromOutput(const std::string& output) {
  std::smatch match;
  static const std::regex kHash("trace hash: 0x([0-9a-f]{16})");
  if (!std::regex_search(output, match, kHash)) return 0;
  return std::stoull(match[1].str(), nullptr, 16);
}

TEST(SimDeterminismTest, EveryScenarioRunTwiceGivesIdenticalHashes) {
  for (StrategyKind strategy : {StrategyKind::kRandom, StrategyKind::kPct}) {
    for (const std::string& scenario : ScenarioNames()) {
      for (uint64_t seed = 1; seed <= kSeedsPerScenario; ++seed) {
        const RunResult first = RunScenario(scenario, seed, Options(strategy));
        const RunResult second = RunScenario(scenario, seed, Options(strategy));
        ASSERT_EQ(first.trace_hash, second.trace_hash)
            << scenario << " seed " << seed << " " << StrategyKindName(strategy);
        EXPECT_EQ(first.steps, second.steps);
        EXPECT_EQ(first.trace_records, second.trace_records);
        EXPECT_EQ(first.passed(), second.passed());
        EXPECT_EQ(first.trace_tail, second.trace_tail);
      }
    }
  }
}

TEST(SimDeterminismTest, ARunDoesNotDependOnTheRunsBeforeIt) {
  const RunResult alone = RunScenario("mixed", 42, Options(StrategyKind::kRandom));
  for (uint64_t seed = 100; seed < 110; ++seed) {
    RunScenario("shutdown-drain", seed, Options(StrategyKind::kPct));
  }
  const RunResult after = RunScenario("mixed", 42, Options(StrategyKind::kRandom));
  EXPECT_EQ(alone.trace_hash, after.trace_hash);
}

TEST(SimDeterminismTest, TheHashFingerprintsTheRun) {
  // The hash must actually depend on the schedule and the seed, or comparing it proves
  // nothing.
  absl::btree_set<uint64_t> hashes;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    hashes.insert(RunScenario("push-vs-close", seed, Options(StrategyKind::kRandom)).trace_hash);
  }
  EXPECT_EQ(hashes.size(), 20u);
  EXPECT_NE(RunScenario("push-vs-close", 7, Options(StrategyKind::kRandom)).trace_hash,
            RunScenario("push-vs-close", 7, Options(StrategyKind::kPct)).trace_hash);
}

TEST(SimDeterminismTest, ParallelExploreMatchesSequentialExplore) {
  ExploreOptions options;
  options.scenarios = {"spawn-crash", "push-vs-close", "protocol-garbage"};
  options.count = 15;
  options.keep_hashes = true;
  options.stop_at_first_failure = false;
  options.jobs = 1;
  const ExploreResult sequential = Explore(options);
  options.jobs = 3;
  const ExploreResult parallel = Explore(options);
  ASSERT_EQ(sequential.hashes.size(), 45u);
  ASSERT_EQ(parallel.hashes.size(), sequential.hashes.size());
  for (size_t i = 0; i < sequential.hashes.size(); ++i) {
    EXPECT_EQ(sequential.hashes[i].hash, parallel.hashes[i].hash)
        << sequential.hashes[i].scenario << " seed " << sequential.hashes[i].seed;
  }
  EXPECT_EQ(sequential.combined_hash, parallel.combined_hash);
}

TEST(SimDeterminismTest, TwoSeparateProcessesPrintTheSameHash) {
  for (const char* scenario : {"push-vs-close", "shutdown-drain", "mixed"}) {
    const std::string command =
        absl::StrCat(LIMINAL_SIM_BINARY, " replay --scenario ", scenario, " --seed 0x5eed");
    const uint64_t first = HashFromOutput(Capture(command));
    const uint64_t second = HashFromOutput(Capture(command));
    ASSERT_NE(first, 0u) << "could not run: " << command;
    EXPECT_EQ(first, second) << scenario;
    // ... and the same as this process computes for it.
    EXPECT_EQ(first, RunScenario(scenario, 0x5eed, Options(StrategyKind::kRandom)).trace_hash)
        << scenario;
  }
  const std::string explore = absl::StrCat(
      LIMINAL_SIM_BINARY, " explore --scenario all --seeds 4 --strategy pct --hashes --keep-going");
  auto hash_lines = [](const std::string& output) {
    std::vector<std::string> lines;
    static const std::regex kLine(R"(\S+ seed=0x[0-9a-f]+ hash=0x[0-9a-f]+ (pass|FAIL))");
    for (auto it = std::sregex_iterator(output.begin(), output.end(), kLine);
         it != std::sregex_iterator(); ++it) {
      lines.push_back(it->str());
    }
    return lines;
  };
  const std::vector<std::string> a = hash_lines(Capture(explore));
  const std::vector<std::string> b = hash_lines(Capture(explore));
  EXPECT_EQ(a.size(), 4u * ScenarioNames().size());
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace liminal::sim
