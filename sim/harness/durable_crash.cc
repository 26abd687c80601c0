#include "sim/harness/durable_crash.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/protocol/frame_encoder.h"
#include "core/protocol/frame_stream.h"
#include "core/server/assembly/server_assembly.h"
#include "sim/harness/check_capture.h"
#include "sim/harness/planted_fault.h"
#include "sim/invariants/durable_history.h"
#include "sim/kernel/fiber_kernel.h"
#include "sim/kernel/rng.h"
#include "sim/net/sim_network.h"
#include "sim/runtime/sim_runtime.h"

namespace liminal::sim {
namespace {

using protocol::Frame;
using protocol::MakeFrame;

constexpr const char* kChannels[] = {"orders", "audit"};

absl::Duration Us(uint64_t us) { return absl::Microseconds(static_cast<int64_t>(us)); }

struct PublisherPlan {
  int channel = 0;
  int count = 0;  // messages
  int burst = 1;  // written back to back before waiting for their answers
  absl::Duration start;
  absl::Duration gap;  // between bursts
  LinkParams link;
};

struct ReaderPlan {
  int channel = 0;
  absl::Duration start;
  std::optional<uint64_t> from;  // ?from=<id>; otherwise the REPLAY flag
};

struct IncarnationPlan {
  std::vector<PublisherPlan> publishers;
  std::vector<ReaderPlan> readers;         // cut off by the crash (or the end)
  std::optional<absl::Duration> crash_at;  // none: the last incarnation
  bool tear = false;
  std::optional<std::pair<absl::Duration, absl::Duration>> failing_syncs;  // from, for
  absl::Duration max_fsync_latency;
};

LinkParams RandomLink(Rng& rng) {
  return LinkParams{Us(rng.Range(20, 400)), Us(rng.Range(0, 200)),
                    rng.Chance(1, 3) ? static_cast<size_t>(rng.Range(1, 64)) : 0};
}

std::vector<IncarnationPlan> MakePlan(Rng& rng) {
  std::vector<IncarnationPlan> plan(rng.Range(2, 4));
  for (size_t i = 0; i < plan.size(); ++i) {
    IncarnationPlan& inc = plan[i];
    const bool last = i + 1 == plan.size();
    for (uint64_t p = rng.Range(1, 3); p > 0; --p) {
      inc.publishers.push_back({.channel = static_cast<int>(rng.Uniform(2)),
                                .count = static_cast<int>(rng.Range(3, 30)),
                                .burst = static_cast<int>(rng.Range(1, 8)),
                                .start = Us(rng.Range(0, 2000)),
                                .gap = Us(rng.Range(0, 1500)),
                                .link = RandomLink(rng)});
    }
    if (rng.Chance(1, 2)) {
      ReaderPlan reader{.channel = static_cast<int>(rng.Uniform(2)),
                        .start = Us(rng.Range(0, 4000)),
                        .from = std::nullopt};
      if (rng.Chance(1, 3)) reader.from = rng.Range(1, 40);
      inc.readers.push_back(reader);
    }
    if (!last) {
      inc.crash_at = Us(rng.Range(500, 15000));
      inc.tear = rng.Chance(1, 2);
    }
    if (rng.Chance(1, 4)) inc.failing_syncs = {Us(rng.Range(0, 6000)), Us(rng.Range(100, 3000))};
    inc.max_fsync_latency = Us(rng.Range(0, 2000));
  }
  return plan;
}

std::string DescribePlan(const std::vector<IncarnationPlan>& plan) {
  std::string text;
  for (size_t i = 0; i < plan.size(); ++i) {
    const IncarnationPlan& inc = plan[i];
    absl::StrAppend(&text, "incarnation ", i, ":");
    for (const PublisherPlan& p : inc.publishers) {
      absl::StrAppend(&text, " publish ", p.count, "x", kChannels[p.channel], " (burst ", p.burst,
                      ");");
    }
    for (const ReaderPlan& r : inc.readers) {
      absl::StrAppend(&text, " replay ", kChannels[r.channel],
                      r.from.has_value() ? absl::StrCat(" from ", *r.from) : std::string(), ";");
    }
    if (inc.failing_syncs.has_value()) {
      absl::StrAppend(&text, " fsyncs fail at ", absl::FormatDuration(inc.failing_syncs->first),
                      " for ", absl::FormatDuration(inc.failing_syncs->second), ";");
    }
    if (inc.crash_at.has_value()) {
      absl::StrAppend(&text, " crash at ", absl::FormatDuration(*inc.crash_at),
                      inc.tear ? " (tearing)" : "", "\n");
    } else {
      absl::StrAppend(&text, " final replay\n");
    }
  }
  return text;
}

server::services::ServicesOptions DurableServices(const RunOptions& options) {
  server::services::ServicesOptions services;
  for (const char* name : kChannels) {
    server::services::ChannelSpec channel;
    channel.name = name;
    channel.durable = true;
    channel.storage.directory = absl::StrCat("/data/", name);
    channel.storage.fsync = config::FsyncPolicy::kAlways;
    channel.storage.segment_bytes = 1024;  // small: segments roll within a run
    services.channels.push_back(std::move(channel));
  }
  services.max_subscription_inbox_depth = 16;  // replays refill several times
  services.faults = options.faults;
  return services;
}

// One client connection driven from a fiber: frames out, frames in.
class WireClient {
 public:
  WireClient(SimNetwork& network, const LinkParams& link, std::string address) : network_(network) {
    ConnectionParams params;
    params.client_to_server = link;
    params.server_to_client = link;
    params.peer_address = std::move(address);
    conn_ = network_.Connect(params);
  }

