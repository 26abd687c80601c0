// The connection gate of the real liminald (server-behaviour.md §1): Connect must come first
// (and only once), version negotiation, token authentication, the handshake deadline, and
// malformed or oversize input — each answered with one ConnectError on stream 0 and a close,
// after which the server keeps serving everyone else. Raw sockets send what the client
// library would refuse to.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <variant>

#include "absl/status/status.h"
#include "client/client_error.h"
#include "core/protocol/frame.h"
#include "core/protocol/reason_code.h"
#include "tests/e2e/protocol/protocol_test_util.h"

namespace liminal::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;
using namespace std::chrono_literals;
using protocol::MakeFrame;
using protocol::ReasonCode;
using protocol::ToWire;

// The default config (channels orders, events, audit) with extra top-level keys in front
// and extra tables behind.
// The default config with `limits` (keys of the [limits] table) and more tables appended.
std::string Config(const std::string& limits, const std::string& tables = "") {
  return std::string(kDefaultDaemonConfig) + "\n[limits]\n" + limits + "\n" + tables;
}

class HandshakeTest : public ::testing::Test {
 protected:
  void Start(const std::string& config = std::string(kDefaultDaemonConfig)) {
    absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = StartDaemon(config);
    ASSERT_TRUE(daemon.ok()) << daemon.status();
    daemon_ = *std::move(daemon);
  }

  RawClient Raw() {
    absl::StatusOr<RawClient> raw = RawClient::Connect(daemon_->listen());
    EXPECT_TRUE(raw.ok()) << raw.status();
    return *std::move(raw);
  }

  // Reads one ConnectError with `code` whose text contains `text`, then the close.
  void ExpectRefused(RawClient& raw, ReasonCode code, const std::string& text) {
    absl::StatusOr<protocol::ConnectError> error = raw.NextConnectError();
    ASSERT_TRUE(error.ok()) << error.status();
    EXPECT_EQ(error->reason_code, ToWire(code));
    EXPECT_THAT(error->message, Optional(HasSubstr(text)));
    EXPECT_TRUE(raw.ExpectClosed().ok()) << "no close after the ConnectError";
  }

  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(HandshakeTest, FirstFrameOtherThanConnectIsRefused) {
  Start();
  RawClient ping_first = Raw();
  ASSERT_TRUE(ping_first.Send(MakeFrame(protocol::Ping{})).ok());
  ExpectRefused(ping_first, ReasonCode::kInvalidStateTransition,
                "expected Connect as the first frame, got Ping");

  RawClient publish_first = Raw();
  ASSERT_TRUE(publish_first
                  .Send(MakeFrame(
                      protocol::Publish{
                          .channel = "events", .envelope = {}, .idempotency_key = std::nullopt},
                      /*stream_id=*/1))
                  .ok());
  ExpectRefused(publish_first, ReasonCode::kInvalidStateTransition, "got Publish");
  EXPECT_TRUE(CheckServing(*daemon_).ok());
}

TEST_F(HandshakeTest, SecondConnectIsRefused) {
  Start();
  RawClient raw = Raw();
  ASSERT_TRUE(raw.Handshake().ok());
  ASSERT_TRUE(raw.Send(MakeFrame(protocol::Ping{})).ok());
  absl::StatusOr<protocol::Frame> pong = raw.Next();
  ASSERT_TRUE(pong.ok()) << pong.status();
  EXPECT_TRUE(std::holds_alternative<protocol::Pong>(pong->body)) << Describe(*pong);

  ASSERT_TRUE(raw.Send(MakeFrame(protocol::Connect{{1, 0}, {1, 0}, ""})).ok());
  ExpectRefused(raw, ReasonCode::kInvalidStateTransition, "Connect sent twice");
}

TEST_F(HandshakeTest, UnsupportedVersionIsRefused) {
  Start();
  RawClient raw = Raw();
  ASSERT_TRUE(raw.Send(MakeFrame(protocol::Connect{{2, 0}, {2, 3}, ""})).ok());
  ExpectRefused(raw, ReasonCode::kVersionMismatch, "no mutually supported protocol version");

  RawClient wide = Raw();  // 0.0..2.0 includes 1.0
  ASSERT_TRUE(wide.Send(MakeFrame(protocol::Connect{{0, 0}, {2, 0}, ""})).ok());
  absl::StatusOr<protocol::Frame> ack = wide.Next();
  ASSERT_TRUE(ack.ok()) << ack.status();
  const auto* connect_ack = std::get_if<protocol::ConnectAck>(&ack->body);
  ASSERT_NE(connect_ack, nullptr) << Describe(*ack);
  EXPECT_EQ(connect_ack->selected_version, (protocol::Version{1, 0}));
}

TEST_F(HandshakeTest, WrongTokenIsAnAuthenticationFailure) {
  Start(Config("", "[auth]\ntokens = [\"alpha\", \"beta\"]\n"));

  absl::StatusOr<std::unique_ptr<client::BlockingClient>> wrong = ConnectClient(*daemon_, "gamma");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kUnauthenticated) << wrong.status();
  EXPECT_THAT(client::GetReasonCode(wrong.status()),
              Optional(ToWire(ReasonCode::kAuthenticationFailure)));
  EXPECT_THAT(wrong.status().message(), HasSubstr("AuthenticationFailure (0x0006)"));

