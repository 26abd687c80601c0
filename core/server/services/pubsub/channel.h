// Channel: one configured channel (server-behaviour.md §2, §3, §5): its name and schema id,
// the optional payload validator, the per-channel message-id counter, the idempotency window,
// the live subscriptions a publish fans out to, in subscription order, and for a durable
// channel its log (core/storage/channel_log.h).
//
//   absl::Status valid = channel.ValidatePayload(envelope.payload);   // no lock; pure
//   WakeList wakes;
//   Channel::PublishResult r =
//       channel.Publish(shared_envelope, key, clock.Now(), wakes, &origin);
//   // r.outcome: kAcked / kDuplicate (answer now), kPending (the answer reaches
//   // origin.inbox after the fsync), kStorageError (PublishError E_STORAGE, r.error);
//   // then SendWakes(scheduler, wakes, self)
//
// Ids and fan-out happen under the channel's mutex, so every subscriber sees a channel's
// messages in message-id order. Lock order: channel, then subscription.
//
// Durable channels append every message to their log before anything else sees it. With
// fsync "always" the message is fanned out and acknowledged only once an fsync covers it:
// the first publish starts an fsync on the FileSystem's blocking threads (RunBlocking), and
// publishes arriving meanwhile share the next one (group commit). A failed write or fsync
// answers E_STORAGE, releases the idempotency claims and rewinds the log, so no subscriber
// ever saw the message and it is not replayed after a restart. With "interval" and "never"
// the message is fanned out and acknowledged after the write. Replay (ReadForReplay) reads
// the log below the visible end and attaches the subscription to the live fan-out, under
// the mutex, once it has caught up: no gap and no duplicate at the seam. Thread-safe.
#ifndef LIMINAL_CORE_SERVER_SERVICES_CHANNEL_H_
#define LIMINAL_CORE_SERVER_SERVICES_CHANNEL_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/config/server_config.h"
#include "core/protocol/envelope.h"
#include "core/protocol/frame.h"
#include "core/runtime/mutex.h"
#include "core/runtime/runtime.h"
#include "core/server/services/payload_validator.h"
#include "core/server/services/pubsub/dedup_window.h"
#include "core/server/services/pubsub/publish_ack_inbox.h"
#include "core/server/services/pubsub/shared_envelope.h"
#include "core/server/services/pubsub/subscription.h"
#include "core/server/services/pubsub/wake_list.h"
#include "core/server/services/service_metrics.h"
#include "core/storage/channel_log.h"
#include "core/storage/consumer_positions.h"

namespace liminal::server::services {

class Channel;

// Where a durable channel's log lives and how it is synced.
struct DurableSpec {
  std::string directory;  // <persistence_path>/<escaped channel name>
  config::FsyncPolicy fsync = config::FsyncPolicy::kAlways;
  absl::Duration fsync_interval = absl::Seconds(1);  // fsync = "interval"
  uint64_t segment_bytes = 64ull << 20;
  storage::RetentionLimits retention;
  // Planted bug (FaultHooks::ack_durable_before_fsync): "always" acknowledges after the write.
  bool fault_ack_before_fsync = false;
  // Told, for the operator's log, when the log fails to write or sync and when it works
  // again. Called with the channel's lock held: it must not call back into the services.
  std::function<void(const std::string&)> report;
};

// Told about each message a durable channel committed after an fsync, once the channel's
// mutex is released (LiminalServices applies the routing rules there).
class CommitObserver {
 public:
  virtual ~CommitObserver() = default;
  virtual void Committed(const Channel& channel, const SharedEnvelope& envelope,
                         WakeList& wakes) = 0;
};

// Who hears the outcome of a publish that waits for an fsync. A null inbox (a routed copy)
// means nobody.
struct PublishOrigin {
  std::shared_ptr<PublishAckInbox> inbox;
  uint32_t stream_id = 0;
};

// What the services need to know about one channel (see services_options.h).
struct ChannelSpec {
  std::string name;
  protocol::SchemaId schema_id{};  // SHA-256 of the schema file, or of schema_ref
  bool durable = false;            // durable channels keep a log: `storage` says where
  DurableSpec storage{};
  std::shared_ptr<const PayloadValidator> validator;  // null: any bytes are accepted
  // Planted bug (FaultHooks::deliver_duplicate_publish): duplicates fan out again.
  bool fault_deliver_duplicates = false;
};

class Channel : public std::enable_shared_from_this<Channel> {
 public:
  struct PublishResult {
    enum class Outcome {
      kAcked,         // answer PublishAck(message_id) now
      kDuplicate,     // the key was seen within the window; message_id is the original
      kPending,       // durable, fsync "always": the answer will reach the origin's inbox
      kStorageError,  // the log could not be written: answer E_STORAGE with `error`
    };
    Outcome outcome = Outcome::kAcked;
    uint64_t message_id = 0;
    size_t queued = 0;  // subscriptions that queued the message on this publish
    std::string error;  // kStorageError: for the operator and the publisher
  };

