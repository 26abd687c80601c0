// liminal-sim: explore seeds for failing interleavings, and replay one seed exactly.
//
//   liminal-sim explore --scenario push-vs-close --seeds 1000 --strategy pct --jobs 2
//   liminal-sim replay --scenario push-vs-close --seed 0x2a --trace
//   liminal-sim list
//
// Exit status: 0 every run passed, 1 a run failed (an invariant was violated), 2 usage.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "sim/harness/explorer.h"
#include "sim/harness/planted_fault.h"
#include "sim/harness/shrinker.h"
#include "sim/harness/simulation.h"
#include "sim/invariants/invariant_suite.h"
#include "sim/invariants/messaging_history.h"
#include "sim/workload/scenarios.h"

namespace liminal::sim {
namespace {

constexpr int kExitPass = 0;
constexpr int kExitFail = 1;
constexpr int kExitUsage = 2;

std::optional<uint64_t> ParseSeed(const std::string& text) {
  if (text.empty()) return std::nullopt;
  try {
    size_t used = 0;
    const uint64_t value = std::stoull(text, &used, 0);
    if (used != text.size()) return std::nullopt;
    return value;
  } catch (...) {
    return std::nullopt;
  }
}

std::string Hex(uint64_t value) { return fmt::format("0x{:x}", value); }

std::string ReplayCommand(const RunResult& r, const RunOptions& options) {
  std::string command = fmt::format("liminal-sim replay --scenario {} --seed {} --strategy {}",
                                    r.scenario, Hex(r.seed), StrategyKindName(options.strategy));
  const std::string fault = PlantedFaultName(options.faults);
  if (fault != "none") command += " --fault " + fault;
  if (!options.strict_handshake) command += " --lenient-handshake";
  if (!options.swarm_faults) command += " --no-swarm-faults";
  if (options.strategy_options.pct_depth > 0) {
    command += fmt::format(" --pct-depth {}", options.strategy_options.pct_depth);
  }
  if (options.services != ServicesKind::kReal) {
    command += fmt::format(" --services {}", ServicesKindName(options.services));
  }
  return command;
}

void PrintIndented(const std::string& text, const char* indent) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!line.empty()) fmt::print("{}{}\n", indent, std::string(line));
  }
}

// `replay_suffix`: appended to the replay command (a shrunk run's --shrink SPEC).
void PrintFailure(const RunResult& r, const RunOptions& options,
                  const std::string& replay_suffix = "") {
  fmt::print("FAIL  scenario={} seed={} strategy={} fault={} services={}\n", r.scenario,
             Hex(r.seed), r.strategy, PlantedFaultName(options.faults), r.services);
  fmt::print("  invariant:  {}\n", r.violation->invariant);
  fmt::print("  detail:     {}\n", r.violation->detail);
  fmt::print("  trace hash: {:#018x}  ({} steps, {} trace records)\n", r.trace_hash, r.steps,
             r.trace_records);
  fmt::print("  workload and fault plan:\n");
  PrintIndented(r.workload, "    ");
  fmt::print("  trace tail (last {} of {} records):\n", r.trace_tail.size(), r.trace_records);
  for (const std::string& line : r.trace_tail) fmt::print("    {}\n", line);
  fmt::print("  replay: {}{}\n", ReplayCommand(r, options), replay_suffix);
}

struct Common {
  std::string strategy = "random";
  std::string fault = "none";
  int pct_depth = 0;
  bool lenient_handshake = false;
  bool no_swarm_faults = false;
  std::string services = "real";
};

