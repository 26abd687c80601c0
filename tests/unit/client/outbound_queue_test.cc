#include "client/outbound_queue.h"

#include <string>

#include "core/protocol/frame_decoder.h"
#include "core/protocol/frame_encoder.h"
#include "gtest/gtest.h"

namespace liminal::client {
namespace {

using protocol::MakeFrame;

std::string Encoded(const protocol::Frame& frame) {
  std::string out;
  EXPECT_TRUE(protocol::EncodeFrame(frame, out).ok());
  return out;
}

TEST(OutboundQueueTest, BatchesFramesQueuedWhileAWriteIsInFlight) {
  OutboundQueue queue;
  protocol::Frame ping = MakeFrame(protocol::Ping{});
  protocol::Frame accept = MakeFrame(protocol::Accept{"7"}, 3);
  ASSERT_TRUE(queue.Enqueue(ping).ok());
  ASSERT_TRUE(queue.StartWrite());
  EXPECT_EQ(queue.in_flight(), Encoded(ping));

  // One write at a time: more frames wait and form the next batch.
  ASSERT_TRUE(queue.Enqueue(accept).ok());
  ASSERT_TRUE(queue.Enqueue(ping).ok());
  EXPECT_FALSE(queue.StartWrite());
  EXPECT_EQ(queue.pending_bytes(), Encoded(accept).size() + Encoded(ping).size());

  queue.FinishWrite();
  ASSERT_TRUE(queue.StartWrite());
  EXPECT_EQ(queue.in_flight(), Encoded(accept) + Encoded(ping));
  EXPECT_EQ(queue.pending_bytes(), 0u);
  queue.FinishWrite();
  EXPECT_TRUE(queue.idle());
  EXPECT_FALSE(queue.StartWrite());
}

TEST(OutboundQueueTest, RefusedFrameLeavesTheQueueUntouched) {
  OutboundQueue queue;
  ASSERT_TRUE(queue.Enqueue(MakeFrame(protocol::Ping{})).ok());
  size_t before = queue.pending_bytes();
  // A Publish on stream 0 violates stream placement; the encoder refuses it.
  EXPECT_FALSE(queue.Enqueue(MakeFrame(protocol::Publish{}, 0)).ok());
  EXPECT_EQ(queue.pending_bytes(), before);
}

}  // namespace
}  // namespace liminal::client
