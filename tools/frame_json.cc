#include "tools/frame_json.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/protocol/decode_error.h"
#include "core/protocol/frame_type.h"
#include "tools/hex.h"

namespace liminal::tools {
namespace {

using protocol::Accept;
using protocol::Connect;
using protocol::ConnectAck;
using protocol::ConnectError;
using protocol::ConversationClose;
using protocol::ConversationError;
using protocol::ConversationMessage;
using protocol::ConversationOpen;
using protocol::Defer;
using protocol::Deliver;
using protocol::Disconnect;
using protocol::Frame;
using protocol::FrameBody;
using protocol::Ping;
using protocol::Pong;
using protocol::Publish;
using protocol::PublishAck;
using protocol::PublishError;
using protocol::Push;
using protocol::PushReply;
using protocol::Reject;
using protocol::SchemaId;
using protocol::Subscribe;
using protocol::SubscribeAck;
using protocol::SubscribeError;
using protocol::UnknownFrame;
using protocol::Unsubscribe;
using protocol::WorkerRegister;
using protocol::WorkerRegisterAck;

template <typename T, typename... Ts>
constexpr bool kIsAnyOf = (std::is_same_v<T, Ts> || ...);

template <typename T>
[[maybe_unused]] constexpr bool kAlwaysFalse = false;  // clang: used only in a discarded branch

// The JSON fields of every frame body in the vectors' key order, listed once for both
// directions: V is JsonWriter (Body is const) or JsonReader.
template <typename V, typename Body>
void ListFields(V& v, Body& f) {
  using T = std::remove_const_t<Body>;
  if constexpr (std::is_same_v<T, Connect>) {
    v.VersionPair("min_version", f.min_version);
    v.VersionPair("max_version", f.max_version);
    v.Bytes("auth_token", f.auth_token);
  } else if constexpr (std::is_same_v<T, ConnectAck>) {
    v.VersionPair("selected_version", f.selected_version);
    v.Integer("capabilities", f.capabilities);
  } else if constexpr (kIsAnyOf<T, ConnectError, SubscribeError, PublishError>) {
    v.Integer("reason_code", f.reason_code);
    v.OptText("message", f.message);
  } else if constexpr (kIsAnyOf<T, Disconnect, Ping, Pong>) {
    // header only
  } else if constexpr (std::is_same_v<T, Subscribe>) {
    v.Text("channel", f.channel);
    v.SchemaList("accepted_schemas", f.accepted_schemas);
    v.Integer("max_in_flight", f.max_in_flight);
  } else if constexpr (std::is_same_v<T, SubscribeAck>) {
    v.Integer("subscription_id", f.subscription_id);
    v.Schema("selected_schema", f.selected_schema);
  } else if constexpr (std::is_same_v<T, Unsubscribe>) {
    v.Integer("subscription_id", f.subscription_id);
  } else if constexpr (std::is_same_v<T, Publish>) {
    v.Text("channel", f.channel);
    v.EnvelopeObject("envelope", f.envelope);
    v.OptText("idempotency_key", f.idempotency_key);
  } else if constexpr (std::is_same_v<T, PublishAck>) {
    v.Integer("message_id", f.message_id);
  } else if constexpr (std::is_same_v<T, ConversationOpen>) {
    v.Integer("conversation_id", f.conversation_id);
    v.Text("subject", f.subject);
  } else if constexpr (std::is_same_v<T, ConversationMessage>) {
    v.Integer("conversation_id", f.conversation_id);
    v.EnvelopeObject("envelope", f.envelope);
  } else if constexpr (std::is_same_v<T, ConversationClose>) {
    v.Integer("conversation_id", f.conversation_id);
    v.OptInteger("reason_code", f.reason_code);
    v.OptText("message", f.message);
  } else if constexpr (std::is_same_v<T, ConversationError>) {
    v.Integer("conversation_id", f.conversation_id);
    v.Integer("reason_code", f.reason_code);
    v.OptText("message", f.message);
  } else if constexpr (std::is_same_v<T, Accept>) {
    v.Text("referenced_message_id", f.referenced_message_id);
  } else if constexpr (kIsAnyOf<T, Defer, Reject>) {
    v.Text("referenced_message_id", f.referenced_message_id);
    v.OptText("reason", f.reason);
  } else if constexpr (kIsAnyOf<T, Push, PushReply>) {
    v.Integer("correlation_id", f.correlation_id);
    v.Bytes("payload", f.payload);
  } else if constexpr (std::is_same_v<T, WorkerRegister>) {
    v.TextList("namespaces", f.namespaces);
    v.Text("task_queue", f.task_queue);
    v.OptText("node", f.node);
    v.TextList("activity_types", f.activity_types);
    v.Text("identity", f.identity);
    v.ActivityList("activities", f.activities);  // only when non-empty
  } else if constexpr (std::is_same_v<T, WorkerRegisterAck>) {
    v.AckStatus(f.rejection_reason);  // "accepted" and "reason"
  } else if constexpr (std::is_same_v<T, Deliver>) {
    v.Integer("delivery_seq", f.delivery_seq);
    v.EnvelopeObject("envelope", f.envelope);
  } else if constexpr (std::is_same_v<T, UnknownFrame>) {
    v.Integer("type_id", f.type_id);
    v.Bytes("payload", f.payload);
  } else {
    static_assert(kAlwaysFalse<T>, "frame type without a JSON form");
  }
}

template <typename V, typename E>
void ListEnvelopeFields(V& v, E& envelope) {
  v.Schema("schema_id", envelope.schema_id);
  v.OptText("parent_id", envelope.causal.parent_id);
  v.OptInteger("vector_clock", envelope.causal.vector_clock);
  v.Bytes("payload", envelope.payload);
}

template <typename V, typename E>
void ListActivityFields(V& v, E& entry) {
  v.Text("name", entry.name);
  v.Text("input_schema_json", entry.input_schema_json);
  v.Text("output_schema_json", entry.output_schema_json);
}

std::string_view SchemaBytes(const SchemaId& id) {
  return {reinterpret_cast<const char*>(id.data()), id.size()};
}

class JsonWriter {
 public:
  FrameJson& json() { return json_; }

