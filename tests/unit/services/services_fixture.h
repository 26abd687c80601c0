// Shared fixture for the services tests: the REAL ConnectionSupervisor + ConnectionProcess +
// LiminalServices on a ManualRuntime, with in-memory socket pairs as clients, fake schema
// validators and predicates (core cannot parse JSON), and frame helpers. The JSON suite
// (tests/unit/json) reuses it with the real valijson/nlohmann backend.
//
//   class PublishTest : public ServicesTest {};
//   TEST_F(PublishTest, X) {
//     Start();                                  // after adjusting options_ if needed
//     Client a = Connect();
//     a.Send(PublishFrame(1, "orders", "{}"));
//     Run();
//     std::vector<protocol::Frame> frames = a.Take();
//   }
#ifndef LIMINAL_TESTS_UNIT_SERVICES_SERVICES_FIXTURE_H_
#define LIMINAL_TESTS_UNIT_SERVICES_SERVICES_FIXTURE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "core/metrics/server_metrics.h"
#include "core/protocol/frame.h"
#include "core/protocol/frame_encoder.h"
#include "core/protocol/frame_type.h"
#include "core/protocol/reason_code.h"
#include "core/server/connection_supervisor.h"
#include "core/server/services/liminal_services.h"
#include "core/server/services/payload_validator.h"
#include "core/server/services/routing/message_predicate.h"
#include "core/server/services/services_options.h"
#include "core/testing/in_memory_socket.h"
#include "core/testing/manual_runtime.h"
#include "gtest/gtest.h"

namespace liminal::server::services::testing {

using liminal::testing::ManualRuntime;
using liminal::testing::SocketPeer;
using protocol::Frame;
using protocol::FrameType;

inline protocol::SchemaId FilledSchema(uint8_t byte) {
  protocol::SchemaId id;
  id.fill(byte);
  return id;
}

// Accepts payloads that start with '{' and do not contain "bad"; says which rule failed.
class FakeValidator final : public PayloadValidator {
 public:
  absl::Status Validate(std::string_view payload) const override {
    if (payload.empty() || payload.front() != '{') {
      return absl::InvalidArgumentError("payload is not a JSON object");
    }
    if (payload.find("bad") != std::string_view::npos) {
      return absl::InvalidArgumentError("/field: \"bad\" is not allowed");
    }
    return absl::OkStatus();
  }
};

class FunctionPredicate final : public MessagePredicate {
 public:
  explicit FunctionPredicate(std::function<bool(std::string_view)> fn) : fn_(std::move(fn)) {}
  bool Matches(std::string_view payload) const override { return fn_(payload); }

