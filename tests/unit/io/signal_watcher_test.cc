// SignalWatcher: one callback per SIGINT/SIGTERM, on a runtime thread.
#include "io/runtime/signal_watcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>

#include "io/runtime/asio_runtime.h"
#include "tests/unit/io/test_events.h"

namespace liminal::io {
namespace {

using ::testing::ElementsAre;
using testing::EventLog;

TEST(SignalWatcherTest, CallsBackOncePerSignalOnARuntimeThread) {
  AsioRuntime runtime({.scheduler_threads = 2});
  runtime.Start();
  EventLog<int> signals;
  EventLog<bool> on_runtime;
  {
    SignalWatcher watcher(runtime.io_context(), [&](int signal_number) {
      on_runtime.Add(runtime.IsRuntimeThread());
      signals.Add(signal_number);
    });
    ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
    ASSERT_TRUE(signals.WaitForSize(1));
    // The second signal is what lets the daemon force a shutdown that is taking too long.
    ASSERT_EQ(::kill(::getpid(), SIGINT), 0);
    ASSERT_TRUE(signals.WaitForSize(2));
    ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
    ASSERT_TRUE(signals.WaitForSize(3));
  }
  EXPECT_THAT(signals.Snapshot(), ElementsAre(SIGTERM, SIGINT, SIGTERM));
  EXPECT_THAT(on_runtime.Snapshot(), ElementsAre(true, true, true));
}

TEST(SignalWatcherTest, StopFromInsideTheCallbackEndsDelivery) {
  AsioRuntime runtime({.scheduler_threads = 1});
  runtime.Start();
  EventLog<int> signals;
  SignalWatcher* self = nullptr;
  SignalWatcher watcher(runtime.io_context(), [&](int signal_number) {
    signals.Add(signal_number);
    self->Stop();  // must not deadlock
  });
  self = &watcher;
  ASSERT_EQ(::kill(::getpid(), SIGINT), 0);
  ASSERT_TRUE(signals.WaitForSize(1));
  watcher.Stop();  // idempotent
}

}  // namespace
}  // namespace liminal::io
