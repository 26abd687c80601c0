// AsioScheduler: the production binding of the Scheduler seam (core/runtime/scheduler.h) on
// a boost::asio::io_context run by several threads.
//
//   AsioScheduler& scheduler = runtime.scheduler();
//   Pid pid = scheduler.Spawn(std::make_unique<Echo>(), {.name = "echo"});
//   scheduler.Monitor(pid, [](Pid p, const ExitReason& why) { ... });  // on the io_context
//   scheduler.Send(pid, runtime::Wake{});                                // any thread
//
// How it runs:
//   * Every process has its own asio strand, so its slices never overlap, and a mailbox
//     guarded by a per-process absl::Mutex. A process has at most one "drain" handler posted
//     to its strand at a time; the handler runs up to kSlicesPerTurn slices (OnStart, then
//     one message per slice) and re-posts itself if more remain, so a busy process cannot
//     starve the others.
//   * The process table is sharded (pid % kShards), each shard an absl::flat_hash_map under a
//     reader/writer absl::Mutex. Send, IsAlive, Kill and Monitor take one shard's reader lock;
//     only Spawn and exit take a writer lock. Iteration order is never observable.
//   * Exit (ProcessContext::Exit or Kill) takes effect at the next slice boundary: the
//     process leaves the table (IsAlive turns false), its mailbox is dropped, the Process
//     object is destroyed on its strand, and then each monitor is posted to the io_context.
//     A monitor therefore always sees a fully destroyed process, and fires exactly once.
//   * Send fails (returns false) as soon as an exit has been requested, so a message is
//     either handled or refused, never silently lost.
//   * Kill while a slice runs lets it finish; otherwise the drain handler terminates the
//     process without running any more of its code. Monitors get ExitKind::kKilled (the kind
//     of the reason passed to Kill is overridden; its detail is kept).
//   * Monitor on a dead or unknown pid posts the callback with kNoProc (never inline).
//   * Post and monitors run on the io_context outside every strand.
//   * An exception escaping OnStart/OnMessage ends that process with ExitKind::kError.
//
// Thread-safety: every method is thread-safe and may be called from process slices, posted
// tasks, timer callbacks or outside threads. Nothing runs user code while holding a
// scheduler lock. The scheduler must outlive the io_context's threads; DestroyRemaining()
// (called by AsioRuntime::Join once the threads have stopped) destroys processes that never
// exited, without notifying their monitors.
#ifndef LIMINAL_IO_RUNTIME_ASIO_SCHEDULER_H_
#define LIMINAL_IO_RUNTIME_ASIO_SCHEDULER_H_

#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "core/runtime/scheduler.h"

namespace liminal::io {

class AsioScheduler final : public runtime::Scheduler {
 public:
  // Slices one drain handler runs before yielding its thread to other work.
  static constexpr int kSlicesPerTurn = 16;

  explicit AsioScheduler(boost::asio::io_context& io);
  ~AsioScheduler() override;
  AsioScheduler(const AsioScheduler&) = delete;
  AsioScheduler& operator=(const AsioScheduler&) = delete;

  runtime::Pid Spawn(std::unique_ptr<runtime::Process> process,
                     runtime::SpawnOptions options) override;
  bool Send(runtime::Pid pid, runtime::Message message) override;
  bool IsAlive(runtime::Pid pid) const override;
  void Kill(runtime::Pid pid, runtime::ExitReason reason) override;
  void Monitor(runtime::Pid pid, runtime::ExitCallback on_exit) override;
  void Post(absl::AnyInvocable<void() &&> task) override;

  // Processes spawned and not yet terminated.
  size_t LiveCount() const;

  // Precondition: no thread is running the io_context (and none will again). Destroys every
  // process still in the table, drops mailboxes and monitors without calling them.
  void DestroyRemaining();

 private:
  struct Entry;
  class Context;
  struct Shard {
    mutable absl::Mutex mu;
    absl::flat_hash_map<runtime::Pid, std::shared_ptr<Entry>> entries ABSL_GUARDED_BY(mu);
  };
  static constexpr size_t kShards = 16;

  Shard& ShardFor(runtime::Pid pid) { return shards_[pid % kShards]; }
  const Shard& ShardFor(runtime::Pid pid) const { return shards_[pid % kShards]; }
  // How a drain is queued. kWake (a message, a kill or the first slice): deferred, so that
  // when the sender is itself a handler on a runtime thread, the woken process runs on that
  // thread once the sender's handler returns, instead of waking another thread for it (a
  // futex wake and a context switch per hand-off). From any other thread it is a post.
  // kYield (a process that used up its turn): posted, so any thread may take it.
  enum class Handoff { kWake, kYield };
  void ScheduleDrain(std::shared_ptr<Entry> entry, Handoff handoff = Handoff::kWake);
  void Drain(const std::shared_ptr<Entry>& entry);
  void Terminate(const std::shared_ptr<Entry>& entry, runtime::ExitReason reason);

  boost::asio::io_context& io_;
  std::atomic<runtime::Pid> next_pid_{1};
  std::array<Shard, kShards> shards_;
};

}  // namespace liminal::io

#endif  // LIMINAL_IO_RUNTIME_ASIO_SCHEDULER_H_
