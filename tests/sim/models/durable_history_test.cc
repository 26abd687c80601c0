// DurableHistory (the durable-crash scenario's history checker) against hand-made histories:
// each guarantee passes when kept and names the message when broken.
#include "sim/invariants/durable_history.h"

#include <string>

#include "gtest/gtest.h"

namespace liminal::sim {
namespace {

std::string Broken(const DurableHistory& history) {
  std::optional<Violation> v = history.Check();
  return v.has_value() ? v->invariant + ": " + v->detail : "ok";
}

TEST(DurableHistoryTest, AHistoryThatKeepsEveryPromisePasses) {
  DurableHistory history;
  history.Acked("orders", "a", 1);
  history.Acked("orders", "b", 2);
  history.Failed("orders", "x");
  history.Replayed(0, "orders", "a");  // a reader cut off by a crash: a prefix is fine
  history.FinalReplay("orders", 1);
  for (const char* payload : {"a", "unacked", "b"}) history.Replayed(1, "orders", payload);
  EXPECT_EQ(Broken(history), "ok");
}

TEST(DurableHistoryTest, ALostAcknowledgedMessageIsNamed) {
  DurableHistory history;
  history.Acked("orders", "a", 1);
  history.Acked("orders", "b", 2);
  history.FinalReplay("orders", 1);
  history.Replayed(1, "orders", "a");
  EXPECT_EQ(Broken(history),
            "acknowledged-survive-crash: channel 'orders': 'b' was acknowledged as message 2 "
            "but the replay after the last restart lacks it (1 messages replayed)");
}

TEST(DurableHistoryTest, DuplicatesAndDisorderAreCaughtForEveryReader) {
  DurableHistory twice;
  twice.Acked("orders", "a", 1);
  twice.FinalReplay("orders", 1);
  twice.Replayed(1, "orders", "a");
  twice.Replayed(1, "orders", "a");
  EXPECT_EQ(Broken(twice), "replay-order: reader 1 on 'orders' received 'a' twice");

  DurableHistory disorder;
  disorder.Acked("orders", "a", 1);
  disorder.Acked("orders", "b", 2);
  disorder.FinalReplay("orders", 1);
  disorder.Replayed(1, "orders", "b");
  disorder.Replayed(1, "orders", "a");
  EXPECT_EQ(Broken(disorder),
            "replay-order: reader 1 on 'orders' received 'a' (id 1) after 'b' (id 2)");
}

TEST(DurableHistoryTest, AFailedPublishMustNeverBeReplayed) {
  DurableHistory history;
  history.Failed("orders", "x");
  history.Replayed(0, "orders", "x");
  EXPECT_EQ(Broken(history),
            "failed-not-stored: reader 0 on 'orders' received 'x', whose publish was answered "
            "E_STORAGE");
}

TEST(DurableHistoryTest, AnIdAcknowledgedTwiceIsCaught) {
  DurableHistory history;
  history.Acked("orders", "a", 1);
  history.Acked("orders", "b", 1);
  history.FinalReplay("orders", 1);
  history.Replayed(1, "orders", "a");
  history.Replayed(1, "orders", "b");
  EXPECT_EQ(Broken(history),
            "ids-never-reused: channel 'orders': message id 1 was acknowledged for 'a' and "
            "again for 'b'");
}

}  // namespace
}  // namespace liminal::sim
