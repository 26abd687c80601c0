// Conversations, pushes and workers on the real liminald (server-behaviour.md §4): the echo
// participant, and liminald's built-in dispatcher, which serves a conversation on
// `worker.<task_queue>` by pushing each message to a worker registered for that queue and
// returning the worker's PushReply as the reply. Covered: the push round trip, the reply
// timeout, a queue without a worker (participant crashed), a worker that disconnects while
// a request is pending (the push ends as disconnected at once; the requester gets
// E_REPLY_TIMEOUT), registration replaced and dropped on disconnect.
//
// Not covered here: a *rejected* registration. liminald's dispatcher accepts every
// registration; a rejection needs an embedding application's notifier, which the daemon has
// no way to plug in. The unit tests of the supervisor and the dispatcher cover it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "client/blocking_client.h"
#include "client/client_error.h"
#include "client/connection.h"
#include "client/io_thread.h"
#include "core/protocol/reason_code.h"
#include "tests/e2e/protocol/protocol_test_util.h"

namespace liminal::e2e {
namespace {

using client::BlockingClient;
using client::BlockingConversation;
using client::WorkerRegisterResult;
using client::WorkerRegistration;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;
using namespace std::chrono_literals;
using protocol::ReasonCode;
using protocol::ToWire;
using Clock = std::chrono::steady_clock;

WorkerRegistration Registration(const std::string& task_queue) {
  WorkerRegistration registration;
  registration.namespaces = {"default"};
  registration.task_queue = task_queue;
  registration.activity_types = {"run"};
  registration.identity = "worker-" + task_queue;
  return registration;
}

class ConversationTest : public ::testing::Test {
 protected:
  // `limits`: keys of the [limits] table.
  void Start(const std::string& limits = "") {
    absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon =
        StartDaemon(std::string(kDefaultDaemonConfig) + "\n[limits]\n" + limits);
    ASSERT_TRUE(daemon.ok()) << daemon.status();
    daemon_ = *std::move(daemon);
  }

  std::unique_ptr<BlockingClient> Client() {
    absl::StatusOr<std::unique_ptr<BlockingClient>> c = ConnectClient(*daemon_);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *std::move(c) : nullptr;
  }

  static void ExpectAccepted(BlockingClient& worker, const std::string& task_queue) {
    absl::StatusOr<WorkerRegisterResult> registered =
        worker.RegisterWorker(Registration(task_queue), kCallTimeout);
    ASSERT_TRUE(registered.ok()) << registered.status();
    EXPECT_TRUE(registered->accepted) << registered->rejection_reason;
    EXPECT_EQ(registered->rejection_reason, "");
  }

  // Answers up to `max_pushes` pushes on another thread with "<prefix><payload>".
  static std::future<absl::StatusOr<size_t>> ServeAsync(BlockingClient& worker, std::string prefix,
                                                        size_t max_pushes) {
    return std::async(std::launch::async, [&worker, prefix = std::move(prefix), max_pushes] {
      return worker.ServePushes(
          [&prefix](uint64_t, std::string_view payload) {
            return absl::StrCat(prefix, std::string(payload));
          },
          max_pushes, kCallTimeout);
    });
  }

  static void ExpectNoWorker(BlockingClient& requester, const std::string& task_queue) {
    absl::StatusOr<std::string> reply =
        requester.Request("worker." + task_queue, "anyone?", kCallTimeout);
    ASSERT_FALSE(reply.ok()) << "answered: " << *reply;
    EXPECT_THAT(client::GetReasonCode(reply.status()),
                Optional(ToWire(ReasonCode::kParticipantCrashed)));
    EXPECT_THAT(reply.status().message(),
                HasSubstr("no worker registered for task queue '" + task_queue + "'"));
  }

