#include "bench/redis_driver.h"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <sys/time.h>

#include <atomic>
#include <chrono>
#include <cstring>
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

constexpr char kRequestChannel[] = "bench.request";
constexpr char kReplyChannel[] = "bench.reply";

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// One blocking hiredis context. Destroying it closes the connection.
class RedisConnection {
 public:
  static absl::StatusOr<std::unique_ptr<RedisConnection>> Connect(const ServerProcess& server) {
    redisContext* context = redisConnectWithTimeout(server.host().c_str(), server.port(),
                                                    absl::ToTimeval(absl::Seconds(10)));
    if (context == nullptr) return absl::ResourceExhaustedError("redis: cannot allocate context");
    std::unique_ptr<RedisConnection> connection(new RedisConnection(context));
    if (context->err != 0) return connection->Error("connect");
    // A blocking read never hangs the harness for longer than this.
    redisSetTimeout(context, absl::ToTimeval(absl::Seconds(10)));
    return connection;
  }

  ~RedisConnection() { redisFree(context_); }

  redisContext* get() { return context_; }

  absl::Status Error(std::string_view what) const {
    return absl::UnavailableError(
        absl::StrCat("redis: ", std::string(what), ": ",
                     context_->errstr[0] != '\0' ? context_->errstr : "I/O error"));
  }

  // Runs a command and returns its reply; an error reply is an error.
  absl::StatusOr<Reply> Command(const char* format, const char* arg) {
    Reply reply(static_cast<redisReply*>(redisCommand(context_, format, arg)));
    if (reply == nullptr) return Error(format);
    if (reply->type == REDIS_REPLY_ERROR) {
      return absl::FailedPreconditionError(absl::StrCat("redis: ", format, ": ", reply->str));
    }
    return reply;
  }

  // Writes everything appended so far.
  absl::Status Flush() {
    int done = 0;
    while (done == 0) {
      if (redisBufferWrite(context_, &done) != REDIS_OK) return Error("write");
    }
    return absl::OkStatus();
  }

  // The next reply (flushing appended commands first); blocks up to the context timeout.
  absl::StatusOr<Reply> NextReply() {
    void* reply = nullptr;
    if (redisGetReply(context_, &reply) != REDIS_OK) return Error("read");
    return Reply(static_cast<redisReply*>(reply));
  }

  // The next reply if one arrives within `wait`, else null. Never flushes.
  absl::StatusOr<Reply> PollReply(absl::Duration wait) {
    void* reply = nullptr;
    if (redisGetReplyFromReader(context_, &reply) != REDIS_OK) return Error("parse");
    if (reply != nullptr) return Reply(static_cast<redisReply*>(reply));
    pollfd pfd{.fd = context_->fd, .events = POLLIN, .revents = 0};
    if (::poll(&pfd, 1, static_cast<int>(absl::ToInt64Milliseconds(wait))) <= 0) return Reply();
    if (redisBufferRead(context_) != REDIS_OK) return Error("read");
    if (redisGetReplyFromReader(context_, &reply) != REDIS_OK) return Error("parse");
    return Reply(static_cast<redisReply*>(reply));
  }

 private:
  explicit RedisConnection(redisContext* context) : context_(context) {}
  redisContext* context_;
};

// A pub/sub "message" push: ["message", channel, payload].
const redisReply* MessagePayload(const redisReply& reply) {
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 3) return nullptr;
  const redisReply* kind = reply.element[0];
  if (kind->type != REDIS_REPLY_STRING || std::strcmp(kind->str, "message") != 0) return nullptr;
  return reply.element[2];
}

absl::StatusOr<std::unique_ptr<RedisConnection>> Subscriber(const ServerProcess& server,
                                                            const char* channel) {
  absl::StatusOr<std::unique_ptr<RedisConnection>> connection = RedisConnection::Connect(server);
  if (!connection.ok()) return connection.status();
  // The confirmation arrives after the subscription is registered on the server.
  absl::StatusOr<Reply> confirmed = (*connection)->Command("SUBSCRIBE %s", channel);
  if (!confirmed.ok()) return confirmed.status();
  return connection;
}

// The publisher of a pub/sub lane: pipelined PUBLISHes on `channel`, at most
// `publish_window` replies outstanding and the window's bound on how far ahead it runs.
void PublishToRedis(RedisConnection& connection, const char* channel, const std::string& payload,
                    uint64_t publish_window, DeliveryWindow& window) {
  const uint64_t window_size = std::max<uint64_t>(publish_window, 1);
  const uint64_t refill = std::max<uint64_t>(window_size / 2, 1);
  uint64_t outstanding = 0;
  auto read_replies = [&](uint64_t count) -> bool {
    for (uint64_t i = 0; i < count; ++i) {
      absl::StatusOr<Reply> reply = connection.NextReply();
      if (!reply.ok() || (*reply)->type == REDIS_REPLY_ERROR) {
        window.Fail(reply.ok() ? absl::FailedPreconditionError(
                                     absl::StrCat("redis: PUBLISH: ", (*reply)->str))
                               : reply.status());
        return false;
      }
      --outstanding;
    }
    return true;
  };
  while (!window.stopping()) {
    if (outstanding >= window_size) {
      if (!read_replies(refill)) return;
      continue;
    }
    if (!window.HasRoom()) {
      if (absl::Status s = connection.Flush(); !s.ok()) return window.Fail(s);
      if (outstanding > 0) {
        if (!read_replies(1)) return;
      } else {
        window.WaitForRoom(absl::Milliseconds(1));
      }
      continue;
    }
    redisAppendCommand(connection.get(), "PUBLISH %s %b", channel, payload.data(), payload.size());
    ++outstanding;
    window.Published();
  }
  (void)read_replies(outstanding);  // leave the connection clean
}