  absl::StatusOr<std::unique_ptr<client::BlockingClient>> none = ConnectClient(*daemon_, "");
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(client::GetReasonCode(none.status()),
              Optional(ToWire(ReasonCode::kAuthenticationFailure)));

  // On the wire: one ConnectError, then the close; the text does not say which check failed.
  RawClient raw = Raw();
  ASSERT_TRUE(raw.Send(MakeFrame(protocol::Connect{{1, 0}, {1, 0}, "alph"})).ok());
  ExpectRefused(raw, ReasonCode::kAuthenticationFailure, "authentication failed");

  // Either configured token works.
  for (const char* token : {"alpha", "beta"}) {
    absl::StatusOr<std::unique_ptr<client::BlockingClient>> right = ConnectClient(*daemon_, token);
    ASSERT_TRUE(right.ok()) << token << ": " << right.status();
    absl::StatusOr<client::PublishResult> ack = (*right)->Publish("events", "{}", kCallTimeout);
    EXPECT_TRUE(ack.ok()) << ack.status();
  }
}

TEST_F(HandshakeTest, SilentConnectionIsClosedAfterTheHandshakeDeadline) {
  Start(Config("handshake_timeout_ms = 300"));
  RawClient silent = Raw();
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<protocol::ConnectError> error = silent.NextConnectError(5s);
  ASSERT_TRUE(error.ok()) << error.status();
  EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms) << "closed before the deadline";
  EXPECT_EQ(error->reason_code, ToWire(ReasonCode::kInvalidStateTransition));
  EXPECT_THAT(error->message, Optional(HasSubstr("handshake not completed within")));
  EXPECT_TRUE(silent.ExpectClosed().ok());
  EXPECT_TRUE(CheckServing(*daemon_).ok());
}

TEST_F(HandshakeTest, MalformedFramesGetAReasonThenClose) {
  Start();
  struct Case {
    std::string name;
    std::string bytes;
    bool handshake_first;
    ReasonCode code;
    std::string text;
  };
  const Case cases[] = {
      // A Ping with one payload byte: trailing bytes.
      {"trailing byte", std::string("\x13\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00", 11), true,
       ReasonCode::kCodecError, "malformed frame"},
      // A Publish on the control stream.
      {"publish on stream 0", std::string("\x09\x00\x00\x00\x00\x00\x00\x00\x00\x00", 10), true,
       ReasonCode::kInvalidStream, "malformed frame"},
      // An Unsubscribe whose u64 runs past its 4-byte payload.
      {"short field", std::string("\x08\x00\x00\x00\x00\x01\x00\x00\x00\x04\x00\x00\x00\x01", 14),
       true, ReasonCode::kCodecError, "malformed frame"},
      // Subscribe with max_in_flight 0, before any Connect.
      {"max_in_flight 0",
       std::string("\x05\x00\x00\x00\x00\x01\x00\x00\x00\x0c"
                   "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
                   22),
       false, ReasonCode::kCodecError, "malformed frame"},
      // Somebody speaking HTTP to the protocol port: "HTTP" read as a payload length.
      {"http", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", false, ReasonCode::kCodecError,
       "exceeds max_frame_bytes"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    RawClient raw = Raw();
    if (c.handshake_first) {
      ASSERT_TRUE(raw.Handshake().ok());
    }
    ASSERT_TRUE(raw.SendBytes(c.bytes).ok());
    ExpectRefused(raw, c.code, c.text);
  }
  EXPECT_TRUE(CheckServing(*daemon_).ok());
}

TEST_F(HandshakeTest, OversizeFrameIsRefusedFromItsHeaderAlone) {
  Start(Config("max_frame_bytes = 1024"));
  RawClient raw = Raw();
  ASSERT_TRUE(raw.Handshake().ok());

  // A Publish of exactly max_frame_bytes is served.
  protocol::Frame publish = MakeFrame(
      protocol::Publish{.channel = "events", .envelope = {}, .idempotency_key = std::nullopt},
      /*stream_id=*/1);
  absl::StatusOr<std::string> empty = EncodeToWire(publish);
  ASSERT_TRUE(empty.ok()) << empty.status();
  std::get<protocol::Publish>(publish.body).envelope.payload.assign(1024 - empty->size(), 'x');
  absl::StatusOr<std::string> at_limit = EncodeToWire(publish);
  ASSERT_TRUE(at_limit.ok()) << at_limit.status();
  ASSERT_EQ(at_limit->size(), 1024u);
  ASSERT_TRUE(raw.SendBytes(*at_limit).ok());
  absl::StatusOr<protocol::Frame> ack = raw.Next();
  ASSERT_TRUE(ack.ok()) << ack.status();
  EXPECT_TRUE(std::holds_alternative<protocol::PublishAck>(ack->body)) << Describe(*ack);

  // One byte more: only the 10-byte header is sent, and the server refuses at once instead
  // of waiting for (and buffering) the 1015 payload bytes it announces.
  const std::string header("\x09\x00\x00\x00\x00\x03\x00\x00\x03\xf7", 10);  // 0x3f7 = 1015
  ASSERT_TRUE(raw.SendBytes(header).ok());
  ExpectRefused(raw, ReasonCode::kCodecError, "frame of 1025 bytes exceeds max_frame_bytes (1024)");
  EXPECT_TRUE(CheckServing(*daemon_).ok());
}

}  // namespace
}  // namespace liminal::e2e