std::optional<RunOptions> MakeRunOptions(const Common& common) {
  RunOptions options;
  std::optional<StrategyKind> strategy = ParseStrategyKind(common.strategy);
  if (!strategy.has_value()) {
    fmt::print(stderr, "liminal-sim: unknown strategy '{}' (random, pct)\n", common.strategy);
    return std::nullopt;
  }
  options.strategy = *strategy;
  options.strategy_options.pct_depth = common.pct_depth;
  std::optional<server::FaultHooks> hooks = ParsePlantedFault(common.fault);
  if (!hooks.has_value()) {
    fmt::print(stderr, "liminal-sim: unknown fault '{}' (none, {})\n", common.fault,
               absl::StrJoin(PlantedFaultNames(), ", "));
    return std::nullopt;
  }
  options.faults = *hooks;
  options.strict_handshake = !common.lenient_handshake;
  options.swarm_faults = !common.no_swarm_faults;
  std::optional<ServicesKind> services = ParseServicesKind(common.services);
  if (!services.has_value()) {
    fmt::print(stderr, "liminal-sim: unknown services '{}' (double, real)\n", common.services);
    return std::nullopt;
  }
  options.services = *services;
  return options;
}

// Shrinks a failing run's workload and prints the small one with its replay command.
void PrintShrunk(const RunResult& failure, const RunOptions& options) {
  std::optional<Workload> workload = GenerateWorkload(failure.scenario, failure.seed);
  if (!workload.has_value()) return;  // durable-crash: no Workload to shrink
  const ShrinkResult shrunk =
      Shrink(*workload, failure.seed, options, failure.violation->invariant);
  fmt::print("shrunk: {} -> {} pieces in {} runs; still fails {}:\n", shrunk.pieces_before,
             shrunk.pieces_after, shrunk.runs, failure.violation->invariant);
  if (shrunk.result.violation.has_value()) {
    fmt::print("  detail:     {}\n", shrunk.result.violation->detail);
  }
  PrintIndented(shrunk.result.workload, "  ");
  fmt::print("  replay: {} --shrink {}\n", ReplayCommand(failure, options),
             FormatShrinkSpec(shrunk.spec));
}

int Explore(const std::string& scenario, uint64_t seeds, const std::string& from_text, int jobs,
            bool hashes, bool keep_going, bool shrink, bool coverage, const Common& common) {
  std::optional<RunOptions> run = MakeRunOptions(common);
  std::optional<uint64_t> from = ParseSeed(from_text);
  if (!run.has_value()) return kExitUsage;
  if (!from.has_value()) {
    fmt::print(stderr, "liminal-sim: --from must be a number (decimal or 0x hex)\n");
    return kExitUsage;
  }
  ExploreOptions options;
  if (scenario == "all") {
    options.scenarios = ScenarioNames();
  } else if (IsScenario(scenario)) {
    options.scenarios = {scenario};
  } else {
    fmt::print(stderr, "liminal-sim: unknown scenario '{}' (all, {})\n", scenario,
               absl::StrJoin(ScenarioNames(), ", "));
    return kExitUsage;
  }
  options.from = *from;
  options.count = seeds;
  options.jobs = jobs;
  options.run = *run;
  options.keep_hashes = hashes;
  options.stop_at_first_failure = !keep_going;
  options.progress = [](const ExploreProgress& p) {
    fmt::print("  [{:>6}/{}] {:.1f}s, {:.1f} runs/s, {} failing\n", p.done, p.total, p.seconds,
               p.runs_per_second, p.failures);
    std::fflush(stdout);
  };
  fmt::print("explore: scenario={} seeds=[{}, {}) strategy={} fault={} services={} jobs={}\n",
             scenario, Hex(*from), Hex(*from + seeds), common.strategy, common.fault,
             common.services, jobs);
  std::fflush(stdout);
  ExploreResult result = Explore(options);
  if (hashes) {
    for (const RunHash& h : result.hashes) {
      fmt::print("  {} seed={} hash={:#018x} {}\n", h.scenario, Hex(h.seed), h.hash,
                 h.passed ? "pass" : "FAIL");
    }
  }
  for (const auto& [name, stats] : result.per_scenario) {
    fmt::print("  {:<18} {:>6} runs {:>4} failing  {:>8.1f} runs/s  {:>8.0f} steps/run\n", name,
               stats.runs, stats.failures,
               stats.busy_seconds > 0 ? stats.runs / stats.busy_seconds : 0.0,
               stats.runs > 0 ? static_cast<double>(stats.steps) / stats.runs : 0.0);
  }
  fmt::print("summary: {} runs, {} failing, {:.2f}s wall, {:.1f} runs/s, combined hash {:#018x}\n",
             result.runs, result.failures, result.seconds,
             result.seconds > 0 ? result.runs / result.seconds : 0.0, result.combined_hash);
  if (coverage) {
    fmt::print("coverage over {} runs:\n", result.runs);
    PrintIndented(FormatCoverage(result.coverage), "  ");
  }
  if (keep_going && !result.failing.empty()) {
    fmt::print("failing seeds:\n");
    for (const FailingRun& f : result.failing) {
      fmt::print("  {} seed={} {}\n", f.scenario, Hex(f.seed), f.invariant);
    }
  }
  if (result.first_failure.has_value()) {
    fmt::print("first failure after {} runs:\n", result.runs_until_first_failure);
    PrintFailure(*result.first_failure, options.run);
    if (shrink) PrintShrunk(*result.first_failure, options.run);
    return kExitFail;
  }
  return result.failures > 0 ? kExitFail : kExitPass;
}

