#include "bench/soak_traffic.h"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <random>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "bench/raw_subscriber.h"
#include "bench/rendezvous.h"
#include "client/connection.h"
#include "client/io_thread.h"

namespace liminal::bench {
namespace {

using boost::asio::ip::tcp;
using client::Connection;
using client::ConnectionHandlers;
using SoakClock = std::chrono::steady_clock;

constexpr uint32_t kPublishWindow = 32;
constexpr uint32_t kEchoWindow = 4;
constexpr uint32_t kPushWindow = 2;
constexpr uint32_t kSoakSubscriberMaxInFlight = 256;
constexpr uint64_t kRequestsPerConversation = 100;
constexpr absl::Duration kSoakSetupTimeout = absl::Seconds(10);
constexpr auto kPacerTick = std::chrono::milliseconds(20);
constexpr int64_t kChurnGapMaxMs = 100;
constexpr char kSoakTaskQueue[] = "soak";
constexpr char kSoakPushSubject[] = "worker.soak";
constexpr char kSoakEchoSubject[] = "soak.echo";
constexpr char kSoakWorkerReplyPrefix[] = "pushed:";
constexpr size_t kSoakPayloadSizes[] = {32, 256, 2048};

absl::Status Prefixed(const absl::Status& status, absl::string_view what) {
  return absl::Status(status.code(), absl::StrCat(what, ": ", status.message()));
}

// Every entry of a role is paced from its shard's thread.
struct PublisherEntry {
  std::unique_ptr<Connection> connection;
  size_t index = 0;
  uint64_t sent = 0;
  uint32_t outstanding = 0;
};

struct ConversationEntry {  // echo clients and push requesters
  std::unique_ptr<Connection> connection;
  client::Conversation conversation;
  uint64_t requests = 0;  // on the current conversation
  uint32_t outstanding = 0;
};

struct ConnectionEntry {  // workers, subscribers with ACKS
  std::unique_ptr<Connection> connection;
  client::Subscription subscription;
};

struct RawEntry {  // subscribers without ACKS
  std::shared_ptr<RawSubscriber> subscriber;
};

struct ChurnSlot {
  ChurnSlot(boost::asio::any_io_executor executor, std::string channel_name)
      : timer(std::move(executor)), channel(std::move(channel_name)) {}
  boost::asio::steady_timer timer;
  std::string channel;
  uint64_t round = 0;
  bool active = false;  // inside a round: failures are errors
  std::unique_ptr<Connection> connection;
  std::shared_ptr<RawSubscriber> raw;
};

struct Pace {
  double rate = 0;  // per second, this shard's share
  uint64_t issued = 0;
  size_t next = 0;
};

// Runs the completion once every close it counted has finished.
class PendingCloses {
 public:
  explicit PendingCloses(absl::AnyInvocable<void(bool)> done) : done_(std::move(done)) {}
  void Add() { ++count_; }
  void Finish() {
    if (--count_ == 0 && done_) std::exchange(done_, nullptr)(true);
  }

 private:
  int count_ = 1;  // the caller's own, released by its Finish()
  absl::AnyInvocable<void(bool)> done_;
};

}  // namespace

class SoakTraffic::Shard {
 public:
  Shard(const SoakTrafficSpec& spec, SoakTally& tally, uint32_t seed)
      : spec_(spec),
        tally_(tally),
        endpoint_(boost::asio::ip::make_address(spec.host), spec.port),
        pacer_(io_.executor()),
        random_(seed) {}

  absl::Status AddPublisher() {
    auto entry = std::make_unique<PublisherEntry>();
    absl::StatusOr<std::unique_ptr<Connection>> connection = ConnectPersistent("publisher");
    if (!connection.ok()) return connection.status();
    entry->connection = *std::move(connection);
    entry->index = publishers_.size();
    publishers_.push_back(std::move(entry));
    return absl::OkStatus();
  }