  template <typename N>
  void Integer(const char* key, N value) {
    json_[key] = value;
  }
  template <typename N>
  void OptInteger(const char* key, const std::optional<N>& value) {
    json_[key] = value.has_value() ? FrameJson(*value) : FrameJson(nullptr);
  }
  void Bytes(const char* key, const std::string& bytes) { json_[key] = BytesToHex(bytes); }
  void Text(const char* key, const std::string& text) { json_[key] = text; }
  void OptText(const char* key, const std::optional<std::string>& text) {
    json_[key] = text.has_value() ? FrameJson(*text) : FrameJson(nullptr);
  }
  void TextList(const char* key, const std::vector<std::string>& texts) {
    json_[key] = FrameJson(texts);
  }
  void VersionPair(const char* key, const protocol::Version& version) {
    json_[key] = FrameJson::array({version.major, version.minor});
  }
  void Schema(const char* key, const SchemaId& id) { json_[key] = BytesToHex(SchemaBytes(id)); }
  void SchemaList(const char* key, const std::vector<SchemaId>& ids) {
    FrameJson list = FrameJson::array();
    for (const SchemaId& id : ids) list.push_back(BytesToHex(SchemaBytes(id)));
    json_[key] = std::move(list);
  }
  void EnvelopeObject(const char* key, const protocol::Envelope& envelope) {
    JsonWriter nested;
    ListEnvelopeFields(nested, envelope);
    json_[key] = std::move(nested.json_);
  }
  // Left out when empty (reference-compat.md §1b).
  void ActivityList(const char* key, const std::vector<protocol::ActivityCensusEntry>& entries) {
    if (entries.empty()) return;
    FrameJson list = FrameJson::array();
    for (const protocol::ActivityCensusEntry& entry : entries) {
      JsonWriter nested;
      ListActivityFields(nested, entry);
      list.push_back(std::move(nested.json_));
    }
    json_[key] = std::move(list);
  }
  void AckStatus(const std::optional<std::string>& rejection_reason) {
    json_["accepted"] = !rejection_reason.has_value();
    OptText("reason", rejection_reason);
  }

