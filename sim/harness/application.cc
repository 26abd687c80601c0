#include "sim/harness/application.h"

#include "absl/strings/str_cat.h"

namespace liminal::sim {

Application::Application(const std::vector<AppAction>& actions,
                         server::ConnectionSupervisor& supervisor,
                         RegisterResponder register_responder, const ConnTable& conns,
                         FiberKernel& kernel)
    : actions_(actions),
      supervisor_(supervisor),
      register_responder_(std::move(register_responder)),
      conns_(conns),
      kernel_(kernel),
      pushes_(actions.size()) {}

void Application::Start() {
  for (uint32_t i = 0; i < actions_.size(); ++i) {
    kernel_.Spawn(absl::StrCat("app:", i), [this, i] { Run(i); });
  }
}

void Application::Run(uint32_t index) {
  const AppAction& action = actions_[index];
  kernel_.SleepUntil(kernel_.start() + absl::Microseconds(action.at_us));
  Trace& trace = kernel_.trace();
  switch (action.kind) {
    case AppActionKind::kPush:
    case AppActionKind::kPushAbandon:
      Push(index, action);
      return;
    case AppActionKind::kPushAsync:
      PushAsync(index, action);
      return;
    case AppActionKind::kRegisterResponder:
      trace.Add(TraceKind::kApp, index, 0, 0,
                action.arg % 2 == 0 ? "register late responder for 'slow'"
                                    : "register silent responder for 'mute'");
      register_responder_(action);
      return;
    case AppActionKind::kReap: {
      trace.Add(TraceKind::kApp, index, 0, 0, "reap crashed connections");
      const size_t reaped = supervisor_.ReapCrashedConnections();
      trace.Add(TraceKind::kApp, index, reaped, 0, absl::StrCat("reaped ", reaped));
      return;
    }
  }
}

void Application::Push(uint32_t index, const AppAction& action) {
  PushReport& report = pushes_[index];
  report.action = index;
  report.called = true;
  report.pid = conns_.PidOf(action.client);
  report.timeout = absl::Microseconds(action.timeout_us);
  report.started = kernel_.Now();
  Trace& trace = kernel_.trace();
  trace.Add(TraceKind::kApp, index, report.pid, 0,
            absl::StrCat("push to client ", action.client, " (pid ", report.pid, ")"));
  absl::StatusOr<server::PushReplyAwaiter> awaiter =
      supervisor_.PushToConnection(report.pid, absl::StrCat("job-", index));
  if (!awaiter.ok()) {
    report.unavailable = true;
    report.returned = true;
    report.ended = kernel_.Now();
    trace.Add(TraceKind::kApp, index, report.pid, 0,
              absl::StrCat("push unavailable: ", awaiter.status().message()));
    return;
  }
  report.correlation_id = awaiter->correlation_id();
  if (action.kind == AppActionKind::kPushAbandon) {
    trace.Add(TraceKind::kApp, index, report.pid, report.correlation_id,
              absl::StrCat("abandon awaiter of slot ", report.correlation_id));
    { server::PushReplyAwaiter dropped = std::move(*awaiter); }
    report.abandoned = true;
    report.returned = true;
    report.ended = kernel_.Now();
    return;
  }
  server::PushResult result = awaiter->Receive(report.timeout);
  report.outcome = result.outcome;
  report.returned = true;
  report.ended = kernel_.Now();
  trace.Add(TraceKind::kApp, index, report.pid, report.correlation_id,
            absl::StrCat("slot ", report.correlation_id, " ended ",
                         server::PushOutcomeName(result.outcome), " after ",
                         absl::FormatDuration(report.ended - report.started)));
}

void Application::PushAsync(uint32_t index, const AppAction& action) {
  PushReport& report = pushes_[index];
  report.action = index;
  report.called = true;
  report.asynchronous = true;
  report.pid = conns_.PidOf(action.client);
  report.timeout = absl::Microseconds(action.timeout_us);
  report.started = kernel_.Now();
  Trace& trace = kernel_.trace();
  trace.Add(TraceKind::kApp, index, report.pid, 0,
            absl::StrCat("async push to client ", action.client, " (pid ", report.pid, ")"));
  absl::StatusOr<uint64_t> id = supervisor_.PushToConnectionAsync(
      report.pid, absl::StrCat("job-", index), report.timeout,
      [this, index](server::PushResult result) {
        PushReport& done = pushes_[index];
        ++done.completions;
        done.returned = true;
        done.outcome = result.outcome;
        done.ended = kernel_.Now();
        kernel_.trace().Add(TraceKind::kApp, index, done.pid, done.correlation_id,
                            absl::StrCat("async slot ", done.correlation_id, " completed ",
                                         server::PushOutcomeName(result.outcome), " after ",
                                         absl::FormatDuration(done.ended - done.started)));
      });
  if (!id.ok()) {
    // Rolled back: the callback never runs.
    report.unavailable = true;
    report.returned = true;
    report.ended = kernel_.Now();
    trace.Add(TraceKind::kApp, index, report.pid, 0,
              absl::StrCat("async push unavailable: ", id.status().message()));
    return;
  }
  report.correlation_id = *id;
}

}  // namespace liminal::sim
