#include "sim/harness/simulation.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/check/check.h"
#include "core/server/assembly/server_assembly.h"
#include "core/server/connection_supervisor.h"
#include "core/server/services/conversations/responder.h"
#include "core/server/services/liminal_services.h"
#include "sim/harness/application.h"
#include "sim/harness/check_capture.h"
#include "sim/harness/conn_table.h"
#include "sim/harness/durable_crash.h"
#include "sim/harness/fault_injector.h"
#include "sim/harness/invariant_observer.h"
#include "sim/harness/planted_fault.h"
#include "sim/harness/shutdown_coordinator.h"
#include "sim/harness/sim_client.h"
#include "sim/invariants/event_log.h"
#include "sim/invariants/invariant_suite.h"
#include "sim/invariants/messaging_history.h"
#include "sim/kernel/fiber_kernel.h"
#include "sim/kernel/rng.h"
#include "sim/net/sim_network.h"
#include "sim/net/sim_socket.h"
#include "sim/runtime/sim_fault_points.h"
#include "sim/runtime/sim_runtime.h"
#include "sim/services/sim_notifier.h"
#include "sim/services/sim_services.h"
#include "sim/workload/scenarios.h"

namespace liminal::sim {
namespace {

// The routing rule every simulated server has, as the services run it and as the messaging
// history models it: messages to 'orders' with "prio" >= 5 are copied to 'audit'.
constexpr int kRoutedPrio = 5;
std::vector<MessagingHistory::Route> HistoryRoutes() {
  return {{.source = "orders", .target = "audit", .min_prio = kRoutedPrio}};
}

// The rule's predicate, `prio >= 5`, evaluated on the payloads the simulated clients build
// (MessagingHistory::MessagePayload). The daemon's JSON predicate backend is not part of
// liminal_core, so the simulation brings this small one.
class PrioAtLeast final : public server::services::MessagePredicate {
 public:
  explicit PrioAtLeast(int min) : min_(min) {}
  bool Matches(std::string_view payload) const override {
    constexpr std::string_view kKey = "\"prio\":";
    const size_t at = payload.find(kKey);
    if (at == std::string_view::npos) return false;
    const std::string_view rest = payload.substr(at + kKey.size());
    int value = 0;
    const size_t digits = std::min(rest.find_first_not_of("0123456789"), rest.size());
    return digits > 0 && absl::SimpleAtoi(absl::string_view(rest.data(), digits), &value) &&
           value >= min_;
  }