  absl::Status AddAcksSubscriber(const std::string& channel) {
    auto entry = std::make_unique<ConnectionEntry>();
    absl::StatusOr<std::unique_ptr<Connection>> connection = ConnectPersistent("subscriber");
    if (!connection.ok()) return connection.status();
    entry->connection = *std::move(connection);
    client::SubscribeOptions options;
    options.max_in_flight = kSoakSubscriberMaxInFlight;
    options.ack_mode = client::AckMode::kAuto;
    client::SubscriptionHandlers handlers;
    handlers.on_delivery = [this](const client::Subscription&, client::Delivery) {
      tally_.Add(SoakOp::kDeliveryAcks);
    };
    handlers.on_end = [this](absl::Status why) {
      if (!stopping_) tally_.Error(Prefixed(why, "subscription with ACKS ended"));
    };
    Rendezvous<absl::StatusOr<client::Subscription>> subscribed;
    entry->connection->Subscribe(channel, options, std::move(handlers), subscribed.Callback());
    std::optional<absl::StatusOr<client::Subscription>> result = subscribed.Wait(kSoakSetupTimeout);
    if (!result.has_value()) return absl::DeadlineExceededError("subscribe timed out");
    if (!result->ok()) return Prefixed(result->status(), "subscribe");
    entry->subscription = **std::move(result);
    acks_subscribers_.push_back(std::move(entry));
    return absl::OkStatus();
  }

  absl::Status AddNoAcksSubscriber(const std::string& channel) {
    auto entry = std::make_unique<RawEntry>();
    RawEntry* raw = entry.get();
    noacks_subscribers_.push_back(std::move(entry));
    Rendezvous<absl::Status> subscribed;
    auto setup = std::make_shared<absl::AnyInvocable<void(absl::Status)>>(subscribed.Callback());
    boost::asio::post(io_.executor(), [this, raw, setup, channel] {
      raw->subscriber =
          RawSubscriber::Open(io_.executor(), endpoint_, channel,
                              {.on_subscribed =
                                   [setup] {
                                     if (*setup) std::exchange(*setup, nullptr)(absl::OkStatus());
                                   },
                               .on_delivery = [this] { tally_.Add(SoakOp::kDeliveryNoAcks); },
                               .on_failed =
                                   [this, setup](absl::Status why) {
                                     if (*setup) {
                                       std::exchange(*setup, nullptr)(why);
                                     } else if (!stopping_) {
                                       tally_.Error(Prefixed(why, "subscriber without ACKS"));
                                     }
                                   }});
    });
    std::optional<absl::Status> result = subscribed.Wait(kSoakSetupTimeout);
    if (!result.has_value()) return absl::DeadlineExceededError("raw subscribe timed out");
    return result->ok() ? absl::OkStatus() : Prefixed(*result, "raw subscribe");
  }

  absl::Status AddEchoClient() { return AddConversation(kSoakEchoSubject, echo_clients_); }
  absl::Status AddPushRequester() { return AddConversation(kSoakPushSubject, push_requesters_); }

  absl::Status AddWorker() {
    auto entry = std::make_unique<ConnectionEntry>();
    ConnectionHandlers handlers;
    handlers.on_push = client::MakePushHandler([this](uint64_t, std::string_view payload) {
      tally_.Add(SoakOp::kPushHandled);
      return absl::StrCat(kSoakWorkerReplyPrefix, std::string(payload));
    });
    absl::StatusOr<std::unique_ptr<Connection>> connection =
        ConnectPersistent("worker", std::move(handlers));
    if (!connection.ok()) return connection.status();
    entry->connection = *std::move(connection);
    client::WorkerRegistration registration;
    registration.namespaces = {"default"};
    registration.task_queue = kSoakTaskQueue;
    registration.identity = absl::StrCat("soak-worker-", workers_.size());
    Rendezvous<absl::StatusOr<client::WorkerRegisterResult>> registered;
    entry->connection->RegisterWorker(registration, registered.Callback());
    std::optional<absl::StatusOr<client::WorkerRegisterResult>> result =
        registered.Wait(kSoakSetupTimeout);
    if (!result.has_value()) return absl::DeadlineExceededError("RegisterWorker timed out");
    if (!result->ok()) return Prefixed(result->status(), "RegisterWorker");
    if (!(*result)->accepted) {
      return absl::FailedPreconditionError(
          absl::StrCat("worker registration rejected: ", (*result)->rejection_reason));
    }
    workers_.push_back(std::move(entry));
    return absl::OkStatus();
  }

  void AddChurnSlot(const std::string& channel) {
    churn_.push_back(std::make_unique<ChurnSlot>(io_.executor(), channel));
  }

  size_t publishers() const { return publishers_.size(); }
  size_t echo_clients() const { return echo_clients_.size(); }
  size_t push_requesters() const { return push_requesters_.size(); }