class RedisDriver : public Driver {
 public:
  explicit RedisDriver(RedisLaunchOptions options) : options_(std::move(options)) {}

  System system() const override { return System::kRedis; }

  std::string ServerDescription() const override {
    return absl::StrCat(options_.binary, " (", FirstOutputLine(options_.binary, {"--version"}),
                        "), hiredis ", HIREDIS_MAJOR, ".", HIREDIS_MINOR, ".", HIREDIS_PATCH);
  }

  absl::StatusOr<PubSubResult> RunPubSub(const PubSubSpec& spec) override;

  std::string RequestReplyMethod() const override {
    return "equivalent (Redis has no request/reply): PUBLISH on bench.request, a responder "
           "client re-PUBLISHes it on bench.reply, which the requester is SUBSCRIBEd to";
  }
  absl::StatusOr<LatencyResult> RunRequestReply(const LatencySpec& spec) override;

  IdleHandshake IdleConnectionHandshake() const override;

 protected:
  absl::StatusOr<std::unique_ptr<ServerProcess>> LaunchServer(ServerMode mode) override {
    if (mode != ServerMode::kDefault) {
      return absl::UnimplementedError(
          absl::StrCat("Redis pub/sub has no ", ServerModeName(mode), " mode"));
    }
    return StartRedisServer(options_);
  }

 private:
  RedisLaunchOptions options_;
};

absl::StatusOr<PubSubResult> RedisDriver::RunPubSub(const PubSubSpec& spec) {
  if (spec.durable) return absl::UnimplementedError("Redis pub/sub has no durable channels");
  absl::StatusOr<const ServerProcess*> server = RunningServer();
  if (!server.ok()) return server.status();
  const int channels = std::max(spec.channels, 1);
  // One lane per channel: a window, its subscribers, a publisher.
  std::vector<std::unique_ptr<DeliveryWindow>> windows;
  std::vector<std::string> names;
  std::vector<std::vector<std::unique_ptr<RedisConnection>>> subscribers(
      static_cast<size_t>(channels));
  std::vector<std::unique_ptr<RedisConnection>> publishers;
  for (int c = 0; c < channels; ++c) {
    windows.push_back(std::make_unique<DeliveryWindow>(spec.subscribers, spec.e2e_window));
    names.push_back(PubSubChannel(c, channels));
    for (int i = 0; i < spec.subscribers; ++i) {
      absl::StatusOr<std::unique_ptr<RedisConnection>> subscriber =
          Subscriber(**server, names.back().c_str());
      if (!subscriber.ok()) return subscriber.status();
      subscribers[static_cast<size_t>(c)].push_back(*std::move(subscriber));
    }
    absl::StatusOr<std::unique_ptr<RedisConnection>> publisher = RedisConnection::Connect(**server);
    if (!publisher.ok()) return publisher.status();
    publishers.push_back(*std::move(publisher));
  }

  std::vector<std::thread> subscriber_threads;
  std::vector<std::thread> publisher_threads;
  // Subscribers keep reading after Stop() until the run has drained.
  std::atomic<bool> quit{false};
  const std::string payload(spec.payload_bytes, 'p');
  for (int c = 0; c < channels; ++c) {
    DeliveryWindow& window = *windows[static_cast<size_t>(c)];
    for (int i = 0; i < spec.subscribers; ++i) {
      subscriber_threads.emplace_back(
          [&window, &quit, i,
           connection = subscribers[static_cast<size_t>(c)][static_cast<size_t>(i)].get()] {
            while (!quit.load()) {
              absl::StatusOr<Reply> reply = connection->PollReply(absl::Milliseconds(50));
              if (!reply.ok()) {
                if (!window.stopping()) window.Fail(reply.status());
                return;
              }
              if (*reply != nullptr && MessagePayload(**reply) != nullptr) window.Delivered(i);
            }
          });
    }
    publisher_threads.emplace_back([&, c] {
      PublishToRedis(*publishers[static_cast<size_t>(c)], names[static_cast<size_t>(c)].c_str(),
                     payload, spec.publish_window, *windows[static_cast<size_t>(c)]);
    });
  }

  std::vector<DeliveryWindow*> measured;
  for (auto& window : windows) measured.push_back(window.get());
  absl::StatusOr<PubSubResult> result =
      DeliveryWindow::MeasureAll(measured, spec.warmup, spec.measure, (*server)->pid());
  for (auto& window : windows) window->Stop();
  for (std::thread& thread : publisher_threads) thread.join();  // every PUBLISH answered
  for (auto& window : windows) window->AwaitDrained(absl::Seconds(5));
  quit = true;
  for (std::thread& thread : subscriber_threads) thread.join();
  return result;
}

