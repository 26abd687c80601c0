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
    auto* completion = new std::promise<void>();
    std::future<void> completed = completion->get_future();
    status = natsSubscription_SetOnCompleteCB(
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

class NatsDriver : public Driver {
 public:
  explicit NatsDriver(NatsLaunchOptions options) : options_(std::move(options)) {}

  System system() const override { return System::kNats; }

  std::string ServerDescription() const override {
    return absl::StrCat(options_.binary, " (", FirstOutputLine(options_.binary, {"--version"}),
                        "), libnats ", nats_GetVersion());
  }

  absl::StatusOr<PubSubResult> RunPubSub(const PubSubSpec& spec) override;

  std::string RequestReplyMethod() const override {
    return "natsConnection_Request (shared reply inbox) to a responder connection replying "
           "from its subscription callback (SendAsap)";
  }
  absl::StatusOr<LatencyResult> RunRequestReply(const LatencySpec& spec) override;

  IdleHandshake IdleConnectionHandshake() const override;

 protected:
  absl::StatusOr<std::unique_ptr<ServerProcess>> LaunchServer() override {
    return StartNatsServer(options_);
  }

 private:
  NatsLaunchOptions options_;
};

absl::StatusOr<PubSubResult> NatsDriver::RunPubSub(const PubSubSpec& spec) {
  absl::StatusOr<const ServerProcess*> server = RunningServer();
  if (!server.ok()) return server.status();
  DeliveryWindow window(spec.subscribers, spec.e2e_window);
  std::vector<SubscriberContext> contexts;
  contexts.reserve(static_cast<size_t>(spec.subscribers));
  // Declared before the subscriptions, so the subscriptions are destroyed first.
  std::vector<std::unique_ptr<NatsConnection>> connections;
  std::vector<std::unique_ptr<NatsSubscription>> subscriptions;
  for (int i = 0; i < spec.subscribers; ++i) {
    absl::StatusOr<std::unique_ptr<NatsConnection>> connection =
        NatsConnection::Connect(**server, /*send_asap=*/false);
    if (!connection.ok()) return connection.status();
    contexts.push_back({.window = &window, .index = i});
    absl::StatusOr<std::unique_ptr<NatsSubscription>> subscription =
        NatsSubscription::Subscribe(**connection, kSubject, OnDelivery, &contexts.back());
    connections.push_back(*std::move(connection));
    if (!subscription.ok()) return subscription.status();
    subscriptions.push_back(*std::move(subscription));
  }
  absl::StatusOr<std::unique_ptr<NatsConnection>> publisher =
      NatsConnection::Connect(**server, /*send_asap=*/false);
  if (!publisher.ok()) return publisher.status();

  const std::string payload(spec.payload_bytes, 'p');
  std::thread publishing([&] {
    natsConnection* connection = (*publisher)->get();
    while (!window.stopping()) {
      if (!window.HasRoom()) {
        window.WaitForRoom(absl::Milliseconds(1));
        continue;
      }
      const natsStatus status = natsConnection_Publish(connection, kSubject, payload.data(),
                                                       static_cast<int>(payload.size()));
      if (status != NATS_OK) {
        window.Fail(NatsError(status, "publish"));
        return;
      }
      window.Published();
    }
  });
  absl::StatusOr<PubSubResult> result = window.Measure(spec.warmup, spec.measure, (*server)->pid());
  window.Stop();
  publishing.join();
  natsConnection_FlushTimeout((*publisher)->get(), 5'000);
  window.AwaitDrained(absl::Seconds(5));
  subscriptions.clear();
  return result;
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