  // One batch of a replay: messages with consecutive ids from the cursor, or `attached`
  // once the cursor reached the live end (the subscription now receives live messages).
  struct ReplayBatch {
    std::vector<QueuedMessage> messages;
    uint64_t next_cursor = 0;
    bool attached = false;
    absl::Status error;  // the log could not be read
  };

  Channel(ChannelSpec spec, size_t index, runtime::Runtime& runtime, absl::Duration dedup_window,
          ServiceMetrics metrics);
  ~Channel();

  // Durable channels: opens (and recovers) the log and restores the idempotency window.
  // Call once, before the first publish.
  absl::Status OpenLog();
  const storage::RecoveryReport* recovery() const;  // null for an ephemeral channel
  void SetCommitObserver(CommitObserver* observer) { observer_ = observer; }
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  const std::string& name() const { return spec_.name; }
  const protocol::SchemaId& schema_id() const { return spec_.schema_id; }
  bool durable() const { return spec_.durable; }
  bool has_schema() const { return spec_.validator != nullptr; }
  size_t index() const { return index_; }  // position in the configuration

  // OK when the channel has no schema or the payload validates.
  absl::Status ValidatePayload(std::string_view payload) const;

  // Assigns the next message id (unless `idempotency_key` is a duplicate within the window)
  // and queues the envelope on every live subscription. Shed subscriptions are detached and
  // added to `wakes` too, so their owner reports E_SLOW_CONSUMER. `now` is read only with
  // an idempotency key (the dedup window's clock).
  PublishResult Publish(const SharedEnvelope& envelope,
                        const std::optional<std::string>& idempotency_key, absl::Time now,
                        WakeList& wakes, const PublishOrigin* origin = nullptr);

  // Durable channels: the first id a replay from `from` (nullopt: the oldest kept) reads.
  uint64_t ReplayStart(std::optional<uint64_t> from) const;
  // Reads up to `max_messages` messages from `cursor` for a detached replaying
  // subscription, or attaches it (AddSubscription) when the cursor is at the visible end.
  ReplayBatch ReadForReplay(uint64_t cursor, size_t max_messages,
                            const std::shared_ptr<Subscription>& subscription);

  // Named durable consumers (`?consumer=<name>`). Claim fails (AlreadyExists) while another
  // subscription holds the name; Release gives it back. ConsumerPosition is the id the
  // consumer has acknowledged up to (nullopt: a new consumer). AdvanceConsumer moves it
  // forward and saves it (file written and fsynced off the serving threads, within
  // kConsumerSaveDelay): a crash may replay the last few acknowledged messages again
  // (at-least-once), never skip one.
  absl::Status ClaimConsumer(const std::string& name);
  void ReleaseConsumer(const std::string& name);
  std::optional<uint64_t> ConsumerPosition(const std::string& name) const;
  void AdvanceConsumer(const std::string& name, uint64_t acknowledged_through);
  static constexpr absl::Duration kConsumerSaveDelay = absl::Milliseconds(100);

  // Syncs the log and saves consumer positions now, on the calling thread, and completes
  // what waited for the log (shutdown).
  absl::Status Flush();

  void AddSubscription(std::shared_ptr<Subscription> subscription);
  // Detaches the subscription and closes it. False if it was not attached (already removed
  // or shed), so each subscription leaves the subscriptions_current gauge exactly once.
  bool RemoveSubscription(Subscription& subscription);
  size_t subscription_count() const;