int Replay(const std::string& scenario, const std::string& seed_text, bool trace,
           const std::string& shrink_text, const Common& common) {
  std::optional<RunOptions> options = MakeRunOptions(common);
  std::optional<uint64_t> seed = ParseSeed(seed_text);
  if (!options.has_value()) return kExitUsage;
  if (!seed.has_value()) {
    fmt::print(stderr, "liminal-sim: --seed must be a number (decimal or 0x hex)\n");
    return kExitUsage;
  }
  if (!IsScenario(scenario)) {
    fmt::print(stderr, "liminal-sim: unknown scenario '{}' ({})\n", scenario,
               absl::StrJoin(ScenarioNames(), ", "));
    return kExitUsage;
  }
  fmt::print("replay: scenario={} seed={} strategy={} fault={} services={}\n", scenario, Hex(*seed),
             common.strategy, common.fault, common.services);
  if (trace) {
    // durable-crash has no Workload: its plan is in the run's result (printed on failure).
    if (std::optional<Workload> workload = GenerateWorkload(scenario, *seed)) {
      PrintIndented(DescribeWorkload(*workload), "  ");
    }
    options->echo = [](std::string_view line) { fmt::print("  {}\n", line); };
  }
  RunResult r;
  std::string shrink_suffix;
  if (shrink_text.empty()) {
    r = RunScenario(scenario, *seed, *options);
  } else {
    std::optional<ShrinkSpec> spec = ParseShrinkSpec(shrink_text);
    std::optional<Workload> workload = GenerateWorkload(scenario, *seed);
    if (!spec.has_value() || !workload.has_value()) {
      fmt::print(stderr,
                 "liminal-sim: --shrink needs a spec like 0-3,7 and a scenario with a "
                 "workload (not durable-crash)\n");
      return kExitUsage;
    }
    r = RunShrunk(*workload, *seed, *options, *spec);
    r.scenario = scenario;
    shrink_suffix = " --shrink " + FormatShrinkSpec(*spec);
    fmt::print("shrunk workload ({}):\n", FormatShrinkSpec(*spec));
    PrintIndented(r.workload, "  ");
  }
  if (r.passed()) {
    fmt::print(
        "PASS  scenario={} seed={} strategy={} ({} steps, {} virtual, {} connections, "
        "{} pushes)\n",
        scenario, Hex(*seed), r.strategy, r.steps, absl::FormatDuration(r.virtual_time),
        r.connections, r.pushes);
  } else if (trace) {
    fmt::print("FAIL  scenario={} seed={}\n  invariant:  {}\n  detail:     {}\n", scenario,
               Hex(*seed), r.violation->invariant, r.violation->detail);
  } else {
    PrintFailure(r, *options, shrink_suffix);
  }
  fmt::print("trace hash: {:#018x}\n", r.trace_hash);
  return r.passed() ? kExitPass : kExitFail;
}