 private:
  std::function<bool(std::string_view)> fn_;
};

inline protocol::Envelope MakeEnvelope(std::string payload, uint8_t schema_byte = 0,
                                       protocol::CausalContext causal = {}) {
  protocol::Envelope envelope;
  envelope.schema_id = FilledSchema(schema_byte);
  envelope.causal = std::move(causal);
  envelope.payload = std::move(payload);
  return envelope;
}

inline Frame ConnectFrame(std::string auth_token = "") {
  return protocol::MakeFrame(protocol::Connect{{1, 0}, {1, 0}, std::move(auth_token)});
}
inline Frame PublishFrame(uint32_t stream, std::string channel, std::string payload,
                          std::optional<std::string> key = std::nullopt) {
  return protocol::MakeFrame(
      protocol::Publish{std::move(channel), MakeEnvelope(std::move(payload)), std::move(key)},
      stream);
}
// A Subscribe that acknowledges (flag ACKS: credit applies), as liminald's own client sends.
inline Frame SubscribeFrame(uint32_t stream, std::string channel, uint32_t max_in_flight = 100,
                            std::vector<protocol::SchemaId> accepted = {}) {
  return protocol::MakeFrame(
      protocol::Subscribe{std::move(channel), std::move(accepted), max_in_flight}, stream,
      protocol::kFlagAcks);
}
// A Subscribe as the reference SDK sends it: no ACKS, so no credit and no acknowledgements.
inline Frame ReferenceSubscribeFrame(uint32_t stream, std::string channel,
                                     uint32_t max_in_flight = 1024) {
  return protocol::MakeFrame(protocol::Subscribe{std::move(channel), {}, max_in_flight}, stream);
}
inline Frame UnsubscribeFrame(uint32_t stream, uint64_t id) {
  return protocol::MakeFrame(protocol::Unsubscribe{id}, stream);
}
inline Frame AcceptFrame(uint32_t stream, std::string seq) {
  return protocol::MakeFrame(protocol::Accept{std::move(seq)}, stream);
}
inline Frame RejectFrame(uint32_t stream, std::string seq) {
  return protocol::MakeFrame(protocol::Reject{std::move(seq), std::nullopt}, stream);
}
inline Frame DeferFrame(uint32_t stream, std::string seq) {
  return protocol::MakeFrame(protocol::Defer{std::move(seq), std::nullopt}, stream);
}
inline Frame OpenFrame(uint32_t stream, uint64_t id, std::string subject) {
  return protocol::MakeFrame(protocol::ConversationOpen{id, std::move(subject)}, stream);
}
inline Frame MessageFrame(uint32_t stream, uint64_t id, std::string payload, bool reply) {
  return protocol::MakeFrame(protocol::ConversationMessage{id, MakeEnvelope(std::move(payload))},
                             stream, reply ? protocol::kFlagReplyRequested : 0);
}
inline Frame CloseFrame(uint32_t stream, uint64_t id) {
  return protocol::MakeFrame(protocol::ConversationClose{id, std::nullopt, std::nullopt}, stream);
}
inline Frame PingFrame() { return protocol::MakeFrame(protocol::Ping{}); }

inline FrameType TypeOf(const Frame& frame) { return static_cast<FrameType>(frame.type_id()); }

inline std::vector<Frame> OfType(const std::vector<Frame>& frames, FrameType type) {
  std::vector<Frame> out;
  for (const Frame& frame : frames) {
    if (TypeOf(frame) == type) out.push_back(frame);
  }
  return out;
}

// The delivery_seqs and payloads of the Deliver frames, in order.
inline std::vector<uint64_t> Seqs(const std::vector<Frame>& frames) {
  std::vector<uint64_t> seqs;
  for (const Frame& frame : OfType(frames, FrameType::kDeliver)) {
    seqs.push_back(std::get<protocol::Deliver>(frame.body).delivery_seq);
  }
  return seqs;
}
inline std::vector<std::string> Payloads(const std::vector<Frame>& frames) {
  std::vector<std::string> payloads;
  for (const Frame& frame : OfType(frames, FrameType::kDeliver)) {
    payloads.push_back(std::get<protocol::Deliver>(frame.body).envelope.payload);
  }
  return payloads;
}

inline ChannelSpec Channel(std::string name, uint8_t schema_byte,
                           std::shared_ptr<const PayloadValidator> validator = nullptr) {
  ChannelSpec spec;
  spec.name = std::move(name);
  spec.schema_id = FilledSchema(schema_byte);
  spec.validator = std::move(validator);
  return spec;
}

inline RouteSpec Route(std::string source, std::string target,
                       std::shared_ptr<const MessagePredicate> predicate = nullptr) {
  RouteSpec spec;
  spec.source = std::move(source);
  spec.target = std::move(target);
  spec.predicate = std::move(predicate);
  return spec;
}

class ServicesTest : public ::testing::Test {
 protected:
  struct Client {
    ConnectionHandle handle;
    std::shared_ptr<SocketPeer> peer;

    runtime::Pid pid() const { return handle.pid(); }
    void Send(const Frame& frame) const { peer->WriteFrame(frame); }
    std::vector<Frame> Take() const { return peer->TakeFrames(); }
  };

  ServicesTest() {
    options_.channels.push_back(Channel("orders", 0x11));
    options_.channels.push_back(Channel("audit", 0x22));
    options_.channels.push_back(Channel("typed", 0x33, std::make_shared<FakeValidator>()));
    options_.metrics = &metrics_;
  }

  // Builds the services and the supervisor from options_ (adjust options_ first).
  void Start(SupervisorOptions supervisor_options = {}) {
    absl::StatusOr<std::unique_ptr<LiminalServices>> services =
        LiminalServices::Create(rt_, options_);
    ASSERT_TRUE(services.ok()) << services.status();
    services_ = *std::move(services);
    supervisor_ =
        std::make_unique<ConnectionSupervisor>(rt_, *services_, std::move(supervisor_options));
  }

