// A simulation workload: plain data saying which clients connect when and what they do,
// what the application does (pushes, responders, reaps), which faults strike when, and
// when the graceful shutdown starts. Scenario generators (scenarios.h) build one from a
// seed; the property tests build them with rapidcheck so a failing workload shrinks.
// Times are microseconds of virtual time from the start of the run.
#ifndef LIMINAL_SIM_WORKLOAD_WORKLOAD_H_
#define LIMINAL_SIM_WORKLOAD_WORKLOAD_H_

#include <cstdint>
#include <string>
#include <vector>

namespace liminal::sim {

enum class ClientOpKind : uint8_t {
  kHandshake,            // Connect 1.0 with the configured token
  kHandshakeBadVersion,  // Connect offering only 2.0
  kHandshakeBadToken,    // Connect with a wrong token (only matters with auth on)
  kSubscribe,            // arg: channel (0..2 known, 3 unknown; ACKS when (arg/4) is even);
                         // arg2: max_in_flight (0: 16)
  kUnsubscribe,          // arg: subscription id
  kPublish,              // arg: channel; arg2: prio (arg2 % 10) and padding (arg2 % 200 bytes)
  kOpenConversation,     // arg: slot; arg2: subject (echo, slow, mute, worker.jobs,
                         // worker.emails); the conversation id is slot * 8 + subject
  kConversationMessage,  // arg: slot (its newest open); arg2 odd: reply requested
  kCloseConversation,    // arg: slot
  kRegisterWorker,       // accepted by the notifier; arg: task queue (even: jobs, odd: emails)
  kRegisterRejected,     // rejected by the notifier ("reject-…" task queue)
  kPing,
  kAck,        // Accept on the stream of the client's arg-th subscription (1-based) of seq arg2
               // (0: the newest delivery); no such subscription: an Accept on a fresh stream
  kGarbage,    // arg bytes of seeded noise
  kOversize,   // a header announcing a frame over max_frame_bytes
  kTruncated,  // the first half of a valid Publish
  kUnknownFrameType,  // a well-formed frame of type 0x7f
  kDisconnectFrame,   // client Disconnect
  kHalfClose,         // shutdown(write): FIN after everything sent
  kReset,             // abrupt close (RST)
  kPublishKeyed,      // kPublish with idempotency key k<client>.<arg2 % 4>; prio (arg2/4) % 10
};
const char* ClientOpKindName(ClientOpKind kind);

struct ClientOp {
  ClientOpKind kind = ClientOpKind::kPing;
  uint32_t delay_us = 0;  // pause before the op
  uint32_t arg = 0;
  uint32_t arg2 = 0;
};

enum class PushPolicy : uint8_t { kAnswer, kAnswerLate, kNever, kWrongId };
enum class DisconnectPolicy : uint8_t { kClose, kCloseLate, kIgnore };
const char* PushPolicyName(PushPolicy policy);
const char* DisconnectPolicyName(DisconnectPolicy policy);

struct LinkSpec {
  uint32_t latency_us = 0;
  uint32_t jitter_us = 0;
  uint32_t max_chunk = 0;  // 0: whole writes
};

// How a client answers the deliveries of its ACKS subscriptions: each delivery is deferred
// (at most once per message), rejected, or accepted — at once or accept_delay_us later.
struct AckPolicy {
  uint32_t accept_delay_us = 0;
  uint32_t defer_percent = 0;
  uint32_t reject_percent = 0;
};

struct ClientSpec {
  uint32_t start_us = 0;
  LinkSpec to_server;
  LinkSpec to_client;
  uint32_t accept_delay_us = 0;
  uint32_t window = 1 << 20;   // client receive window (small: slow consumer)
  uint32_t read_pause_us = 0;  // pause between reads (slow reader)
  PushPolicy on_push = PushPolicy::kAnswer;
  uint32_t answer_delay_us = 0;  // kAnswerLate
  DisconnectPolicy on_disconnect = DisconnectPolicy::kClose;
  uint32_t close_delay_us = 0;  // kCloseLate
  AckPolicy ack;
  std::vector<ClientOp> ops;
};

enum class AppActionKind : uint8_t {
  kPush,               // PushToConnection(client's pid) then Receive(timeout)
  kPushAbandon,        // PushToConnection, then drop the awaiter without receiving
  kPushAsync,          // PushToConnectionAsync(timeout) with a completion callback
  kRegisterResponder,  // arg 0: late responder for "slow", 1: silent one for "mute"
  kReap,               // ReapCrashedConnections()
};
const char* AppActionKindName(AppActionKind kind);

struct AppAction {
  AppActionKind kind = AppActionKind::kPush;
  uint32_t at_us = 0;
  uint32_t client = 0;      // target client index
  uint32_t timeout_us = 0;  // kPush: Receive timeout
  uint32_t arg = 0;
};

enum class FaultKind : uint8_t {
  kCrash,           // request_crash() on the client's connection process
  kCrashOnSpawn,    // kill the client's process the moment it is spawned
  kKillPeer,        // the client's side of the connection resets
  kFailWakes,       // the next `count` Wakes to the client's process fail
  kFailFlush,       // FlushDurableState fails (the disk refuses to sync)
  kLoseExitNotice,  // the runtime loses the exit notice of the client's connection process
};
const char* FaultKindName(FaultKind kind);

struct FaultAction {
  FaultKind kind = FaultKind::kCrash;
  uint32_t at_us = 0;
  uint32_t client = 0;
  uint32_t count = 1;
};

struct ShutdownSpec {
  uint32_t at_us = 0;
  uint32_t drain_us = 100'000;   // AwaitIdle bound before force close
  bool every_connection = true;  // NotifyShutdown filter
};

struct ServerSpec {
  uint32_t handshake_timeout_us = 2'000'000;
  uint32_t max_frame_bytes = 4096;
  uint32_t max_outbound_bytes = 8192;
  uint32_t max_inbox_bytes = 4u << 20;  // per connection: read but not yet handled
  uint32_t idle_timeout_us = 0;         // 0: no idle timeout
  uint32_t max_connections = 0;         // 0: unlimited
  bool auth = false;                    // tokens configured: "secret"
};

struct Workload {
  std::string family;
  ServerSpec server;
  std::vector<ClientSpec> clients;
  std::vector<AppAction> app;
  std::vector<FaultAction> faults;
  ShutdownSpec shutdown;
  // When the messaging history's liveness check runs (0: never): after the last op and the
  // last fault, once every answer, reply timeout and delivery had time to arrive.
  uint32_t liveness_cut_us = 0;
};

// A multi-line human description: the clients' scripts, the app actions and the fault
// plan, as printed with a failing seed.
std::string DescribeWorkload(const Workload& workload);
// One line: "5 clients, 31 ops, 4 app actions, faults: crash c2@1.2ms, ...".
std::string SummarizeWorkload(const Workload& workload);

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_WORKLOAD_WORKLOAD_H_
