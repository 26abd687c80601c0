#include "bench/liminal_driver.h"

#include <unistd.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "bench/delivery_window.h"
#include "bench/latency_sink.h"
#include "bench/rate_pacer.h"
#include "bench/rendezvous.h"
#include "client/connection.h"
#include "client/io_thread.h"
#include "core/protocol/frame.h"
#include "core/protocol/frame_decoder.h"
#include "core/protocol/frame_encoder.h"
#include "core/protocol/reason_code.h"

namespace liminal::bench {
namespace {

using client::Connection;
using client::ConnectionHandlers;
using client::IoThread;
using SteadyClock = std::chrono::steady_clock;

constexpr uint32_t kSubscriberMaxInFlight = 8192;
constexpr char kChannel[] = "bench";
constexpr absl::Duration kSetupTimeout = absl::Seconds(10);
constexpr char kWorkerReplyPrefix[] = "pushed:";

// One client connection on its own I/O thread.
class Client {
 public:
  static absl::StatusOr<std::unique_ptr<Client>> Connect(const ServerProcess& server,
                                                         ConnectionHandlers handlers = {},
                                                         client::TlsOptions tls = {}) {
    std::unique_ptr<Client> client(new Client());
    Rendezvous<absl::StatusOr<std::unique_ptr<Connection>>> connected;
    client::ConnectionOptions options;
    options.connect_timeout = kSetupTimeout;
    options.tls = std::move(tls);
    Connection::Connect(client->io_.executor(), server.host(), server.port(), options,
                        std::move(handlers), connected.Callback());
    std::optional<absl::StatusOr<std::unique_ptr<Connection>>> result =
        connected.Wait(kSetupTimeout + absl::Seconds(1));
    if (!result.has_value()) return absl::DeadlineExceededError("liminald: connect timed out");
    if (!result->ok()) return result->status();
    client->connection_ = **std::move(result);
    return client;
  }

  ~Client() { Close(); }

  Connection& connection() { return *connection_; }
  boost::asio::any_io_executor executor() { return io_.executor(); }

  // Closes the connection (failing its pending callbacks) and stops the I/O thread; no
  // callback of this client runs afterwards.
  void Close() {
    if (connection_ != nullptr) {
      Rendezvous<bool> closed;
      auto done = closed.Callback();
      connection_->Close([done = std::move(done)]() mutable { done(true); });
      closed.Wait(absl::Seconds(3));
      connection_.reset();
    }
    io_.Stop();
  }

 private:
  Client() = default;

