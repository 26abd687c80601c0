#include "tools/interrupt_watcher.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>
#include <utility>

#include "tools/command.h"

namespace liminal::tools {
namespace {

sigset_t InterruptSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

InterruptWatcher::Registration::Registration(Registration&& other) noexcept
    : watcher_(std::exchange(other.watcher_, nullptr)), id_(other.id_) {}

InterruptWatcher::Registration& InterruptWatcher::Registration::operator=(
    Registration&& other) noexcept {
  if (this != &other) {
    Reset();
    watcher_ = std::exchange(other.watcher_, nullptr);
    id_ = other.id_;
  }
  return *this;
}

InterruptWatcher::Registration::~Registration() { Reset(); }

void InterruptWatcher::Registration::Reset() {
  if (watcher_ == nullptr) return;
  absl::MutexLock lock(&watcher_->mu_);
  watcher_->callbacks_.erase(id_);
  watcher_ = nullptr;
}

InterruptWatcher& InterruptWatcher::Install() {
  static InterruptWatcher* const watcher = [] {
    auto* created = new InterruptWatcher();  // never destroyed: its thread runs until exit
    const sigset_t signals = InterruptSignals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::thread([created, signals] {
      while (true) {
        int signal_number = 0;
        if (sigwait(&signals, &signal_number) != 0) continue;
        if (created->interrupted()) {
          static constexpr char kBye[] = "\nliminal: interrupted again, exiting now\n";
          (void)!::write(STDERR_FILENO, kBye, sizeof(kBye) - 1);
          std::_Exit(kExitInterrupted);
        }
        created->Interrupt();
      }
    }).detach();
    return created;
  }();
  return *watcher;
}

bool InterruptWatcher::interrupted() const {
  absl::MutexLock lock(&mu_);
  return interrupted_;
}

bool InterruptWatcher::SleepUntil(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  // A deadline already passed must not wait at all: a timed wait, even an expired one, costs
  // the kernel's timer slack (~50 us), which alone would cap a paced run near 15000/s.
  if (deadline <= absl::Now()) return !interrupted_;
  mu_.AwaitWithDeadline(absl::Condition(&interrupted_), deadline);
  return !interrupted_;
}

InterruptWatcher::Registration InterruptWatcher::OnInterrupt(std::function<void()> callback) {
  absl::MutexLock lock(&mu_);
  if (interrupted_) {
    callback();
    return Registration();
  }
  const uint64_t id = next_id_++;
  callbacks_.emplace(id, std::move(callback));
  return Registration(this, id);
}

void InterruptWatcher::Interrupt() {
  absl::MutexLock lock(&mu_);
  if (interrupted_) return;
  interrupted_ = true;
  for (auto& [id, callback] : callbacks_) callback();
}

}  // namespace liminal::tools