  void StartTraffic(double publishes_per_second, double requests_per_second,
                    double pushes_per_second) {
    boost::asio::post(io_.executor(), [=, this] {
      publish_pace_.rate = publishes_per_second;
      echo_pace_.rate = requests_per_second;
      push_pace_.rate = pushes_per_second;
      started_ = SoakClock::now();
      Tick();
      for (auto& slot : churn_) ScheduleChurn(*slot);
    });
  }

  // From here on nothing new is issued and what fails is not an error: the first step of
  // stopping, taken by every shard before any shard closes its connections (a requester of
  // one shard would otherwise see the worker of another shard go away).
  void BeginStop() {
    Rendezvous<bool> quiet;
    boost::asio::post(io_.executor(), [this, done = quiet.Callback()]() mutable {
      stopping_ = true;
      pacer_.cancel();
      done(true);
    });
    quiet.Wait(absl::Seconds(10));
  }

  void Stop() {
    BeginStop();
    Rendezvous<bool> closed;
    boost::asio::post(io_.executor(), [this, done = closed.Callback()]() mutable {
      auto pending = std::make_shared<PendingCloses>(std::move(done));
      auto close = [&pending](Connection* connection) {
        if (connection == nullptr) return;
        pending->Add();
        connection->Close([pending] { pending->Finish(); });
      };
      for (auto& entry : publishers_) close(entry->connection.get());
      for (auto& entry : echo_clients_) close(entry->connection.get());
      for (auto& entry : push_requesters_) close(entry->connection.get());
      for (auto& entry : acks_subscribers_) close(entry->connection.get());
      for (auto& entry : workers_) close(entry->connection.get());
      for (auto& entry : noacks_subscribers_) {
        if (entry->subscriber != nullptr) entry->subscriber->Close();
      }
      for (auto& leaked : leaked_) leaked->Close();
      for (auto& slot : churn_) {
        slot->timer.cancel();
        close(slot->connection.get());
        if (slot->raw != nullptr) slot->raw->Reset();
      }
      pending->Finish();
    });
    closed.Wait(absl::Seconds(10));
    io_.Stop();
  }

 private:
  absl::StatusOr<std::unique_ptr<Connection>> ConnectPersistent(const std::string& role,
                                                                ConnectionHandlers handlers = {}) {
    handlers.on_closed = [this, role](absl::Status why) {
      if (!stopping_) tally_.Error(Prefixed(why, absl::StrCat(role, " connection closed")));
    };
    Rendezvous<absl::StatusOr<std::unique_ptr<Connection>>> connected;
    client::ConnectionOptions options;
    options.connect_timeout = kSoakSetupTimeout;
    Connection::Connect(io_.executor(), spec_.host, spec_.port, options, std::move(handlers),
                        connected.Callback());
    std::optional<absl::StatusOr<std::unique_ptr<Connection>>> result =
        connected.Wait(kSoakSetupTimeout + absl::Seconds(1));
    if (!result.has_value()) return absl::DeadlineExceededError("connect timed out");
    if (!result->ok()) return Prefixed(result->status(), absl::StrCat(role, " connect"));
    return *std::move(*result);
  }

  absl::Status AddConversation(const std::string& subject,
                               std::vector<std::unique_ptr<ConversationEntry>>& entries) {
    auto entry = std::make_unique<ConversationEntry>();
    absl::StatusOr<std::unique_ptr<Connection>> connection =
        ConnectPersistent(absl::StrCat("conversation (", subject, ")"));
    if (!connection.ok()) return connection.status();
    entry->connection = *std::move(connection);
    absl::StatusOr<client::Conversation> conversation =
        entry->connection->OpenConversation(subject);
    if (!conversation.ok()) return Prefixed(conversation.status(), "OpenConversation");
    entry->conversation = *std::move(conversation);
    entries.push_back(std::move(entry));
    return absl::OkStatus();
  }

  // ---- pacing (shard thread) ----

  void Tick() {
    if (stopping_) return;
    const double elapsed = std::chrono::duration<double>(SoakClock::now() - started_).count();
    Issue(publish_pace_, publishers_, kPublishWindow, elapsed,
          [this](PublisherEntry& entry) { Publish(entry); });
    Issue(echo_pace_, echo_clients_, kEchoWindow, elapsed,
          [this](ConversationEntry& entry) { EchoRequest(entry); });
    Issue(push_pace_, push_requesters_, kPushWindow, elapsed,
          [this](ConversationEntry& entry) { PushRequest(entry); });
    pacer_.expires_after(kPacerTick);
    pacer_.async_wait([this](boost::system::error_code error) {
      if (!error) Tick();
    });
  }

