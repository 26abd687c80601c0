#include "io/runtime/asio_scheduler.h"

#include <spdlog/spdlog.h>

#include <boost/asio/defer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <deque>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace liminal::io {

using runtime::ExitReason;
using runtime::Message;
using runtime::Pid;

struct AsioScheduler::Entry {
  Entry(Pid p, std::string n, std::unique_ptr<runtime::Process> proc, boost::asio::io_context& io)
      : pid(p),
        name(std::move(n)),
        strand(boost::asio::make_strand(io)),
        process(std::move(proc)) {}

  const Pid pid;
  const std::string name;
  boost::asio::strand<boost::asio::io_context::executor_type> strand;

  absl::Mutex mu;
  std::deque<Message> mailbox ABSL_GUARDED_BY(mu);
  std::vector<runtime::ExitCallback> monitors ABSL_GUARDED_BY(mu);
  // Requested by ProcessContext::Exit or Kill; the first request wins.
  std::optional<ExitReason> exit ABSL_GUARDED_BY(mu);
  // A Drain handler is posted to the strand or running on it.
  bool scheduled ABSL_GUARDED_BY(mu) = true;
  bool exited ABSL_GUARDED_BY(mu) = false;

  // Only touched on the strand (or after the runtime's threads have stopped).
  std::unique_ptr<runtime::Process> process;
  bool started = false;
};

class AsioScheduler::Context final : public runtime::ProcessContext {
 public:
  explicit Context(Entry& entry) : entry_(entry) {}
  Pid self() const override { return entry_.pid; }
  void Exit(ExitReason reason) override {
    absl::MutexLock lock(&entry_.mu);
    if (!entry_.exit.has_value()) entry_.exit = std::move(reason);
  }

 private:
  Entry& entry_;
};

AsioScheduler::AsioScheduler(boost::asio::io_context& io) : io_(io) {}

AsioScheduler::~AsioScheduler() { DestroyRemaining(); }

Pid AsioScheduler::Spawn(std::unique_ptr<runtime::Process> process, runtime::SpawnOptions options) {
  const Pid pid = next_pid_.fetch_add(1, std::memory_order_relaxed);
  auto entry = std::make_shared<Entry>(pid, std::move(options.name), std::move(process), io_);
  {
    Shard& shard = ShardFor(pid);
    absl::MutexLock lock(&shard.mu);
    shard.entries.emplace(pid, entry);
  }
  ScheduleDrain(std::move(entry));  // `scheduled` starts true: this is the OnStart slice
  return pid;
}

void AsioScheduler::ScheduleDrain(std::shared_ptr<Entry> entry, Handoff handoff) {
  Entry& e = *entry;
  auto drain = [this, entry = std::move(entry)] { Drain(entry); };
  if (handoff == Handoff::kYield) {
    boost::asio::post(e.strand, std::move(drain));
  } else {
    boost::asio::defer(e.strand, std::move(drain));
  }
}

bool AsioScheduler::Send(Pid pid, Message message) {
  std::shared_ptr<Entry> wake;
  {
    const Shard& shard = ShardFor(pid);
    absl::ReaderMutexLock table_lock(&shard.mu);
    auto it = shard.entries.find(pid);
    if (it == shard.entries.end()) return false;
    Entry& entry = *it->second;
    absl::MutexLock lock(&entry.mu);
    if (entry.exited || entry.exit.has_value()) return false;
    entry.mailbox.push_back(std::move(message));
    if (!entry.scheduled) {
      entry.scheduled = true;
      wake = it->second;
    }
  }
  if (wake != nullptr) ScheduleDrain(std::move(wake));
  return true;
}

bool AsioScheduler::IsAlive(Pid pid) const {
  const Shard& shard = ShardFor(pid);
  absl::ReaderMutexLock lock(&shard.mu);
  return shard.entries.contains(pid);
}

void AsioScheduler::Kill(Pid pid, ExitReason reason) {
  reason.kind = runtime::ExitKind::kKilled;
  std::shared_ptr<Entry> wake;
  {
    const Shard& shard = ShardFor(pid);
    absl::ReaderMutexLock table_lock(&shard.mu);
    auto it = shard.entries.find(pid);
    if (it == shard.entries.end()) return;
    Entry& entry = *it->second;
    absl::MutexLock lock(&entry.mu);
    if (entry.exited || entry.exit.has_value()) return;
    entry.exit = std::move(reason);
    // Running or queued: the drain handler terminates at its next slice boundary.
    // Idle: post one to terminate it now.
    if (!entry.scheduled) {
      entry.scheduled = true;
      wake = it->second;
    }
  }
  if (wake != nullptr) ScheduleDrain(std::move(wake));
}

