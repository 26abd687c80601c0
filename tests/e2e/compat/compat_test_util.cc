// Helpers for the reference-compatibility suite (see compat_test_util.h).
#include "tests/e2e/compat/compat_test_util.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace liminal::e2e::compat {
namespace {

constexpr uint64_t kFnvOffsetBasis = 0xcbf29ce484222325ULL;
constexpr uint64_t kFnvPrime = 0x100000001b3ULL;

uint64_t Fnv1a64(const uint8_t* bytes, size_t size) {
  uint64_t h = kFnvOffsetBasis;
  for (size_t i = 0; i < size; ++i) {
    h ^= bytes[i];
    h *= kFnvPrime;
  }
  return h;
}

void PutBigEndian(uint64_t value, uint8_t* out) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(value & 0xff);
    value >>= 8;
  }
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

protocol::SchemaId ReferenceSchemaId(absl::string_view schema_bytes) {
  protocol::SchemaId id{};
  // Block 0: FNV-1a 64 of the bytes, big-endian; block i: FNV-1a 64 of block i-1's 8 bytes.
  uint64_t h = Fnv1a64(reinterpret_cast<const uint8_t*>(schema_bytes.data()), schema_bytes.size());
  PutBigEndian(h, id.data());
  for (size_t block = 1; block < 4; ++block) {
    h = Fnv1a64(id.data() + (block - 1) * 8, 8);
    PutBigEndian(h, id.data() + block * 8);
  }
  return id;
}

std::string Hex(const protocol::SchemaId& id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t byte : id) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0xf]);
  }
  return out;
}

protocol::SchemaId SchemaIdFromHex(absl::string_view hex) {
  protocol::SchemaId id{};
  for (size_t i = 0; i < id.size() && 2 * i + 1 < hex.size(); ++i) {
    id[i] = static_cast<uint8_t>(HexDigit(hex[2 * i]) * 16 + HexDigit(hex[2 * i + 1]));
  }
  return id;
}

std::map<std::string, std::string> ReferenceFiles() {
  return {{"schemas/orders.json", std::string(kOrdersSchema)}};
}

absl::StatusOr<std::unique_ptr<DaemonProcess>> StartReference(
    std::string config_toml, std::map<std::string, std::string> files) {
  return StartDaemon(std::move(config_toml), std::move(files));
}

absl::StatusOr<RawClient> SdkConnect(const DaemonProcess& daemon, std::string auth_token) {
  absl::StatusOr<RawClient> client = RawClient::Connect(daemon.listen());
  if (!client.ok()) return client.status();
  if (absl::Status shaken = client->Handshake(std::move(auth_token)); !shaken.ok()) {
    return shaken;
  }
  return client;
}

protocol::Envelope MakeEnvelope(std::string payload, protocol::SchemaId schema_id) {
  return protocol::Envelope{.schema_id = schema_id, .causal = {}, .payload = std::move(payload)};
}

absl::Status SendSubscribe(RawClient& client, const std::string& channel,
                           std::vector<protocol::SchemaId> accepted_schemas, uint32_t max_in_flight,
                           uint32_t stream) {
  return client.Send(
      protocol::MakeFrame(protocol::Subscribe{.channel = channel,
                                              .accepted_schemas = std::move(accepted_schemas),
                                              .max_in_flight = max_in_flight},
                          stream, /*flags=*/0));
}

absl::Status SendPublish(RawClient& client, const std::string& channel, protocol::Envelope envelope,
                         uint32_t stream) {
  return client.Send(protocol::MakeFrame(
      protocol::Publish{
          .channel = channel, .envelope = std::move(envelope), .idempotency_key = std::nullopt},
      stream, /*flags=*/0));
}