  template <typename Entry, typename IssueOne>
  void Issue(Pace& pace, std::vector<std::unique_ptr<Entry>>& entries, uint32_t window,
             double elapsed, IssueOne issue) {
    if (entries.empty()) return;
    const auto due = static_cast<uint64_t>(pace.rate * elapsed);
    while (pace.issued < due) {
      bool sent = false;
      for (size_t tried = 0; tried < entries.size() && !sent; ++tried) {
        Entry& entry = *entries[pace.next++ % entries.size()];
        if (entry.outstanding < window) {
          issue(entry);
          sent = true;
        }
      }
      if (!sent) {
        tally_.Add(SoakOp::kSkipped, due - pace.issued);
        pace.issued = due;
        return;
      }
      ++pace.issued;
    }
  }

  void Publish(PublisherEntry& entry) {
    const uint64_t n = entry.sent++;
    const std::string& channel = spec_.channels[(entry.index + n) % spec_.channels.size()];
    const size_t size = kSoakPayloadSizes[n % std::size(kSoakPayloadSizes)];
    ++entry.outstanding;
    entry.connection->Publish(channel, std::string(size, 'p'), {},
                              [this, &entry](absl::StatusOr<client::PublishResult> ack) {
                                --entry.outstanding;
                                if (ack.ok()) {
                                  tally_.Add(SoakOp::kPublish);
                                } else if (!stopping_) {
                                  tally_.Error(Prefixed(ack.status(), "publish"));
                                }
                              });
  }

  void EchoRequest(ConversationEntry& entry) {
    if (entry.outstanding == 0 && entry.requests >= kRequestsPerConversation) {
      entry.conversation.Close();
      absl::StatusOr<client::Conversation> reopened =
          entry.connection->OpenConversation(kSoakEchoSubject);
      if (!reopened.ok()) {
        tally_.Error(Prefixed(reopened.status(), "reopening an echo conversation"));
        return;
      }
      entry.conversation = *std::move(reopened);
      entry.requests = 0;
      tally_.Add(SoakOp::kConversationReopen);
    }
    ++entry.requests;
    ++entry.outstanding;
    std::string payload =
        absl::StrCat("echo ", entry.requests, " ", std::string(entry.requests % 200, 'e'));
    entry.conversation.Request(
        payload, spec_.request_timeout, [this, &entry, payload](absl::StatusOr<std::string> reply) {
          --entry.outstanding;
          if (stopping_) return;
          if (!reply.ok()) return tally_.Error(Prefixed(reply.status(), "echo request"));
          if (*reply != payload) {
            return tally_.Error(absl::DataLossError("echo reply differs from the request"));
          }
          tally_.Add(SoakOp::kEchoRequest);
        });
  }

  void PushRequest(ConversationEntry& entry) {
    ++entry.outstanding;
    entry.conversation.Request(
        absl::StrCat("job ", ++entry.requests), spec_.request_timeout,
        [this, &entry](absl::StatusOr<std::string> reply) {
          --entry.outstanding;
          if (stopping_) return;
          if (!reply.ok()) return tally_.Error(Prefixed(reply.status(), "request on worker.soak"));
          if (!absl::StartsWith(*reply, kSoakWorkerReplyPrefix)) {
            return tally_.Error(absl::DataLossError(
                "reply on worker.soak did not come from a worker (no push was dispatched)"));
          }
          tally_.Add(SoakOp::kPushRequest);
        });
  }

  // ---- churn (shard thread) ----

  bool Live(const ChurnSlot& slot, uint64_t round) const {
    return !stopping_ && slot.active && slot.round == round;
  }

  std::chrono::milliseconds RandomMs(int64_t low, int64_t high) {
    return std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(low, high)(random_));
  }

  void ScheduleChurn(ChurnSlot& slot) {
    if (stopping_) return;
    slot.timer.expires_after(RandomMs(0, kChurnGapMaxMs));
    slot.timer.async_wait([this, &slot](boost::system::error_code error) {
      if (!error) ChurnRound(slot);
    });
  }