 private:
  int min_;
};

server::SupervisorOptions MakeSupervisorOptions(const Workload& w, EventLog& events) {
  server::SupervisorOptions so;
  so.connection.max_frame_bytes = w.server.max_frame_bytes;
  so.connection.max_outbound_bytes = w.server.max_outbound_bytes;
  so.connection.max_inbox_bytes = w.server.max_inbox_bytes;
  so.connection.handshake_timeout = absl::Microseconds(w.server.handshake_timeout_us);
  so.connection.idle_timeout = absl::Microseconds(w.server.idle_timeout_us);
  if (w.server.auth) so.connection.auth_tokens = {"secret"};
  so.max_connections = w.server.max_connections;
  so.events = &events;
  return so;
}

// How long a dispatched push waits for the worker (below the conversation reply timeout).
constexpr absl::Duration kWorkerPushTimeout = absl::Milliseconds(10);

server::services::ServicesOptions MakeServicesOptions() {
  server::services::ServicesOptions options;
  for (const char* name : {"orders", "events", "audit"}) {
    server::services::ChannelSpec channel;
    channel.name = name;
    options.channels.push_back(std::move(channel));
  }
  for (const MessagingHistory::Route& route : HistoryRoutes()) {
    options.routes.push_back({.source = route.source,
                              .target = route.target,
                              .predicate = std::make_shared<PrioAtLeast>(route.min_prio),
                              .predicate_text = absl::StrCat("prio >= ", route.min_prio)});
  }
  options.conversation_reply_timeout = absl::Milliseconds(20);
  options.max_subscription_inbox_depth = 16;  // small: slow consumers get shed
  return options;
}

// The server of a run. By default the one liminald runs (core/server/assembly: the real
// services, the worker dispatcher in front of the application's notifier, the supervisor);
// `--services double` swaps the services for the small double of sim/services, wired by hand
// (the double is kept for the test batch that checks its session contract).
struct Server {
  std::unique_ptr<server::ServerAssembly> assembly;  // kReal
  std::unique_ptr<SimServices> fake;                 // kDouble
  std::unique_ptr<server::ConnectionSupervisor> fake_supervisor;
  server::ConnectionSupervisor* supervisor = nullptr;
};

Server MakeServer(const Workload& workload, const RunOptions& options, SimRuntime& runtime,
                  SimNotifier& notifier, EventLog& events, SimFaultPoints& fault_points) {
  // Before anything reads Runtime::fault_points().
  if (options.swarm_faults) runtime.set_fault_points(&fault_points);
  Server server;
  if (options.services == ServicesKind::kDouble) {
    server.fake = std::make_unique<SimServices>(runtime);
    server::SupervisorOptions so = MakeSupervisorOptions(workload, events);
    so.notifier = &notifier;
    so.faults = options.faults;
    server.fake_supervisor =
        std::make_unique<server::ConnectionSupervisor>(runtime, *server.fake, std::move(so));
    server.supervisor = server.fake_supervisor.get();
    return server;
  }
  server::AssemblyOptions assembly;
  assembly.services = MakeServicesOptions();
  assembly.supervisor = MakeSupervisorOptions(workload, events);
  assembly.application_notifier = &notifier;
  assembly.worker_push_timeout = kWorkerPushTimeout;
  assembly.faults = options.faults;
  absl::StatusOr<std::unique_ptr<server::ServerAssembly>> built =
      server::ServerAssembly::Create(runtime, std::move(assembly));
  LIMINAL_CHECK(built.ok(), absl::StrCat("the server assembles: ", built.status().message()));
  server.assembly = *std::move(built);
  server.supervisor = &server.assembly->supervisor();
  return server;
}

// Everything one run owns. Members are declared in dependency order; the destructor first
// destroys the remaining processes (which point into the supervisor and the network).
class Simulation {
 public:
  Simulation(const Workload& workload, uint64_t seed, const RunOptions& options)
      : workload_(workload),
        seed_(seed),
        options_(options),
        trace_(TraceOptionsFor(options)),
        kernel_(
            MakeStrategy(options.strategy, DeriveSeed(seed, "schedule"), options.strategy_options),
            trace_),
        runtime_(kernel_, seed),
        network_(kernel_, runtime_.scheduler(), DeriveSeed(seed, "network")),
        swarm_(DrawSwarmProfile(seed, options.silenced_fault_points)),
        fault_points_(kernel_, swarm_, seed),
        notifier_(kernel_),
        events_(kernel_),
        server_(MakeServer(workload, options, runtime_, notifier_, events_, fault_points_)),
        supervisor_(*server_.supervisor),
        conns_(workload.clients.size()),
        suite_(InvariantSuite::Standard()),
        check_capture_(kernel_, workload.family, seed),
        history_([this] { return kernel_.Now() - kernel_.start(); }, HistoryRoutes()) {}

  ~Simulation() { runtime_.scheduler().DestroyAll(); }

  RunResult Run();

 private:
  void OnAccept(std::unique_ptr<runtime::Socket> socket);
  void RegisterResponder(const AppAction& action);
  // The messaging history's liveness check, at the workload's cut.
  void CheckLiveness();
  // The messaging history, with the real services; the services double does not keep the
  // messaging guarantees (it exists for the supervisor's races), so it runs without.
  MessagingHistory* history() { return server_.assembly != nullptr ? &history_ : nullptr; }

