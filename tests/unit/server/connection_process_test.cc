// ConnectionProcess protocol handling (server-behaviour.md §1): the handshake gate,
// version and auth checks, typed errors for malformed and oversize input, keepalive,
// timeouts and outbound backpressure.
#include "core/server/connection_process.h"

#include "core/protocol/frame_encoder.h"
#include "gtest/gtest.h"
#include "tests/unit/server/supervisor_fixture.h"

namespace liminal::server::testing {
namespace {

using protocol::FrameType;
using protocol::ReasonCode;

protocol::ConnectError OnlyConnectError(const std::vector<protocol::Frame>& frames) {
  EXPECT_EQ(frames.size(), 1u);
  if (frames.empty()) return {};
  EXPECT_EQ(TypeOf(frames.at(0)), FrameType::kConnectError);
  EXPECT_EQ(frames.at(0).stream_id, 0u);
  return std::get<protocol::ConnectError>(frames.at(0).body);
}

TEST_F(SupervisorTest, FirstFrameMustBeConnect) {
  Client a = Spawn();
  a.peer->WriteFrame(protocol::MakeFrame(protocol::Ping{}));
  rt_.RunUntilIdle();
  const auto& error = OnlyConnectError(a.peer->TakeFrames());
  EXPECT_EQ(error.reason_code, protocol::ToWire(ReasonCode::kInvalidStateTransition));
  EXPECT_NE(error.message->find("Connect"), std::string::npos);
  EXPECT_TRUE(a.peer->server_closed());
  EXPECT_FALSE(supervisor().IsTracked(a.handle.pid()));
}

TEST_F(SupervisorTest, SecondConnectIsAStateError) {
  Client a = Connect();
  a.peer->WriteFrame(ConnectFrame());
  rt_.RunUntilIdle();
  EXPECT_EQ(OnlyConnectError(a.peer->TakeFrames()).reason_code,
            protocol::ToWire(ReasonCode::kInvalidStateTransition));
  EXPECT_TRUE(a.peer->server_closed());
}

TEST_F(SupervisorTest, VersionMismatchGetsReferenceErrorText) {
  Client a = Spawn();
  a.peer->WriteFrame(protocol::MakeFrame(protocol::Connect{{1, 1}, {1, 5}, ""}));
  rt_.RunUntilIdle();
  const auto& error = OnlyConnectError(a.peer->TakeFrames());
  EXPECT_EQ(error.reason_code, protocol::ToWire(ReasonCode::kVersionMismatch));
  EXPECT_EQ(error.message, "no mutually supported protocol version");
  EXPECT_TRUE(a.peer->server_closed());
}

TEST_F(SupervisorTest, VersionRangeAroundOneZeroIsAccepted) {
  Client a = Spawn();
  a.peer->WriteFrame(protocol::MakeFrame(protocol::Connect{{0, 0}, {2, 0}, ""}));
  rt_.RunUntilIdle();
  std::vector<protocol::Frame> frames = a.peer->TakeFrames();
  ASSERT_EQ(frames.size(), 1u);
  const auto& ack = std::get<protocol::ConnectAck>(frames[0].body);
  EXPECT_EQ(ack.selected_version, (protocol::Version{1, 0}));
  EXPECT_EQ(ack.capabilities, 0u);
}

TEST_F(SupervisorTest, AuthTokensAreEnforcedWhenConfigured) {
  SupervisorOptions options;
  options.connection.auth_tokens = {"s3cret", "other"};
  MakeSupervisor(options);
  Client bad = Spawn();
  bad.peer->WriteFrame(ConnectFrame("s3cre"));
  Client good = Spawn();
  good.peer->WriteFrame(ConnectFrame("other"));
  rt_.RunUntilIdle();
  const auto& error = OnlyConnectError(bad.peer->TakeFrames());
  EXPECT_EQ(error.reason_code, protocol::ToWire(ReasonCode::kAuthenticationFailure));
  EXPECT_EQ(error.message, "authentication failed");
  EXPECT_TRUE(bad.peer->server_closed());
  EXPECT_EQ(CountType(good.peer->TakeFrames(), FrameType::kConnectAck), 1);
}

TEST_F(SupervisorTest, MalformedFrameGetsCodecErrorThenClose) {
  Client a = Connect();
  // A Ping with one payload byte: trailing bytes.
  a.peer->Write(std::string("\x13\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00", 11));
  rt_.RunUntilIdle();
  const auto& error = OnlyConnectError(a.peer->TakeFrames());
  EXPECT_EQ(error.reason_code, protocol::ToWire(ReasonCode::kCodecError));
  EXPECT_TRUE(a.peer->server_closed());
}

TEST_F(SupervisorTest, WrongStreamGetsInvalidStream) {
  Client a = Connect();
  a.peer->Write(std::string("\x13\x00\x00\x00\x00\x01\x00\x00\x00\x00", 10));  // Ping, stream 1
  rt_.RunUntilIdle();
  EXPECT_EQ(OnlyConnectError(a.peer->TakeFrames()).reason_code,
            protocol::ToWire(ReasonCode::kInvalidStream));
}

TEST_F(SupervisorTest, OversizeFrameIsRefusedFromItsHeaderAlone) {
  SupervisorOptions options;
  options.connection.max_frame_bytes = 64;
  MakeSupervisor(options);
  Client a = Connect();
  // Header announcing 1 GiB of Publish payload; no payload follows.
  a.peer->Write(std::string("\x09\x00\x00\x00\x00\x01\x40\x00\x00\x00", 10));
  rt_.RunUntilIdle();
  const auto& error = OnlyConnectError(a.peer->TakeFrames());
  EXPECT_EQ(error.reason_code, protocol::ToWire(ReasonCode::kCodecError));
  EXPECT_NE(error.message->find("max_frame_bytes"), std::string::npos);
  EXPECT_TRUE(a.peer->server_closed());
}

TEST_F(SupervisorTest, InputBeyondTheInboxLimitWaitsUntilTheProcessCatchesUp) {
  SupervisorOptions options;
  options.connection.max_inbox_bytes = 16;
  MakeSupervisor(options);
  Client a = Connect();
  EXPECT_EQ(a.peer->unconsumed(), 0u);  // what the process handled, it reported consumed
  std::string pings;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(protocol::EncodeFrame(protocol::MakeFrame(protocol::Ping{}), pings).ok());
  }
  a.peer->Write(pings);  // 30 bytes: delivered, over the limit until the process runs
  EXPECT_EQ(a.peer->unconsumed(), 30u);
  a.peer->Write(pings);  // held back by the socket: the process is behind
  EXPECT_EQ(a.peer->unconsumed(), 30u);
  rt_.RunUntilIdle();  // the process handles the first 30, which releases the next 30
  EXPECT_EQ(a.peer->unconsumed(), 0u);
  EXPECT_EQ(a.peer->TakeFrames().size(), 6u);  // six Pongs, in order, none lost
}

TEST_F(SupervisorTest, FramesSplitAcrossReadsAreReassembled) {
  Client a = Spawn();
  std::string bytes;
  ASSERT_TRUE(protocol::EncodeFrame(ConnectFrame(), bytes).ok());
  ASSERT_TRUE(protocol::EncodeFrame(protocol::MakeFrame(protocol::Ping{}), bytes).ok());
  for (char c : bytes) {
    a.peer->Write(std::string(1, c));
    rt_.RunUntilIdle();
  }
  std::vector<protocol::Frame> frames = a.peer->TakeFrames();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(TypeOf(frames[0]), FrameType::kConnectAck);
  EXPECT_EQ(TypeOf(frames[1]), FrameType::kPong);
}

TEST_F(SupervisorTest, PingGetsPongAndResponsesComeBackInOrder) {
  Client a = Connect();
  a.peer->WriteFrame(protocol::MakeFrame(protocol::Ping{}));
  a.peer->WriteFrame(SubscribeFrame(5));
  a.peer->WriteFrame(protocol::MakeFrame(protocol::Ping{}));
  rt_.RunUntilIdle();
  std::vector<protocol::Frame> frames = a.peer->TakeFrames();
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(TypeOf(frames[0]), FrameType::kPong);
  EXPECT_EQ(TypeOf(frames[1]), FrameType::kSubscribeAck);
  EXPECT_EQ(frames[1].stream_id, 5u);
  EXPECT_EQ(TypeOf(frames[2]), FrameType::kPong);
}

TEST_F(SupervisorTest, StrayServerFramesAndUnknownTypesAreIgnored) {
  Client a = Connect();
  a.peer->WriteFrame(protocol::MakeFrame(protocol::Pong{}));
  a.peer->WriteFrame(protocol::MakeFrame(protocol::UnknownFrame{0xFE, "xyz"}, 9));
  a.peer->WriteFrame(protocol::MakeFrame(protocol::Ping{}));
  rt_.RunUntilIdle();
  std::vector<protocol::Frame> frames = a.peer->TakeFrames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(TypeOf(frames[0]), FrameType::kPong);
  EXPECT_FALSE(a.peer->server_closed());
}

TEST_F(SupervisorTest, ClientDisconnectClosesWithoutEcho) {
  Client a = Connect();
  a.peer->WriteFrame(protocol::MakeFrame(protocol::Disconnect{}));
  a.peer->WriteFrame(protocol::MakeFrame(protocol::Ping{}));  // discarded
  rt_.RunUntilIdle();
  EXPECT_TRUE(a.peer->TakeFrames().empty());
  EXPECT_TRUE(a.peer->server_closed());
  EXPECT_FALSE(supervisor().IsTracked(a.handle.pid()));
}

TEST_F(SupervisorTest, HandshakeDeadlineClosesSilentConnections) {
  SupervisorOptions options;
  options.connection.handshake_timeout = absl::Seconds(2);
  MakeSupervisor(options);
  Client a = Spawn();
  rt_.RunUntilIdle();
  rt_.AdvanceTime(absl::Milliseconds(1999));
  EXPECT_FALSE(a.peer->server_closed());
  rt_.AdvanceTime(absl::Milliseconds(1));
  EXPECT_EQ(OnlyConnectError(a.peer->TakeFrames()).reason_code,
            protocol::ToWire(ReasonCode::kInvalidStateTransition));
  EXPECT_TRUE(a.peer->server_closed());
  EXPECT_EQ(supervisor().ActiveCount(), 0u);
}

TEST_F(SupervisorTest, IdleTimeoutDisconnectsSilentConnections) {
  SupervisorOptions options;
  options.connection.idle_timeout = absl::Seconds(10);
  MakeSupervisor(options);
  Client a = Connect();
  rt_.AdvanceTime(absl::Seconds(6));
  a.peer->WriteFrame(protocol::MakeFrame(protocol::Ping{}));
  rt_.RunUntilIdle();
  a.peer->TakeFrames();
  rt_.AdvanceTime(absl::Seconds(6));  // 12 s since connect, 6 s since the ping
  EXPECT_FALSE(a.peer->server_closed());
  rt_.AdvanceTime(absl::Seconds(4));
  EXPECT_EQ(CountType(a.peer->TakeFrames(), FrameType::kDisconnect), 1);
  EXPECT_TRUE(a.peer->server_closed());
}

TEST_F(SupervisorTest, FullOutboundQueuePausesReadingUntilDrained) {
  SupervisorOptions options;
  options.connection.max_outbound_bytes = 32;
  MakeSupervisor(options);
  Client a = Connect();
  a.peer->Stall();
  for (int i = 0; i < 5; ++i) a.peer->WriteFrame(protocol::MakeFrame(protocol::Ping{}));
  rt_.RunUntilIdle();
  EXPECT_EQ(a.peer->pause_count(), 1u);
  // While paused, new input is not read at all.
  a.peer->WriteFrame(protocol::MakeFrame(protocol::Ping{}));
  rt_.RunUntilIdle();
  EXPECT_TRUE(a.peer->TakeFrames().empty());
  a.peer->Unstall();
  rt_.RunUntilIdle();
  EXPECT_EQ(CountType(a.peer->TakeFrames(), FrameType::kPong), 6);
  EXPECT_FALSE(a.peer->server_closed());
}

}  // namespace
}  // namespace liminal::server::testing

