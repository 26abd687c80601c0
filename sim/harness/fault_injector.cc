#include "sim/harness/fault_injector.h"

#include "absl/strings/str_cat.h"

namespace liminal::sim {

FaultInjector::FaultInjector(const std::vector<FaultAction>& faults, SimRuntime& runtime,
                             SimNetwork& network, const ConnTable& conns,
                             const std::vector<std::unique_ptr<SimClient>>& clients)
    : faults_(faults), runtime_(runtime), network_(network), conns_(conns), clients_(clients) {
  for (const FaultAction& fault : faults_) {
    if (fault.kind == FaultKind::kCrashOnSpawn) crash_on_spawn_.insert(fault.client);
    if (fault.kind == FaultKind::kLoseExitNotice) lose_exit_notice_.insert(fault.client);
  }
}

void FaultInjector::Start() {
  FiberKernel& kernel = runtime_.kernel();
  for (size_t i = 0; i < faults_.size(); ++i) {
    if (faults_[i].kind == FaultKind::kCrashOnSpawn) continue;
    if (faults_[i].kind == FaultKind::kLoseExitNotice) continue;
    kernel.Spawn(absl::StrCat("fault:", i), [this, i, &kernel] {
      kernel.SleepUntil(kernel.start() + absl::Microseconds(faults_[i].at_us));
      Inject(faults_[i]);
    });
  }
}

void FaultInjector::OnSpawn(uint32_t client, runtime::Pid pid) {
  if (lose_exit_notice_.contains(client)) {
    runtime_.kernel().trace().Add(TraceKind::kFault, pid, 0, 0,
                                  absl::StrCat("the runtime will lose the exit notice of client ",
                                               client, "'s process pid ", pid));
    runtime_.scheduler().LoseExitNotice(pid);
  }
  if (!crash_on_spawn_.contains(client)) return;
  SimRuntime& runtime = runtime_;
  runtime.kernel().Spawn(absl::StrCat("fault:crash-on-spawn:", client), [&runtime, client, pid] {
    runtime.kernel().trace().Add(
        TraceKind::kFault, pid, 0, 0,
        absl::StrCat("crash client ", client, "'s process pid ", pid, " at spawn"));
    runtime.scheduler().Kill(pid, runtime::ExitReason::Killed("crash requested"));
  });
}

void FaultInjector::Inject(const FaultAction& fault) {
  Trace& trace = runtime_.kernel().trace();
  const runtime::Pid pid = conns_.PidOf(fault.client);
  switch (fault.kind) {
    case FaultKind::kCrash:
      if (pid == runtime::kNoPid) {
        trace.Add(TraceKind::kFault, 0, 0, 0,
                  absl::StrCat("crash client ", fault.client, ": no process yet, skipped"));
        return;
      }
      trace.Add(TraceKind::kFault, pid, 0, 0,
                absl::StrCat("crash client ", fault.client, "'s process pid ", pid));
      if (const server::ConnectionHandle* handle = conns_.HandleOf(fault.client)) {
        handle->request_crash();
      } else {
        runtime_.scheduler().Kill(pid, runtime::ExitReason::Killed("crash requested"));
      }
      return;
    case FaultKind::kCrashOnSpawn:
      return;  // armed in OnSpawn
    case FaultKind::kKillPeer: {
      if (fault.client >= clients_.size() || !clients_[fault.client]->connected()) {
        trace.Add(TraceKind::kFault, 0, 0, 0,
                  absl::StrCat("kill peer client ", fault.client, ": not connected, skipped"));
        return;
      }
      trace.Add(TraceKind::kFault, pid, 0, 0,
                absl::StrCat("kill peer: client ", fault.client, " resets its connection"));
      network_.Reset(clients_[fault.client]->conn());
      return;
    }
    case FaultKind::kFailWakes:
      trace.Add(TraceKind::kFault, pid, fault.count, 0,
                absl::StrCat("fail the next ", fault.count, " wakes to ",
                             pid == runtime::kNoPid ? std::string("any process")
                                                    : absl::StrCat("pid ", pid)));
      runtime_.scheduler().FailWakes(pid, static_cast<int>(fault.count));
      return;
    case FaultKind::kLoseExitNotice:
      return;  // armed in OnSpawn
    case FaultKind::kFailFlush:
      trace.Add(TraceKind::kFault, 0, 0, 0, "the disk refuses to sync: durable flush will fail");
      runtime_.file_system().FailSyncs(absl::DataLossError("simulated disk: fsync failed"));
      return;
  }
}

}  // namespace liminal::sim
