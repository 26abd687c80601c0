#include "sim/workload/workload.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"

namespace liminal::sim {
namespace {

std::string Us(uint32_t us) { return absl::FormatDuration(absl::Microseconds(us)); }

}  // namespace

const char* ClientOpKindName(ClientOpKind kind) {
  switch (kind) {
    case ClientOpKind::kHandshake:
      return "handshake";
    case ClientOpKind::kHandshakeBadVersion:
      return "handshake-bad-version";
    case ClientOpKind::kHandshakeBadToken:
      return "handshake-bad-token";
    case ClientOpKind::kSubscribe:
      return "subscribe";
    case ClientOpKind::kUnsubscribe:
      return "unsubscribe";
    case ClientOpKind::kPublish:
      return "publish";
    case ClientOpKind::kOpenConversation:
      return "open-conversation";
    case ClientOpKind::kConversationMessage:
      return "conversation-message";
    case ClientOpKind::kCloseConversation:
      return "close-conversation";
    case ClientOpKind::kRegisterWorker:
      return "register-worker";
    case ClientOpKind::kRegisterRejected:
      return "register-rejected";
    case ClientOpKind::kPing:
      return "ping";
    case ClientOpKind::kAck:
      return "ack";
    case ClientOpKind::kGarbage:
      return "garbage";
    case ClientOpKind::kOversize:
      return "oversize";
    case ClientOpKind::kTruncated:
      return "truncated";
    case ClientOpKind::kUnknownFrameType:
      return "unknown-frame-type";
    case ClientOpKind::kDisconnectFrame:
      return "disconnect";
    case ClientOpKind::kHalfClose:
      return "half-close";
    case ClientOpKind::kReset:
      return "reset";
    case ClientOpKind::kPublishKeyed:
      return "publish-keyed";
  }
  return "unknown";
}

const char* PushPolicyName(PushPolicy policy) {
  switch (policy) {
    case PushPolicy::kAnswer:
      return "answer";
    case PushPolicy::kAnswerLate:
      return "answer-late";
    case PushPolicy::kNever:
      return "never-answer";
    case PushPolicy::kWrongId:
      return "answer-wrong-id";
  }
  return "unknown";
}

const char* DisconnectPolicyName(DisconnectPolicy policy) {
  switch (policy) {
    case DisconnectPolicy::kClose:
      return "close";
    case DisconnectPolicy::kCloseLate:
      return "close-late";
    case DisconnectPolicy::kIgnore:
      return "ignore";
  }
  return "unknown";
}

const char* AppActionKindName(AppActionKind kind) {
  switch (kind) {
    case AppActionKind::kPush:
      return "push";
    case AppActionKind::kPushAbandon:
      return "push-abandon";
    case AppActionKind::kPushAsync:
      return "push-async";
    case AppActionKind::kRegisterResponder:
      return "register-responder";
    case AppActionKind::kReap:
      return "reap";
  }
  return "unknown";
}

const char* FaultKindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kCrash:
      return "crash";
    case FaultKind::kCrashOnSpawn:
      return "crash-on-spawn";
    case FaultKind::kKillPeer:
      return "kill-peer";
    case FaultKind::kFailWakes:
      return "fail-wakes";
    case FaultKind::kFailFlush:
      return "fail-flush";
    case FaultKind::kLoseExitNotice:
      return "lose-exit-notice";
  }
  return "unknown";
}

std::string DescribeWorkload(const Workload& w) {
  std::string out = absl::StrCat(
      "workload ", w.family, ": handshake_timeout=", Us(w.server.handshake_timeout_us),
      " max_frame=", w.server.max_frame_bytes, " max_outbound=", w.server.max_outbound_bytes,
      w.server.auth ? " auth=on" : "",
      w.server.idle_timeout_us > 0 ? absl::StrCat(" idle_timeout=", Us(w.server.idle_timeout_us))
                                   : "",
      w.server.max_connections > 0 ? absl::StrCat(" max_connections=", w.server.max_connections)
                                   : "",
      w.server.max_inbox_bytes != ServerSpec{}.max_inbox_bytes
          ? absl::StrCat(" max_inbox=", w.server.max_inbox_bytes)
          : "",
      "\n");
  for (size_t i = 0; i < w.clients.size(); ++i) {
    const ClientSpec& c = w.clients[i];
    absl::StrAppend(
        &out, "  client ", i, " @", Us(c.start_us), " latency ", Us(c.to_server.latency_us), "/",
        Us(c.to_client.latency_us), " chunks ", c.to_server.max_chunk, "/", c.to_client.max_chunk,
        " accept+", Us(c.accept_delay_us), " window ", c.window,
        " push:", PushPolicyName(c.on_push), " disconnect:", DisconnectPolicyName(c.on_disconnect),
        c.ack.accept_delay_us + c.ack.defer_percent + c.ack.reject_percent > 0
            ? absl::StrCat(" accept+", Us(c.ack.accept_delay_us), " defer ", c.ack.defer_percent,
                           "% reject ", c.ack.reject_percent, "%")
            : "",
        c.read_pause_us > 0 ? absl::StrCat(" read-pause ", Us(c.read_pause_us)) : "", "\n    ops:");
    if (c.ops.empty()) absl::StrAppend(&out, " (none)");
    for (const ClientOp& op : c.ops) {
      absl::StrAppend(&out, " +", Us(op.delay_us), " ", ClientOpKindName(op.kind), "(", op.arg,
                      op.arg2 != 0 ? absl::StrCat(",", op.arg2) : "", ")");
    }
    absl::StrAppend(&out, "\n");
  }
  for (size_t i = 0; i < w.app.size(); ++i) {
    const AppAction& a = w.app[i];
    absl::StrAppend(&out, "  app ", i, " @", Us(a.at_us), " ", AppActionKindName(a.kind),
                    " client ", a.client,
                    a.kind == AppActionKind::kPush || a.kind == AppActionKind::kPushAsync
                        ? absl::StrCat(" timeout ", Us(a.timeout_us))
                        : "",
                    "\n");
  }
  for (const FaultAction& f : w.faults) {
    absl::StrAppend(&out, "  fault @", Us(f.at_us), " ", FaultKindName(f.kind), " client ",
                    f.client, f.kind == FaultKind::kFailWakes ? absl::StrCat(" x", f.count) : "",
                    "\n");
  }
  absl::StrAppend(&out, "  shutdown @", Us(w.shutdown.at_us), " drain ", Us(w.shutdown.drain_us),
                  w.shutdown.every_connection ? " notify-all" : " notify-subscribers", "\n");
  if (w.liveness_cut_us > 0) {
    absl::StrAppend(&out, "  liveness check @", Us(w.liveness_cut_us), "\n");
  }
  return out;
}

std::string SummarizeWorkload(const Workload& w) {
  size_t ops = 0;
  for (const ClientSpec& c : w.clients) ops += c.ops.size();
  std::vector<std::string> faults;
  for (const FaultAction& f : w.faults) {
    faults.push_back(absl::StrCat(FaultKindName(f.kind), " c", f.client, "@", Us(f.at_us)));
  }
  return absl::StrCat(
      w.clients.size(), " clients, ", ops, " ops, ", w.app.size(),
      " app actions, faults: ", faults.empty() ? "none" : absl::StrJoin(faults, ", "),
      ", shutdown @", Us(w.shutdown.at_us));
}

}  // namespace liminal::sim
