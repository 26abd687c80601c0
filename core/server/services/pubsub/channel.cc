#include "core/server/services/pubsub/channel.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/protocol/reason_code.h"
#include "core/server/services/pubsub/stored_envelope.h"

namespace liminal::server::services {

using protocol::MakeFrame;
using protocol::ReasonCode;
using protocol::ToWire;
using runtime::MutexLock;
using Outcome = Channel::PublishResult::Outcome;

Channel::Channel(ChannelSpec spec, size_t index, runtime::Runtime& runtime,
                 absl::Duration dedup_window, ServiceMetrics metrics)
    : spec_(std::move(spec)),
      index_(index),
      runtime_(runtime),
      dedup_window_(dedup_window),
      metrics_(metrics),
      mu_(runtime.NewMutex()),
      dedup_(dedup_window) {}

Channel::~Channel() = default;

absl::Status Channel::ValidatePayload(std::string_view payload) const {
  if (spec_.validator == nullptr) return absl::OkStatus();
  return spec_.validator->Validate(payload);
}

absl::Status Channel::OpenLog() {
  if (!spec_.durable) return absl::OkStatus();
  const absl::Time wall_now = runtime_.clock().WallNow();
  absl::StatusOr<std::unique_ptr<storage::ChannelLog>> log =
      storage::ChannelLog::Open(runtime_.file_system(),
                                {.directory = spec_.storage.directory,
                                 .segment_bytes = spec_.storage.segment_bytes,
                                 .retention = spec_.storage.retention},
                                wall_now);
  if (!log.ok()) {
    return absl::Status(log.status().code(),
                        absl::StrCat("durable channel '", spec_.name,
                                     "': cannot open its log: ", log.status().message()));
  }
  // Keys published within the window before the restart still answer as duplicates.
  absl::StatusOr<std::vector<storage::LogRecord>> keyed =
      (*log)->RecordsWithKeysSince(wall_now - dedup_window_);
  if (!keyed.ok()) {
    return absl::Status(keyed.status().code(), absl::StrCat("durable channel '", spec_.name,
                                                            "': cannot read its idempotency keys: ",
                                                            keyed.status().message()));
  }
  absl::StatusOr<storage::ConsumerPositions> consumers =
      storage::ConsumerPositions::Load(runtime_.file_system(), ConsumersDirectory());
  if (!consumers.ok()) {
    return absl::Status(
        consumers.status().code(),
        absl::StrCat("durable channel '", spec_.name,
                     "': cannot read its consumer positions: ", consumers.status().message()));
  }
  const absl::Time now = runtime_.clock().Now();
  MutexLock lock(*mu_);
  consumers_ = *std::move(consumers);
  for (const storage::LogRecord& record : *keyed) {
    if (!record.idempotency_key.has_value()) continue;
    // Measured on the monotonic clock as if remembered when it was first published.
    const absl::Duration age = std::max(absl::ZeroDuration(), wall_now - record.timestamp);
    dedup_.Remember(*record.idempotency_key, record.id, now - age);
  }
  log_ = *std::move(log);
  next_message_id_ = log_->next_id();
  visible_next_id_ = log_->next_id();
  log_bytes_ = metrics_.AddDurableLogBytes(spec_.name);
  segments_dropped_ = metrics_.AddDurableSegmentsDropped(spec_.name);
  NoteLogSizeLocked();
  ArmAgeRetention();
  return absl::OkStatus();
}

const storage::RecoveryReport* Channel::recovery() const {
  MutexLock lock(*mu_);
  return log_ == nullptr ? nullptr : &log_->recovery();
}

size_t Channel::FanOutLocked(const SharedEnvelope& envelope, uint64_t message_id, WakeList& wakes) {
  size_t queued = 0;
  size_t kept = 0;
  for (size_t i = 0; i < subscriptions_.size(); ++i) {
    std::shared_ptr<Subscription>& subscription = subscriptions_[i];
    switch (subscription->Enqueue(envelope, message_id)) {
      case Subscription::Enqueued::kQueuedNeedsWake:
        wakes.push_back(subscription);
        [[fallthrough]];
      case Subscription::Enqueued::kQueued:
        ++queued;
        break;
      case Subscription::Enqueued::kShed:
        metrics_.SubscriptionShed();
        wakes.push_back(std::move(subscription));
        continue;  // detached: not kept
      case Subscription::Enqueued::kClosed:
        metrics_.SubscriptionRemoved();
        continue;  // closed behind our back (cannot happen while attached); drop it
    }
    if (kept != i) subscriptions_[kept] = std::move(subscription);
    ++kept;
  }
  subscriptions_.resize(kept);
  return queued;
}

Channel::PublishResult Channel::Publish(const SharedEnvelope& envelope,
                                        const std::optional<std::string>& idempotency_key,
                                        absl::Time now, WakeList& wakes,
                                        const PublishOrigin* origin) {
  // Encoded before the lock: publishers to one channel serialize only on the append.
  std::string stored = spec_.durable ? EncodeStoredEnvelope(*envelope) : std::string();
  MutexLock lock(*mu_);
  if (spec_.durable) {
    return PublishDurableLocked(envelope, std::move(stored), idempotency_key, now, wakes, origin);
  }
  PublishResult result;
  if (idempotency_key.has_value()) {
    if (std::optional<uint64_t> original = dedup_.Find(*idempotency_key, now)) {
      result.message_id = *original;
      result.outcome = Outcome::kDuplicate;
      if (spec_.fault_deliver_duplicates) FanOutLocked(envelope, *original, wakes);
      return result;
    }
  }
  result.message_id = next_message_id_++;
  if (idempotency_key.has_value()) dedup_.Remember(*idempotency_key, result.message_id, now);
  result.queued = FanOutLocked(envelope, result.message_id, wakes);
  return result;
}

Channel::PublishResult Channel::PublishDurableLocked(
    const SharedEnvelope& envelope, std::string stored,
    const std::optional<std::string>& idempotency_key, absl::Time now, WakeList& wakes,
    const PublishOrigin* origin) {
  PublishResult result;
  if (log_ == nullptr) {  // OpenLog failed or was never called: the registry prevents both
    result.outcome = Outcome::kStorageError;
    result.error = StorageErrorText(absl::FailedPreconditionError("its log is not open"));
    return result;
  }
  const bool always =
      spec_.storage.fsync == config::FsyncPolicy::kAlways && !spec_.storage.fault_ack_before_fsync;
  if (idempotency_key.has_value()) {
    if (std::optional<uint64_t> original = dedup_.Find(*idempotency_key, now)) {
      result.message_id = *original;
      if (*original < visible_next_id_ || !always || origin == nullptr) {
        result.outcome = Outcome::kDuplicate;
        return result;
      }
      // The original still waits for its fsync: so does this answer (and it fails with it).
      pending_.push_back({.message_id = *original,
                          .envelope = nullptr,
                          .idempotency_key = std::nullopt,
                          .origin = *origin});
      result.outcome = Outcome::kPending;
      return result;
    }
  }
  const uint64_t id = log_->next_id();
  const size_t bytes = stored.size();
  absl::Status written = log_->Append({.id = id,
                                       .timestamp = runtime_.clock().WallNow(),
                                       .idempotency_key = idempotency_key,
                                       .envelope = std::move(stored)});
  NoteStorageOutcomeLocked(written, "writing a message");
  if (!written.ok()) {
    metrics_.DurableError();
    result.outcome = Outcome::kStorageError;
    result.error = StorageErrorText(written);
    return result;
  }
  metrics_.DurableAppended(bytes);
  result.message_id = id;
  next_message_id_ = id + 1;
  if (idempotency_key.has_value()) dedup_.Remember(*idempotency_key, id, now);
  if (always) {
    pending_.push_back({.message_id = id,
                        .envelope = envelope,
                        .idempotency_key = idempotency_key,
                        .origin = origin != nullptr ? *origin : PublishOrigin{}});
    if (!sync_in_flight_) StartSyncLocked();
    result.outcome = Outcome::kPending;
    return result;
  }
  visible_next_id_ = id + 1;
  result.queued = FanOutLocked(envelope, id, wakes);
  if (spec_.storage.fsync == config::FsyncPolicy::kInterval) ArmIntervalSyncLocked();
  return result;
}

void Channel::StartSyncLocked() {
  sync_in_flight_ = true;
  runtime_.file_system().RunBlocking(WhileAlive([batch = log_->PrepareSync()](Channel& self) {
    const absl::Time start = self.runtime_.clock().Now();
    const absl::Status status = batch.Run();
    self.metrics_.FsyncObserved(self.runtime_.clock().Now() - start);
    self.CompleteSync(batch, status);
  }));
}

void Channel::ArmIntervalSyncLocked() {
  if (interval_sync_armed_) return;
  interval_sync_armed_ = true;
  runtime_.clock().RunAfter(spec_.storage.fsync_interval, WhileAlive([](Channel& self) {
                              MutexLock lock(*self.mu_);
                              self.interval_sync_armed_ = false;
                              if (!self.sync_in_flight_) self.StartSyncLocked();
                            }));
}

void Channel::CompleteSync(const storage::ChannelLog::SyncBatch& batch,
                           const absl::Status& status) {
  WakeList wakes;
  std::vector<Answer> answers;
  std::vector<SharedEnvelope> committed;
  {
    MutexLock lock(*mu_);
    FinishSyncLocked(batch, status, wakes, answers, committed);
  }
  AfterCommit(wakes, answers, committed);
}

void Channel::FinishSyncLocked(const storage::ChannelLog::SyncBatch& batch,
                               const absl::Status& status, WakeList& wakes,
                               std::vector<Answer>& answers,
                               std::vector<SharedEnvelope>& committed) {
  sync_in_flight_ = false;
  NoteStorageOutcomeLocked(status, "fsync");
  if (status.ok()) {
    log_->MarkSynced(batch);
    // What is durable now (a batch from before a rewind marks nothing; the next one will).
    const uint64_t durable_next_id = log_->synced_next_id();
    while (!pending_.empty() && pending_.front().message_id < durable_next_id) {
      PendingPublish publish = std::move(pending_.front());
      pending_.pop_front();
      uint8_t flags = 0;
      if (publish.envelope != nullptr) {
        visible_next_id_ = publish.message_id + 1;
        if (FanOutLocked(publish.envelope, publish.message_id, wakes) > 0) {
          flags = protocol::kFlagDelivered;
        }
        committed.push_back(std::move(publish.envelope));
        metrics_.PublishAcked();
      } else {
        metrics_.PublishDuplicate();
      }
      if (publish.origin.inbox != nullptr) {
        answers.push_back(
            {std::move(publish.origin.inbox),
             MakeFrame(protocol::PublishAck{publish.message_id}, publish.origin.stream_id, flags)});
      }
    }
    NoteLogSizeLocked();
  } else if (spec_.storage.fsync == config::FsyncPolicy::kAlways) {
    // Nothing pending was acknowledged or seen: forget it all, on disk and in the window.
    metrics_.DurableError();
    const std::string text = StorageErrorText(status);
    for (PendingPublish& publish : pending_) {
      if (publish.idempotency_key.has_value()) {
        dedup_.Forget(*publish.idempotency_key, publish.message_id);
      }
      if (publish.envelope != nullptr) metrics_.PublishRejected();
      if (publish.origin.inbox != nullptr) {
        answers.push_back({std::move(publish.origin.inbox),
                           MakeFrame(protocol::PublishError{ToWire(ReasonCode::kStorage), text},
                                     publish.origin.stream_id)});
      }
    }
    pending_.clear();
    // If even the rewind fails, the log recovers its active segment before the next append.
    (void)log_->Rewind(log_->synced_next_id());
    next_message_id_ = log_->next_id();
  } else {
    // "interval": already acknowledged; the next interval tries again.
    metrics_.DurableError();
    ArmIntervalSyncLocked();
  }
  if (!pending_.empty()) StartSyncLocked();
}

void Channel::AfterCommit(WakeList& wakes, std::vector<Answer>& answers,
                          std::vector<SharedEnvelope>& committed) {
  for (Answer& answer : answers) answer.inbox->Post(std::move(answer.frame));
  if (observer_ != nullptr) {
    for (const SharedEnvelope& envelope : committed) observer_->Committed(*this, envelope, wakes);
  }
  SendWakes(runtime_.scheduler(), wakes, runtime::kNoPid);
}

void Channel::NoteLogSizeLocked() {
  if (log_bytes_ != nullptr) log_bytes_->Set(static_cast<int64_t>(log_->size_bytes()));
  const uint64_t dropped = log_->segments_dropped();
  if (segments_dropped_ != nullptr && dropped > segments_dropped_seen_) {
    segments_dropped_->Increment(dropped - segments_dropped_seen_);
  }
  segments_dropped_seen_ = dropped;
}

void Channel::NoteStorageOutcomeLocked(const absl::Status& status, std::string_view what) {
  if (status.ok()) {
    if (storage_failures_ > 0 && spec_.storage.report) {
      spec_.storage.report(absl::StrCat("durable channel '", spec_.name,
                                        "': its log works again after ", storage_failures_,
                                        " failed write(s) or fsync(s)"));
    }
    storage_failures_ = 0;
    return;
  }
  ++storage_failures_;
  if (spec_.storage.report) {
    spec_.storage.report(absl::StrCat(
        "durable channel '", spec_.name, "': ", std::string(what), " failed: ", status.message(),
        spec_.storage.fsync == config::FsyncPolicy::kAlways
            ? absl::StrCat("; ", pending_.size(), " waiting publish(es) answered E_STORAGE")
            : std::string("; the messages were acknowledged already (fsync is not \"always\")")));
  }
}

std::string Channel::StorageErrorText(const absl::Status& status) const {
  return absl::StrCat("durable channel '", spec_.name,
                      "' could not store the message: ", status.message());
}

std::string Channel::ConsumersDirectory() const {
  return absl::StrCat(spec_.storage.directory, "/consumers");
}

absl::Status Channel::ClaimConsumer(const std::string& name) {
  MutexLock lock(*mu_);
  if (!claimed_consumers_.insert(name).second) {
    return absl::AlreadyExistsError(
        absl::StrCat("consumer '", name, "' of channel '", spec_.name,
                     "' is already subscribed; a named consumer has one subscription at a time"));
  }
  return absl::OkStatus();
}

void Channel::ReleaseConsumer(const std::string& name) {
  MutexLock lock(*mu_);
  claimed_consumers_.erase(name);
}

std::optional<uint64_t> Channel::ConsumerPosition(const std::string& name) const {
  MutexLock lock(*mu_);
  return consumers_.has_value() ? consumers_->Get(name) : std::nullopt;
}

void Channel::AdvanceConsumer(const std::string& name, uint64_t acknowledged_through) {
  MutexLock lock(*mu_);
  if (!consumers_.has_value() || !consumers_->Advance(name, acknowledged_through)) return;
  if (consumer_save_armed_) return;
  consumer_save_armed_ = true;
  runtime_.clock().RunAfter(kConsumerSaveDelay, WhileAlive([](Channel& self) {
                              self.runtime_.file_system().RunBlocking(
                                  self.WhileAlive([](Channel& c) { c.SaveConsumers(); }));
                            }));
}

void Channel::SaveConsumers() {
  std::vector<storage::ConsumerPosition> dirty;
  {
    MutexLock lock(*mu_);
    consumer_save_armed_ = false;
    dirty = consumers_->TakeDirty();
  }
  if (dirty.empty()) return;
  absl::Status saved =
      storage::ConsumerPositions::Save(runtime_.file_system(), ConsumersDirectory(), dirty);
  if (saved.ok()) return;
  metrics_.DurableError();
  MutexLock lock(*mu_);
  consumers_->MarkDirty(dirty);  // the next advance (or the shutdown flush) tries again
}

absl::AnyInvocable<void() &&> Channel::WhileAlive(absl::AnyInvocable<void(Channel&) &&> fn) {
  return [weak = weak_from_this(), fn = std::move(fn)]() mutable {
    if (std::shared_ptr<Channel> self = weak.lock()) std::move(fn)(*self);
  };
}

void Channel::ArmAgeRetention() {
  const absl::Duration max_age = spec_.storage.retention.max_age;
  if (max_age <= absl::ZeroDuration()) return;
  // Often enough that a segment outlives its age by at most a tenth of it (and a minute).
  const absl::Duration period = std::clamp(max_age / 10, absl::Milliseconds(100), absl::Minutes(1));
  runtime_.clock().RunAfter(
      period, WhileAlive([](Channel& self) {
        self.runtime_.file_system().RunBlocking(self.WhileAlive([](Channel& c) {
          {
            MutexLock lock(*c.mu_);
            absl::StatusOr<size_t> dropped = c.log_->ApplyRetention(c.runtime_.clock().WallNow());
            c.NoteStorageOutcomeLocked(dropped.status(), "dropping old segments");
            c.NoteLogSizeLocked();
          }
          c.ArmAgeRetention();
        }));
      }));
}

uint64_t Channel::ReplayStart(std::optional<uint64_t> from) const {
  MutexLock lock(*mu_);
  if (log_ == nullptr) return 1;
  return std::max(from.value_or(0), log_->first_id());
}

Channel::ReplayBatch Channel::ReadForReplay(uint64_t cursor, size_t max_messages,
                                            const std::shared_ptr<Subscription>& subscription) {
  ReplayBatch batch;
  MutexLock lock(*mu_);
  if (log_ != nullptr) cursor = std::max(cursor, log_->first_id());  // retention moved on
  batch.next_cursor = cursor;
  if (log_ == nullptr || cursor >= visible_next_id_) {
    subscriptions_.push_back(subscription);
    metrics_.SubscriptionAdded();
    batch.attached = true;
    return batch;
  }
  const size_t wanted = std::min<uint64_t>(max_messages, visible_next_id_ - cursor);
  absl::StatusOr<std::vector<storage::LogRecord>> records =
      log_->Read(cursor, wanted, /*max_bytes=*/1 << 20);
  if (!records.ok()) {
    batch.error = records.status();
    return batch;
  }
  for (storage::LogRecord& record : *records) {
    if (record.id >= visible_next_id_) break;
    absl::StatusOr<protocol::Envelope> envelope = DecodeStoredEnvelope(record.envelope);
    if (!envelope.ok()) {
      batch.error = absl::DataLossError(
          absl::StrCat("message ", record.id, ": ", envelope.status().message()));
      return batch;
    }
    batch.messages.push_back(
        {std::make_shared<const protocol::Envelope>(*std::move(envelope)), record.id});
    batch.next_cursor = record.id + 1;
  }
  return batch;
}

absl::Status Channel::Flush() {
  WakeList wakes;
  std::vector<Answer> answers;
  std::vector<SharedEnvelope> committed;
  absl::Status status;
  {
    MutexLock lock(*mu_);
    if (log_ == nullptr) return absl::OkStatus();
    const storage::ChannelLog::SyncBatch batch = log_->PrepareSync();
    status = batch.Run();
    const bool was_in_flight = sync_in_flight_;
    FinishSyncLocked(batch, status, wakes, answers, committed);
    // An fsync already on the blocking threads completes on its own.
    sync_in_flight_ = sync_in_flight_ || was_in_flight;
  }
  AfterCommit(wakes, answers, committed);
  if (!status.ok()) {
    return absl::Status(status.code(), absl::StrCat("durable channel '", spec_.name,
                                                    "': final fsync failed: ", status.message()));
  }
  std::vector<storage::ConsumerPosition> dirty;
  {
    MutexLock lock(*mu_);
    dirty = consumers_->TakeDirty();
  }
  absl::Status saved =
      storage::ConsumerPositions::Save(runtime_.file_system(), ConsumersDirectory(), dirty);
  if (!saved.ok()) {
    return absl::Status(saved.code(),
                        absl::StrCat("durable channel '", spec_.name, "': ", saved.message()));
  }
  return absl::OkStatus();
}

void Channel::AddSubscription(std::shared_ptr<Subscription> subscription) {
  MutexLock lock(*mu_);
  subscriptions_.push_back(std::move(subscription));
  metrics_.SubscriptionAdded();
}

bool Channel::RemoveSubscription(Subscription& subscription) {
  bool removed = false;
  {
    MutexLock lock(*mu_);
    auto it = std::find_if(subscriptions_.begin(), subscriptions_.end(),
                           [&](const auto& s) { return s.get() == &subscription; });
    if (it != subscriptions_.end()) {
      subscriptions_.erase(it);
      metrics_.SubscriptionRemoved();
      removed = true;
    }
  }
  subscription.Close();
  return removed;
}

size_t Channel::subscription_count() const {
  MutexLock lock(*mu_);
  return subscriptions_.size();
}

}  // namespace liminal::server::services
