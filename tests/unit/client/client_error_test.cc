#include "client/client_error.h"

#include "absl/status/status.h"
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

}  // namespace
}  // namespace liminal::client