 private:
  FrameJson json_ = FrameJson::object();
};

template <typename N>
std::optional<N> AsInteger(const FrameJson& value) {
  static_assert(std::is_unsigned_v<N>);
  uint64_t wide = 0;
  if (value.is_number_unsigned()) {
    wide = value.get<uint64_t>();
  } else if (value.is_number_integer() && value.get<int64_t>() >= 0) {
    wide = static_cast<uint64_t>(value.get<int64_t>());
  } else {
    return std::nullopt;
  }
  if (wide > std::numeric_limits<N>::max()) return std::nullopt;
  return static_cast<N>(wide);
}

// Reads the fields of one JSON object, remembering the first problem (later reads are
// skipped) and which keys were used, so that Finish() can refuse unknown ones.
class JsonReader {
 public:
  // `prefix` is prepended to key names in messages ("envelope." for nested fields).
  JsonReader(const FrameJson& object, std::string prefix)
      : object_(object), prefix_(std::move(prefix)) {}

  bool ok() const { return status_.ok(); }

  template <typename N>
  void Integer(const char* key, N& out) {
    const FrameJson* value = Find(key);
    if (value == nullptr) return;
    ReadInteger(key, *value, out);
  }
  template <typename N>
  void OptInteger(const char* key, std::optional<N>& out) {
    const FrameJson* value = Find(key);
    if (value == nullptr) return;
    if (value->is_null()) {
      out.reset();
      return;
    }
    N number = 0;
    if (ReadInteger(key, *value, number)) out = number;
  }
  // Like Integer, but a missing key keeps `out` as it is.
  template <typename N>
  void DefaultedInteger(const char* key, N& out) {
    if (ok() && object_.contains(key)) Integer(key, out);
  }
  void Bytes(const char* key, std::string& out) {
    const FrameJson* value = Find(key);
    if (value == nullptr) return;
    ReadHex(key, *value, out);
  }
  void Text(const char* key, std::string& out) {
    const FrameJson* value = Find(key);
    if (value == nullptr) return;
    if (!value->is_string()) return Fail(key, "expected a string");
    out = value->get<std::string>();
  }
  void OptText(const char* key, std::optional<std::string>& out) {
    const FrameJson* value = Find(key);
    if (value == nullptr) return;
    if (value->is_null()) {
      out.reset();
      return;
    }
    if (!value->is_string()) return Fail(key, "expected a string or null");
    out = value->get<std::string>();
  }
  void TextList(const char* key, std::vector<std::string>& out) {
    const FrameJson* value = Find(key);
    if (value == nullptr) return;
    if (!value->is_array()) return Fail(key, "expected an array of strings");
    out.clear();
    for (const FrameJson& element : *value) {
      if (!element.is_string()) return Fail(key, "expected an array of strings");
      out.push_back(element.get<std::string>());
    }
  }
  void VersionPair(const char* key, protocol::Version& out) {
    const FrameJson* value = Find(key);
    if (value == nullptr) return;
    std::optional<uint16_t> major;
    std::optional<uint16_t> minor;
    if (value->is_array() && value->size() == 2) {
      major = AsInteger<uint16_t>((*value)[0]);
      minor = AsInteger<uint16_t>((*value)[1]);
    }
    if (!major.has_value() || !minor.has_value()) {
      return Fail(key, "expected [major, minor] with both in 0..65535");
    }
    out = protocol::Version{*major, *minor};
  }
  void Schema(const char* key, SchemaId& out) {
    const FrameJson* value = Find(key);
    if (value == nullptr) return;
    ReadSchema(key, *value, out);
  }
  void SchemaList(const char* key, std::vector<SchemaId>& out) {
    const FrameJson* value = Find(key);
    if (value == nullptr) return;
    if (!value->is_array()) return Fail(key, "expected an array of 64-digit hex schema ids");
    out.clear();
    for (const FrameJson& element : *value) {
      SchemaId id{};
      if (!ReadSchema(key, element, id)) return;
      out.push_back(id);
    }
  }
  void EnvelopeObject(const char* key, protocol::Envelope& out) {
    const FrameJson* value = Find(key);
    if (value == nullptr) return;
    if (!value->is_object()) {
      return Fail(key, "expected an object {schema_id, parent_id, vector_clock, payload}");
    }
    JsonReader nested(*value, absl::StrFormat("%s%s.", prefix_, key));
    ListEnvelopeFields(nested, out);
    if (absl::Status status = nested.Finish(); !status.ok()) status_ = std::move(status);
  }
  // Optional: a missing key is an empty list. Each entry is an object with exactly the
  // three string keys.
  void ActivityList(const char* key, std::vector<protocol::ActivityCensusEntry>& out) {
    out.clear();
    if (!ok() || !object_.contains(key)) return;
    const FrameJson* value = Find(key);
    constexpr char kExpected[] =
        "expected an array of objects {name, input_schema_json, output_schema_json}";
    if (!value->is_array()) return Fail(key, kExpected);
    for (size_t i = 0; i < value->size(); ++i) {
      const FrameJson& element = (*value)[i];
      if (!element.is_object()) return Fail(key, kExpected);
      JsonReader nested(element, absl::StrFormat("%s%s[%d].", prefix_, key, i));
      protocol::ActivityCensusEntry entry;
      ListActivityFields(nested, entry);
      if (absl::Status status = nested.Finish(); !status.ok()) {
        status_ = std::move(status);
        return;
      }
      out.push_back(std::move(entry));
    }
  }
  void AckStatus(std::optional<std::string>& rejection_reason) {
    const FrameJson* accepted = Find("accepted");
    if (accepted == nullptr) return;
    if (!accepted->is_boolean()) return Fail("accepted", "expected true or false");
    OptText("reason", rejection_reason);
    if (ok() && accepted->get<bool>() == rejection_reason.has_value()) {
      Fail("reason", accepted->get<bool>() ? "must be null when \"accepted\" is true"
                                           : "must be a string when \"accepted\" is false");
    }
  }