void AsioScheduler::Monitor(Pid pid, runtime::ExitCallback on_exit) {
  {
    const Shard& shard = ShardFor(pid);
    absl::ReaderMutexLock table_lock(&shard.mu);
    auto it = shard.entries.find(pid);
    if (it != shard.entries.end()) {
      Entry& entry = *it->second;
      absl::MutexLock lock(&entry.mu);
      if (!entry.exited) {
        entry.monitors.push_back(std::move(on_exit));
        return;
      }
    }
  }
  Post([pid, cb = std::move(on_exit)]() mutable {
    std::move(cb)(pid, ExitReason{runtime::ExitKind::kNoProc, "no such process"});
  });
}

void AsioScheduler::Post(absl::AnyInvocable<void() &&> task) {
  boost::asio::post(io_, [task = std::move(task)]() mutable { std::move(task)(); });
}

void AsioScheduler::Drain(const std::shared_ptr<Entry>& entry) {
  Entry& e = *entry;
  for (int budget = kSlicesPerTurn;; --budget) {
    std::optional<Message> message;
    std::optional<ExitReason> exit;
    {
      absl::MutexLock lock(&e.mu);
      if (e.exit.has_value()) {
        exit = *e.exit;
      } else if (e.started && e.mailbox.empty()) {
        e.scheduled = false;
        return;
      } else if (e.started && budget > 0) {
        message.emplace(std::move(e.mailbox.front()));
        e.mailbox.pop_front();
      }
    }
    if (exit.has_value()) {
      Terminate(entry, std::move(*exit));
      return;
    }
    if (budget == 0) {
      ScheduleDrain(entry, Handoff::kYield);  // still scheduled: continue later
      return;
    }
    Context ctx(e);
    try {
      if (!e.started) {
        e.started = true;
        e.process->OnStart(ctx);
      } else {
        e.process->OnMessage(ctx, *message);
      }
    } catch (const std::exception& ex) {
      spdlog::error("process {} ({}) threw: {}; it exits with an error", e.pid, e.name, ex.what());
      ctx.Exit(ExitReason::Error(absl::StrCat("uncaught exception: ", ex.what())));
    } catch (...) {
      spdlog::error("process {} ({}) threw a non-standard exception; it exits with an error", e.pid,
                    e.name);
      ctx.Exit(ExitReason::Error("uncaught non-standard exception"));
    }
  }
}

void AsioScheduler::Terminate(const std::shared_ptr<Entry>& entry, ExitReason reason) {
  Entry& e = *entry;
  std::vector<runtime::ExitCallback> monitors;
  std::deque<Message> dropped;
  {
    absl::MutexLock lock(&e.mu);
    e.exited = true;  // from here on Monitor reports kNoProc and Send fails
    monitors.swap(e.monitors);
    dropped.swap(e.mailbox);
  }
  {
    Shard& shard = ShardFor(e.pid);
    absl::MutexLock lock(&shard.mu);
    shard.entries.erase(e.pid);  // IsAlive is false before any monitor runs
  }
  e.process.reset();  // on the strand: no slice of this process can be running
  dropped.clear();
  for (runtime::ExitCallback& monitor : monitors) {
    Post([pid = e.pid, reason, cb = std::move(monitor)]() mutable { std::move(cb)(pid, reason); });
  }
}

size_t AsioScheduler::LiveCount() const {
  size_t count = 0;
  for (const Shard& shard : shards_) {
    absl::ReaderMutexLock lock(&shard.mu);
    count += shard.entries.size();
  }
  return count;
}

void AsioScheduler::DestroyRemaining() {
  // A process destructor may spawn or send; loop until the table stays empty.
  for (;;) {
    std::vector<std::shared_ptr<Entry>> remaining;
    for (Shard& shard : shards_) {
      absl::MutexLock lock(&shard.mu);
      for (auto& [pid, entry] : shard.entries) remaining.push_back(std::move(entry));
      shard.entries.clear();
    }
    if (remaining.empty()) return;
    for (const std::shared_ptr<Entry>& entry : remaining) {
      std::vector<runtime::ExitCallback> monitors;
      std::deque<Message> dropped;
      {
        absl::MutexLock lock(&entry->mu);
        entry->exited = true;
        if (!entry->exit.has_value()) entry->exit = ExitReason::Killed("runtime stopped");
        monitors.swap(entry->monitors);
        dropped.swap(entry->mailbox);
      }
      entry->process.reset();
    }
  }
}

}  // namespace liminal::io
