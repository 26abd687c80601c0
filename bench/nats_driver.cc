#include "bench/nats_driver.h"

#include <nats/nats.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "bench/delivery_window.h"
#include "bench/latency_sink.h"
#include "bench/rate_pacer.h"

namespace liminal::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr char kSubject[] = "bench";
constexpr char kEchoSubject[] = "bench.echo";

std::once_flag nats_init_once;
std::atomic<bool> nats_initialised{false};

absl::Status NatsError(natsStatus status, std::string_view what) {
  const char* last = nats_GetLastError(nullptr);
  return absl::UnavailableError(
      absl::StrCat("nats: ", std::string(what), ": ", natsStatus_GetText(status),
                   last != nullptr && *last != '\0' ? " (" : "", last != nullptr ? last : "",
                   last != nullptr && *last != '\0' ? ")" : ""));
}

absl::Status InitLibrary() {
  natsStatus status = NATS_OK;
  std::call_once(nats_init_once, [&status] {
    status = nats_Open(-1);
    if (status == NATS_OK) nats_initialised = true;
  });
  if (status != NATS_OK) return NatsError(status, "nats_Open");
  if (!nats_initialised) return absl::InternalError("nats: library initialisation failed");
  return absl::OkStatus();
}

// One client connection. Destroying it closes it.
class NatsConnection {
 public:
  static absl::StatusOr<std::unique_ptr<NatsConnection>> Connect(const ServerProcess& server,
                                                                 bool send_asap) {
    if (absl::Status s = InitLibrary(); !s.ok()) return s;
    natsOptions* options = nullptr;
    natsStatus status = natsOptions_Create(&options);
    const std::string url = absl::StrCat("nats://", server.host(), ":", server.port());
    if (status == NATS_OK) status = natsOptions_SetURL(options, url.c_str());
    if (status == NATS_OK) status = natsOptions_SetAllowReconnect(options, false);
    if (status == NATS_OK) status = natsOptions_SetTimeout(options, 10'000);
    if (status == NATS_OK) status = natsOptions_SetSendAsap(options, send_asap);
    natsConnection* connection = nullptr;
    if (status == NATS_OK) status = natsConnection_Connect(&connection, options);
    natsOptions_Destroy(options);
    if (status != NATS_OK) return NatsError(status, absl::StrCat("connect ", url));
    return std::unique_ptr<NatsConnection>(new NatsConnection(connection));
  }

  ~NatsConnection() { natsConnection_Destroy(connection_); }

  natsConnection* get() { return connection_; }

 private:
  explicit NatsConnection(natsConnection* connection) : connection_(connection) {}
  natsConnection* connection_;
};

// An asynchronous subscription; destroying it unsubscribes and waits until its callback
// can no longer run.
class NatsSubscription {
 public:
  static absl::StatusOr<std::unique_ptr<NatsSubscription>> Subscribe(NatsConnection& connection,
                                                                     const char* subject,
                                                                     natsMsgHandler handler,
                                                                     void* closure) {
    natsSubscription* subscription = nullptr;
    natsStatus status =
        natsConnection_Subscribe(&subscription, connection.get(), subject, handler, closure);
    if (status != NATS_OK) return NatsError(status, absl::StrCat("subscribe ", subject));
    return Adopt(connection, subscription);
  }