  // The first problem, or one for a key that no field asked for.
  absl::Status Finish() const {
    if (!status_.ok()) return status_;
    for (const auto& [key, value] : object_.items()) {
      if (std::find(used_.begin(), used_.end(), key) == used_.end()) {
        return absl::InvalidArgumentError(absl::StrFormat("unexpected key '%s%s'", prefix_, key));
      }
    }
    return absl::OkStatus();
  }

 private:
  // The value under `key`, or nullptr (recording "missing key" unless already failed).
  const FrameJson* Find(const char* key) {
    if (!ok()) return nullptr;
    used_.emplace_back(key);
    const auto it = object_.find(key);
    if (it == object_.end()) {
      status_ = absl::InvalidArgumentError(absl::StrFormat("missing key '%s%s'", prefix_, key));
      return nullptr;
    }
    return &*it;
  }

  void Fail(const char* key, std::string_view problem) {
    if (!ok()) return;
    status_ = absl::InvalidArgumentError(absl::StrFormat("key '%s%s': %s", prefix_, key, problem));
  }

  template <typename N>
  bool ReadInteger(const char* key, const FrameJson& value, N& out) {
    const std::optional<N> number = AsInteger<N>(value);
    if (!number.has_value()) {
      Fail(key, absl::StrFormat("expected an integer in 0..%d", std::numeric_limits<N>::max()));
      return false;
    }
    out = *number;
    return true;
  }