  void Send(const Frame& frame) {
    std::string bytes;
    if (protocol::EncodeFrame(frame, bytes).ok()) network_.Write(conn_, std::move(bytes));
  }

  // The next frame, or nullopt once the server closed the connection.
  std::optional<Frame> Next() {
    while (true) {
      if (std::optional<Frame> frame = buffer_.Next()) return frame;
      if (buffer_.error() != nullptr || closed_) return std::nullopt;
      ClientReadResult read = network_.Read(conn_);
      buffer_.Append(std::move(read.bytes));
      if (read.eof || read.reset) closed_ = true;
    }
  }

  // Connect 1.0 and wait for ConnectAck.
  bool Handshake() {
    Send(MakeFrame(protocol::Connect{{1, 0}, {1, 0}, ""}));
    std::optional<Frame> ack = Next();
    return ack.has_value() && std::holds_alternative<protocol::ConnectAck>(ack->body);
  }

 private:
  SimNetwork& network_;
  ConnId conn_ = 0;
  protocol::FrameStream buffer_{protocol::FrameStream::kNoLimit};
  bool closed_ = false;
};

class NullObserver final : public StepObserver {
 public:
  void OnStep() override {}
  void OnQuiescent() override {}
};

// One server lifetime: its own kernel, runtime, network, services and supervisor over the
// disk image the previous one left.
class Incarnation {
 public:
  Incarnation(size_t index, uint64_t seed, Trace& trace, const RunOptions& options,
              const SimDisk::DiskImage& image, DurableHistory& history)
      : index_(index),
        history_(history),
        kernel_(MakeStrategy(options.strategy, DeriveSeed(seed, absl::StrCat("schedule", index)),
                             options.strategy_options),
                trace),
        runtime_(kernel_, DeriveSeed(seed, absl::StrCat("runtime", index))),
        network_(kernel_, runtime_.scheduler(), DeriveSeed(seed, absl::StrCat("network", index))),
        check_capture_(kernel_, std::string(kDurableCrashScenario), seed) {
    runtime_.file_system().Load(image);
  }
  ~Incarnation() { runtime_.scheduler().DestroyAll(); }

