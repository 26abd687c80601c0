#include "core/protocol/frame.h"

namespace liminal::protocol {

uint8_t Frame::type_id() const {
  if (const auto* unknown = std::get_if<UnknownFrame>(&body)) return unknown->type_id;
  return static_cast<uint8_t>(body.index() + 1);
}

Frame MakeFrame(FrameBody body, uint32_t stream_id, uint8_t flags) {
  if (const auto* publish = std::get_if<Publish>(&body);
      publish != nullptr && publish->idempotency_key.has_value()) {
    flags |= kFlagIdempotencyKey;
  }
  return Frame{flags, stream_id, std::move(body)};
}

}  // namespace liminal::protocol