  bool ReadHex(const char* key, const FrameJson& value, std::string& out) {
    if (!value.is_string()) {
      Fail(key, "expected a hex string");
      return false;
    }
    absl::StatusOr<std::string> bytes = HexToBytes(value.get_ref<const std::string&>());
    if (!bytes.ok()) {
      Fail(key, std::string(bytes.status().message()));
      return false;
    }
    out = *std::move(bytes);
    return true;
  }

  bool ReadSchema(const char* key, const FrameJson& value, SchemaId& out) {
    std::string bytes;
    if (!ReadHex(key, value, bytes)) return false;
    if (bytes.size() != out.size()) {
      Fail(key,
           absl::StrFormat("a schema id is 32 bytes (64 hex digits), got %d bytes", bytes.size()));
      return false;
    }
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(bytes[i]);
    return true;
  }

  const FrameJson& object_;
  std::string prefix_;
  std::vector<std::string> used_;
  absl::Status status_;
};

// A default-constructed body of the alternative at `index`.
template <size_t... Index>
FrameBody EmptyBody(size_t index, std::index_sequence<Index...>) {
  FrameBody body;
  (void)((index == Index ? (body.emplace<Index>(), true) : false) || ...);
  return body;
}

std::string KnownTypeNames() {
  std::vector<std::string> names;
  for (int id = 0x01; protocol::IsKnownFrameType(static_cast<uint8_t>(id)); ++id) {
    names.emplace_back(protocol::FrameTypeName(static_cast<protocol::FrameType>(id)));
  }
  names.push_back("Unknown");
  return absl::StrJoin(names, ", ");
}

}  // namespace

FrameJson FrameToJson(const Frame& frame) {
  JsonWriter writer;
  writer.json()["type"] =
      std::holds_alternative<protocol::UnknownFrame>(frame.body)
          ? std::string("Unknown")
          : std::string(protocol::FrameTypeName(static_cast<protocol::FrameType>(frame.type_id())));
  std::visit([&](const auto& body) { ListFields(writer, body); }, frame.body);
  writer.Integer("flags", frame.flags);
  writer.Integer("stream_id", frame.stream_id);
  return std::move(writer.json());
}

absl::StatusOr<Frame> FrameFromJson(const FrameJson& json) {
  if (!json.is_object()) {
    return absl::InvalidArgumentError("expected a JSON object describing a frame");
  }
  JsonReader reader(json, "");
  std::string type_name;
  reader.Text("type", type_name);
  if (!reader.ok()) return reader.Finish();

  Frame frame;
  if (type_name == "Unknown") {
    frame.body = protocol::UnknownFrame{};
  } else if (const std::optional<protocol::FrameType> type = protocol::FrameTypeFromName(type_name);
             type.has_value()) {
    frame.body = EmptyBody(static_cast<size_t>(*type) - 1,
                           std::make_index_sequence<std::variant_size_v<FrameBody>>{});
  } else {
    return absl::InvalidArgumentError(absl::StrFormat(
        "key 'type': unknown frame type '%s' (expected one of %s)", type_name, KnownTypeNames()));
  }
  std::visit([&](auto& body) { ListFields(reader, body); }, frame.body);
  reader.DefaultedInteger("flags", frame.flags);
  reader.DefaultedInteger("stream_id", frame.stream_id);
  if (absl::Status status = reader.Finish(); !status.ok()) return status;
  return frame;
}

FrameJson DecodeResultToJson(const protocol::DecodeResult& result) {
  FrameJson json = FrameJson::object();
  if (result.ok()) {
    json["ok"] = FrameToJson(result.frame());
    json["consumed"] = result.consumed();
  } else {
    json["error"] = std::string(protocol::DecodeErrorClassName(result.error().error_class));
  }
  return json;
}

}  // namespace liminal::tools