namespace liminal::server::testing {
namespace {

TEST_F(SupervisorTest, PushesWaitForTheHandshake) {
  Client a = Spawn();
  rt_.RunUntilIdle();
  auto awaiter = supervisor().PushToConnection(a.handle.pid(), "early");
  ASSERT_TRUE(awaiter.ok());
  rt_.RunUntilIdle();
  EXPECT_TRUE(a.peer->TakeFrames().empty());  // nothing before ConnectAck
  a.peer->WriteFrame(ConnectFrame());
  rt_.RunUntilIdle();
  std::vector<protocol::Frame> frames = a.peer->TakeFrames();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(TypeOf(frames[0]), FrameType::kConnectAck);
  EXPECT_EQ(TypeOf(frames[1]), FrameType::kPush);
}

TEST_F(SupervisorTest, PushToAPeerThatNeverHandshakesEndsDisconnected) {
  SupervisorOptions options;
  options.connection.handshake_timeout = absl::Seconds(1);
  MakeSupervisor(options);
  Client a = Spawn();
  rt_.RunUntilIdle();
  auto awaiter = supervisor().PushToConnection(a.handle.pid(), "early");
  ASSERT_TRUE(awaiter.ok());
  EXPECT_EQ(awaiter->Receive(absl::Seconds(30)).outcome, PushOutcome::kDisconnected);
  EXPECT_EQ(CountType(a.peer->TakeFrames(), FrameType::kPush), 0);
}

}  // namespace
}  // namespace liminal::server::testing
