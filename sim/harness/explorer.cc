#include "sim/harness/explorer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "sim/harness/simulation.h"

namespace liminal::sim {
namespace {

using SteadyClock = std::chrono::steady_clock;

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

struct Item {
  const std::string* scenario;
  uint64_t seed;
};

struct Outcome {
  bool done = false;
  bool passed = true;
  std::string invariant;
  uint64_t hash = 0;
  uint64_t steps = 0;
  double seconds = 0;
};

}  // namespace

ExploreResult Explore(const ExploreOptions& options) {
  std::vector<Item> items;
  items.reserve(options.scenarios.size() * options.count);
  for (uint64_t i = 0; i < options.count; ++i) {
    for (const std::string& scenario : options.scenarios) {
      items.push_back({&scenario, options.from + i});
    }
  }
  std::vector<Outcome> outcomes(items.size());
  std::vector<std::optional<RunResult>> failures(items.size());

  std::atomic<size_t> next{0};
  std::atomic<size_t> limit{items.size()};  // items at or past a known failure are skipped
  std::atomic<uint64_t> done{0};
  std::atomic<uint64_t> failed{0};
  std::mutex progress_mu;
  std::mutex coverage_mu;
  Coverage coverage;
  const SteadyClock::time_point start = SteadyClock::now();
  SteadyClock::time_point last_report = start;

  auto worker = [&] {
    for (;;) {
      const size_t index = next.fetch_add(1);
      if (index >= items.size() || index >= limit.load()) return;
      const SteadyClock::time_point run_start = SteadyClock::now();
      RunResult result = RunScenario(*items[index].scenario, items[index].seed, options.run);
      Outcome& outcome = outcomes[index];
      outcome.seconds = SecondsSince(run_start);
      outcome.done = true;
      outcome.passed = result.passed();
      if (!result.passed()) outcome.invariant = result.violation->invariant;
      outcome.hash = result.trace_hash;
      outcome.steps = result.steps;
      {
        std::lock_guard<std::mutex> lock(coverage_mu);
        coverage.Merge(result.coverage);
      }
      done.fetch_add(1);
      if (!result.passed()) {
        failed.fetch_add(1);
        failures[index] = std::move(result);
        if (options.stop_at_first_failure) {
          size_t current = limit.load();
          while (index < current && !limit.compare_exchange_weak(current, index)) {
          }
        }
      }
      if (options.progress) {
        std::lock_guard<std::mutex> lock(progress_mu);
        const SteadyClock::time_point now = SteadyClock::now();
        if (now - last_report >= std::chrono::seconds(1)) {
          last_report = now;
          const double seconds = SecondsSince(start);
          options.progress(ExploreProgress{done.load(), items.size(), failed.load(), seconds,
                                           seconds > 0 ? done.load() / seconds : 0});
        }
      }
    }
  };

  const int jobs = std::max(1, options.jobs);
  if (jobs == 1) {
    worker();
  } else {
    std::vector<std::thread> threads;
    for (int j = 0; j < jobs; ++j) threads.emplace_back(worker);
    for (std::thread& t : threads) t.join();
  }

  ExploreResult result;
  result.seconds = SecondsSince(start);
  uint64_t h = 0x6578706C6F726521ULL;
  for (size_t i = 0; i < items.size(); ++i) {
    const Outcome& outcome = outcomes[i];
    if (!outcome.done) continue;
    // With stop_at_first_failure, runs past the first failure are not counted, so the
    // totals do not depend on how many threads raced ahead.
    if (options.stop_at_first_failure && i > limit.load()) continue;
    ++result.runs;
    ScenarioStats& stats = result.per_scenario[*items[i].scenario];
    ++stats.runs;
    stats.busy_seconds += outcome.seconds;
    stats.steps += outcome.steps;
    h ^= outcome.hash + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    if (options.keep_hashes) {
      result.hashes.push_back({*items[i].scenario, items[i].seed, outcome.hash, outcome.passed});
    }
    if (!outcome.passed) {
      ++result.failures;
      ++stats.failures;
      result.failing.push_back({*items[i].scenario, items[i].seed, outcome.invariant});
      if (!result.first_failure.has_value()) {
        result.first_failure = std::move(failures[i]);
        result.runs_until_first_failure = i + 1;
      }
    }
  }
  result.combined_hash = h;
  result.coverage = coverage;
  return result;
}

}  // namespace liminal::sim