  // Takes ownership of an asynchronous subscription (core NATS or JetStream) just created on
  // `connection`.
  static absl::StatusOr<std::unique_ptr<NatsSubscription>> Adopt(NatsConnection& connection,
                                                                 natsSubscription* subscription) {
    auto* completion = new std::promise<void>();
    std::future<void> completed = completion->get_future();
    natsStatus status = natsSubscription_SetOnCompleteCB(
        subscription,
        [](void* promise) {
          auto* p = static_cast<std::promise<void>*>(promise);
          p->set_value();
          delete p;
        },
        completion);
    if (status != NATS_OK) {
      delete completion;
      natsSubscription_Destroy(subscription);
      return NatsError(status, "natsSubscription_SetOnCompleteCB");
    }
    // The subscription must be registered on the server before anyone publishes.
    status = natsConnection_FlushTimeout(connection.get(), 10'000);
    std::unique_ptr<NatsSubscription> result(
        new NatsSubscription(subscription, std::move(completed)));
    if (status != NATS_OK) return NatsError(status, "flush after subscribe");
    return result;
  }

  ~NatsSubscription() {
    if (natsSubscription_Unsubscribe(subscription_) == NATS_OK) {
      completed_.wait_for(std::chrono::seconds(10));
    }
    natsSubscription_Destroy(subscription_);
  }

 private:
  NatsSubscription(natsSubscription* subscription, std::future<void> completed)
      : subscription_(subscription), completed_(std::move(completed)) {}
  natsSubscription* subscription_;
  std::future<void> completed_;
};

struct SubscriberContext {
  DeliveryWindow* window;
  int index;
};

void OnDelivery(natsConnection*, natsSubscription*, natsMsg* message, void* closure) {
  auto* context = static_cast<SubscriberContext*>(closure);
  context->window->Delivered(context->index);
  natsMsg_Destroy(message);
}

void OnEchoRequest(natsConnection* connection, natsSubscription*, natsMsg* message, void*) {
  const char* reply = natsMsg_GetReply(message);
  if (reply != nullptr) {
    natsConnection_Publish(connection, reply, natsMsg_GetData(message),
                           natsMsg_GetDataLength(message));
  }
  natsMsg_Destroy(message);
}

// --- JetStream (the durable workloads) ---

constexpr char kStreamName[] = "BENCH";
constexpr char kDurableSubject[] = "bench.durable";
// The consumer mirrors liminald's bench subscriber: at most 8192 unacknowledged deliveries
// (max_in_flight 8192), acknowledged cumulatively once half of that is consumed.
constexpr int64_t kConsumerMaxAckPending = 8192;
constexpr uint64_t kConsumerAckEvery = 4096;
constexpr int64_t kPublishStallWaitMs = 10'000;

absl::Status JetStreamError(natsStatus status, jsErrCode code, std::string_view what) {
  absl::Status error = NatsError(status, what);
  if (code == 0) return error;
  return absl::Status(error.code(), absl::StrCat(error.message(), " [JetStream error ",
                                                 static_cast<int>(code), "]"));
}

// A JetStream context on a connection; destroy it before the connection.
class JetStream {
 public:
  static absl::StatusOr<std::unique_ptr<JetStream>> Open(NatsConnection& connection,
                                                         jsOptions* options) {
    jsCtx* context = nullptr;
    const natsStatus status = natsConnection_JetStream(&context, connection.get(), options);
    if (status != NATS_OK) return NatsError(status, "natsConnection_JetStream");
    return std::unique_ptr<JetStream>(new JetStream(context));
  }

  ~JetStream() { jsCtx_Destroy(context_); }

  jsCtx* get() { return context_; }

 private:
  explicit JetStream(jsCtx* context) : context_(context) {}
  jsCtx* context_;
};

// The stream the durable workloads publish to: file storage, every other setting at
// JetStream's defaults (limits retention, one replica).
absl::Status AddBenchStream(JetStream& js) {
  jsStreamConfig config;
  jsStreamConfig_Init(&config);
  const char* subjects[] = {kDurableSubject};
  config.Name = kStreamName;
  config.Subjects = subjects;
  config.SubjectsLen = 1;
  config.Storage = js_FileStorage;  // libnats 3.4.1's name for file storage
  jsStreamInfo* info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  const natsStatus status = js_AddStream(&info, js.get(), &config, nullptr, &code);
  jsStreamInfo_Destroy(info);
  if (status != NATS_OK) return JetStreamError(status, code, "js_AddStream (file storage)");
  return absl::OkStatus();
}

struct JetStreamSubscriberContext {
  DeliveryWindow* window;
  int index;
  uint64_t received = 0;  // touched only by the subscription's delivery thread
};

void OnJetStreamDelivery(natsConnection*, natsSubscription*, natsMsg* message, void* closure) {
  auto* context = static_cast<JetStreamSubscriberContext*>(closure);
  // AckAll: acknowledging a message acknowledges every earlier one.
  if (++context->received % kConsumerAckEvery == 0) natsMsg_Ack(message, nullptr);
  context->window->Delivered(context->index);
  natsMsg_Destroy(message);
}

void OnPublishError(jsCtx*, jsPubAckErr* error, void* closure) {
  auto* window = static_cast<DeliveryWindow*>(closure);
  if (!window->stopping()) {
    window->Fail(JetStreamError(
        error->Err, error->ErrCode,
        absl::StrCat("js_PublishAsync: ", error->ErrText != nullptr ? error->ErrText : "")));
  }
}

class NatsDriver : public Driver {
 public:
  explicit NatsDriver(NatsLaunchOptions options) : options_(std::move(options)) {}