  IoThread io_;
  std::unique_ptr<Connection> connection_;
};

absl::StatusOr<client::Subscription> SubscribeSync(Client& client, const std::string& channel,
                                                   client::SubscribeOptions options,
                                                   client::SubscriptionHandlers handlers) {
  Rendezvous<absl::StatusOr<client::Subscription>> subscribed;
  client.connection().Subscribe(channel, std::move(options), std::move(handlers),
                                subscribed.Callback());
  std::optional<absl::StatusOr<client::Subscription>> result = subscribed.Wait(kSetupTimeout);
  if (!result.has_value()) return absl::DeadlineExceededError("liminald: subscribe timed out");
  return *std::move(result);
}

// One round trip of a latency loop: sends `payload` and, on the client's I/O thread, calls
// `done` once the answer has arrived and been checked (an error ends the loop).
using RoundTrip =
    std::function<void(const std::string& payload, absl::AnyInvocable<void(absl::Status)> done)>;

// Round trips back to back, each completion starting the next; runs entirely on the
// client's I/O thread. Closes the client before returning.
absl::StatusOr<LatencyResult> RunChainedRoundTrips(Client& client, const LatencySpec& spec,
                                                   RoundTrip round_trip) {
  struct Loop {
    const LatencySpec* spec;
    RoundTrip round_trip;
    std::string payload;
    SteadyClock::time_point measure_from;
    SteadyClock::time_point measure_until;
    SteadyClock::time_point sent;
    LatencyResult result;
    absl::AnyInvocable<void(absl::Status)> done;

    void Send() {
      sent = SteadyClock::now();
      round_trip(payload, [this](absl::Status status) { OnDone(status); });
    }
    void OnDone(const absl::Status& status) {
      const SteadyClock::time_point now = SteadyClock::now();
      if (!status.ok()) return done(status);
      if (now >= measure_from) {
        result.round_trips_ns.push_back(
            std::chrono::duration_cast<std::chrono::nanoseconds>(now - sent).count());
      }
      if (now >= measure_until || result.round_trips_ns.size() >= spec->max_samples) {
        return done(absl::OkStatus());
      }
      Send();
    }
  };
  Loop loop{.spec = &spec,
            .round_trip = std::move(round_trip),
            .payload = std::string(spec.payload_bytes, 'r'),
            .measure_from = {},
            .measure_until = {},
            .sent = {},
            .result = {},
            .done = nullptr};
  loop.result.round_trips_ns.reserve(std::min<size_t>(spec.max_samples, 1'000'000));
  Rendezvous<absl::Status> finished;
  loop.done = finished.Callback();
  boost::asio::post(client.executor(), [&loop] {
    const SteadyClock::time_point now = SteadyClock::now();
    loop.measure_from = now + absl::ToChronoNanoseconds(loop.spec->warmup);
    loop.measure_until = loop.measure_from + absl::ToChronoNanoseconds(loop.spec->measure);
    loop.Send();
  });
  std::optional<absl::Status> status =
      finished.Wait(spec.warmup + spec.measure + spec.request_timeout + absl::Seconds(5));
  // No callback may touch `loop` once this returns.
  client.Close();
  if (!status.has_value()) return absl::DeadlineExceededError("liminald: round trips stalled");
  if (!status->ok()) return *status;
  return std::move(loop.result);
}

// Round trips on one conversation, each reply callback sending the next request. `check`
// validates each reply.
absl::StatusOr<LatencyResult> RunChainedRequests(
    Client& client, const client::Conversation& conversation, const LatencySpec& spec,
    std::function<absl::Status(const std::string& request, const std::string& reply)> check) {
  return RunChainedRoundTrips(
      client, spec,
      [&conversation, &spec, check = std::move(check)](
          const std::string& payload, absl::AnyInvocable<void(absl::Status)> done) {
        conversation.Request(
            payload, spec.request_timeout,
            [&payload, &check, done = std::move(done)](absl::StatusOr<std::string> reply) mutable {
              if (!reply.ok()) return done(reply.status());
              done(check(payload, *reply));
            });
      });
}

// Bytes in the regular files under `dir` (0 if it cannot be read).
uint64_t BytesUnder(const std::string& dir) {
  std::error_code ec;
  uint64_t total = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_error;
    if (it->is_regular_file(size_error)) {
      const uintmax_t size = it->file_size(size_error);
      if (!size_error) total += size;
    }
  }
  return total;
}

class LiminalDriver : public Driver {
 public:
  explicit LiminalDriver(LiminaldLaunchOptions options) : options_(std::move(options)) {}

  System system() const override { return System::kLiminald; }

  std::string ServerDescription() const override {
    std::string description =
        absl::StrCat(options_.binary, " (", FirstOutputLine(options_.binary, {"--version"}), ")");
    // liminald inherits the environment: say when LIMINAL_* overrides change its config.
    for (char** variable = environ; *variable != nullptr; ++variable) {
      if (absl::StartsWith(*variable, "LIMINAL_")) {
        absl::StrAppend(&description, " [environment: ", *variable, "]");
      }
    }
    return description;
  }

  absl::StatusOr<PubSubResult> RunPubSub(const PubSubSpec& spec) override;

  absl::StatusOr<LoadLatencyResult> RunPublishLatency(const LoadLatencySpec& spec) override;
  std::string PublishLatencyMethod() const override {
    return "the publisher's I/O thread publishes the messages due every 100 us (at most "
           "--publish-window PublishAcks outstanding), stamping each with the time it hands it "
           "to the client; subscriber max_in_flight 8192, auto-ack";
  }

  std::string RequestReplyMethod() const override {
    return "conversation with the built-in echo responder, answered inside the server (one "
           "client-server round trip; NATS and Redis replies come from a responder client, "
           "twice the hops: compare the push round trip for that); async client, next request "
           "sent from the reply callback";
  }
  absl::StatusOr<LatencyResult> RunRequestReply(const LatencySpec& spec) override;

  IdleHandshake IdleConnectionHandshake() const override;

  absl::StatusOr<LatencyResult> RunPushRoundTrip(const LatencySpec& spec) override;

  absl::StatusOr<LatencyResult> RunDurablePublish(const LatencySpec& spec) override;