  const Workload workload_;
  const uint64_t seed_;
  const RunOptions options_;
  Trace trace_;
  FiberKernel kernel_;
  SimRuntime runtime_;
  SimNetwork network_;
  SwarmProfile swarm_;
  SimFaultPoints fault_points_;
  SimNotifier notifier_;
  EventLog events_;
  Server server_;
  server::ConnectionSupervisor& supervisor_;
  ConnTable conns_;
  std::vector<std::unique_ptr<SimClient>> clients_;
  std::unique_ptr<Application> app_;
  std::unique_ptr<FaultInjector> faults_;
  std::unique_ptr<ShutdownCoordinator> shutdown_;
  InvariantSuite suite_;
  CheckCapture check_capture_;  // a failed LIMINAL_CHECK becomes this run's violation
  MessagingHistory history_;
  int accepting_client_ = -1;
};

void Simulation::OnAccept(std::unique_ptr<runtime::Socket> socket) {
  const ConnId conn = static_cast<SimSocket&>(*socket).conn();
  int client = -1;
  for (size_t i = 0; i < clients_.size(); ++i) {
    if (clients_[i]->conn() == conn) client = static_cast<int>(i);
  }
  accepting_client_ = client;
  absl::StatusOr<server::ConnectionHandle> handle = supervisor_.SpawnConnection(std::move(socket));
  accepting_client_ = -1;
  if (handle.ok() && client >= 0) {
    conns_.SetHandle(static_cast<uint32_t>(client), *handle);
  } else if (!handle.ok()) {
    trace_.Add(TraceKind::kNote, conn, 0, 0,
               absl::StrCat("connection refused: ", handle.status().message()));
  }
}

void Simulation::RegisterResponder(const AppAction& action) {
  const bool late = action.arg % 2 == 0;
  if (server_.fake != nullptr) {
    if (late) {
      server_.fake->RegisterResponder("slow", ResponderKind::kLate, absl::Milliseconds(3));
    } else {
      server_.fake->RegisterResponder("mute", ResponderKind::kSilent, absl::ZeroDuration());
    }
    return;
  }
  using server::services::ParticipantContext;
  using server::services::ReplyHandle;
  server::services::ResponderRegistry& registry = server_.assembly->services().responders();
  if (late) {
    SimClock& clock = runtime_.clock();
    // A second registration of the same subject is refused (AlreadyExists): fine here.
    (void)registry.Register(
        "slow", server::services::ResponderFromFunction(
                    [&clock](ParticipantContext&, std::string payload, ReplyHandle reply) {
                      clock.RunAfter(absl::Milliseconds(3), [payload = std::move(payload),
                                                             reply = std::move(reply)]() mutable {
                        reply.Send(std::move(payload));
                      });
                    }));
  } else {
    (void)registry.Register("mute", server::services::ResponderFromFunction(
                                        [](ParticipantContext&, std::string, ReplyHandle) {}));
  }
}

void Simulation::CheckLiveness() {
  std::vector<bool> live(clients_.size(), false);
  for (size_t i = 0; i < clients_.size(); ++i) {
    const runtime::Pid pid = conns_.PidOf(static_cast<uint32_t>(i));
    live[i] = clients_[i]->connected() && !clients_[i]->finished() &&
              !clients_[i]->sent_malformed() && pid != runtime::kNoPid &&
              runtime_.scheduler().IsAlive(pid) && !history_.Released(static_cast<uint32_t>(i)) &&
              // A failed wake is a fault whose effect outlasts it: a subscription's message
              // waits for the next publish. Such a connection is exempt.
              !runtime_.scheduler().WakeEverFailed(pid);
  }
  trace_.Add(TraceKind::kApp, 0, 0, 0, "messaging history: liveness check");
  history_.CheckLivenessNow(live);
}

RunResult Simulation::Run() {
  RunResult result;
  result.seed = seed_;
  result.workload_summary = SummarizeWorkload(workload_);
  result.workload = absl::StrCat(
      DescribeWorkload(workload_), "  swarm fault points: ",
      options_.swarm_faults ? DescribeSwarmProfile(swarm_) : std::string("off"),
      options_.strategy == StrategyKind::kPct
          ? absl::StrCat("; pct depth ", options_.strategy_options.pct_depth > 0
                                             ? options_.strategy_options.pct_depth
                                             : SwarmPctDepth(DeriveSeed(seed_, "schedule")))
          : std::string(),
      "\n");
  trace_.Add(TraceKind::kNote, seed_, 0, 0,
             absl::StrCat("run ", workload_.family, " seed=0x", absl::Hex(seed_),
                          " fault=", PlantedFaultName(options_.faults),
                          " services=", ServicesKindName(options_.services),
                          " swarm=", options_.swarm_faults ? DescribeSwarmProfile(swarm_) : "off"));

  runtime_.scheduler().set_spawn_observer([this](runtime::Pid pid, const std::string&) {
    if (accepting_client_ < 0) return;
    const uint32_t client = static_cast<uint32_t>(accepting_client_);
    conns_.SetPid(client, pid);
    faults_->OnSpawn(client, pid);
  });
  for (uint32_t i = 0; i < workload_.clients.size(); ++i) {
    clients_.push_back(std::make_unique<SimClient>(
        i, workload_.clients[i], workload_.server, network_, kernel_,
        DeriveSeed(seed_, absl::StrCat("client", i)), options_.strict_handshake, history()));
  }
  app_ = std::make_unique<Application>(
      workload_.app, supervisor_, [this](const AppAction& action) { RegisterResponder(action); },
      conns_, kernel_);
  faults_ = std::make_unique<FaultInjector>(workload_.faults, runtime_, network_, conns_, clients_);
  shutdown_ = std::make_unique<ShutdownCoordinator>(workload_.shutdown, supervisor_, network_,
                                                    runtime_.scheduler(), events_, kernel_);

  network_.listener().StartAccepting(
      [this](std::unique_ptr<runtime::Socket> socket) { OnAccept(std::move(socket)); });
  for (auto& client : clients_) client->Start();
  app_->Start();
  faults_->Start();
  shutdown_->Start();
  if (workload_.liveness_cut_us > 0 && history() != nullptr) {
    kernel_.Spawn("liveness-cut", [this] {
      kernel_.SleepUntil(kernel_.start() + absl::Microseconds(workload_.liveness_cut_us));
      CheckLiveness();
    });
  }

  InvariantObserver observer(suite_, events_, supervisor_, runtime_, server_.fake.get(), clients_,
                             network_, workload_.server.max_inbox_bytes, history(), &conns_);
  result.stop = kernel_.Run(observer, options_.limits);
  result.violation =
      check_capture_.violation().has_value() ? check_capture_.violation() : observer.violation();

  if (!result.violation.has_value()) {
    if (result.stop == KernelStop::kStepLimit || result.stop == KernelStop::kTimeLimit) {
      result.violation =
          Violation{"progress", absl::StrCat("the run hit its ", KernelStopName(result.stop),
                                             " guard (", kernel_.steps(), " steps, ",
                                             absl::FormatDuration(kernel_.Now() - kernel_.start()),
                                             " virtual): a livelock or a timer loop")};
    } else if (std::optional<Violation> messaging =
                   history() != nullptr ? history_.CheckEnd() : std::nullopt) {
      result.violation = std::move(messaging);
    } else {
      const server::SupervisorSnapshot snapshot = supervisor_.Snapshot();
      std::vector<std::string> live_processes;
      for (runtime::Pid pid : runtime_.scheduler().LivePids()) {
        live_processes.push_back(absl::StrCat(pid, " (", runtime_.scheduler().NameOf(pid), ")"));
      }
      std::vector<uint32_t> still_connected;
      for (const auto& client : clients_) {
        if (client->connected() && !client->finished()) still_connected.push_back(client->index());
      }
      EndOfRun end{
          kernel_.Now(),
          snapshot,
          std::move(live_processes),
          kernel_.DescribeLiveFibers(),
          app_->pushes(),
          shutdown_->Report(),
          server_.fake != nullptr ? server_.fake->UnreleasedSessions() : std::vector<uint64_t>{},
          notifier_.calls(),
          std::move(still_connected)};
      result.violation = suite_.AtEnd(end);
    }
    if (result.violation.has_value()) {
      trace_.Add(
          TraceKind::kNote, 0, 0, 0,
          absl::StrCat("VIOLATION ", result.violation->invariant, ": ", result.violation->detail));
    }
  }
  trace_.Add(TraceKind::kNote, 0, 0, 0,
             result.violation.has_value()
                 ? absl::StrCat("verdict: FAIL ", result.violation->invariant)
                 : std::string("verdict: pass"));

  result.strategy = StrategyKindName(options_.strategy);
  result.services = ServicesKindName(options_.services);
  result.trace_hash = trace_.hash();
  result.steps = kernel_.steps();
  result.trace_records = trace_.size();
  result.virtual_time = kernel_.Now() - kernel_.start();
  for (const TimedEvent& e : events_.events()) {
    if (e.event.kind == server::SupervisorEventKind::kSpawned) ++result.connections;
  }
  for (const PushReport& push : app_->pushes()) result.pushes += push.called ? 1 : 0;
  result.fault_point_hits = fault_points_.hits();
  result.coverage = CoverageOf(events_.events(), result.fault_point_hits);
  result.publishes = history_.publishes();
  result.deliveries = history_.deliveries();
  result.trace_tail = trace_.FormatTail();
  if (options_.keep_full_trace) result.trace = trace_.FormatAll();
  return result;
}

}  // namespace

RunResult RunWorkload(const Workload& workload, uint64_t seed, const RunOptions& options) {
  Simulation simulation(workload, seed, options);
  RunResult result = simulation.Run();
  result.scenario = workload.family;
  return result;
}

RunResult RunScenario(std::string_view scenario, uint64_t seed, const RunOptions& options) {
  if (scenario == kDurableCrashScenario) return RunDurableCrash(seed, options);
  std::optional<Workload> workload = GenerateWorkload(scenario, seed);
  if (!workload.has_value()) {
    RunResult result;
    result.scenario = std::string(scenario);
    result.seed = seed;
    result.violation =
        Violation{"usage", absl::StrCat("unknown scenario '", std::string(scenario), "'")};
    return result;
  }
  return RunWorkload(*workload, seed, options);
}

}  // namespace liminal::sim