  System system() const override { return System::kNats; }

  std::string ServerDescription() const override {
    return absl::StrCat(options_.binary, " (", FirstOutputLine(options_.binary, {"--version"}),
                        "), libnats ", nats_GetVersion());
  }

  absl::StatusOr<PubSubResult> RunPubSub(const PubSubSpec& spec) override;

  absl::StatusOr<LoadLatencyResult> RunPublishLatency(const LoadLatencySpec& spec) override;
  std::string PublishLatencyMethod() const override {
    return "a publisher thread calls natsConnection_Publish for the messages due every 100 us, "
           "stamping each with the time it hands it to libnats; asynchronous subscription";
  }

  std::string RequestReplyMethod() const override {
    return "natsConnection_Request (shared reply inbox) to a responder connection replying "
           "from its subscription callback (SendAsap)";
  }
  absl::StatusOr<LatencyResult> RunRequestReply(const LatencySpec& spec) override;

  IdleHandshake IdleConnectionHandshake() const override;

  absl::StatusOr<LatencyResult> RunDurablePublish(const LatencySpec& spec) override;

  std::string DurableSyncSetting() const override {
    return "JetStream at its defaults: file store fsynced every 2 min (sync_interval), so "
           "the PubAck comes before the fsync (ack before fsync)";
  }
  std::string DurablePubSubMethod() const override {
    return absl::StrCat(
        "JetStream (nats-server -js -sd <temp dir>), stream ", kStreamName, " on ", kDurableSubject,
        " with file storage, defaults otherwise; publisher js_PublishAsync with at most "
        "--publish-window PubAcks pending; each subscriber a push consumer (ephemeral, "
        "deliver new, AckAll acknowledged every ",
        kConsumerAckEvery, " messages, MaxAckPending ", kConsumerMaxAckPending, ")");
  }
  std::string DurablePublishMethod() const override {
    return absl::StrCat("js_Publish on ", kDurableSubject, " (stream ", kStreamName,
                        ", file storage), waiting for each PubAck (SendAsap); no consumer");
  }

 protected:
  absl::StatusOr<std::unique_ptr<ServerProcess>> LaunchServer(ServerMode mode) override {
    NatsLaunchOptions options = options_;
    options.jetstream = mode == ServerMode::kDurable;
    return StartNatsServer(options);
  }

 private:
  absl::StatusOr<PubSubResult> RunJetStreamPubSub(const PubSubSpec& spec);

