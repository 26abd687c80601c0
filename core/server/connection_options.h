// Per-connection protocol limits and policies (server-behaviour.md §1, §8), shared by every
// ConnectionProcess of a supervisor.
#ifndef LIMINAL_CORE_SERVER_CONNECTION_OPTIONS_H_
#define LIMINAL_CORE_SERVER_CONNECTION_OPTIONS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "core/auth/user_credential.h"
#include "core/runtime/fault_points.h"
#include "core/server/access_guard.h"

namespace liminal::server {

struct ConnectionOptions {
  size_t max_frame_bytes = 1 << 20;     // whole frame, header included
  size_t max_outbound_bytes = 8 << 20;  // pause reading / hold deliveries above this
  // Input read from the socket and not yet handled by the process (limits.
  // max_connection_inbox_bytes): the socket stops reading above it.
  size_t max_inbox_bytes = 4 << 20;
  absl::Duration handshake_timeout = absl::Seconds(10);  // ZeroDuration() disables
  absl::Duration idle_timeout = absl::ZeroDuration();    // ZeroDuration() disables
  // Shared tokens: a Connect carrying one is permitted everything. With auth_users, a Connect
  // must carry one of either; both empty: every token is accepted (auth off).
  std::vector<std::string> auth_tokens;
  // Named users ([[auth.users]]), each with its own token and permissions (access_guard.h).
  std::vector<auth::UserCredential> auth_users;
  // Where permission denials are reported (once per operation kind per connection); empty:
  // not reported.
  AccessReport access_report;
  // Set by the supervisor from Runtime::fault_points(): null outside the simulation.
  runtime::FaultPoints* fault_points = nullptr;
};

}  // namespace liminal::server

#endif  // LIMINAL_CORE_SERVER_CONNECTION_OPTIONS_H_