  double Metric(const std::string& series) {
    absl::StatusOr<double> value = ReadMetric(daemon_->health(), series);
    EXPECT_TRUE(value.ok()) << value.status();
    return value.value_or(-1);
  }

  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(ConversationTest, SubjectsWithoutAResponderEcho) {
  Start();
  std::unique_ptr<BlockingClient> c = Client();
  ASSERT_NE(c, nullptr);
  EXPECT_THAT(c->Request("pricing.quote", R"({"sku":"A1"})", kCallTimeout),
              IsOkAndHolds(R"({"sku":"A1"})"));

  absl::StatusOr<std::unique_ptr<BlockingConversation>> conv = c->OpenConversation("anything");
  ASSERT_TRUE(conv.ok()) << conv.status();
  EXPECT_THAT((*conv)->Request("a", kCallTimeout), IsOkAndHolds("a"));
  // An unflagged message gets no reply, so it cannot be mistaken for the next one's.
  EXPECT_TRUE((*conv)->Send("not-a-request", kCallTimeout).ok());
  EXPECT_THAT((*conv)->Request("b", kCallTimeout), IsOkAndHolds("b"));
  (*conv)->Close();
  EXPECT_EQ(Metric("liminal_conversations_opened_total"), 2);
}

TEST_F(ConversationTest, WorkerQueueConversationIsAPushRoundTrip) {
  Start();
  std::unique_ptr<BlockingClient> worker = Client();
  std::unique_ptr<BlockingClient> requester = Client();
  ASSERT_TRUE(worker && requester);
  ExpectAccepted(*worker, "emails");

  absl::Mutex mu;
  std::vector<std::string> pushed;
  std::vector<uint64_t> correlation_ids;
  std::future<absl::StatusOr<size_t>> served = std::async(std::launch::async, [&] {
    return worker->ServePushes(
        [&](uint64_t correlation_id, std::string_view payload) {
          absl::MutexLock lock(&mu);
          pushed.emplace_back(payload);
          correlation_ids.push_back(correlation_id);
          return absl::StrCat("sent:", std::string(payload));
        },
        /*max_pushes=*/2, kCallTimeout);
  });

  absl::StatusOr<std::unique_ptr<BlockingConversation>> conv =
      requester->OpenConversation("worker.emails");
  ASSERT_TRUE(conv.ok()) << conv.status();
  EXPECT_THAT((*conv)->Request("to=ada", kCallTimeout), IsOkAndHolds("sent:to=ada"));
  EXPECT_THAT((*conv)->Request("to=bob", kCallTimeout), IsOkAndHolds("sent:to=bob"));
  EXPECT_THAT(served.get(), IsOkAndHolds(2u));
  absl::MutexLock lock(&mu);
  EXPECT_THAT(pushed, ElementsAre("to=ada", "to=bob"));
  ASSERT_EQ(correlation_ids.size(), 2u);
  EXPECT_NE(correlation_ids[0], correlation_ids[1]);
  EXPECT_EQ(Metric("liminal_pushes_total{outcome=\"replied\"}"), 2);
  EXPECT_EQ(Metric("liminal_conversation_replies_total{outcome=\"replied\"}"), 2);
}

TEST_F(ConversationTest, WorkerThatNeverAnswersEndsInReplyTimeout) {
  Start("conversation_reply_timeout_ms = 300");
  std::unique_ptr<BlockingClient> worker = Client();
  std::unique_ptr<BlockingClient> requester = Client();
  ASSERT_TRUE(worker && requester);
  ExpectAccepted(*worker, "slow");

  absl::StatusOr<std::unique_ptr<BlockingConversation>> conv =
      requester->OpenConversation("worker.slow");
  ASSERT_TRUE(conv.ok()) << conv.status();
  const Clock::time_point asked = Clock::now();
  absl::StatusOr<std::string> reply = (*conv)->Request("x", kCallTimeout);
  const auto waited = Clock::now() - asked;
  ASSERT_FALSE(reply.ok()) << "answered: " << *reply;
  EXPECT_FALSE(client::IsClientTimeout(reply.status())) << reply.status();
  EXPECT_THAT(client::GetReasonCode(reply.status()), Optional(ToWire(ReasonCode::kReplyTimeout)));
  EXPECT_THAT(reply.status().message(), HasSubstr("did not reply within"));
  EXPECT_GE(waited, 250ms) << "timed out before conversation_reply_timeout_ms";
  EXPECT_LT(waited, 5s);

  // The worker now answers both the stale push and the next one: the late answer is
  // dropped and the next request gets its own reply.
  std::future<absl::StatusOr<size_t>> served = ServeAsync(*worker, "re:", 2);
  EXPECT_THAT((*conv)->Request("y", kCallTimeout), IsOkAndHolds("re:y"));
  EXPECT_THAT(served.get(), IsOkAndHolds(2u));

  EXPECT_EQ(Metric("liminal_conversation_replies_total{outcome=\"timeout\"}"), 1);
  absl::StatusOr<double> push_timeouts =
      AwaitMetric(daemon_->health(), "liminal_pushes_total{outcome=\"timeout\"}",
                  [](double v) { return v >= 1; });
  EXPECT_TRUE(push_timeouts.ok()) << push_timeouts.status();
}

TEST_F(ConversationTest, QueueWithoutAWorkerIsAParticipantCrash) {
  Start();
  std::unique_ptr<BlockingClient> c = Client();
  ASSERT_NE(c, nullptr);
  ExpectNoWorker(*c, "nobody");
  EXPECT_THAT(c->Request("echo", "still here", kCallTimeout), IsOkAndHolds("still here"));
}

TEST_F(ConversationTest, WorkerDisconnectingMidRequest) {
  Start("conversation_reply_timeout_ms = 2000");
  client::IoThread io;
  absl::Notification pushed;
  std::atomic<int> pushes{0};
  std::string pushed_payload;
  client::ConnectionHandlers handlers;
  handlers.on_push = [&](client::PushRequest push, client::PushResponder) {
    // The responder is dropped: this worker never replies.
    if (pushes.fetch_add(1) == 0) {
      pushed_payload = push.payload;
      pushed.Notify();
    }
  };
  absl::StatusOr<std::unique_ptr<client::Connection>> worker =
      ConnectAsync(io, *daemon_, std::move(handlers));
  ASSERT_TRUE(worker.ok()) << worker.status();
  std::promise<absl::StatusOr<WorkerRegisterResult>> registered;
  (*worker)->RegisterWorker(Registration("jobs"), [&](absl::StatusOr<WorkerRegisterResult> r) {
    registered.set_value(std::move(r));
  });
  std::future<absl::StatusOr<WorkerRegisterResult>> registration = registered.get_future();
  ASSERT_EQ(registration.wait_for(kStepTimeout), std::future_status::ready);
  absl::StatusOr<WorkerRegisterResult> accepted = registration.get();
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  ASSERT_TRUE(accepted->accepted) << accepted->rejection_reason;

  std::unique_ptr<BlockingClient> requester = Client();
  ASSERT_NE(requester, nullptr);
  const Clock::time_point asked = Clock::now();
  std::future<absl::StatusOr<std::string>> reply = std::async(
      std::launch::async, [&] { return requester->Request("worker.jobs", "job-1", kCallTimeout); });
  ASSERT_TRUE(pushed.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(pushed_payload, "job-1");

  // The worker goes away with the push pending: the push ends as "disconnected" at once,
  // not after its 2 s timeout.
  const Clock::time_point closed = Clock::now();
  (*worker)->Close();
  absl::StatusOr<double> disconnected = AwaitMetric(
      daemon_->health(), "liminal_pushes_total{outcome=\"disconnected\"}",
      [](double v) { return v >= 1; }, 1500ms);
  EXPECT_TRUE(disconnected.ok()) << disconnected.status();
  EXPECT_LT(Clock::now() - closed, 1500ms);

  // In this dispatch design the requester learns it from the reply timeout.
  ASSERT_EQ(reply.wait_for(kStepTimeout), std::future_status::ready);
  absl::StatusOr<std::string> answer = reply.get();
  ASSERT_FALSE(answer.ok()) << "answered: " << *answer;
  EXPECT_THAT(client::GetReasonCode(answer.status()), Optional(ToWire(ReasonCode::kReplyTimeout)))
      << answer.status();
  EXPECT_GE(Clock::now() - asked, 1900ms);
  EXPECT_EQ(Metric("liminal_pushes_total{outcome=\"timeout\"}"), 0)
      << "the push to the closed connection must end as disconnected, not time out";

  // The server keeps serving: the queue has no worker any more, and echo still answers.
  ExpectNoWorker(*requester, "jobs");
  EXPECT_THAT(requester->Request("echo", "ok?", kCallTimeout), IsOkAndHolds("ok?"));
  EXPECT_EQ(pushes.load(), 1);
}

TEST_F(ConversationTest, DisconnectedWorkerIsUnregistered) {
  Start();
  std::unique_ptr<BlockingClient> worker = Client();
  std::unique_ptr<BlockingClient> requester = Client();
  ASSERT_TRUE(worker && requester);
  ExpectAccepted(*worker, "q1");
  std::future<absl::StatusOr<size_t>> served = ServeAsync(*worker, "ok:", 1);
  EXPECT_THAT(requester->Request("worker.q1", "a", kCallTimeout), IsOkAndHolds("ok:a"));
  EXPECT_THAT(served.get(), IsOkAndHolds(1u));

  worker->Close();
  // Wait for the server to have released the worker's connection (only the requester left).
  absl::StatusOr<double> open = AwaitMetric(daemon_->health(), "liminal_connections_current",
                                            [](double v) { return v == 1; });
  ASSERT_TRUE(open.ok()) << open.status();
  ExpectNoWorker(*requester, "q1");
}

TEST_F(ConversationTest, SecondRegistrationReplacesTheFirst) {
  Start();
  std::unique_ptr<BlockingClient> worker = Client();
  std::unique_ptr<BlockingClient> requester = Client();
  ASSERT_TRUE(worker && requester);
  ExpectAccepted(*worker, "qa");
  ExpectAccepted(*worker, "qb");
  ExpectNoWorker(*requester, "qa");
  std::future<absl::StatusOr<size_t>> served = ServeAsync(*worker, "b:", 1);
  EXPECT_THAT(requester->Request("worker.qb", "1", kCallTimeout), IsOkAndHolds("b:1"));
  EXPECT_THAT(served.get(), IsOkAndHolds(1u));
}

}  // namespace
}  // namespace liminal::e2e
