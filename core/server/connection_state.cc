#include "core/server/connection_state.h"

namespace liminal::server {

using runtime::MutexLock;

ConnectionState::ConnectionState(std::unique_ptr<runtime::Mutex> mu, std::string peer_address,
                                 std::unique_ptr<ConnectionSession> session)
    : mu_(std::move(mu)),
      peer_address_(std::move(peer_address)),
      session_raw_(session.get()),
      session_(std::move(session)) {}

std::optional<ControlId> ConnectionState::EnqueueControl(Control control) {
  MutexLock lock(*mu_);
  if (released_) return std::nullopt;
  const ControlId id = next_control_id_++;
  controls_.push_back(QueuedControl{id, std::move(control)});
  return id;
}

bool ConnectionState::RemoveControl(ControlId id) {
  MutexLock lock(*mu_);
  for (auto it = controls_.begin(); it != controls_.end(); ++it) {
    if (it->id == id) {
      controls_.erase(it);
      return true;
    }
  }
  return false;
}

std::vector<QueuedControl> ConnectionState::DrainControls() {
  MutexLock lock(*mu_);
  std::vector<QueuedControl> drained(std::make_move_iterator(controls_.begin()),
                                     std::make_move_iterator(controls_.end()));
  controls_.clear();
  return drained;
}

bool ConnectionState::MarkDisconnectSent() {
  MutexLock lock(*mu_);
  if (disconnect_sent_) return false;
  disconnect_sent_ = true;
  return true;
}

bool ConnectionState::disconnect_sent() const {
  MutexLock lock(*mu_);
  return disconnect_sent_;
}

bool ConnectionState::StoreRegistration(protocol::WorkerRegister registration) {
  MutexLock lock(*mu_);
  if (released_) return false;
  registration_ = std::move(registration);
  return true;
}

void ConnectionState::NoteRejectedRegistration() {
  MutexLock lock(*mu_);
  rejected_registration_ = true;
}

std::optional<protocol::WorkerRegister> ConnectionState::registration() const {
  MutexLock lock(*mu_);
  return registration_;
}

bool ConnectionState::released() const {
  MutexLock lock(*mu_);
  return released_;
}

std::optional<ReleaseWork> ConnectionState::BeginRelease() {
  MutexLock lock(*mu_);
  if (released_) return std::nullopt;
  released_ = true;
  ReleaseWork work;
  work.had_registration = registration_.has_value();
  work.had_rejected_registration = rejected_registration_;
  registration_.reset();
  work.session = std::move(session_);
  work.discarded_controls.assign(std::make_move_iterator(controls_.begin()),
                                 std::make_move_iterator(controls_.end()));
  controls_.clear();
  return work;
}

}  // namespace liminal::server
