#include "client/client_error.h"

#include "absl/status/status.h"
#include "core/protocol/frame_stream.h"
#include "core/protocol/reason_code.h"
#include "gtest/gtest.h"

namespace liminal::client {
namespace {

using protocol::ReasonCode;
using protocol::ToWire;

TEST(ClientErrorTest, ServerErrorNamesTheCodeAndKeepsTheText) {
  absl::Status status = ServerError(ToWire(ReasonCode::kUnknownChannel),
                                    std::string("channel 'x' is not configured"));
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "E_UNKNOWN_CHANNEL (0x0100): channel 'x' is not configured");
  EXPECT_EQ(GetClientError(status),
            (ClientError{ErrorKind::kServer, ToWire(ReasonCode::kUnknownChannel)}));
  EXPECT_EQ(GetReasonCode(status), 0x0100);
  EXPECT_FALSE(IsDisconnected(status));
}

TEST(ClientErrorTest, ServerErrorWithoutTextOrKnownName) {
  absl::Status status = ServerError(0x4242, std::nullopt);
  EXPECT_EQ(status.message(), "0x4242");
  EXPECT_EQ(GetReasonCode(status), 0x4242);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnknown);
}

TEST(ClientErrorTest, ReasonCodesMapToFittingStatusCodes) {
  auto code_of = [](ReasonCode reason) { return ServerError(ToWire(reason), std::nullopt).code(); };
  EXPECT_EQ(code_of(ReasonCode::kAuthenticationFailure), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(code_of(ReasonCode::kForbidden), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(code_of(ReasonCode::kVersionMismatch), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(code_of(ReasonCode::kSlowConsumer), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(code_of(ReasonCode::kReplyTimeout), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(code_of(ReasonCode::kParticipantCrashed), absl::StatusCode::kAborted);
  EXPECT_EQ(code_of(ReasonCode::kShuttingDown), absl::StatusCode::kUnavailable);
  EXPECT_EQ(code_of(ReasonCode::kInternal), absl::StatusCode::kInternal);
}

TEST(ClientErrorTest, KindsAreDistinguishable) {
  absl::Status disconnected = DisconnectedError("peer closed", 0x0009);
  EXPECT_TRUE(IsDisconnected(disconnected));
  EXPECT_EQ(disconnected.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(GetReasonCode(disconnected), 0x0009);
  EXPECT_EQ(DisconnectedError("x").message(), "disconnected: x");
  EXPECT_EQ(GetReasonCode(DisconnectedError("x")), std::nullopt);

  absl::Status timeout = ClientTimeoutError("no Pong");
  EXPECT_TRUE(IsClientTimeout(timeout));
  EXPECT_FALSE(IsDisconnected(timeout));
  EXPECT_EQ(timeout.code(), absl::StatusCode::kDeadlineExceeded);
  // The server's reply timeout is a server error, not a client timeout.
  EXPECT_FALSE(IsClientTimeout(ServerError(ToWire(ReasonCode::kReplyTimeout), std::nullopt)));

  EXPECT_EQ(GetClientError(ProtocolError("bad")),
            (ClientError{ErrorKind::kProtocol, std::nullopt}));
  EXPECT_EQ(GetClientError(CancelledError("closed")),
            (ClientError{ErrorKind::kCancelled, std::nullopt}));
}

TEST(ClientErrorTest, ForeignStatusesHaveNoClientError) {
  EXPECT_EQ(GetClientError(absl::OkStatus()), std::nullopt);
  EXPECT_EQ(GetClientError(absl::InternalError("x")), std::nullopt);
  absl::Status garbled = absl::InternalError("x");
  garbled.SetPayload(kClientErrorTypeUrl, absl::Cord("server 0xZZ"));
  EXPECT_EQ(GetClientError(garbled), std::nullopt);
}

TEST(ClientErrorTest, OversizeFrameFromTheServerIsAProtocolErrorWithoutACode) {
  protocol::FrameStream stream(/*max_frame_bytes=*/1024);
  // Deliver on stream 3 announcing 1 MiB of payload; none of it is sent.
  stream.Append(std::string("\x19\x00\x00\x00\x00\x03\x00\x10\x00\x00", 10));
  ASSERT_EQ(stream.Next(), std::nullopt);
  ASSERT_NE(stream.error(), nullptr);
  absl::Status status = ProtocolErrorFromServer(*stream.error());
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(GetClientError(status), (ClientError{ErrorKind::kProtocol, std::nullopt}));
  EXPECT_NE(status.message().find("1048586"), absl::string_view::npos) << status;
  EXPECT_NE(status.message().find("1024"), absl::string_view::npos) << status;
  EXPECT_NE(status.message().find("type 0x19, stream 3"), absl::string_view::npos) << status;
}

TEST(ClientErrorTest, MalformedFrameFromTheServerCarriesTheServersReasonCode) {
  protocol::FrameStream trailing(1024);
  trailing.Append(std::string("\x13\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00", 11));
  ASSERT_EQ(trailing.Next(), std::nullopt);
  ASSERT_NE(trailing.error(), nullptr);
  EXPECT_EQ(GetReasonCode(ProtocolErrorFromServer(*trailing.error())),
            ToWire(ReasonCode::kCodecError));

  protocol::FrameStream wrong_stream(1024);
  wrong_stream.Append(std::string("\x13\x00\x00\x00\x00\x01\x00\x00\x00\x00", 10));
  ASSERT_EQ(wrong_stream.Next(), std::nullopt);
  ASSERT_NE(wrong_stream.error(), nullptr);
  absl::Status status = ProtocolErrorFromServer(*wrong_stream.error());
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(GetReasonCode(status), ToWire(ReasonCode::kInvalidStream));
}

}  // namespace
}  // namespace liminal::client
