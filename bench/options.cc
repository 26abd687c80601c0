#include "bench/options.h"

#include <CLI/CLI.hpp>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace liminal::bench {

const char* ModeName(Mode mode) {
  switch (mode) {
    case Mode::kSmoke:
      return "smoke";
    case Mode::kShort:
      return "short";
    case Mode::kFull:
      return "full";
  }
  return "?";
}

std::variant<BenchOptions, int> ParseOptions(int argc, char** argv) {
  BenchOptions options;
  CLI::App app{
      "liminal-bench: runs the same workloads against liminald, NATS and Redis pub/sub in one "
      "session and reports medians, ratios and PASS/FAIL targets",
      "liminal-bench"};
  bool smoke = false;
  bool full = false;
  std::vector<std::string> only;
  app.add_flag(
      "--smoke", smoke,
      "A few seconds per workload, no targets; exit 0 if every liminald workload ran (CTest)");
  app.add_flag("--full", full, "Longer measurement windows and more trials");
  app.add_option("--only", only, "Systems to run: liminald, nats, redis (repeat or comma-separate)")
      ->delimiter(',')
      ->check(CLI::IsMember({"liminald", "nats", "redis"}));
  app.add_option("--workload", options.workloads,
                 "Workloads to run (repeatable): pubsub, pubsub-16, pubsub-256, pubsub-256-tls, "
                 "pubsub-4096, fanout, reqrep, connections, push, channels-8, latency-load, "
                 "durable, durable-256, durable-4096, durable-ack; default all")
      ->delimiter(',');
  app.add_option("--json-out", options.json_out, "Where to write the JSON results")
      ->capture_default_str();
  app.add_option_function<std::string>(
      "--liminald", [&options](const std::string& v) { options.liminald = v; },
      "liminald binary (default: ../daemon/liminald next to this binary)");
  app.add_option_function<std::string>(
      "--nats-server", [&options](const std::string& v) { options.nats_server = v; },
      "nats-server binary (default: $PATH, /usr/sbin)");
  app.add_option_function<std::string>(
      "--redis-server", [&options](const std::string& v) { options.redis_server = v; },
      "redis-server binary (default: $PATH, /usr/bin)");
  app.add_option_function<int>(
         "--trials", [&options](int v) { options.trials = v; }, "Trials per system per workload")
      ->check(CLI::Range(1, 100));
  app.add_option_function<double>(
         "--seconds", [&options](double v) { options.seconds = v; },
         "Measurement window of the throughput and latency workloads, in seconds")
      ->check(CLI::Range(0.05, 600.0));
  app.add_option_function<int64_t>(
         "--connections", [&options](int64_t v) { options.connections = v; },
         "Idle connections in the connections workload")
      ->check(CLI::Range(int64_t{1}, int64_t{1'000'000}));
  app.add_option_function<uint64_t>(
         "--publish-window", [&options](uint64_t v) { options.publish_window = v; },
         "Most unacknowledged publishes (liminald, Redis); default: the --e2e-window, so a "
         "system that acknowledges publishes is held to the same bound as NATS's "
         "unacknowledged ones")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 20));
  app.add_option_function<double>(
         "--load-rate", [&options](double v) { options.load_rate = v; },
         "Offered rate (msg/s) of latency-load; default: half of NATS's pub->sub 256 B rate, "
         "taken from this run's pubsub-256 or measured for it")
      ->check(CLI::Range(1.0, 1e9));
  app.add_option("--e2e-window", options.e2e_window,
                 "Most messages the publisher may be ahead of the slowest subscriber")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 20));
  app.add_flag("--fail-on-target", options.fail_on_target,
               "Exit with status 2 when a target FAILs (default: targets only print)");
  app.add_flag("--list", options.list, "List the workloads of the selected mode and exit");
  SoakOptions soak;
  CLI::Option* soak_flag =
      app.add_option("--soak", soak.minutes,
                     "Soak liminald for MINUTES instead of running the workloads: many "
                     "connections with mixed traffic and churn, the server's RSS, fds and CPU "
                     "sampled; exit 3 if RSS or fds keep growing after the warm-up, 1 on errors")
          ->check(CLI::Range(0.01, 10'000.0));
  app.add_option("--soak-connections", soak.connections, "Connections the soak holds")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{10}, int64_t{100'000}));
  app.add_option("--soak-sample-seconds", soak.sample_seconds,
                 "Seconds between samples of the server's RSS, fds and CPU")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 600.0));
  app.add_option_function<double>(
         "--soak-warmup-minutes", [&soak](double v) { soak.warmup_minutes = v; },
         "Minutes before growth counts (default: a quarter of the soak)")
      ->check(CLI::Range(0.0, 10'000.0));
  app.add_option("--soak-rss-tolerance-mib", soak.rss_tolerance_mib,
                 "Most RSS growth (MiB) after the warm-up that still counts as flat")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 1'000'000.0));
  app.add_option("--soak-fd-tolerance", soak.fd_tolerance,
                 "Most growth in open fds after the warm-up that still counts as flat")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1'000'000}));
  app.add_option("--soak-publish-rate", soak.publishes_per_second,
                 "Publishes per second, all publishers together")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e7));
  app.add_option("--soak-request-rate", soak.requests_per_second,
                 "Echo conversation requests per second, all clients together")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e7));
  app.add_flag("--soak-plant-leak", soak.plant_leak,
               "Testing the soak: raw churn connections are left open, so liminald's fds and "
               "RSS grow as with a leak; the soak must fail with exit status 3");
  app.add_option("--soak-push-rate", soak.pushes_per_second,
                 "Requests dispatched to workers as pushes per second, all together")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e7));
  app.get_formatter()->column_width(30);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  if (smoke && full) {
    std::fprintf(stderr, "liminal-bench: --smoke and --full exclude each other\n");
    return 64;
  }
  options.mode = smoke ? Mode::kSmoke : full ? Mode::kFull : Mode::kShort;
  if (soak_flag->count() > 0) options.soak = soak;
  if (!only.empty()) {
    options.systems.clear();
    for (System system : {System::kLiminald, System::kNats, System::kRedis}) {
      if (std::find(only.begin(), only.end(), SystemName(system)) != only.end()) {
        options.systems.push_back(system);
      }
    }
  }
  return options;
}

}  // namespace liminal::bench
