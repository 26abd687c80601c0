// A small deterministic double of the server's application services, enough to give the
// connection processes realistic work and cross-connection traffic in the simulation:
//   * channels "orders", "events", "audit": Subscribe → SubscribeAck (or SubscribeError
//     E_UNKNOWN_CHANNEL), Publish → PublishAck (DELIVERED when a subscription queued it)
//     and a Deliver queued on every subscription, whose connection is woken to Pump it;
//   * conversations: open / duplicate (E_CONVERSATION_OPEN) / unknown id
//     (E_CONVERSATION_UNKNOWN); a flagged message is answered by the subject's responder
//     (echo by default; application fibers may register "late" or "silent" ones);
//   * HasSubscriptions() for NotifyShutdown's filter; FlushDurableState() writes and syncs a
//     file on the simulated disk and can be made to fail.
// Shared state sits behind a runtime Mutex (switch points). The double also checks its own
// contract: Release exactly once per session, never during a frame handler or Pump.
#ifndef LIMINAL_SIM_SERVICES_SIM_SERVICES_H_
#define LIMINAL_SIM_SERVICES_SIM_SERVICES_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/status/status.h"
#include "core/protocol/frame.h"
#include "core/server/connection_services.h"
#include "sim/runtime/sim_runtime.h"

namespace liminal::sim {

enum class ResponderKind { kEcho, kLate, kSilent };

class SimSession;

class SimServices final : public server::ConnectionServices {
 public:
  explicit SimServices(SimRuntime& runtime);
  ~SimServices() override;

  std::unique_ptr<server::ConnectionSession> OpenSession() override;
  absl::Status FlushDurableState() override;

  // Application side (call from fibers).
  void RegisterResponder(const std::string& subject, ResponderKind kind, absl::Duration delay);
  void FailFlush(absl::Status error) { flush_error_ = std::move(error); }

  // Harness side.
  std::vector<uint64_t> UnreleasedSessions() const;
  const std::vector<std::string>& violations() const { return violations_; }
  static bool KnownChannel(const std::string& channel);

 private:
  friend class SimSession;
  struct Subscriber {
    uint64_t session = 0;
    uint64_t subscription = 0;
  };
  struct Responder {
    ResponderKind kind = ResponderKind::kEcho;
    absl::Duration delay;
  };

  void NoteViolation(std::string what) { violations_.push_back(std::move(what)); }

  SimRuntime& runtime_;
  std::unique_ptr<runtime::Mutex> mu_;
  // Guarded by mu_.
  absl::btree_map<std::string, uint64_t> next_message_id_;
  absl::btree_map<std::string, absl::btree_map<std::pair<uint64_t, uint64_t>, bool>> subscribers_;
  absl::btree_map<uint64_t, SimSession*> sessions_;  // live sessions by id
  absl::btree_map<std::string, Responder> responders_;
  // Harness bookkeeping (single-threaded by construction).
  uint64_t next_session_ = 1;
  absl::btree_set<uint64_t> released_;
  std::vector<std::string> violations_;
  absl::Status flush_error_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_SERVICES_SIM_SERVICES_H_