int List() {
  fmt::print("scenarios:  {}\n", absl::StrJoin(ScenarioNames(), ", "));
  fmt::print("strategies: random, pct\n");
  fmt::print("faults:     {}\n", absl::StrJoin(PlantedFaultNames(), ", "));
  fmt::print("invariants: {}, session-release-once, client-wire, progress\n",
             absl::StrJoin(InvariantSuite::Standard().Names(), ", "));
  fmt::print(
      "durable-crash: acknowledged-survive-crash, replay-order, failed-not-stored, "
      "ids-never-reused, server-restarts\n");
  fmt::print("messaging:  {}\n", absl::StrJoin(MessagingHistory::InvariantNames(), ", "));
  return kExitPass;
}

int Main(int argc, char** argv) {
  CLI::App app{"liminal-sim: deterministic simulation of the liminal connection supervisor"};
  app.require_subcommand(1);
  Common common;
  auto add_common = [&](CLI::App* sub) {
    sub->add_option("--strategy", common.strategy, "random | pct")->capture_default_str();
    sub->add_option("--fault", common.fault,
                    "enable one planted bug: " + absl::StrJoin(PlantedFaultNames(), " | "))
        ->capture_default_str();
    sub->add_option("--pct-depth", common.pct_depth,
                    "PCT bug depth d (d-1 change points); 0: each seed draws its own (swarm)")
        ->capture_default_str();
    sub->add_option(
           "--services", common.services,
           "real (core/server/services LiminalServices, the default) | double (sim/services)")
        ->capture_default_str();
    sub->add_flag("--no-swarm-faults", common.no_swarm_faults,
                  "keep every fault point in production code silent (by default each seed "
                  "draws which ones fire, and how often)");
    sub->add_flag("--lenient-handshake", common.lenient_handshake,
                  "do not fail a run whose server sends Push before ConnectAck (the check is "
                  "on by default)");
  };

  CLI::App* explore = app.add_subcommand("explore", "run many seeds, stop at the first failure");
  std::string explore_scenario;
  uint64_t seeds = 100;
  std::string from = "1";
  int jobs = 1;
  bool hashes = false;
  bool keep_going = false;
  explore->add_option("--scenario", explore_scenario, "a scenario name, or all")->required();
  explore->add_option("--seeds", seeds, "seeds per scenario")->capture_default_str();
  explore->add_option("--from", from, "first seed")->capture_default_str();
  explore->add_option("--jobs", jobs, "runs in parallel (OS threads)")->capture_default_str();
  explore->add_flag("--hashes", hashes, "print every run's trace hash");
  explore->add_flag("--keep-going", keep_going, "do not stop at the first failure");
  bool no_shrink = false;
  bool coverage = false;
  explore->add_flag("--coverage", coverage,
                    "print which frame types, error codes, close routes and fault points the "
                    "runs reached (and which they never did)");
  explore->add_flag("--no-shrink", no_shrink,
                    "do not shrink the first failure's workload (shrinking prints a small "
                    "workload that still fails, and its `replay --shrink` command)");
  add_common(explore);

  CLI::App* replay = app.add_subcommand("replay", "re-run one seed exactly");
  std::string replay_scenario;
  std::string seed;
  bool trace = false;
  replay->add_option("--scenario", replay_scenario, "the scenario")->required();
  replay->add_option("--seed", seed, "the seed (decimal or 0x hex)")->required();
  replay->add_flag("--trace", trace, "print the full trace as the run goes");
  std::string shrink_spec;
  replay->add_option("--shrink", shrink_spec,
                     "run the workload without these pieces, as explore's shrinker printed "
                     "them (e.g. 0-3,7)");
  add_common(replay);

  CLI::App* list = app.add_subcommand("list", "list scenarios, strategies, faults, invariants");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  if (jobs < 1 || seeds == 0) {
    fmt::print(stderr, "liminal-sim: --jobs and --seeds must be at least 1\n");
    return kExitUsage;
  }
  if (*explore) {
    return Explore(explore_scenario, seeds, from, jobs, hashes, keep_going, !no_shrink, coverage,
                   common);
  }
  if (*replay) return Replay(replay_scenario, seed, trace, shrink_spec, common);
  if (*list) return List();
  return kExitUsage;
}

}  // namespace
}  // namespace liminal::sim

int main(int argc, char** argv) { return liminal::sim::Main(argc, argv); }