  NatsLaunchOptions options_;
};

absl::StatusOr<PubSubResult> NatsDriver::RunPubSub(const PubSubSpec& spec) {
  if (spec.durable) return RunJetStreamPubSub(spec);
  absl::StatusOr<const ServerProcess*> server = RunningServer(ServerMode::kDefault);
  if (!server.ok()) return server.status();
  const int channels = std::max(spec.channels, 1);
  // One lane per subject: a window, its subscribers, a publisher. Declared so that the
  // subscriptions go before the connections, and both before the windows and contexts.
  std::vector<std::unique_ptr<DeliveryWindow>> windows;
  std::vector<std::string> subjects;
  std::vector<SubscriberContext> contexts;
  contexts.reserve(static_cast<size_t>(channels * spec.subscribers));
  std::vector<std::unique_ptr<NatsConnection>> connections;
  std::vector<std::unique_ptr<NatsConnection>> publishers;
  std::vector<std::unique_ptr<NatsSubscription>> subscriptions;
  for (int c = 0; c < channels; ++c) {
    windows.push_back(std::make_unique<DeliveryWindow>(spec.subscribers, spec.e2e_window));
    subjects.push_back(PubSubChannel(c, channels));
    for (int i = 0; i < spec.subscribers; ++i) {
      absl::StatusOr<std::unique_ptr<NatsConnection>> connection =
          NatsConnection::Connect(**server, /*send_asap=*/false);
      if (!connection.ok()) return connection.status();
      contexts.push_back({.window = windows.back().get(), .index = i});
      absl::StatusOr<std::unique_ptr<NatsSubscription>> subscription = NatsSubscription::Subscribe(
          **connection, subjects.back().c_str(), OnDelivery, &contexts.back());
      connections.push_back(*std::move(connection));
      if (!subscription.ok()) return subscription.status();
      subscriptions.push_back(*std::move(subscription));
    }
    absl::StatusOr<std::unique_ptr<NatsConnection>> publisher =
        NatsConnection::Connect(**server, /*send_asap=*/false);
    if (!publisher.ok()) return publisher.status();
    publishers.push_back(*std::move(publisher));
  }

  const std::string payload(spec.payload_bytes, 'p');
  std::vector<std::thread> publishing;
  for (int c = 0; c < channels; ++c) {
    publishing.emplace_back([&, c] {
      DeliveryWindow& window = *windows[static_cast<size_t>(c)];
      natsConnection* connection = publishers[static_cast<size_t>(c)]->get();
      const char* subject = subjects[static_cast<size_t>(c)].c_str();
      while (!window.stopping()) {
        if (!window.HasRoom()) {
          window.WaitForRoom(absl::Milliseconds(1));
          continue;
        }
        const natsStatus status = natsConnection_Publish(connection, subject, payload.data(),
                                                         static_cast<int>(payload.size()));
        if (status != NATS_OK) {
          window.Fail(NatsError(status, "publish"));
          return;
        }
        window.Published();
      }
    });
  }
  std::vector<DeliveryWindow*> measured;
  for (auto& window : windows) measured.push_back(window.get());
  absl::StatusOr<PubSubResult> result =
      DeliveryWindow::MeasureAll(measured, spec.warmup, spec.measure, (*server)->pid());
  for (auto& window : windows) window->Stop();
  for (std::thread& thread : publishing) thread.join();
  for (auto& publisher : publishers) natsConnection_FlushTimeout(publisher->get(), 5'000);
  for (auto& window : windows) window->AwaitDrained(absl::Seconds(5));
  subscriptions.clear();
  return result;
}

struct LatencySinkContext {
  LatencySink* sink;
  DeliveryWindow* window;
};

void OnLatencyDelivery(natsConnection*, natsSubscription*, natsMsg* message, void* closure) {
  auto* context = static_cast<LatencySinkContext*>(closure);
  context->sink->Received(std::string_view(natsMsg_GetData(message),
                                           static_cast<size_t>(natsMsg_GetDataLength(message))));
  context->window->Delivered(0);
  natsMsg_Destroy(message);
}

absl::StatusOr<LoadLatencyResult> NatsDriver::RunPublishLatency(const LoadLatencySpec& spec) {
  absl::StatusOr<const ServerProcess*> server = RunningServer();
  if (!server.ok()) return server.status();
  const LatencySchedule schedule(absl::ToChronoNanoseconds(spec.warmup),
                                 absl::ToChronoNanoseconds(spec.measure));
  const LatencyClock::time_point start = schedule.start;
  LatencySink sink(schedule.from, schedule.until, spec.max_samples);
  DeliveryWindow window(1, kUnboundedDeliveryWindow);
  LatencySinkContext context{.sink = &sink, .window = &window};

  absl::StatusOr<std::unique_ptr<NatsConnection>> subscriber_connection =
      NatsConnection::Connect(**server, /*send_asap=*/false);
  if (!subscriber_connection.ok()) return subscriber_connection.status();
  absl::StatusOr<std::unique_ptr<NatsSubscription>> subscription =
      NatsSubscription::Subscribe(**subscriber_connection, kSubject, OnLatencyDelivery, &context);
  if (!subscription.ok()) return subscription.status();
  absl::StatusOr<std::unique_ptr<NatsConnection>> publisher =
      NatsConnection::Connect(**server, /*send_asap=*/false);
  if (!publisher.ok()) return publisher.status();

  uint64_t sent_in_window = 0;
  std::thread publishing([&] {
    natsConnection* connection = (*publisher)->get();
    RatePacer pacer(spec.messages_per_second, start);
    std::string payload(std::max(spec.payload_bytes, kSendTimeBytes), 'l');
    std::this_thread::sleep_until(start);
    while (!window.stopping() && LatencyClock::now() < schedule.until) {
      for (uint64_t due = pacer.TakeDue(LatencyClock::now()); due > 0; --due) {
        const LatencyClock::time_point now = LatencyClock::now();
        StampSendTime(payload, now);
        if (now >= schedule.from && now < schedule.until) ++sent_in_window;
        const natsStatus status = natsConnection_Publish(connection, kSubject, payload.data(),
                                                         static_cast<int>(payload.size()));
        if (status != NATS_OK) return window.Fail(NatsError(status, "publish"));
        window.Published();
      }
      std::this_thread::sleep_for(kRatePacerTick);
    }
  });
  const absl::StatusOr<PubSubResult> measured = window.Measure(
      absl::FromChrono(schedule.from - LatencyClock::now()), spec.measure, (*server)->pid());
  publishing.join();  // it stops by itself at schedule.until
  window.Stop();
  natsConnection_FlushTimeout((*publisher)->get(), 5'000);
  const bool drained = window.AwaitDrained(absl::Seconds(5));
  const uint64_t published = window.published();
  const uint64_t delivered = window.TotalDelivered();
  subscription->reset();  // waits until the callback can no longer run
  return sink.TakeResult("nats", measured.status(), drained, published, delivered, sent_in_window);
}

absl::StatusOr<LatencyResult> NatsDriver::RunRequestReply(const LatencySpec& spec) {
  absl::StatusOr<const ServerProcess*> server = RunningServer();
  if (!server.ok()) return server.status();
  absl::StatusOr<std::unique_ptr<NatsConnection>> responder =
      NatsConnection::Connect(**server, /*send_asap=*/true);
  if (!responder.ok()) return responder.status();
  absl::StatusOr<std::unique_ptr<NatsSubscription>> echo =
      NatsSubscription::Subscribe(**responder, kEchoSubject, OnEchoRequest, nullptr);
  if (!echo.ok()) return echo.status();
  absl::StatusOr<std::unique_ptr<NatsConnection>> requester =
      NatsConnection::Connect(**server, /*send_asap=*/true);
  if (!requester.ok()) return requester.status();

  const std::string payload(spec.payload_bytes, 'r');
  LatencyResult result;
  result.round_trips_ns.reserve(std::min<size_t>(spec.max_samples, 1'000'000));
  const SteadyClock::time_point measure_from =
      SteadyClock::now() + absl::ToChronoNanoseconds(spec.warmup);
  const SteadyClock::time_point measure_until =
      measure_from + absl::ToChronoNanoseconds(spec.measure);
  const int64_t timeout_ms = absl::ToInt64Milliseconds(spec.request_timeout);
  while (true) {
    natsMsg* reply = nullptr;
    const SteadyClock::time_point sent = SteadyClock::now();
    const natsStatus status =
        natsConnection_Request(&reply, (*requester)->get(), kEchoSubject, payload.data(),
                               static_cast<int>(payload.size()), timeout_ms);
    const SteadyClock::time_point now = SteadyClock::now();
    if (status != NATS_OK) return NatsError(status, "request");
    const bool same = natsMsg_GetDataLength(reply) == static_cast<int>(payload.size()) &&
                      std::memcmp(natsMsg_GetData(reply), payload.data(), payload.size()) == 0;
    natsMsg_Destroy(reply);
    if (!same) return absl::DataLossError("nats: the reply differs from the request");
    if (now >= measure_from) {
      result.round_trips_ns.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(now - sent).count());
    }
    if (now >= measure_until || result.round_trips_ns.size() >= spec.max_samples) break;
  }
  return result;
}

absl::StatusOr<PubSubResult> NatsDriver::RunJetStreamPubSub(const PubSubSpec& spec) {
  absl::StatusOr<const ServerProcess*> server = RunningServer(ServerMode::kDurable);
  if (!server.ok()) return server.status();
  DeliveryWindow window(spec.subscribers, spec.e2e_window);

  // Declared in reverse order of destruction: subscriptions, then contexts, then connections.
  std::vector<std::unique_ptr<NatsConnection>> connections;
  std::vector<std::unique_ptr<JetStream>> contexts;
  std::vector<JetStreamSubscriberContext> subscribers;
  subscribers.reserve(static_cast<size_t>(spec.subscribers));
  std::vector<std::unique_ptr<NatsSubscription>> subscriptions;

  absl::StatusOr<std::unique_ptr<NatsConnection>> publisher =
      NatsConnection::Connect(**server, /*send_asap=*/false);
  if (!publisher.ok()) return publisher.status();
  connections.push_back(*std::move(publisher));
  NatsConnection& publisher_connection = *connections.back();
  jsOptions publish_options;
  jsOptions_Init(&publish_options);
  publish_options.PublishAsync.MaxPending = static_cast<int64_t>(spec.publish_window);
  publish_options.PublishAsync.StallWait = kPublishStallWaitMs;
  publish_options.PublishAsync.ErrHandler = OnPublishError;
  publish_options.PublishAsync.ErrHandlerClosure = &window;
  absl::StatusOr<std::unique_ptr<JetStream>> publisher_js =
      JetStream::Open(publisher_connection, &publish_options);
  if (!publisher_js.ok()) return publisher_js.status();
  contexts.push_back(*std::move(publisher_js));
  JetStream& js = *contexts.back();
  if (absl::Status s = AddBenchStream(js); !s.ok()) return s;

  for (int i = 0; i < spec.subscribers; ++i) {
    absl::StatusOr<std::unique_ptr<NatsConnection>> connection =
        NatsConnection::Connect(**server, /*send_asap=*/false);
    if (!connection.ok()) return connection.status();
    connections.push_back(*std::move(connection));
    absl::StatusOr<std::unique_ptr<JetStream>> subscriber_js =
        JetStream::Open(*connections.back(), nullptr);
    if (!subscriber_js.ok()) return subscriber_js.status();
    contexts.push_back(*std::move(subscriber_js));
    subscribers.push_back({.window = &window, .index = i});
    jsSubOptions options;
    jsSubOptions_Init(&options);
    options.Stream = kStreamName;
    options.ManualAck = true;
    options.Config.DeliverPolicy = js_DeliverNew;
    options.Config.AckPolicy = js_AckAll;
    options.Config.MaxAckPending = kConsumerMaxAckPending;
    natsSubscription* subscription = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    const natsStatus status =
        js_Subscribe(&subscription, contexts.back()->get(), kDurableSubject, OnJetStreamDelivery,
                     &subscribers.back(), nullptr, &options, &code);
    if (status != NATS_OK) return JetStreamError(status, code, "js_Subscribe (push consumer)");
    absl::StatusOr<std::unique_ptr<NatsSubscription>> adopted =
        NatsSubscription::Adopt(*connections.back(), subscription);
    if (!adopted.ok()) return adopted.status();
    subscriptions.push_back(*std::move(adopted));
  }

  const std::string payload(spec.payload_bytes, 'p');
  std::thread publishing([&] {
    while (!window.stopping()) {
      if (!window.HasRoom()) {
        window.WaitForRoom(absl::Milliseconds(1));
        continue;
      }
      // Blocks while --publish-window PubAcks are pending.
      const natsStatus status = js_PublishAsync(js.get(), kDurableSubject, payload.data(),
                                                static_cast<int>(payload.size()), nullptr);
      if (status != NATS_OK) {
        window.Fail(NatsError(status, "js_PublishAsync"));
        return;
      }
      window.Published();
    }
  });
  absl::StatusOr<PubSubResult> result = window.Measure(spec.warmup, spec.measure, (*server)->pid());
  window.Stop();
  publishing.join();
  jsPubOptions complete;
  jsPubOptions_Init(&complete);
  complete.MaxWait = 5'000;
  js_PublishAsyncComplete(js.get(), &complete);
  window.AwaitDrained(absl::Seconds(5));
  subscriptions.clear();
  return result;
}

absl::StatusOr<LatencyResult> NatsDriver::RunDurablePublish(const LatencySpec& spec) {
  absl::StatusOr<const ServerProcess*> server = RunningServer(ServerMode::kDurable);
  if (!server.ok()) return server.status();
  absl::StatusOr<std::unique_ptr<NatsConnection>> publisher =
      NatsConnection::Connect(**server, /*send_asap=*/true);
  if (!publisher.ok()) return publisher.status();
  absl::StatusOr<std::unique_ptr<JetStream>> js = JetStream::Open(**publisher, nullptr);
  if (!js.ok()) return js.status();
  if (absl::Status s = AddBenchStream(**js); !s.ok()) return s;

  jsPubOptions options;
  jsPubOptions_Init(&options);
  options.MaxWait = absl::ToInt64Milliseconds(spec.request_timeout);
  const std::string payload(spec.payload_bytes, 'r');
  LatencyResult result;
  result.round_trips_ns.reserve(std::min<size_t>(spec.max_samples, 1'000'000));
  const SteadyClock::time_point measure_from =
      SteadyClock::now() + absl::ToChronoNanoseconds(spec.warmup);
  const SteadyClock::time_point measure_until =
      measure_from + absl::ToChronoNanoseconds(spec.measure);
  while (true) {
    jsPubAck* ack = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    const SteadyClock::time_point sent = SteadyClock::now();
    const natsStatus status = js_Publish(&ack, (*js)->get(), kDurableSubject, payload.data(),
                                         static_cast<int>(payload.size()), &options, &code);
    const SteadyClock::time_point now = SteadyClock::now();
    jsPubAck_Destroy(ack);
    if (status != NATS_OK) return JetStreamError(status, code, "js_Publish");
    if (now >= measure_from) {
      result.round_trips_ns.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(now - sent).count());
    }
    if (now >= measure_until || result.round_trips_ns.size() >= spec.max_samples) break;
  }
  return result;
}

IdleHandshake NatsDriver::IdleConnectionHandshake() const {
  IdleHandshake handshake;
  handshake.hello =
      "CONNECT {\"verbose\":false,\"pedantic\":false,\"name\":\"liminal-bench-idle\","
      "\"lang\":\"raw\",\"version\":\"0\",\"protocol\":1}\r\nPING\r\n";
  handshake.complete = [](std::string_view received) -> absl::StatusOr<bool> {
    if (const size_t error = received.find("-ERR"); error != std::string_view::npos) {
      return absl::UnavailableError(
          absl::StrCat("nats-server refused the connection: ",
                       std::string(received.substr(error, received.find('\r', error) - error))));
    }
    return received.find("PONG\r\n") != std::string_view::npos;
  };
  return handshake;
}

}  // namespace

std::unique_ptr<Driver> MakeNatsDriver(NatsLaunchOptions options) {
  return std::make_unique<NatsDriver>(std::move(options));
}

void ShutdownNatsLibrary() {
  if (nats_initialised.exchange(false)) nats_CloseAndWait(5'000);
}

}  // namespace liminal::bench
