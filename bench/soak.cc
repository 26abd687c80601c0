#include "bench/soak.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "bench/fd_limit.h"
#include "bench/format.h"
#include "bench/growth_detector.h"
#include "bench/liminald_server.h"
#include "bench/proc_metrics.h"
#include "bench/soak_traffic.h"

namespace liminal::bench {
namespace {

constexpr int kSoakChannels = 16;
// Descriptors the harness needs besides one per connection.
constexpr int64_t kSoakSpareDescriptors = 1024;
constexpr double kMiB = 1 << 20;
constexpr double kProgressSeconds = 30;

struct Sample {
  double seconds = 0;  // since the population was up
  int64_t rss_bytes = 0;
  int64_t fds = 0;
  double cpu_seconds = 0;  // the server's, cumulative
  SoakCounts counts{};
};

double CountOf(const SoakCounts& counts, SoakOp op) {
  return static_cast<double>(counts[static_cast<size_t>(op)]);
}

std::string ProgressLine(const Sample& previous, const Sample& now) {
  const double dt = std::max(now.seconds - previous.seconds, 1e-9);
  auto rate = [&](SoakOp op) {
    return FormatValue((CountOf(now.counts, op) - CountOf(previous.counts, op)) / dt, "msg/s");
  };
  const double churn = CountOf(now.counts, SoakOp::kChurnGraceful) +
                       CountOf(now.counts, SoakOp::kChurnReset) +
                       CountOf(now.counts, SoakOp::kChurnAbortedHandshake) -
                       CountOf(previous.counts, SoakOp::kChurnGraceful) -
                       CountOf(previous.counts, SoakOp::kChurnReset) -
                       CountOf(previous.counts, SoakOp::kChurnAbortedHandshake);
  const double deliveries = CountOf(now.counts, SoakOp::kDeliveryAcks) +
                            CountOf(now.counts, SoakOp::kDeliveryNoAcks) -
                            CountOf(previous.counts, SoakOp::kDeliveryAcks) -
                            CountOf(previous.counts, SoakOp::kDeliveryNoAcks);
  return absl::StrFormat(
      "[soak %s] rss %s, fds %d, cpu %.0f %% | publish %s/s, deliver %s/s, echo %s/s, push "
      "%s/s, churn %.0f/s | skipped %d, errors %d",
      FormatSeconds(now.seconds), FormatValue(static_cast<double>(now.rss_bytes), "B"), now.fds,
      100 * (now.cpu_seconds - previous.cpu_seconds) / dt, rate(SoakOp::kPublish),
      FormatValue(deliveries / dt, "msg/s"), rate(SoakOp::kEchoRequest), rate(SoakOp::kPushRequest),
      churn / dt, now.counts[static_cast<size_t>(SoakOp::kSkipped)],
      now.counts[static_cast<size_t>(SoakOp::kError)]);
}

absl::StatusOr<Sample> TakeSample(pid_t pid, double seconds, const SoakTraffic& traffic) {
  Sample sample;
  sample.seconds = seconds;
  absl::StatusOr<int64_t> rss = ReadRssBytes(pid);
  if (!rss.ok()) return rss.status();
  absl::StatusOr<int64_t> fds = ReadOpenFdCount(pid);
  if (!fds.ok()) return fds.status();
  absl::StatusOr<absl::Duration> cpu = ReadCpuTime(pid);
  if (!cpu.ok()) return cpu.status();
  sample.rss_bytes = *rss;
  sample.fds = *fds;
  sample.cpu_seconds = absl::ToDoubleSeconds(*cpu);
  sample.counts = traffic.counts();
  return sample;
}

void WriteSoakJson(const std::string& path, const nlohmann::json& summary,
                   const std::vector<Sample>& samples) {
  nlohmann::json out = summary;
  nlohmann::json series = nlohmann::json::array();
  for (const Sample& s : samples) {
    series.push_back({{"seconds", s.seconds},
                      {"rss_bytes", s.rss_bytes},
                      {"fds", s.fds},
                      {"cpu_seconds", s.cpu_seconds}});
  }
  out["samples"] = std::move(series);
  std::ofstream file(path);
  file << out.dump(2) << "\n";
  if (file) {
    std::cout << "JSON results: " << path << "\n";
  } else {
    std::cerr << "liminal-bench: cannot write " << path << "\n";
  }
}

}  // namespace

int RunSoak(const BenchOptions& options) {
  const SoakOptions& soak = *options.soak;
  const std::string binary =
      std::filesystem::absolute(options.liminald.value_or(DefaultLiminaldPath())).string();
  if (::access(binary.c_str(), X_OK) != 0) {
    std::cerr << "liminal-bench: liminald not found at " << binary
              << " (build the liminald target or pass --liminald PATH)\n";
    return kSoakExitFailed;
  }
  size_t connections = static_cast<size_t>(soak.connections);
  // A planted leak holds up to one churned connection per ~50 ms per churn slot.
  const int64_t leak_allowance =
      soak.plant_leak ? static_cast<int64_t>(soak.minutes * 60 * 20) * soak.connections / 4 : 0;
  const int64_t wanted = soak.connections + kSoakSpareDescriptors + leak_allowance;
  if (const int64_t limit = RaiseFileLimit(wanted); limit < wanted && !soak.plant_leak) {
    connections = static_cast<size_t>(std::max<int64_t>(limit - kSoakSpareDescriptors,
                                                        static_cast<int64_t>(kMinSoakConnections)));
    std::cerr << "liminal-bench: RLIMIT_NOFILE is " << limit << ": soaking with " << connections
              << " connections instead of " << soak.connections << "\n";
  }

  LiminaldLaunchOptions launch;
  launch.binary = binary;
  launch.max_connections = std::max<int64_t>(launch.max_connections, 2 * soak.connections);
  std::vector<std::string> channels;
  for (int i = 0; i < kSoakChannels; ++i) channels.push_back(absl::StrCat("soak.", i));
  launch.extra_channels = channels;
  absl::StatusOr<std::unique_ptr<ServerProcess>> server = StartLiminald(launch);
  if (!server.ok()) {
    std::cerr << "liminal-bench: " << server.status().message() << "\n";
    return kSoakExitFailed;
  }
  const pid_t pid = (*server)->pid();

  const double duration_seconds = soak.minutes * 60;
  const double warmup_seconds =
      soak.warmup_minutes.has_value() ? *soak.warmup_minutes * 60 : duration_seconds / 4;
  const SoakTrafficSpec spec{.host = (*server)->host(),
                             .port = (*server)->port(),
                             .connections = connections,
                             .channels = channels,
                             .publishes_per_second = soak.publishes_per_second,
                             .requests_per_second = soak.requests_per_second,
                             .pushes_per_second = soak.pushes_per_second,
                             .churn_hold_min = absl::Milliseconds(200),
                             .churn_hold_max = absl::Seconds(2),
                             .io_threads = 2,
                             .request_timeout = absl::Seconds(10),
                             .plant_leak = soak.plant_leak};
  absl::StatusOr<SoakRoles> roles = SplitConnections(connections);
  if (!roles.ok()) {
    std::cerr << "liminal-bench: " << roles.status().message() << "\n";
    return kSoakExitFailed;
  }
  if (soak.plant_leak) {
    std::cout << "PLANTED LEAK: raw churn connections are left open; this soak must fail\n";
  }
  std::cout << absl::StrFormat(
      "liminal-bench soak: %s of %s (pid %d), %d connections: %d workers, %d publishers, %d "
      "subscribers with ACKS, %d without, %d echo conversations, %d push requesters, %d churn "
      "slots; %d channels; offered %.0f publishes/s, %.0f echo requests/s, %.0f pushes/s; "
      "sample every %s, warm-up %s\n",
      FormatSeconds(duration_seconds), binary, pid, connections, roles->workers, roles->publishers,
      roles->acks_subscribers, roles->noacks_subscribers, roles->echo_clients,
      roles->push_requesters, roles->churn_slots, kSoakChannels, soak.publishes_per_second,
      soak.requests_per_second, soak.pushes_per_second, FormatSeconds(soak.sample_seconds),
      FormatSeconds(warmup_seconds));
  const MachineInfo machine = ReadMachineInfo();
  std::cout << "machine: " << machine.online_cpus << " CPUs (" << machine.cpu_model << "), "
            << machine.kernel << ", load average " << machine.load_average << "\n"
            << std::flush;

  const absl::Time setup_start = absl::Now();
  absl::StatusOr<std::unique_ptr<SoakTraffic>> traffic = SoakTraffic::Start(spec);
  if (!traffic.ok()) {
    std::cerr << "liminal-bench: soak setup failed: " << traffic.status().message() << "\n"
              << (*server)->OutputTail() << "\n";
    return kSoakExitFailed;
  }
  std::cout << "population up in "
            << FormatSeconds(absl::ToDoubleSeconds(absl::Now() - setup_start)) << "\n"
            << std::flush;

  std::vector<Sample> samples;
  std::string failure;
  const absl::Time start = absl::Now();
  const int progress_every = std::max(
      1, static_cast<int>(std::min(kProgressSeconds, duration_seconds / 10) / soak.sample_seconds));
  for (int i = 0;; ++i) {
    // Sampling ticks: a measurement schedule, not a wait for an event.
    const absl::Time due = start + absl::Seconds(soak.sample_seconds * i);
    if (due > start + absl::Seconds(duration_seconds)) break;
    absl::SleepFor(due - absl::Now());
    if (!(*server)->running()) {
      failure = absl::StrCat("liminald exited during the soak\n", (*server)->OutputTail());
      break;
    }
    absl::StatusOr<Sample> sample =
        TakeSample(pid, absl::ToDoubleSeconds(absl::Now() - start), **traffic);
    if (!sample.ok()) {
      failure = absl::StrCat("sampling liminald: ", sample.status().message());
      break;
    }
    samples.push_back(*std::move(sample));
    if (i > 0 && i % progress_every == 0) {
      std::cout << ProgressLine(samples[samples.size() - 1 - static_cast<size_t>(progress_every)],
                                samples.back())
                << "\n"
                << std::flush;
    }
  }
  (*traffic)->Stop();
  const SoakCounts counts = (*traffic)->counts();
  const std::vector<std::string> errors = (*traffic)->first_errors();
  if (failure.empty() && !(*server)->running()) {
    failure = absl::StrCat("liminald exited during the soak\n", (*server)->OutputTail());
  }
  const CountedLines server_errors = (*server)->counted_lines();
  (void)(*server)->Stop();

  // ---- verdicts ----
  std::vector<SeriesPoint> rss_series;
  std::vector<SeriesPoint> fd_series;
  for (const Sample& s : samples) {
    rss_series.push_back({.seconds = s.seconds, .value = static_cast<double>(s.rss_bytes)});
    fd_series.push_back({.seconds = s.seconds, .value = static_cast<double>(s.fds)});
  }
  const GrowthCheck rss_check{.warmup_seconds = warmup_seconds,
                              .tolerance = soak.rss_tolerance_mib * kMiB};
  const GrowthCheck fd_check{.warmup_seconds = warmup_seconds,
                             .tolerance = static_cast<double>(soak.fd_tolerance)};
  const GrowthVerdict rss = DetectGrowth(rss_series, rss_check);
  const GrowthVerdict fds = DetectGrowth(fd_series, fd_check);

  // ---- summary ----
  std::cout << "\n== soak summary ==\n";
  nlohmann::json summary;
  summary["soak_minutes"] = soak.minutes;
  summary["connections"] = connections;
  summary["machine"] = {{"cpus", machine.online_cpus},
                        {"cpu_model", machine.cpu_model},
                        {"load_average_at_start", machine.load_average}};
  if (!samples.empty()) {
    const Sample& first = samples.front();
    const Sample& last = samples.back();
    int64_t rss_peak = 0;
    int64_t fd_peak = 0;
    const Sample* at_warmup = &first;
    for (const Sample& s : samples) {
      rss_peak = std::max(rss_peak, s.rss_bytes);
      fd_peak = std::max(fd_peak, s.fds);
      if (s.seconds <= warmup_seconds) at_warmup = &s;
    }
    const double wall = std::max(last.seconds - first.seconds, 1e-9);
    const double window = std::max(last.seconds - at_warmup->seconds, 1e-9);
    const double cpu_all = 100 * (last.cpu_seconds - first.cpu_seconds) / wall;
    const double cpu_window = 100 * (last.cpu_seconds - at_warmup->cpu_seconds) / window;
    auto mib = [](int64_t bytes) { return absl::StrFormat("%.1f MiB", bytes / kMiB); };
    std::cout << absl::StrFormat(
        "duration        %s, %d samples (load average now %s)\n"
        "RSS             start %s, after warm-up %s, end %s, peak %s\n"
        "open fds        start %d, after warm-up %d, end %d, peak %d\n"
        "CPU (liminald)  %.0f %% of one core over the run, %.0f %% after the warm-up\n",
        FormatSeconds(wall), samples.size(), ReadMachineInfo().load_average, mib(first.rss_bytes),
        mib(at_warmup->rss_bytes), mib(last.rss_bytes), mib(rss_peak), first.fds, at_warmup->fds,
        last.fds, fd_peak, cpu_all, cpu_window);
    summary["rss_bytes"] = {{"start", first.rss_bytes},
                            {"after_warmup", at_warmup->rss_bytes},
                            {"end", last.rss_bytes},
                            {"peak", rss_peak}};
    summary["fds"] = {{"start", first.fds},
                      {"after_warmup", at_warmup->fds},
                      {"end", last.fds},
                      {"peak", fd_peak}};
    summary["cpu_percent"] = {{"run", cpu_all}, {"after_warmup", cpu_window}};
  }
  const double run_seconds = samples.empty() ? 0 : std::max(samples.back().seconds, 1e-9);
  std::cout << "operations      ";
  nlohmann::json operations;
  for (size_t i = 0; i < kSoakOpCount; ++i) {
    const auto op = static_cast<SoakOp>(i);
    std::cout << (i == 0 ? "" : ", ") << SoakOpName(op) << " " << counts[i];
    if (run_seconds > 0 && op != SoakOp::kError && op != SoakOp::kSkipped) {
      std::cout << absl::StrFormat(" (%.0f/s)", static_cast<double>(counts[i]) / run_seconds);
    }
    operations[SoakOpName(op)] = counts[i];
  }
  std::cout << "\n";
  summary["operations"] = operations;
  std::cout << "RSS growth      " << DescribeVerdict(rss, rss_check, kMiB, "MiB") << "\n"
            << "fd growth       " << DescribeVerdict(fds, fd_check, 1, "fds") << "\n";
  summary["rss_growth"] = {{"growing", rss.growing},
                           {"projected_bytes", rss.projected_growth},
                           {"half_median_rise_bytes", rss.half_median_rise},
                           {"tolerance_bytes", rss_check.tolerance}};
  summary["fd_growth"] = {{"growing", fds.growing},
                          {"projected", fds.projected_growth},
                          {"half_median_rise", fds.half_median_rise},
                          {"tolerance", fd_check.tolerance}};
  std::cout << "liminald errors " << server_errors.count << " error/critical log lines\n";
  for (const std::string& line : server_errors.first) std::cout << "  " << line << "\n";
  std::cout << "client errors   " << counts[static_cast<size_t>(SoakOp::kError)] << "\n";
  for (const std::string& error : errors) std::cout << "  " << error << "\n";
  summary["server_error_lines"] = server_errors.count;
  summary["client_errors"] = counts[static_cast<size_t>(SoakOp::kError)];
  summary["first_client_errors"] = errors;
  if (!failure.empty()) {
    std::cout << "FAILED: " << failure << "\n";
    summary["failure"] = failure;
  }

  const bool failed = !failure.empty() || server_errors.count > 0 ||
                      counts[static_cast<size_t>(SoakOp::kError)] > 0;
  const bool growing = rss.growing || fds.growing;
  const char* verdict = failed ? "FAIL (errors)" : growing ? "FAIL (growth)" : "PASS";
  std::cout << "verdict         " << verdict << "\n";
  summary["verdict"] = verdict;
  WriteSoakJson(options.json_out, {{"soak", summary}}, samples);
  if (failed) return kSoakExitFailed;
  return growing ? kSoakExitGrowing : kSoakExitOk;
}

}  // namespace liminal::bench