  // Runs the incarnation's plan; false (with `why`) when the server could not start.
  bool Run(const IncarnationPlan& plan, const RunOptions& options, int& next_reader,
           std::string& why) {
    runtime_.file_system().set_max_blocking_latency(plan.max_fsync_latency);
    // The server liminald runs (core/server/assembly), over the simulated disk.
    server::AssemblyOptions assembly;
    assembly.services = DurableServices(options);
    assembly.faults = options.faults;
    absl::StatusOr<std::unique_ptr<server::ServerAssembly>> server =
        server::ServerAssembly::Create(runtime_, std::move(assembly));
    if (!server.ok()) {
      why = absl::StrCat("incarnation ", index_, " could not start: ", server.status().message());
      return false;
    }
    server_ = *std::move(server);
    network_.listener().StartAccepting([this](std::unique_ptr<runtime::Socket> socket) {
      (void)server_->supervisor().SpawnConnection(std::move(socket));
    });
    for (size_t p = 0; p < plan.publishers.size(); ++p) {
      kernel_.Spawn(absl::StrCat("publisher:", p),
                    [this, p, publisher = plan.publishers[p]] { Publish(p, publisher); });
    }
    for (const ReaderPlan& reader : plan.readers) {
      const int id = next_reader++;
      kernel_.Spawn(absl::StrCat("reader:", id), [this, id, reader] { Read(id, reader, false); });
    }
    if (plan.failing_syncs.has_value()) {
      kernel_.Spawn("disk-fault", [this, window = *plan.failing_syncs] {
        kernel_.SleepFor(window.first);
        runtime_.file_system().FailSyncs(absl::DataLossError("simulated disk: fsync failed"));
        kernel_.SleepFor(window.second);
        runtime_.file_system().FailSyncs(absl::OkStatus());
      });
    }
    if (plan.crash_at.has_value()) {
      kernel_.Spawn("crash", [this, at = *plan.crash_at] {
        kernel_.SleepFor(at);
        kernel_.trace().Add(TraceKind::kNote, index_, 0, 0, "server crash");
        kernel_.RequestStop();
      });
    } else {
      for (int channel = 0; channel < 2; ++channel) {
        const int id = next_reader++;
        history_.FinalReplay(kChannels[channel], id);
        kernel_.Spawn(absl::StrCat("final-reader:", id), [this, id, channel] {
          Read(id, ReaderPlan{.channel = channel, .start = absl::ZeroDuration(), .from = {}}, true);
        });
      }
    }
    publishers_left_ = static_cast<int>(plan.publishers.size());
    stop_ = kernel_.Run(observer_, options.limits);
    return true;
  }

  KernelStop stop() const { return stop_; }
  FiberKernel& kernel() { return kernel_; }
  const std::optional<Violation>& failed_check() const { return check_capture_.violation(); }

  // The disk the next incarnation finds: synced bytes, maybe a torn tail.
  SimDisk::DiskImage Crash(bool tear) {
    runtime_.file_system().Crash({.tear_last_write = tear});
    return runtime_.file_system().Image();
  }

 private:
  void Publish(size_t index, const PublisherPlan& plan) {
    kernel_.SleepFor(plan.start);
    WireClient client(network_, plan.link, absl::StrCat("10.0.", index_, ".", index, ":4000"));
    if (!client.Handshake()) return PublisherDone();
    const std::string channel = kChannels[plan.channel];
    int sent = 0;
    uint32_t stream = 1;
    while (sent < plan.count) {
      absl::btree_map<uint32_t, std::string> waiting;  // stream -> payload
      for (int b = 0; b < plan.burst && sent < plan.count; ++b, ++sent) {
        std::string payload = absl::StrCat("i", index_, "-p", index, "-", sent);
        protocol::Envelope envelope;
        envelope.payload = payload;
        client.Send(
            MakeFrame(protocol::Publish{channel, std::move(envelope), std::nullopt}, stream));
        waiting.emplace(stream, std::move(payload));
        stream += 2;
      }
      while (!waiting.empty()) {
        std::optional<Frame> frame = client.Next();
        if (!frame.has_value()) return PublisherDone();
        auto it = waiting.find(frame->stream_id);
        if (it == waiting.end()) continue;
        if (const auto* ack = std::get_if<protocol::PublishAck>(&frame->body)) {
          history_.Acked(channel, it->second, ack->message_id);
          kernel_.trace().Add(TraceKind::kNote, index_, ack->message_id, 0,
                              absl::StrCat("acked ", it->second));
        } else if (std::holds_alternative<protocol::PublishError>(frame->body)) {
          history_.Failed(channel, it->second);
          kernel_.trace().Add(TraceKind::kNote, index_, 0, 0,
                              absl::StrCat("E_STORAGE ", it->second));
        }
        waiting.erase(it);
      }
      kernel_.SleepFor(plan.gap);
    }
    PublisherDone();
  }

  void PublisherDone() { --publishers_left_; }