absl::StatusOr<protocol::SubscribeAck> SdkSubscribe(
    RawClient& client, const std::string& channel, std::vector<protocol::SchemaId> accepted_schemas,
    uint32_t max_in_flight) {
  if (absl::Status sent =
          SendSubscribe(client, channel, std::move(accepted_schemas), max_in_flight);
      !sent.ok()) {
    return sent;
  }
  return NextAs<protocol::SubscribeAck>(client);
}

absl::StatusOr<uint64_t> SdkPublish(RawClient& client, const std::string& channel,
                                    std::string payload, protocol::SchemaId schema_id) {
  if (absl::Status sent = SendPublish(client, channel, MakeEnvelope(std::move(payload), schema_id));
      !sent.ok()) {
    return sent;
  }
  absl::StatusOr<protocol::PublishAck> ack = NextAs<protocol::PublishAck>(client);
  if (!ack.ok()) return ack.status();
  return ack->message_id;
}

std::string DescribeFrame(const protocol::Frame& frame) {
  const std::string name(
      protocol::FrameTypeName(static_cast<protocol::FrameType>(frame.type_id())));
  auto text = [](const std::optional<std::string>& message) {
    return message.has_value() ? absl::StrCat("\"", *message, "\"") : std::string("none");
  };
  auto error = [&](uint16_t code, const std::optional<std::string>& message) {
    return absl::StrCat(name, "(0x", absl::Hex(code, absl::kZeroPad4), ", ", text(message),
                        ") on stream ", frame.stream_id);
  };
  if (const auto* e = std::get_if<protocol::ConnectError>(&frame.body)) {
    return error(e->reason_code, e->message);
  }
  if (const auto* e = std::get_if<protocol::SubscribeError>(&frame.body)) {
    return error(e->reason_code, e->message);
  }
  if (const auto* e = std::get_if<protocol::PublishError>(&frame.body)) {
    return error(e->reason_code, e->message);
  }
  if (const auto* d = std::get_if<protocol::Deliver>(&frame.body)) {
    return absl::StrCat(name, "(seq ", d->delivery_seq, ", ", d->envelope.payload.size(),
                        "-byte payload) on stream ", frame.stream_id);
  }
  if (const auto* ack = std::get_if<protocol::PublishAck>(&frame.body)) {
    return absl::StrCat(name, "(message id ", ack->message_id, ") on stream ", frame.stream_id);
  }
  if (const auto* ack = std::get_if<protocol::WorkerRegisterAck>(&frame.body)) {
    return absl::StrCat(name, "(", ack->accepted() ? "Accepted" : "Rejected: ",
                        ack->rejection_reason.value_or(""), ") on stream ", frame.stream_id);
  }
  return absl::StrCat(name, " on stream ", frame.stream_id);
}

void AppendU32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

void AppendString(std::string& out, absl::string_view text) {
  AppendU32(out, static_cast<uint32_t>(text.size()));
  out.append(text.data(), text.size());
}

std::string HeaderBytes(uint8_t type_id, uint8_t flags, uint32_t stream, uint32_t payload_length) {
  std::string out;
  out.push_back(static_cast<char>(type_id));
  out.push_back(static_cast<char>(flags));
  AppendU32(out, stream);
  AppendU32(out, payload_length);
  return out;
}

std::string FrameBytes(uint8_t type_id, uint8_t flags, uint32_t stream, absl::string_view payload) {
  std::string out = HeaderBytes(type_id, flags, stream, static_cast<uint32_t>(payload.size()));
  out.append(payload.data(), payload.size());
  return out;
}

std::string BytesFromHex(absl::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(HexDigit(hex[i]) * 16 + HexDigit(hex[i + 1])));
  }
  return out;
}

std::string PatternedPayload(size_t size) {
  std::string out(size, '\0');
  uint64_t state = 0x9e3779b97f4a7c15ULL;  // xorshift64: deterministic, no short period
  for (size_t i = 0; i < size; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    out[i] = static_cast<char>(state & 0xff);
  }
  return out;
}

}  // namespace liminal::e2e::compat
