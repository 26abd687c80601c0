#include "tests/property/protocol/frame_generators.h"

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "core/protocol/frame_type.h"
#include "tools/frame_json.h"

namespace liminal::protocol {

void showValue(const Frame& frame, std::ostream& os) {
  os << tools::FrameToJson(frame).dump(-1, ' ', false, tools::FrameJson::error_handler_t::replace);
}

namespace testing {
namespace {

void AppendUtf8(uint32_t code_point, std::string& out) {
  auto put = [&out](uint32_t byte) { out.push_back(static_cast<char>(byte)); };
  if (code_point < 0x80) {
    put(code_point);
  } else if (code_point < 0x800) {
    put(0xC0 | (code_point >> 6));
    put(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    put(0xE0 | (code_point >> 12));
    put(0x80 | ((code_point >> 6) & 0x3F));
    put(0x80 | (code_point & 0x3F));
  } else {
    put(0xF0 | (code_point >> 18));
    put(0x80 | ((code_point >> 12) & 0x3F));
    put(0x80 | ((code_point >> 6) & 0x3F));
    put(0x80 | (code_point & 0x3F));
  }
}

// Scalar values of every encoded length, never a surrogate, with the edges spelled out.
rc::Gen<uint32_t> GenCodePoint() {
  return rc::gen::weightedOneOf<uint32_t>({
      {8, rc::gen::inRange<uint32_t>(0x00, 0x80)},
      {2, rc::gen::inRange<uint32_t>(0x80, 0x800)},
      {2, rc::gen::inRange<uint32_t>(0x800, 0xD800)},
      {1, rc::gen::inRange<uint32_t>(0xE000, 0x10000)},
      {2, rc::gen::inRange<uint32_t>(0x10000, 0x110000)},
      {1, rc::gen::element<uint32_t>(0x00, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF,
                                     0x10000, 0x10FFFF)},
  });
}

// Mostly rapidcheck's size-scaled integers, sometimes the extremes.
template <typename N>
rc::Gen<N> GenInteger() {
  return rc::gen::weightedOneOf<N>(
      {{4, rc::gen::arbitrary<N>()}, {1, rc::gen::element<N>(0, std::numeric_limits<N>::max())}});
}

template <typename T>
rc::Gen<std::optional<T>> GenOptional(rc::Gen<T> value) {
  return rc::gen::oneOf(rc::gen::just(std::optional<T>()), rc::gen::map(std::move(value), [](T v) {
                          return std::optional<T>(std::move(v));
                        }));
}

rc::Gen<std::optional<std::string>> GenOptionalText() { return GenOptional(GenUtf8Text()); }

rc::Gen<std::vector<std::string>> GenTextList() {
  return rc::gen::scale(0.2, rc::gen::container<std::vector<std::string>>(GenUtf8Text()));
}

// Half the time no census (the 0.2.x layout), otherwise a few entries of arbitrary text.
rc::Gen<std::vector<ActivityCensusEntry>> GenActivityCensus() {
  using Census = std::vector<ActivityCensusEntry>;
  const rc::Gen<ActivityCensusEntry> entry = rc::gen::build<ActivityCensusEntry>(
      rc::gen::set(&ActivityCensusEntry::name, GenUtf8Text()),
      rc::gen::set(&ActivityCensusEntry::input_schema_json, GenUtf8Text()),
      rc::gen::set(&ActivityCensusEntry::output_schema_json, GenUtf8Text()));
  return rc::gen::weightedOneOf<Census>(
      {{1, rc::gen::just(Census{})},
       {1, rc::gen::scale(0.2, rc::gen::nonEmpty(rc::gen::container<Census>(entry)))}});
}

template <size_t Index>
rc::Gen<FrameBody> GenBodyAt() {
  using Body = std::variant_alternative_t<Index, FrameBody>;
  return rc::gen::map(rc::gen::arbitrary<Body>(), [](Body body) {
    return FrameBody(std::in_place_index<Index>, std::move(body));
  });
}

using BodyGenerator = rc::Gen<FrameBody> (*)();
constexpr auto kBodyGenerators = []<size_t... Index>(std::index_sequence<Index...>) {
  return std::array<BodyGenerator, sizeof...(Index)>{&GenBodyAt<Index>...};
}
(std::make_index_sequence<kFrameKinds>{});

// Streams the encoder accepts for `body`: 0 for control frames, >= 1 for application
// frames, anything for unknown ids.
rc::Gen<uint32_t> GenStreamFor(const FrameBody& body) {
  if (std::holds_alternative<UnknownFrame>(body)) return GenInteger<uint32_t>();
  if (IsControlFrameType(static_cast<FrameType>(body.index() + 1))) return rc::gen::just(0u);
  return rc::gen::oneOf(rc::gen::element<uint32_t>(1, std::numeric_limits<uint32_t>::max()),
                        rc::gen::inRange<uint32_t>(1, std::numeric_limits<uint32_t>::max()));
}

}  // namespace

rc::Gen<std::string> GenUtf8Text() {
  return rc::gen::map(rc::gen::container<std::vector<uint32_t>>(GenCodePoint()),
                      [](const std::vector<uint32_t>& code_points) {
                        std::string text;
                        for (uint32_t code_point : code_points) AppendUtf8(code_point, text);
                        return text;
                      });
}

rc::Gen<std::string> GenOpaqueBytes() {
  return rc::gen::container<std::string>(rc::gen::arbitrary<char>());
}

rc::Gen<Frame> GenFrameOfKind(size_t kind) {
  return rc::gen::mapcat(kBodyGenerators.at(kind)(), [](FrameBody body) {
    return rc::gen::map(
        rc::gen::tuple(rc::gen::arbitrary<uint8_t>(), GenStreamFor(body)),
        [body](const std::tuple<uint8_t, uint32_t>& header) {
          auto [flags, stream_id] = header;
          if (const auto* publish = std::get_if<Publish>(&body)) {
            // Flag 0x02 goes with the key and nothing else; other bits are free.
            flags = static_cast<uint8_t>((flags & ~kFlagIdempotencyKey) |
                                         (publish->idempotency_key ? kFlagIdempotencyKey : 0));
          }
          return Frame{flags, stream_id, body};
        });
  });
}

}  // namespace testing
}  // namespace liminal::protocol

namespace rc {

namespace p = liminal::protocol;
namespace t = liminal::protocol::testing;

Gen<p::Version> Arbitrary<p::Version>::arbitrary() {
  return gen::build<p::Version>(gen::set(&p::Version::major, t::GenInteger<uint16_t>()),
                                gen::set(&p::Version::minor, t::GenInteger<uint16_t>()));
}

Gen<p::CausalContext> Arbitrary<p::CausalContext>::arbitrary() {
  return gen::build<p::CausalContext>(
      gen::set(&p::CausalContext::parent_id, t::GenOptionalText()),
      gen::set(&p::CausalContext::vector_clock, t::GenOptional(t::GenInteger<uint64_t>())));
}

Gen<p::Envelope> Arbitrary<p::Envelope>::arbitrary() {
  return gen::build<p::Envelope>(gen::set(&p::Envelope::schema_id), gen::set(&p::Envelope::causal),
                                 gen::set(&p::Envelope::payload, t::GenOpaqueBytes()));
}

Gen<p::Connect> Arbitrary<p::Connect>::arbitrary() {
  return gen::build<p::Connect>(gen::set(&p::Connect::min_version),
                                gen::set(&p::Connect::max_version),
                                gen::set(&p::Connect::auth_token, t::GenOpaqueBytes()));
}

Gen<p::ConnectAck> Arbitrary<p::ConnectAck>::arbitrary() {
  return gen::build<p::ConnectAck>(
      gen::set(&p::ConnectAck::selected_version),
      gen::set(&p::ConnectAck::capabilities, t::GenInteger<uint32_t>()));
}

Gen<p::ConnectError> Arbitrary<p::ConnectError>::arbitrary() {
  return gen::build<p::ConnectError>(
      gen::set(&p::ConnectError::reason_code, t::GenInteger<uint16_t>()),
      gen::set(&p::ConnectError::message, t::GenOptionalText()));
}

Gen<p::Disconnect> Arbitrary<p::Disconnect>::arbitrary() { return gen::just(p::Disconnect{}); }

Gen<p::Subscribe> Arbitrary<p::Subscribe>::arbitrary() {
  return gen::build<p::Subscribe>(
      gen::set(&p::Subscribe::channel, t::GenUtf8Text()),
      gen::set(&p::Subscribe::accepted_schemas,
               gen::scale(0.1, gen::arbitrary<std::vector<p::SchemaId>>())),
      gen::set(&p::Subscribe::max_in_flight,
               gen::oneOf(gen::element<uint32_t>(1, std::numeric_limits<uint32_t>::max()),
                          gen::inRange<uint32_t>(1, std::numeric_limits<uint32_t>::max()))));
}

Gen<p::SubscribeAck> Arbitrary<p::SubscribeAck>::arbitrary() {
  return gen::build<p::SubscribeAck>(
      gen::set(&p::SubscribeAck::subscription_id, t::GenInteger<uint64_t>()),
      gen::set(&p::SubscribeAck::selected_schema));
}

Gen<p::SubscribeError> Arbitrary<p::SubscribeError>::arbitrary() {
  return gen::build<p::SubscribeError>(
      gen::set(&p::SubscribeError::reason_code, t::GenInteger<uint16_t>()),
      gen::set(&p::SubscribeError::message, t::GenOptionalText()));
}

Gen<p::Unsubscribe> Arbitrary<p::Unsubscribe>::arbitrary() {
  return gen::build<p::Unsubscribe>(
      gen::set(&p::Unsubscribe::subscription_id, t::GenInteger<uint64_t>()));
}

Gen<p::Publish> Arbitrary<p::Publish>::arbitrary() {
  return gen::build<p::Publish>(gen::set(&p::Publish::channel, t::GenUtf8Text()),
                                gen::set(&p::Publish::envelope),
                                gen::set(&p::Publish::idempotency_key, t::GenOptionalText()));
}

Gen<p::PublishAck> Arbitrary<p::PublishAck>::arbitrary() {
  return gen::build<p::PublishAck>(gen::set(&p::PublishAck::message_id, t::GenInteger<uint64_t>()));
}

Gen<p::PublishError> Arbitrary<p::PublishError>::arbitrary() {
  return gen::build<p::PublishError>(
      gen::set(&p::PublishError::reason_code, t::GenInteger<uint16_t>()),
      gen::set(&p::PublishError::message, t::GenOptionalText()));
}

Gen<p::ConversationOpen> Arbitrary<p::ConversationOpen>::arbitrary() {
  return gen::build<p::ConversationOpen>(
      gen::set(&p::ConversationOpen::conversation_id, t::GenInteger<uint64_t>()),
      gen::set(&p::ConversationOpen::subject, t::GenUtf8Text()));
}

Gen<p::ConversationMessage> Arbitrary<p::ConversationMessage>::arbitrary() {
  return gen::build<p::ConversationMessage>(
      gen::set(&p::ConversationMessage::conversation_id, t::GenInteger<uint64_t>()),
      gen::set(&p::ConversationMessage::envelope));
}

Gen<p::ConversationClose> Arbitrary<p::ConversationClose>::arbitrary() {
  return gen::build<p::ConversationClose>(
      gen::set(&p::ConversationClose::conversation_id, t::GenInteger<uint64_t>()),
      gen::set(&p::ConversationClose::reason_code, t::GenOptional(t::GenInteger<uint16_t>())),
      gen::set(&p::ConversationClose::message, t::GenOptionalText()));
}

Gen<p::ConversationError> Arbitrary<p::ConversationError>::arbitrary() {
  return gen::build<p::ConversationError>(
      gen::set(&p::ConversationError::conversation_id, t::GenInteger<uint64_t>()),
      gen::set(&p::ConversationError::reason_code, t::GenInteger<uint16_t>()),
      gen::set(&p::ConversationError::message, t::GenOptionalText()));
}

Gen<p::Accept> Arbitrary<p::Accept>::arbitrary() {
  return gen::build<p::Accept>(gen::set(&p::Accept::referenced_message_id, t::GenUtf8Text()));
}

Gen<p::Defer> Arbitrary<p::Defer>::arbitrary() {
  return gen::build<p::Defer>(gen::set(&p::Defer::referenced_message_id, t::GenUtf8Text()),
                              gen::set(&p::Defer::reason, t::GenOptionalText()));
}

Gen<p::Reject> Arbitrary<p::Reject>::arbitrary() {
  return gen::build<p::Reject>(gen::set(&p::Reject::referenced_message_id, t::GenUtf8Text()),
                               gen::set(&p::Reject::reason, t::GenOptionalText()));
}

Gen<p::Ping> Arbitrary<p::Ping>::arbitrary() { return gen::just(p::Ping{}); }
Gen<p::Pong> Arbitrary<p::Pong>::arbitrary() { return gen::just(p::Pong{}); }

Gen<p::Push> Arbitrary<p::Push>::arbitrary() {
  return gen::build<p::Push>(gen::set(&p::Push::correlation_id, t::GenInteger<uint64_t>()),
                             gen::set(&p::Push::payload, t::GenOpaqueBytes()));
}

Gen<p::PushReply> Arbitrary<p::PushReply>::arbitrary() {
  return gen::build<p::PushReply>(
      gen::set(&p::PushReply::correlation_id, t::GenInteger<uint64_t>()),
      gen::set(&p::PushReply::payload, t::GenOpaqueBytes()));
}

Gen<p::WorkerRegister> Arbitrary<p::WorkerRegister>::arbitrary() {
  return gen::build<p::WorkerRegister>(
      gen::set(&p::WorkerRegister::namespaces, t::GenTextList()),
      gen::set(&p::WorkerRegister::task_queue, t::GenUtf8Text()),
      gen::set(&p::WorkerRegister::node, t::GenOptionalText()),
      gen::set(&p::WorkerRegister::activity_types, t::GenTextList()),
      gen::set(&p::WorkerRegister::identity, t::GenUtf8Text()),
      gen::set(&p::WorkerRegister::activities, t::GenActivityCensus()));
}

Gen<p::WorkerRegisterAck> Arbitrary<p::WorkerRegisterAck>::arbitrary() {
  return gen::build<p::WorkerRegisterAck>(
      gen::set(&p::WorkerRegisterAck::rejection_reason, t::GenOptionalText()));
}

Gen<p::Deliver> Arbitrary<p::Deliver>::arbitrary() {
  return gen::build<p::Deliver>(gen::set(&p::Deliver::delivery_seq, t::GenInteger<uint64_t>()),
                                gen::set(&p::Deliver::envelope));
}

Gen<p::UnknownFrame> Arbitrary<p::UnknownFrame>::arbitrary() {
  // Ids outside 0x01..0x19 only: a known id would decode as that type.
  return gen::build<p::UnknownFrame>(
      gen::set(&p::UnknownFrame::type_id,
               gen::oneOf(gen::element<uint8_t>(0x00, 0x1A, 0xFF),
                          gen::map(gen::inRange<int>(0x1A, 0x100),
                                   [](int id) { return static_cast<uint8_t>(id); }))),
      gen::set(&p::UnknownFrame::payload, t::GenOpaqueBytes()));
}

Gen<p::Frame> Arbitrary<p::Frame>::arbitrary() {
  return gen::mapcat(gen::inRange<size_t>(0, t::kFrameKinds), &t::GenFrameOfKind);
}

}  // namespace rc