  // Replays the channel; a final reader first waits for the publishers, publishes a marker
  // and stops at it, so its replay holds everything acknowledged before.
  void Read(int id, const ReaderPlan& plan, bool final) {
    kernel_.SleepFor(plan.start);
    while (final && publishers_left_ > 0) kernel_.SleepFor(absl::Milliseconds(1));
    WireClient client(network_, LinkParams{Us(100), Us(50), 0},
                      absl::StrCat("10.1.", index_, ".", id, ":4000"));
    if (!client.Handshake()) return;
    const std::string channel = kChannels[plan.channel];
    const std::string marker = absl::StrCat("marker-", id);
    uint32_t marker_stream = 1;
    auto publish_marker = [&] {
      protocol::Envelope envelope;
      envelope.payload = marker;
      client.Send(
          MakeFrame(protocol::Publish{channel, std::move(envelope), std::nullopt}, marker_stream));
    };
    if (final) publish_marker();
    const std::string target =
        plan.from.has_value() ? absl::StrCat(channel, "?from=", *plan.from) : channel;
    client.Send(MakeFrame(protocol::Subscribe{target, {}, 1024}, 2,
                          plan.from.has_value() ? 0 : protocol::kFlagReplay));
    while (std::optional<Frame> frame = client.Next()) {
      if (std::holds_alternative<protocol::PublishError>(frame->body)) {
        // The disk is failing fsyncs right now: the marker was not stored; try again.
        kernel_.SleepFor(absl::Milliseconds(1));
        marker_stream += 2;
        publish_marker();
        continue;
      }
      const auto* deliver = std::get_if<protocol::Deliver>(&frame->body);
      if (deliver == nullptr) continue;
      if (deliver->envelope.payload == marker) {
        if (--final_readers_left_ == 0) kernel_.RequestStop();
        return;
      }
      history_.Replayed(id, channel, deliver->envelope.payload);
    }
  }

  const size_t index_;
  DurableHistory& history_;
  FiberKernel kernel_;
  SimRuntime runtime_;
  SimNetwork network_;
  CheckCapture check_capture_;
  std::unique_ptr<server::ServerAssembly> server_;
  NullObserver observer_;
  KernelStop stop_ = KernelStop::kQuiescent;
  int publishers_left_ = 0;
  int final_readers_left_ = 2;
};

}  // namespace

RunResult RunDurableCrash(uint64_t seed, const RunOptions& options) {
  RunResult result;
  result.scenario = kDurableCrashScenario;
  result.seed = seed;
  result.strategy = StrategyKindName(options.strategy);
  result.services = "real";
  Rng rng(DeriveSeed(seed, kDurableCrashScenario));
  const std::vector<IncarnationPlan> plan = MakePlan(rng);
  result.workload = DescribePlan(plan);
  result.workload_summary = absl::StrCat(plan.size(), " incarnations");

  Trace trace(TraceOptionsFor(options));
  trace.Add(TraceKind::kNote, seed, 0, 0,
            absl::StrCat("run durable-crash seed=0x", absl::Hex(seed),
                         " fault=", PlantedFaultName(options.faults)));
  DurableHistory history;
  SimDisk::DiskImage disk;
  int next_reader = 0;
  for (size_t i = 0; i < plan.size() && !result.violation.has_value(); ++i) {
    Incarnation incarnation(i, seed, trace, options, disk, history);
    std::string why;
    if (!incarnation.Run(plan[i], options, next_reader, why)) {
      result.violation = Violation{"server-restarts", why};
      break;
    }
    if (incarnation.failed_check().has_value()) {
      result.violation = incarnation.failed_check();
      break;
    }
    result.steps += incarnation.kernel().steps();
    result.virtual_time += incarnation.kernel().Now() - incarnation.kernel().start();
    result.stop = incarnation.stop();
    if (incarnation.stop() == KernelStop::kStepLimit ||
        incarnation.stop() == KernelStop::kTimeLimit) {
      result.violation =
          Violation{"progress", absl::StrCat("incarnation ", i, " hit its ",
                                             KernelStopName(incarnation.stop()), " guard")};
    } else if (!plan[i].crash_at.has_value() && incarnation.stop() != KernelStop::kStopped) {
      result.violation = Violation{
          "progress", absl::StrCat("the final replay did not reach its marker (the run went ",
                                   KernelStopName(incarnation.stop()), ")")};
    }
    disk = incarnation.Crash(plan[i].tear);
  }
  if (!result.violation.has_value()) result.violation = history.Check();
  trace.Add(TraceKind::kNote, history.acked(), 0, 0,
            result.violation.has_value()
                ? absl::StrCat("verdict: FAIL ", result.violation->invariant, ": ",
                               result.violation->detail)
                : std::string("verdict: pass"));
  result.trace_hash = trace.hash();
  result.trace_records = trace.size();
  result.trace_tail = trace.FormatTail();
  if (options.keep_full_trace) result.trace = trace.FormatAll();
  return result;
}

}  // namespace liminal::sim