  // Spawns a connection and completes the handshake (with `auth_token`).
  Client Connect(std::string address = "10.0.0.1:4000", std::string auth_token = "") {
    auto [socket, peer] = liminal::testing::MakeSocketPair(rt_.scheduler(), std::move(address));
    absl::StatusOr<ConnectionHandle> handle = supervisor_->SpawnConnection(std::move(socket));
    EXPECT_TRUE(handle.ok()) << handle.status();
    Client client{*handle, peer};
    client.Send(ConnectFrame(std::move(auth_token)));
    Run();
    std::vector<Frame> frames = client.Take();
    EXPECT_EQ(frames.size(), 1u);
    if (!frames.empty()) {
      EXPECT_EQ(TypeOf(frames[0]), FrameType::kConnectAck);
    }
    return client;
  }

  // Subscribes (with ACKS) on `stream` and returns the subscription id from the SubscribeAck.
  uint64_t Subscribe(const Client& client, uint32_t stream, std::string channel,
                     uint32_t max_in_flight = 100) {
    return SubscribeWith(client, SubscribeFrame(stream, std::move(channel), max_in_flight));
  }

  // Publishes messages "m<first>".."m<first+n-1>" on `channel` in one socket write, so the
  // publisher handles them all in one slice, and expects an ack for each.
  void PublishMany(const Client& publisher, const std::string& channel, int n, int first = 1) {
    std::string bytes;
    for (int i = first; i < first + n; ++i) {
      ASSERT_TRUE(
          protocol::EncodeFrame(PublishFrame(1, channel, "m" + std::to_string(i)), bytes).ok());
    }
    publisher.peer->Write(std::move(bytes));
    Run();
    EXPECT_EQ(OfType(publisher.Take(), FrameType::kPublishAck).size(), static_cast<size_t>(n));
  }

  // Sends `subscribe` and returns the subscription id from its SubscribeAck.
  uint64_t SubscribeWith(const Client& client, const Frame& subscribe) {
    const uint32_t stream = subscribe.stream_id;
    client.Send(subscribe);
    Run();
    std::vector<Frame> frames = client.Take();
    EXPECT_EQ(frames.size(), 1u);
    if (frames.size() != 1 || TypeOf(frames[0]) != FrameType::kSubscribeAck) {
      ADD_FAILURE() << "expected one SubscribeAck";
      return 0;
    }
    EXPECT_EQ(frames[0].stream_id, stream);
    return std::get<protocol::SubscribeAck>(frames[0].body).subscription_id;
  }

  // Publishes and returns the single answer frame.
  Frame Publish(const Client& client, uint32_t stream, std::string channel, std::string payload,
                std::optional<std::string> key = std::nullopt) {
    client.Send(PublishFrame(stream, std::move(channel), std::move(payload), std::move(key)));
    Run();
    std::vector<Frame> frames = client.Take();
    EXPECT_EQ(frames.size(), 1u);
    return frames.empty() ? Frame{} : frames[0];
  }

  void Run() { rt_.RunUntilIdle(); }

  int64_t SubscriptionsGauge() const { return metrics_.subscriptions_current.Value(); }
  uint64_t Shed() const { return metrics_.subscriptions_shed_total.Value(); }

  // Declaration order matters: the supervisor goes first, then the services, then the runtime.
  ManualRuntime rt_;
  metrics::ServerMetrics metrics_;
  ServicesOptions options_;
  std::unique_ptr<LiminalServices> services_;
  std::unique_ptr<ConnectionSupervisor> supervisor_;
};

// Assertion helpers on single frames.
inline void ExpectPublishAck(const Frame& frame, uint32_t stream, uint64_t id, bool delivered) {
  ASSERT_EQ(TypeOf(frame), FrameType::kPublishAck);
  EXPECT_EQ(frame.stream_id, stream);
  EXPECT_EQ(std::get<protocol::PublishAck>(frame.body).message_id, id);
  EXPECT_EQ(frame.flags, delivered ? protocol::kFlagDelivered : 0);
}

template <typename ErrorBody>
void ExpectError(const Frame& frame, FrameType type, uint32_t stream, protocol::ReasonCode code,
                 std::string_view text_part) {
  ASSERT_EQ(TypeOf(frame), type);
  EXPECT_EQ(frame.stream_id, stream);
  const auto& error = std::get<ErrorBody>(frame.body);
  EXPECT_EQ(error.reason_code, protocol::ToWire(code));
  ASSERT_TRUE(error.message.has_value());
  EXPECT_NE(error.message->find(text_part), std::string::npos) << *error.message;
}

}  // namespace liminal::server::services::testing

#endif  // LIMINAL_TESTS_UNIT_SERVICES_SERVICES_FIXTURE_H_
