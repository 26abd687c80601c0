// Helpers for the reference-compatibility suite (reference-compat.md): liminald started from a
// reference-style liminal.toml, raw clients that behave on the wire like the reference Rust SDK
// (liminal-sdk 0.2.3), and the reference's schema-id derivation (§3), implemented here from
// the spec text so the tests do not share code with the server.
//
//   std::unique_ptr<DaemonProcess> d = StartReference();        // kReferenceConfig
//   RawClient sub = SdkClient(*d);                              // connected and handshaken
//   protocol::SubscribeAck ack = SdkSubscribe(sub, "events");   // stream 1, flags 0, 1024
//   SdkPublish(pub, "events", "m1");                            // PublishAck's message id
//   protocol::Deliver d = NextDeliver(sub);                     // must be a Deliver on stream 1
#ifndef LIMINAL_TESTS_E2E_COMPAT_COMPAT_TEST_UTIL_H_
#define LIMINAL_TESTS_E2E_COMPAT_COMPAT_TEST_UTIL_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/protocol/envelope.h"
#include "core/protocol/frame.h"
#include "core/protocol/frame_type.h"
#include "tests/e2e/protocol/protocol_test_util.h"
#include "tests/e2e/support/daemon_process.h"

namespace liminal::e2e::compat {

// The stream the reference SDK puts every application frame on.
inline constexpr uint32_t kSdkStream = 1;
// max_in_flight of the SDK's subscription stream (its pooled subscribe uses 1).
inline constexpr uint32_t kSdkMaxInFlight = 1024;

// ---------------------------------------------------------------------------------------
// Schema ids (reference-compat.md §3)

// The reference's channel schema id of `schema_bytes` (FNV-1a 64, four chained blocks).
protocol::SchemaId ReferenceSchemaId(absl::string_view schema_bytes);

// 64 lower-case hex digits, and back (the input must be 64 hex digits).
std::string Hex(const protocol::SchemaId& id);
protocol::SchemaId SchemaIdFromHex(absl::string_view hex);

// The id of a channel without a schema: the id of the two bytes `{}`.
inline constexpr char kNoSchemaIdHex[] =
    "08f44b07b5901a25d1e17335725217d3115bb35de7b287a54bb3187d127cc0f4";

// ---------------------------------------------------------------------------------------
// The server

// The JSON Schema of the `orders` channel, as written to schemas/orders.json (with the
// trailing newline, which is part of the bytes the id is derived from).
inline constexpr absl::string_view kOrdersSchema = "{\"type\":\"object\",\"required\":[\"id\"]}\n";

// A reference 0.2.3-style liminal.toml: orders (schemas/orders.json), audit, events and notes
// (no schema), and a routing rule orders -> audit. No auth, default limits.
inline constexpr absl::string_view kReferenceConfig = R"(listen_address = "127.0.0.1:7400"
health_listen_address = "127.0.0.1:7401"
drain_timeout_ms = 5000

[[channels]]
name = "orders"
schema_ref = "schemas/orders.json"
durable = false

[[channels]]
name = "audit"
durable = false

[[channels]]
name = "events"
durable = false

[[channels]]
name = "notes"
durable = false

[[routing_rules]]
source_channel = "orders"
target_channel = "audit"
)";

// The files kReferenceConfig needs next to it.
std::map<std::string, std::string> ReferenceFiles();

// Starts liminald (ephemeral ports) from `config_toml` with `files` next to it.
absl::StatusOr<std::unique_ptr<DaemonProcess>> StartReference(
    std::string config_toml = std::string(kReferenceConfig),
    std::map<std::string, std::string> files = ReferenceFiles());

// ---------------------------------------------------------------------------------------
// Clients that behave like the reference SDK

// A raw connection to `daemon`, after Connect 1.0..1.0 with `auth_token` and its ConnectAck.
absl::StatusOr<RawClient> SdkConnect(const DaemonProcess& daemon, std::string auth_token = "");

// An envelope with `schema_id` (zeros by default), an independent causal context and
// `payload`.
protocol::Envelope MakeEnvelope(std::string payload, protocol::SchemaId schema_id = {});

// Sends Subscribe(channel, accepted_schemas, max_in_flight) on `stream` with flags 0.
absl::Status SendSubscribe(RawClient& client, const std::string& channel,
                           std::vector<protocol::SchemaId> accepted_schemas = {},
                           uint32_t max_in_flight = kSdkMaxInFlight, uint32_t stream = kSdkStream);

// Sends Publish(channel, envelope) on `stream` with flags 0 (no idempotency key).
absl::Status SendPublish(RawClient& client, const std::string& channel, protocol::Envelope envelope,
                         uint32_t stream = kSdkStream);

// "PublishError(0x0101, \"...\") on stream 1", "Deliver(seq 3) on stream 1", ...
std::string DescribeFrame(const protocol::Frame& frame);

// The next frame, which must be a `T` on `stream`; otherwise an error describing what came.
template <typename T>
absl::StatusOr<T> NextAs(RawClient& client, uint32_t stream = kSdkStream,
                         std::chrono::milliseconds timeout = kStepTimeout) {
  absl::StatusOr<protocol::Frame> frame = client.Next(timeout);
  if (!frame.ok()) return frame.status();
  const T* body = std::get_if<T>(&frame->body);
  if (body == nullptr || frame->stream_id != stream) {
    const std::string expected(protocol::FrameTypeName(
        static_cast<protocol::FrameType>(protocol::MakeFrame(T{}).type_id())));
    return absl::FailedPreconditionError(absl::StrCat("expected ", expected, " on stream ", stream,
                                                      ", got ", DescribeFrame(*frame)));
  }
  return *body;
}

// Subscribe, then the SubscribeAck (an error describing any other reply).
absl::StatusOr<protocol::SubscribeAck> SdkSubscribe(
    RawClient& client, const std::string& channel,
    std::vector<protocol::SchemaId> accepted_schemas = {},
    uint32_t max_in_flight = kSdkMaxInFlight);

// Publish, then the PublishAck's message id (an error describing any other reply). Only
// for connections that have no subscription (the next frame must be the reply).
absl::StatusOr<uint64_t> SdkPublish(RawClient& client, const std::string& channel,
                                    std::string payload, protocol::SchemaId schema_id = {});

// Hand-built wire bytes (wire-protocol.md §0, §1), for frames the codec would not produce.
void AppendU32(std::string& out, uint32_t value);
void AppendString(std::string& out, absl::string_view text);  // u32 length, then the bytes
// The 10-byte header (type, flags, stream, payload length), then `payload`.
std::string FrameBytes(uint8_t type_id, uint8_t flags, uint32_t stream, absl::string_view payload);
// Just the header of a frame announcing `payload_length` bytes.
std::string HeaderBytes(uint8_t type_id, uint8_t flags, uint32_t stream, uint32_t payload_length);
// Bytes from hex digits (the input must be an even number of hex digits).
std::string BytesFromHex(absl::string_view hex);

// A payload of `size` bytes that is not a repetition of a short pattern.
std::string PatternedPayload(size_t size);

}  // namespace liminal::e2e::compat

#endif  // LIMINAL_TESTS_E2E_COMPAT_COMPAT_TEST_UTIL_H_