 private:
  // A durable publish waiting for its fsync (fsync "always"). A null envelope is a
  // duplicate of a message that is itself still waiting.
  struct PendingPublish {
    uint64_t message_id = 0;
    SharedEnvelope envelope;
    std::optional<std::string> idempotency_key;
    PublishOrigin origin;
  };
  // An answer to post once the mutex is released.
  struct Answer {
    std::shared_ptr<PublishAckInbox> inbox;
    protocol::Frame frame;
  };

  // Queues `envelope` on every live subscription; returns how many queued it.
  size_t FanOutLocked(const SharedEnvelope& envelope, uint64_t message_id, WakeList& wakes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(*mu_);
  PublishResult PublishDurableLocked(const SharedEnvelope& envelope, std::string stored,
                                     const std::optional<std::string>& idempotency_key,
                                     absl::Time now, WakeList& wakes, const PublishOrigin* origin)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(*mu_);
  // Starts an fsync of what the log holds unsynced, on the blocking threads.
  void StartSyncLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(*mu_);
  // The fsync of `batch` ended with `status`: fan out and acknowledge what it covered, or
  // fail everything pending. Then starts the next fsync if publishes arrived meanwhile.
  void FinishSyncLocked(const storage::ChannelLog::SyncBatch& batch, const absl::Status& status,
                        WakeList& wakes, std::vector<Answer>& answers,
                        std::vector<SharedEnvelope>& committed) ABSL_EXCLUSIVE_LOCKS_REQUIRED(*mu_);
  void CompleteSync(const storage::ChannelLog::SyncBatch& batch, const absl::Status& status);
  void ArmIntervalSyncLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(*mu_);
  // Writes the consumer positions that moved, off the serving threads.
  void SaveConsumers();
  // Drops old segments by age (retention.max_age) even when nobody publishes.
  void ArmAgeRetention();
  // `fn` for a timer or blocking work: it runs only if the channel still exists by then
  // (a channel is owned by a shared_ptr, ChannelRegistry's).
  absl::AnyInvocable<void() &&> WhileAlive(absl::AnyInvocable<void(Channel&) &&> fn);
  void AfterCommit(WakeList& wakes, std::vector<Answer>& answers,
                   std::vector<SharedEnvelope>& committed);
  std::string StorageErrorText(const absl::Status& status) const;
  std::string ConsumersDirectory() const;
  // Logs (spec_.storage.report) a failure, or the first success after failures.
  void NoteStorageOutcomeLocked(const absl::Status& status, std::string_view what)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(*mu_);
  // Updates the per-channel log gauges (size, segments dropped by retention).
  void NoteLogSizeLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(*mu_);

  const ChannelSpec spec_;
  const size_t index_;
  runtime::Runtime& runtime_;
  const absl::Duration dedup_window_;
  const ServiceMetrics metrics_;
  std::unique_ptr<runtime::Mutex> mu_;
  uint64_t next_message_id_ ABSL_GUARDED_BY(*mu_) = 1;
  DedupWindow dedup_ ABSL_GUARDED_BY(*mu_);
  std::vector<std::shared_ptr<Subscription>> subscriptions_ ABSL_GUARDED_BY(*mu_);
  CommitObserver* observer_ = nullptr;

  // Durable channels only.
  std::unique_ptr<storage::ChannelLog> log_ ABSL_GUARDED_BY(*mu_);
  std::deque<PendingPublish> pending_ ABSL_GUARDED_BY(*mu_);
  bool sync_in_flight_ ABSL_GUARDED_BY(*mu_) = false;
  bool interval_sync_armed_ ABSL_GUARDED_BY(*mu_) = false;
  // Messages with smaller ids have been fanned out (and, with "always", synced): what a
  // replay may read.
  uint64_t visible_next_id_ ABSL_GUARDED_BY(*mu_) = 1;
  metrics::Gauge* log_bytes_ = nullptr;
  metrics::Counter* segments_dropped_ = nullptr;
  uint64_t segments_dropped_seen_ ABSL_GUARDED_BY(*mu_) = 0;
  std::optional<storage::ConsumerPositions> consumers_ ABSL_GUARDED_BY(*mu_);
  absl::btree_set<std::string> claimed_consumers_ ABSL_GUARDED_BY(*mu_);
  bool consumer_save_armed_ ABSL_GUARDED_BY(*mu_) = false;
  uint64_t storage_failures_ ABSL_GUARDED_BY(*mu_) = 0;  // since the log last worked
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_CHANNEL_H_