  // Ends the round after the hold time with `finish`.
  void Hold(ChurnSlot& slot, std::function<void()> finish) {
    slot.timer.expires_after(RandomMs(absl::ToInt64Milliseconds(spec_.churn_hold_min),
                                      absl::ToInt64Milliseconds(spec_.churn_hold_max)));
    slot.timer.async_wait([this, finish = std::move(finish)](boost::system::error_code error) {
      if (!error && !stopping_) finish();
    });
  }

  void ChurnRound(ChurnSlot& slot) {
    if (stopping_) return;
    const uint64_t round = ++slot.round;
    slot.active = true;
    switch (round % 10) {
      case 0:
      case 1:
      case 2:
      case 3:
        return ChurnClient(slot, round);
      case 4:
      case 5:
      case 6:
        return ChurnRaw(slot, round, /*reset=*/true);
      case 7:
      case 8:
        return ChurnRaw(slot, round, /*reset=*/false);
      default:
        return ChurnAbortHandshake(slot, round);
    }
  }

  // Client library: subscribe with ACKS, publish, one echo request, hold, graceful Close.
  void ChurnClient(ChurnSlot& slot, uint64_t round) {
    ConnectionHandlers handlers;
    handlers.on_closed = [this, &slot, round](absl::Status why) {
      if (Live(slot, round)) tally_.Error(Prefixed(why, "churn connection closed"));
    };
    client::ConnectionOptions options;
    options.connect_timeout = kSoakSetupTimeout;
    Connection::Connect(
        io_.executor(), spec_.host, spec_.port, options, std::move(handlers),
        [this, &slot, round](absl::StatusOr<std::unique_ptr<Connection>> connection) {
          if (stopping_) {
            if (connection.ok()) {
              std::shared_ptr<Connection> late = *std::move(connection);
              late->Close();
              boost::asio::post(io_.executor(), [late] {});
            }
            return;
          }
          if (!connection.ok()) {
            tally_.Error(Prefixed(connection.status(), "churn connect"));
            slot.active = false;
            return ScheduleChurn(slot);
          }
          slot.connection = *std::move(connection);
          ChurnClientTraffic(slot, round);
          Hold(slot, [this, &slot] {
            slot.active = false;
            slot.connection->Close([this, &slot] {
              // Destroy the connection outside its own callback.
              boost::asio::post(io_.executor(), [this, &slot] {
                slot.connection.reset();
                tally_.Add(SoakOp::kChurnGraceful);
                ScheduleChurn(slot);
              });
            });
          });
        });
  }

  void ChurnClientTraffic(ChurnSlot& slot, uint64_t round) {
    client::SubscribeOptions options;
    options.max_in_flight = kSoakSubscriberMaxInFlight;
    client::SubscriptionHandlers handlers;
    handlers.on_delivery = [this](const client::Subscription&, client::Delivery) {
      tally_.Add(SoakOp::kDeliveryAcks);
    };
    handlers.on_end = [this, &slot, round](absl::Status why) {
      if (Live(slot, round)) tally_.Error(Prefixed(why, "churn subscription ended"));
    };
    slot.connection->Subscribe(slot.channel, options, std::move(handlers),
                               [this, &slot, round](absl::StatusOr<client::Subscription> s) {
                                 if (!s.ok() && Live(slot, round)) {
                                   tally_.Error(Prefixed(s.status(), "churn subscribe"));
                                 }
                               });
    slot.connection->Publish(slot.channel, "churn", {},
                             [this, &slot, round](absl::StatusOr<client::PublishResult> ack) {
                               if (ack.ok()) {
                                 tally_.Add(SoakOp::kPublish);
                               } else if (Live(slot, round)) {
                                 tally_.Error(Prefixed(ack.status(), "churn publish"));
                               }
                             });
    absl::StatusOr<client::Conversation> conversation =
        slot.connection->OpenConversation(kSoakEchoSubject);
    if (!conversation.ok()) {
      return tally_.Error(Prefixed(conversation.status(), "churn OpenConversation"));
    }
    conversation->Request("churn", spec_.request_timeout,
                          [this, &slot, round](absl::StatusOr<std::string> reply) {
                            if (reply.ok() && *reply == "churn") {
                              tally_.Add(SoakOp::kEchoRequest);
                            } else if (Live(slot, round)) {
                              tally_.Error(reply.ok() ? absl::DataLossError("churn echo differs")
                                                      : Prefixed(reply.status(), "churn echo"));
                            }
                          });
  }