  std::string DurableSyncSetting() const override {
    std::string setting = "fsync always (ack after fsync, group commit)";
    if (durable_runs_ > 0 && durable_log_bytes_ == 0) {
      absl::StrAppend(&setting,
                      " -- configured, but this liminald wrote nothing under persistence_path "
                      "in the durable runs: it serves durable channels from memory, so its "
                      "durable numbers are in-memory numbers");
    }
    return setting;
  }
  std::string DurablePubSubMethod() const override {
    return "channel `bench` with durable = true, fsync = \"always\" (persistence_path in the "
           "server's temp dir); publisher and subscriber as in pub->sub (pipelined Publish, "
           "at most --publish-window PublishAcks outstanding; max_in_flight 8192, auto-ack)";
  }
  std::string DurablePublishMethod() const override {
    return "Publish on the durable channel `bench`, the next one sent from the PublishAck "
           "callback (async client); no subscriber";
  }

 protected:
  absl::StatusOr<std::unique_ptr<ServerProcess>> LaunchServer(ServerMode mode) override {
    LiminaldLaunchOptions options = options_;
    options.durable = mode == ServerMode::kDurable;
    // The many-channels workload's channels.
    for (int c = 0; c < kMaxPubSubChannels; ++c) {
      options.extra_channels.push_back(PubSubChannel(c, kMaxPubSubChannels));
    }
    options.tls = mode == ServerMode::kTls;
    return StartLiminald(options);
  }

 private:
  // After a durable run, before the server stops: what its persistence_path holds.
  void NoteDurableLog(const ServerProcess& server) {
    ++durable_runs_;
    durable_log_bytes_ += BytesUnder(absl::StrCat(server.dir(), "/", kLiminaldDataDir));
  }

