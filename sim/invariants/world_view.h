// What the invariant checkers may look at besides the event stream: a consistent view of
// the supervisor between two steps (WorldView) and, once the run is over, the facts the
// end-of-run liveness checks need (EndOfRun).
#ifndef LIMINAL_SIM_INVARIANTS_WORLD_VIEW_H_
#define LIMINAL_SIM_INVARIANTS_WORLD_VIEW_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/time/time.h"
#include "core/runtime/pid.h"
#include "core/server/connection_supervisor.h"
#include "core/server/push_reply_awaiter.h"

namespace liminal::sim {

// One connection's input the server has read from the socket but not yet handled.
struct InboundBacklog {
  uint64_t conn = 0;
  runtime::Pid owner = runtime::kNoPid;
  size_t unhandled_bytes = 0;  // delivered to the process, not yet reported Consumed
  size_t last_read = 0;        // bytes of the socket's latest read
};

// Taken only when no fiber holds a runtime Mutex, so it is a state the supervisor could be
// observed in.
struct WorldView {
  absl::Time now;
  const server::SupervisorSnapshot& snapshot;
  const std::vector<runtime::Pid>& live_pids;  // live connection processes, in pid order
  bool quiescent;                              // nothing is runnable
  const std::vector<InboundBacklog>& inbound;  // every reading server socket, by connection
  size_t max_inbox_bytes;                      // the configured (documented) inbox bound
  // Processes whose exit the runtime never reported (a simulated runtime fault), in exit
  // order: their records may stay, orphaned, until a reap removes them.
  const std::vector<runtime::Pid>* lost_exit_notices = nullptr;
};

// One application PushToConnection call and what its awaiter did.
struct PushReport {
  uint32_t action = 0;
  runtime::Pid pid = runtime::kNoPid;
  uint64_t correlation_id = 0;
  bool called = false;
  bool asynchronous = false;  // PushToConnectionAsync: `returned` means the callback ran
  bool returned = false;      // Receive returned (or there was nothing to receive)
  int completions = 0;        // times the completion callback ran (asynchronous pushes)
  bool unavailable = false;   // the push was rolled back (wake failed)
  bool abandoned = false;     // the awaiter was dropped unreceived
  std::optional<server::PushOutcome> outcome;
  absl::Time started;
  absl::Time ended;
  absl::Duration timeout;
};

// The shutdown coordinator's measurements.
struct DrainReport {
  bool started = false;
  bool finished = false;
  absl::Time started_at;
  absl::Duration drain_timeout;
  absl::Duration force_bound;
  absl::Time drain_returned_at;
  bool idle_after_force = false;
  absl::Time force_returned_at;
  bool flush_ok = true;
  bool flush_error_typed = true;  // a failed flush is a ShutdownFlushError
  // When the sequence finished (the daemon would now stop the scheduler and exit):
  std::vector<runtime::Pid> alive_after_finish;    // connection processes still alive
  std::vector<runtime::Pid> spawned_after_finish;  // connections spawned afterwards
  // The shutdown notice: its mode, the connection processes running when the sequence
  // began, those of them still running when the drain ended, and the number of supervisor
  // events recorded by then.
  bool notify_every_connection = false;
  std::vector<runtime::Pid> notified;
  std::vector<runtime::Pid> open_at_drain_end;
  size_t drain_end_event = 0;
};

// One call the application's notifier received, in the order received: its own record,
// the ground truth for unregister-once.
struct NotifierCall {
  enum class Kind : uint8_t { kAccepted, kRejected, kUnregistered };
  Kind kind;
  runtime::Pid pid = runtime::kNoPid;
};

struct EndOfRun {
  absl::Time now;
  const server::SupervisorSnapshot& snapshot;
  std::vector<std::string> live_processes;  // every live process: "3 (participant:echo)"
  std::vector<std::string> stuck_fibers;
  const std::vector<PushReport>& pushes;
  DrainReport drain;
  std::vector<uint64_t> unreleased_sessions;
  const std::vector<NotifierCall>& notifier_calls;
  std::vector<uint32_t> clients_still_connected;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_INVARIANTS_WORLD_VIEW_H_
