// ReplyInbox on its own: every flagged request ends exactly once (reply, timeout or crash),
// in any order of the racing parties, and the owner is woken once per batch.
#include "core/server/services/conversations/reply_inbox.h"

#include <memory>

#include "core/server/services/conversations/reply_handle.h"
#include "core/testing/manual_runtime.h"
#include "gtest/gtest.h"

namespace liminal::server::services {
namespace {

using Kind = ConversationOutcome::Kind;

// A process that only counts its wakes.
class WakeCounter final : public runtime::Process {
 public:
  explicit WakeCounter(int& wakes) : wakes_(wakes) {}
  void OnMessage(runtime::ProcessContext&, runtime::Message& message) override {
    if (std::holds_alternative<runtime::Wake>(message)) ++wakes_;
  }

 private:
  int& wakes_;
};

class ReplyInboxTest : public ::testing::Test {
 protected:
  ReplyInboxTest()
      : inbox_(std::make_shared<ReplyInbox>(rt_.NewMutex(), rt_.scheduler(), rt_.clock(),
                                            absl::Seconds(5))) {
    owner_ = rt_.scheduler().Spawn(std::make_unique<WakeCounter>(wakes_), {.name = "owner"});
    inbox_->SetOwner(owner_);
    inbox_->OpenConversation(1);
  }

  std::deque<ConversationOutcome> Take() {
    rt_.RunUntilIdle();
    std::deque<ConversationOutcome> out;
    inbox_->TakeOutcomes(out);
    return out;
  }

  liminal::testing::ManualRuntime rt_;
  int wakes_ = 0;
  runtime::Pid owner_ = runtime::kNoPid;
  std::shared_ptr<ReplyInbox> inbox_;
};

TEST_F(ReplyInboxTest, ReplyThenTimeoutEndsOnceWithTheReply) {
  ReplyHandle handle(inbox_, inbox_->BeginRequest(1, 7, 3));
  EXPECT_TRUE(handle.wants_reply());
  EXPECT_TRUE(handle.Send("r"));
  EXPECT_FALSE(handle.wants_reply());
  rt_.AdvanceTime(absl::Seconds(10));
  std::deque<ConversationOutcome> out = Take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, Kind::kReply);
  EXPECT_EQ(out[0].conversation_id, 7u);
  EXPECT_EQ(out[0].stream_id, 3u);
  EXPECT_EQ(out[0].text, "r");
  EXPECT_EQ(rt_.clock().pending_timers(), 0u);
}

TEST_F(ReplyInboxTest, TimeoutThenReplyEndsOnceWithTheTimeout) {
  ReplyHandle handle(inbox_, inbox_->BeginRequest(1, 7, 3));
  rt_.AdvanceTime(absl::Seconds(5));
  EXPECT_FALSE(handle.Send("late"));
  std::deque<ConversationOutcome> out = Take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, Kind::kTimeout);
}

TEST_F(ReplyInboxTest, CrashFailsPendingRequestsAndLaterOnesAtOnce) {
  ReplyHandle first(inbox_, inbox_->BeginRequest(1, 7, 3));
  ReplyHandle second(inbox_, inbox_->BeginRequest(1, 7, 5));
  inbox_->ParticipantExited(1, runtime::ExitReason::Killed("boom"));
  inbox_->ParticipantExited(1, runtime::ExitReason::Killed("again"));  // reported once
  EXPECT_EQ(inbox_->CrashDetail(1), "the participant was killed: boom");
  // A request that raced with the crash fails too, instead of waiting for its timeout.
  ReplyHandle raced(inbox_, inbox_->BeginRequest(1, 7, 9));
  EXPECT_FALSE(first.Send("ghost"));
  EXPECT_FALSE(raced.Send("ghost"));
  std::deque<ConversationOutcome> out = Take();
  ASSERT_EQ(out.size(), 3u);
  for (const ConversationOutcome& outcome : out) EXPECT_EQ(outcome.kind, Kind::kCrashed);
  EXPECT_EQ(out[0].stream_id, 3u);
  EXPECT_EQ(out[1].stream_id, 5u);
  EXPECT_EQ(out[2].stream_id, 9u);
  EXPECT_EQ(rt_.clock().pending_timers(), 0u);
  EXPECT_EQ(wakes_, 1);  // one wake for the whole batch
}

TEST_F(ReplyInboxTest, CloseForgetsPendingRequestsAndQueuedOutcomes) {
  inbox_->OpenConversation(2);
  ReplyHandle answered(inbox_, inbox_->BeginRequest(1, 7, 3));
  ReplyHandle waiting(inbox_, inbox_->BeginRequest(1, 7, 3));
  ReplyHandle other(inbox_, inbox_->BeginRequest(2, 8, 3));
  EXPECT_TRUE(answered.Send("queued"));
  EXPECT_TRUE(other.Send("kept"));
  inbox_->CloseConversation(1, /*drop_queued=*/true);
  EXPECT_FALSE(waiting.Send("late"));
  inbox_->ParticipantExited(1, runtime::ExitReason::Normal());  // a requested stop: ignored
  EXPECT_FALSE(inbox_->CrashDetail(1).has_value());
  std::deque<ConversationOutcome> out = Take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].text, "kept");
  EXPECT_EQ(rt_.clock().pending_timers(), 0u);
}

TEST_F(ReplyInboxTest, ShutdownDropsEverythingAndNeverWakes) {
  ReplyHandle handle(inbox_, inbox_->BeginRequest(1, 7, 3));
  inbox_->Shutdown();
  EXPECT_FALSE(handle.Send("late"));
  inbox_->ParticipantExited(1, runtime::ExitReason::Killed("x"));
  rt_.AdvanceTime(absl::Seconds(10));
  EXPECT_TRUE(Take().empty());
  EXPECT_EQ(wakes_, 0);
  EXPECT_EQ(rt_.clock().pending_timers(), 0u);
}

TEST_F(ReplyInboxTest, HandlesOutliveTheInbox) {
  ReplyHandle handle(inbox_, inbox_->BeginRequest(1, 7, 3));
  inbox_.reset();
  EXPECT_FALSE(handle.Send("nobody home"));
  rt_.AdvanceTime(absl::Seconds(10));  // the timer finds no inbox either
}

}  // namespace
}  // namespace liminal::server::services