  LiminaldLaunchOptions options_;
  int durable_runs_ = 0;
  uint64_t durable_log_bytes_ = 0;
};

// One channel of a pub/sub run: its publisher, its subscribers and their delivery window.
struct PubSubLane {
  PubSubLane(std::string channel_name, int subscribers, uint64_t e2e_window)
      : channel(std::move(channel_name)), window(subscribers, e2e_window) {}
  std::string channel;
  DeliveryWindow window;
  std::vector<std::unique_ptr<Client>> subscribers;
  std::vector<client::Subscription> subscriptions;
  std::unique_ptr<Client> publisher;
  // Publisher state, touched only on the publisher's I/O thread.
  uint64_t in_flight = 0;
  std::function<void()> pump;
};

absl::StatusOr<PubSubResult> LiminalDriver::RunPubSub(const PubSubSpec& spec) {
  absl::StatusOr<const ServerProcess*> server = RunningServer(spec.durable ? ServerMode::kDurable
                                                              : spec.tls   ? ServerMode::kTls
                                                                           : ServerMode::kDefault);
  if (!server.ok()) return server.status();
  client::TlsOptions tls;
  if (spec.tls) {
    tls.enabled = true;
    tls.ca_file = absl::StrCat((*server)->dir(), "/", kLiminaldTlsCa);
  }
  const int channels = std::max(spec.channels, 1);
  std::vector<std::unique_ptr<PubSubLane>> lanes;
  for (int c = 0; c < channels; ++c) {
    lanes.push_back(std::make_unique<PubSubLane>(PubSubChannel(c, channels), spec.subscribers,
                                                 spec.e2e_window));
  }
  for (auto& lane : lanes) {
    DeliveryWindow& window = lane->window;
    for (int i = 0; i < spec.subscribers; ++i) {
      absl::StatusOr<std::unique_ptr<Client>> client = Client::Connect(**server, {}, tls);
      if (!client.ok()) return client.status();
      client::SubscribeOptions options;
      options.max_in_flight = kSubscriberMaxInFlight;
      options.ack_mode = client::AckMode::kAuto;
      client::SubscriptionHandlers handlers;
      handlers.on_delivery = [&window, i](const client::Subscription&, client::Delivery) {
        window.Delivered(i);
      };
      handlers.on_end = [&window](absl::Status why) {
        if (!window.stopping()) {
          window.Fail(
              absl::Status(why.code(), absl::StrCat("subscription ended: ", why.message())));
        }
      };
      absl::StatusOr<client::Subscription> subscription =
          SubscribeSync(**client, lane->channel, options, std::move(handlers));
      if (!subscription.ok()) return subscription.status();
      lane->subscriptions.push_back(*std::move(subscription));
      lane->subscribers.push_back(*std::move(client));
    }
    ConnectionHandlers publisher_handlers;
    publisher_handlers.on_closed = [&window](absl::Status why) {
      if (!window.stopping()) window.Fail(why);
    };
    absl::StatusOr<std::unique_ptr<Client>> publisher =
        Client::Connect(**server, std::move(publisher_handlers), tls);
    if (!publisher.ok()) return publisher.status();
    lane->publisher = *std::move(publisher);
  }

  const std::string payload(spec.payload_bytes, 'p');
  for (auto& lane_ptr : lanes) {
    PubSubLane& lane = *lane_ptr;
    Connection& connection = lane.publisher->connection();
    lane.pump = [&lane, &connection, &payload, &spec] {
      while (!lane.window.stopping() && lane.in_flight < spec.publish_window) {
        if (!lane.window.TryContinue()) return;  // resumed by the hook below
        ++lane.in_flight;
        lane.window.Published();
        connection.Publish(lane.channel, payload, {},
                           [&lane](absl::StatusOr<client::PublishResult> ack) {
                             --lane.in_flight;
                             if (!ack.ok()) {
                               if (!lane.window.stopping()) lane.window.Fail(ack.status());
                               return;
                             }
                             lane.pump();
                           });
      }
    };
    // The pump runs on the connection's strand, where Publish() encodes at once. The hook
    // keeps no copy of the strand: the window outlives the publisher's I/O context.
    lane.window.SetResumeHook([&lane] {
      boost::asio::post(lane.publisher->connection().executor(), [&lane] { lane.pump(); });
    });
  }
  for (auto& lane : lanes) {
    boost::asio::post(lane->publisher->connection().executor(), [&lane] { lane->pump(); });
  }

  std::vector<DeliveryWindow*> windows;
  for (auto& lane : lanes) windows.push_back(&lane->window);
  absl::StatusOr<PubSubResult> result =
      DeliveryWindow::MeasureAll(windows, spec.warmup, spec.measure, (*server)->pid());
  for (auto& lane : lanes) lane->window.Stop();
  for (auto& lane : lanes) lane->window.AwaitDrained(absl::Seconds(5));
  // Subscribers first: their threads may still run the resume hook, which posts to the
  // publisher's executor.
  for (auto& lane : lanes) {
    for (auto& subscriber : lane->subscribers) subscriber->Close();
  }
  for (auto& lane : lanes) lane->publisher->Close();
  if (spec.durable) NoteDurableLog(**server);
  return result;
}

absl::StatusOr<LoadLatencyResult> LiminalDriver::RunPublishLatency(const LoadLatencySpec& spec) {
  absl::StatusOr<const ServerProcess*> server = RunningServer();
  if (!server.ok()) return server.status();
  const LatencySchedule schedule(absl::ToChronoNanoseconds(spec.warmup),
                                 absl::ToChronoNanoseconds(spec.measure));
  const LatencyClock::time_point start = schedule.start;
  LatencySink sink(schedule.from, schedule.until, spec.max_samples);
  DeliveryWindow window(1, kUnboundedDeliveryWindow);

  absl::StatusOr<std::unique_ptr<Client>> subscriber = Client::Connect(**server);
  if (!subscriber.ok()) return subscriber.status();
  client::SubscribeOptions options;
  options.max_in_flight = kSubscriberMaxInFlight;
  options.ack_mode = client::AckMode::kAuto;
  client::SubscriptionHandlers handlers;
  handlers.on_delivery = [&sink, &window](const client::Subscription&, client::Delivery delivery) {
    sink.Received(delivery.payload);
    window.Delivered(0);
  };
  handlers.on_end = [&window](absl::Status why) {
    if (!window.stopping()) {
      window.Fail(absl::Status(why.code(), absl::StrCat("subscription ended: ", why.message())));
    }
  };
  absl::StatusOr<client::Subscription> subscription =
      SubscribeSync(**subscriber, kChannel, options, std::move(handlers));
  if (!subscription.ok()) return subscription.status();
  ConnectionHandlers publisher_handlers;
  publisher_handlers.on_closed = [&window](absl::Status why) {
    if (!window.stopping()) window.Fail(why);
  };
  absl::StatusOr<std::unique_ptr<Client>> publisher =
      Client::Connect(**server, std::move(publisher_handlers));
  if (!publisher.ok()) return publisher.status();

  // Publisher state, touched only on the publisher's I/O thread.
  Connection& connection = (*publisher)->connection();
  RatePacer pacer(spec.messages_per_second, start);
  uint64_t backlog = 0;
  uint64_t in_flight = 0;
  uint64_t sent_in_window = 0;
  std::string payload(std::max(spec.payload_bytes, kSendTimeBytes), 'l');
  // On the connection's strand, so each tick's Publish() calls encode at once.
  boost::asio::steady_timer timer(connection.executor());
  std::function<void()> tick = [&] {
    if (window.stopping() || LatencyClock::now() >= schedule.until) return;
    backlog += pacer.TakeDue(LatencyClock::now());
    while (backlog > 0 && in_flight < spec.publish_window) {
      const LatencyClock::time_point now = LatencyClock::now();
      StampSendTime(payload, now);
      if (now >= schedule.from && now < schedule.until) ++sent_in_window;
      --backlog;
      ++in_flight;
      window.Published();
      connection.Publish(kChannel, payload, {},
                         [&in_flight, &window](absl::StatusOr<client::PublishResult> ack) {
                           --in_flight;
                           if (!ack.ok() && !window.stopping()) window.Fail(ack.status());
                         });
    }
    timer.expires_after(kRatePacerTick);
    timer.async_wait([&tick](boost::system::error_code error) {
      if (!error) tick();
    });
  };
  boost::asio::post(connection.executor(), [&] {
    timer.expires_at(start);
    timer.async_wait([&tick](boost::system::error_code error) {
      if (!error) tick();
    });
  });

  const absl::StatusOr<PubSubResult> measured = window.Measure(
      absl::FromChrono(schedule.from - LatencyClock::now()), spec.measure, (*server)->pid());
  // The publisher stops by itself at `until`; Measure returns about then.
  window.Stop();
  const bool drained = window.AwaitDrained(absl::Seconds(5));
  const uint64_t published = window.published();
  const uint64_t delivered = window.TotalDelivered();
  (*subscriber)->Close();
  (*publisher)->Close();
  return sink.TakeResult("liminald", measured.status(), drained, published, delivered,
                         sent_in_window);
}

absl::StatusOr<LatencyResult> LiminalDriver::RunRequestReply(const LatencySpec& spec) {
  absl::StatusOr<const ServerProcess*> server = RunningServer();
  if (!server.ok()) return server.status();
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Connect(**server);
  if (!client.ok()) return client.status();
  absl::StatusOr<client::Conversation> conversation =
      (*client)->connection().OpenConversation("bench.echo");
  if (!conversation.ok()) return conversation.status();
  return RunChainedRequests(
      **client, *conversation, spec, [](const std::string& request, const std::string& reply) {
        if (reply == request) return absl::OkStatus();
        return absl::DataLossError(absl::StrCat("echo reply differs from the request (",
                                                reply.size(), " vs ", request.size(), " bytes)"));
      });
}

absl::StatusOr<LatencyResult> LiminalDriver::RunPushRoundTrip(const LatencySpec& spec) {
  absl::StatusOr<const ServerProcess*> server = RunningServer();
  if (!server.ok()) return server.status();

  auto pushes = std::make_shared<std::atomic<uint64_t>>(0);
  ConnectionHandlers worker_handlers;
  worker_handlers.on_push = client::MakePushHandler([pushes](uint64_t, std::string_view payload) {
    pushes->fetch_add(1, std::memory_order_relaxed);
    return absl::StrCat(kWorkerReplyPrefix, std::string(payload));
  });
  absl::StatusOr<std::unique_ptr<Client>> worker =
      Client::Connect(**server, std::move(worker_handlers));
  if (!worker.ok()) return worker.status();
  client::WorkerRegistration registration;
  registration.namespaces = {"default"};
  registration.task_queue = "bench";
  registration.identity = "liminal-bench-worker";
  Rendezvous<absl::StatusOr<client::WorkerRegisterResult>> registered;
  (*worker)->connection().RegisterWorker(registration, registered.Callback());
  std::optional<absl::StatusOr<client::WorkerRegisterResult>> reg = registered.Wait(kSetupTimeout);
  if (!reg.has_value()) return absl::DeadlineExceededError("liminald: RegisterWorker timed out");
  if (!reg->ok()) return reg->status();
  if (!(*reg)->accepted) {
    return absl::FailedPreconditionError(
        absl::StrCat("liminald rejected the worker registration: ", (*reg)->rejection_reason));
  }

  absl::StatusOr<std::unique_ptr<Client>> requester = Client::Connect(**server);
  if (!requester.ok()) return requester.status();
  absl::StatusOr<client::Conversation> conversation =
      (*requester)->connection().OpenConversation("worker.bench");
  if (!conversation.ok()) return conversation.status();

  // Probe: is the conversation dispatched to the worker at all?
  const std::string probe(spec.payload_bytes, 'q');
  Rendezvous<absl::StatusOr<std::string>> probed;
  conversation->Request(probe, absl::Seconds(3), probed.Callback());
  std::optional<absl::StatusOr<std::string>> reply = probed.Wait(absl::Seconds(5));
  if (!reply.has_value()) return absl::DeadlineExceededError("liminald: probe request stalled");
  if (!reply->ok()) {
    return absl::Status(reply->status().code(),
                        absl::StrCat("request on 'worker.bench' with a registered worker failed: ",
                                     reply->status().message()));
  }
  if (**reply == probe && pushes->load() == 0) {
    return absl::UnimplementedError(
        "liminald answered 'worker.bench' with its built-in echo responder: dispatch of "
        "conversations to registered workers (as Pushes) is not in this build");
  }
  auto check = [](const std::string& request, const std::string& answer) {
    if (answer == absl::StrCat(kWorkerReplyPrefix, request)) return absl::OkStatus();
    if (absl::StartsWith(answer, kWorkerReplyPrefix)) return absl::OkStatus();
    return absl::DataLossError(
        absl::StrCat("reply on 'worker.bench' did not come from the worker (", answer.size(),
                     " bytes, expected the \"", kWorkerReplyPrefix, "\" prefix)"));
  };
  if (absl::Status s = check(probe, **reply); !s.ok()) return s;
  absl::StatusOr<LatencyResult> result =
      RunChainedRequests(**requester, *conversation, spec, check);
  (*worker)->Close();
  return result;
}

absl::StatusOr<LatencyResult> LiminalDriver::RunDurablePublish(const LatencySpec& spec) {
  absl::StatusOr<const ServerProcess*> server = RunningServer(ServerMode::kDurable);
  if (!server.ok()) return server.status();
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Connect(**server);
  if (!client.ok()) return client.status();
  Connection& connection = (*client)->connection();
  absl::StatusOr<LatencyResult> result = RunChainedRoundTrips(
      **client, spec,
      [&connection](const std::string& payload, absl::AnyInvocable<void(absl::Status)> done) {
        connection.Publish(
            kChannel, payload, {},
            [done = std::move(done)](absl::StatusOr<client::PublishResult> ack) mutable {
              done(ack.status());
            });
      });
  NoteDurableLog(**server);
  return result;
}

IdleHandshake LiminalDriver::IdleConnectionHandshake() const {
  IdleHandshake handshake;
  const protocol::Frame connect = protocol::MakeFrame(
      protocol::Connect{.min_version = {1, 0}, .max_version = {1, 0}, .auth_token = ""});
  (void)protocol::EncodeFrame(connect, handshake.hello);
  handshake.complete = [](std::string_view received) -> absl::StatusOr<bool> {
    protocol::DecodeResult decoded = protocol::DecodeFrame(received);
    if (!decoded.ok()) {
      if (decoded.error().need_more_bytes()) return false;
      return absl::DataLossError(
          absl::StrCat("liminald sent a malformed frame: ", decoded.error().detail));
    }
    const protocol::FrameBody& body = decoded.frame().body;
    if (std::holds_alternative<protocol::ConnectAck>(body)) return true;
    if (const auto* error = std::get_if<protocol::ConnectError>(&body)) {
      return absl::UnavailableError(
          absl::StrCat("liminald refused the connection: ",
                       std::string(protocol::ReasonCodeName(error->reason_code)), " ",
                       error->message.value_or("")));
    }
    return absl::DataLossError(absl::StrCat("liminald answered Connect with frame type 0x",
                                            absl::Hex(decoded.frame().type_id())));
  };
  return handshake;
}

}  // namespace

std::unique_ptr<Driver> MakeLiminalDriver(LiminaldLaunchOptions options) {
  return std::make_unique<LiminalDriver>(std::move(options));
}

}  // namespace liminal::bench