  // Raw frames: subscribe without ACKS, hold, then a reset or a bare FIN.
  void ChurnRaw(ChurnSlot& slot, uint64_t round, bool reset) {
    slot.raw = RawSubscriber::Open(io_.executor(), endpoint_, slot.channel,
                                   {.on_subscribed = nullptr,
                                    .on_delivery = [this] { tally_.Add(SoakOp::kDeliveryNoAcks); },
                                    .on_failed =
                                        [this, &slot, round](absl::Status why) {
                                          if (Live(slot, round))
                                            tally_.Error(Prefixed(why, "churn raw subscriber"));
                                        }});
    Hold(slot, [this, &slot, reset] {
      slot.active = false;
      if (spec_.plant_leak) {
        leaked_.push_back(std::move(slot.raw));
        tally_.Add(SoakOp::kChurnLeaked);
        return ScheduleChurn(slot);
      }
      if (reset) {
        slot.raw->Reset();
      } else {
        slot.raw->Close();
      }
      slot.raw.reset();
      tally_.Add(reset ? SoakOp::kChurnReset : SoakOp::kChurnGraceful);
      ScheduleChurn(slot);
    });
  }

  void ChurnAbortHandshake(ChurnSlot& slot, uint64_t round) {
    RawSubscriber::AbortHandshake(io_.executor(), endpoint_,
                                  [this, &slot, round](absl::Status status) {
                                    if (!status.ok() && Live(slot, round)) {
                                      tally_.Error(Prefixed(status, "churn handshake abort"));
                                    } else if (status.ok()) {
                                      tally_.Add(SoakOp::kChurnAbortedHandshake);
                                    }
                                    slot.active = false;
                                    ScheduleChurn(slot);
                                  });
  }

  const SoakTrafficSpec spec_;
  SoakTally& tally_;
  const tcp::endpoint endpoint_;
  // Declared before everything that holds handlers or sockets on it: destroyed last.
  client::IoThread io_;
  boost::asio::steady_timer pacer_;
  std::mt19937 random_;
  std::atomic<bool> stopping_{false};
  SoakClock::time_point started_;
  Pace publish_pace_;
  Pace echo_pace_;
  Pace push_pace_;
  std::vector<std::unique_ptr<PublisherEntry>> publishers_;
  std::vector<std::unique_ptr<ConversationEntry>> echo_clients_;
  std::vector<std::unique_ptr<ConversationEntry>> push_requesters_;
  std::vector<std::unique_ptr<ConnectionEntry>> acks_subscribers_;
  std::vector<std::unique_ptr<ConnectionEntry>> workers_;
  std::vector<std::unique_ptr<RawEntry>> noacks_subscribers_;
  std::vector<std::unique_ptr<ChurnSlot>> churn_;
  std::vector<std::shared_ptr<RawSubscriber>> leaked_;
};

const char* SoakOpName(SoakOp op) {
  switch (op) {
    case SoakOp::kPublish:
      return "publish";
    case SoakOp::kDeliveryAcks:
      return "delivery_acks";
    case SoakOp::kDeliveryNoAcks:
      return "delivery_noacks";
    case SoakOp::kEchoRequest:
      return "echo_request";
    case SoakOp::kConversationReopen:
      return "conversation_reopen";
    case SoakOp::kPushRequest:
      return "push_request";
    case SoakOp::kPushHandled:
      return "push_handled";
    case SoakOp::kChurnGraceful:
      return "churn_graceful";
    case SoakOp::kChurnReset:
      return "churn_reset";
    case SoakOp::kChurnAbortedHandshake:
      return "churn_aborted_handshake";
    case SoakOp::kChurnLeaked:
      return "churn_leaked";
    case SoakOp::kSkipped:
      return "skipped";
    case SoakOp::kError:
      return "error";
  }
  return "?";
}

absl::StatusOr<SoakRoles> SplitConnections(size_t connections) {
  if (connections < kMinSoakConnections) {
    return absl::InvalidArgumentError(absl::StrCat("the soak needs at least ", kMinSoakConnections,
                                                   " connections, not ", connections));
  }
  auto share = [connections](size_t percent) {
    return std::max<size_t>(1, connections * percent / 100);
  };
  SoakRoles roles{.workers = share(2),
                  .publishers = share(5),
                  .acks_subscribers = share(30),
                  .noacks_subscribers = share(15),
                  .echo_clients = share(15),
                  .push_requesters = share(8),
                  .churn_slots = 0};
  const size_t held = roles.workers + roles.publishers + roles.acks_subscribers +
                      roles.noacks_subscribers + roles.echo_clients + roles.push_requesters;
  if (held >= connections) return absl::InternalError("soak role split exceeds the total");
  roles.churn_slots = connections - held;
  return roles;
}