absl::StatusOr<LatencyResult> RedisDriver::RunRequestReply(const LatencySpec& spec) {
  absl::StatusOr<const ServerProcess*> server = RunningServer();
  if (!server.ok()) return server.status();
  absl::StatusOr<std::unique_ptr<RedisConnection>> responder_in =
      Subscriber(**server, kRequestChannel);
  if (!responder_in.ok()) return responder_in.status();
  absl::StatusOr<std::unique_ptr<RedisConnection>> responder_out =
      RedisConnection::Connect(**server);
  if (!responder_out.ok()) return responder_out.status();
  absl::StatusOr<std::unique_ptr<RedisConnection>> replies = Subscriber(**server, kReplyChannel);
  if (!replies.ok()) return replies.status();
  absl::StatusOr<std::unique_ptr<RedisConnection>> requests = RedisConnection::Connect(**server);
  if (!requests.ok()) return requests.status();

  std::atomic<bool> stop{false};
  absl::Status responder_error;
  std::thread responder([&] {
    while (!stop.load()) {
      absl::StatusOr<Reply> request = (*responder_in)->PollReply(absl::Milliseconds(50));
      if (!request.ok()) {
        responder_error = request.status();
        return;
      }
      if (*request == nullptr) continue;
      const redisReply* payload = MessagePayload(**request);
      if (payload == nullptr) continue;
      Reply published(static_cast<redisReply*>(redisCommand(
          (*responder_out)->get(), "PUBLISH %s %b", kReplyChannel, payload->str, payload->len)));
      if (published == nullptr) {
        responder_error = (*responder_out)->Error("PUBLISH reply");
        return;
      }
    }
  });

  const std::string payload(spec.payload_bytes, 'r');
  LatencyResult result;
  result.round_trips_ns.reserve(std::min<size_t>(spec.max_samples, 1'000'000));
  const SteadyClock::time_point measure_from =
      SteadyClock::now() + absl::ToChronoNanoseconds(spec.warmup);
  const SteadyClock::time_point measure_until =
      measure_from + absl::ToChronoNanoseconds(spec.measure);
  absl::Status status;
  while (status.ok()) {
    const SteadyClock::time_point sent = SteadyClock::now();
    redisAppendCommand((*requests)->get(), "PUBLISH %s %b", kRequestChannel, payload.data(),
                       payload.size());
    if (status = (*requests)->Flush(); !status.ok()) break;
    Reply answer;
    const SteadyClock::time_point give_up = sent + absl::ToChronoNanoseconds(spec.request_timeout);
    while (answer == nullptr || MessagePayload(*answer) == nullptr) {
      if (SteadyClock::now() > give_up) {
        status = absl::DeadlineExceededError("redis: no reply on bench.reply");
        break;
      }
      absl::StatusOr<Reply> next = (*replies)->PollReply(absl::Milliseconds(100));
      if (!next.ok()) {
        status = next.status();
        break;
      }
      answer = *std::move(next);
    }
    if (!status.ok()) break;
    const SteadyClock::time_point now = SteadyClock::now();
    const redisReply* echoed = MessagePayload(*answer);
    if (echoed->len != payload.size() || std::memcmp(echoed->str, payload.data(), payload.size())) {
      status = absl::DataLossError("redis: the reply differs from the request");
      break;
    }
    // The PUBLISH's own reply (receiver count), outside the timed section.
    if (absl::StatusOr<Reply> count = (*requests)->NextReply(); !count.ok()) {
      status = count.status();
      break;
    }
    if (now >= measure_from) {
      result.round_trips_ns.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(now - sent).count());
    }
    if (now >= measure_until || result.round_trips_ns.size() >= spec.max_samples) break;
  }
  stop = true;
  responder.join();
  if (!status.ok()) return status;
  if (!responder_error.ok()) return responder_error;
  return result;
}

IdleHandshake RedisDriver::IdleConnectionHandshake() const {
  IdleHandshake handshake;
  handshake.hello = "PING\r\n";
  handshake.complete = [](std::string_view received) -> absl::StatusOr<bool> {
    if (!received.empty() && received.front() == '-') {
      return absl::UnavailableError(
          absl::StrCat("redis-server refused the connection: ",
                       std::string(received.substr(0, received.find('\r')))));
    }
    return received.find("+PONG\r\n") != std::string_view::npos;
  };
  return handshake;
}

}  // namespace

std::unique_ptr<Driver> MakeRedisDriver(RedisLaunchOptions options) {
  return std::make_unique<RedisDriver>(std::move(options));
}

}  // namespace liminal::bench
