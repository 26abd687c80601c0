#include "core/testing/manual_runtime.h"

#include "core/check/check.h"

namespace liminal::testing {
namespace {

// Never blocks: the runtime is single-threaded. Holding it twice is a deadlock in any
// real runtime, so it aborts with a message instead of hanging.
class ManualMutex final : public runtime::Mutex {
 public:
  explicit ManualMutex(ManualRuntime& rt) : rt_(rt) {}

  void Lock() override {
    rt_.scheduler().Switch(SwitchPointKind::kLock);
    LIMINAL_CHECK(!held_, "ManualMutex acquired twice (a deadlock in a real runtime)");
    Hold(true);
  }

  void Unlock() override {
    Hold(false);
    rt_.scheduler().Switch(SwitchPointKind::kUnlock);
  }

  bool AwaitWithTimeout(absl::FunctionRef<bool()> condition, absl::Duration timeout) override {
    const absl::Time deadline = rt_.clock().Now() + timeout;
    while (!condition()) {
      Hold(false);
      if (!rt_.RunOne()) {
        std::optional<absl::Time> next = rt_.clock().NextDeadline();
        if (!next.has_value() || *next > deadline) {
          rt_.clock().AdvanceTo(deadline);
          Hold(true);
          return condition();
        }
        rt_.clock().AdvanceTo(*next);
      }
      Hold(true);
    }
    return true;
  }

 private:
  void Hold(bool held) {
    held_ = held;
    rt_.scheduler().NoteLockHeld(held ? 1 : -1);
  }

  ManualRuntime& rt_;
  bool held_ = false;
};

}  // namespace

ManualRuntime::ManualRuntime(uint64_t seed)
    : clock_([this](absl::AnyInvocable<void() &&> due) { scheduler_.Post(std::move(due)); }),
      random_(seed) {
  files_.SetBlockingRunner(
      [this](absl::AnyInvocable<void() &&> work) { scheduler_.Post(std::move(work)); });
}

std::unique_ptr<runtime::Mutex> ManualRuntime::NewMutex() {
  return std::make_unique<ManualMutex>(*this);
}

void ManualRuntime::AdvanceTime(absl::Duration by) {
  clock_.Advance(by);
  RunUntilIdle();
}

void ManualRuntime::RunFor(absl::Duration limit) {
  const absl::Time end = clock_.Now() + limit;
  for (;;) {
    RunUntilIdle();
    std::optional<absl::Time> next = clock_.NextDeadline();
    if (!next.has_value() || *next > end) break;
    clock_.AdvanceTo(*next);
  }
  clock_.AdvanceTo(end);
  RunUntilIdle();
}

}  // namespace liminal::testing