void SoakTally::Error(const absl::Status& error) {
  Add(SoakOp::kError);
  absl::MutexLock lock(&mu_);
  if (first_errors_.size() < kKeptErrors) first_errors_.push_back(error.ToString());
}

SoakCounts SoakTally::counts() const {
  SoakCounts counts{};
  for (size_t i = 0; i < kSoakOpCount; ++i) counts[i] = counts_[i].load(std::memory_order_relaxed);
  return counts;
}

std::vector<std::string> SoakTally::first_errors() const {
  absl::MutexLock lock(&mu_);
  return first_errors_;
}

absl::StatusOr<std::unique_ptr<SoakTraffic>> SoakTraffic::Start(const SoakTrafficSpec& spec) {
  if (spec.channels.empty()) return absl::InvalidArgumentError("the soak needs a channel");
  absl::StatusOr<SoakRoles> roles = SplitConnections(spec.connections);
  if (!roles.ok()) return roles.status();
  std::unique_ptr<SoakTraffic> traffic(new SoakTraffic());
  traffic->roles_ = *roles;
  const int shard_count = std::max(1, spec.io_threads);
  for (int i = 0; i < shard_count; ++i) {
    traffic->shards_.push_back(
        std::make_unique<Shard>(spec, traffic->tally_, static_cast<uint32_t>(i + 1)));
  }
  // Role by role, round-robin over the shards; `n` numbers the connections of a role.
  auto add = [&](size_t count, const std::function<absl::Status(Shard&, size_t n)>& add_one,
                 const char* role) -> absl::Status {
    for (size_t n = 0; n < count; ++n) {
      Shard& shard = *traffic->shards_[n % traffic->shards_.size()];
      if (absl::Status s = add_one(shard, n); !s.ok()) {
        traffic->Stop();
        return Prefixed(s, absl::StrCat("setting up ", role, " ", n + 1, " of ", count));
      }
    }
    return absl::OkStatus();
  };
  auto channel = [&spec](size_t n) { return spec.channels[n % spec.channels.size()]; };
  absl::Status s = add(
      roles->workers, [](Shard& shard, size_t) { return shard.AddWorker(); }, "worker");
  if (s.ok()) {
    s = add(
        roles->acks_subscribers,
        [&](Shard& shard, size_t n) { return shard.AddAcksSubscriber(channel(n)); },
        "subscriber with ACKS");
  }
  if (s.ok()) {
    s = add(
        roles->noacks_subscribers,
        [&](Shard& shard, size_t n) { return shard.AddNoAcksSubscriber(channel(n)); },
        "subscriber without ACKS");
  }
  if (s.ok()) {
    s = add(
        roles->publishers, [](Shard& shard, size_t) { return shard.AddPublisher(); }, "publisher");
  }
  if (s.ok()) {
    s = add(
        roles->echo_clients, [](Shard& shard, size_t) { return shard.AddEchoClient(); },
        "echo conversation");
  }
  if (s.ok()) {
    s = add(
        roles->push_requesters, [](Shard& shard, size_t) { return shard.AddPushRequester(); },
        "push requester");
  }
  if (!s.ok()) return s;
  for (size_t n = 0; n < roles->churn_slots; ++n) {
    traffic->shards_[n % traffic->shards_.size()]->AddChurnSlot(channel(n));
  }
  // Each shard's share of a rate is its share of the role's connections.
  auto share = [](double rate, size_t mine, size_t all) {
    return all == 0 ? 0.0 : rate * static_cast<double>(mine) / static_cast<double>(all);
  };
  for (auto& shard : traffic->shards_) {
    shard->StartTraffic(
        share(spec.publishes_per_second, shard->publishers(), roles->publishers),
        share(spec.requests_per_second, shard->echo_clients(), roles->echo_clients),
        share(spec.pushes_per_second, shard->push_requesters(), roles->push_requesters));
  }
  return traffic;
}

SoakTraffic::~SoakTraffic() { Stop(); }

void SoakTraffic::Stop() {
  if (stopped_) return;
  stopped_ = true;
  for (auto& shard : shards_) shard->BeginStop();
  for (auto& shard : shards_) shard->Stop();
}

}  // namespace liminal::bench
