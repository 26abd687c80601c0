// libFuzzer target for DecodeFrame (wire-protocol.md §1.2). For every input:
//  * decoding must not crash, leak or hit undefined behaviour (ASan/UBSan);
//  * the outcome must match what the header alone predicts (need-more-bytes exactly when
//    the buffer is shorter than the header or the announced frame; unknown ids never fail);
//  * a decoded frame must consume exactly 10 + payload_length bytes, re-encode to exactly
//    those bytes, and decode again to the same frame. The one exception to "exactly": a
//    WorkerRegister with an explicit empty activity census (four zero bytes after identity,
//    reference-compat.md §1b) re-encodes without it, so four bytes shorter.
// Any violation aborts, which libFuzzer reports as a crash with the input saved.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "core/protocol/big_endian.h"
#include "core/protocol/frame_decoder.h"
#include "core/protocol/frame_encoder.h"
#include "core/protocol/frame_header.h"
#include "core/protocol/frame_type.h"

namespace {

using liminal::protocol::DecodeErrorClass;
using liminal::protocol::DecodeResult;
using liminal::protocol::kFrameHeaderSize;
using liminal::protocol::StoreBigEndian;
using liminal::protocol::WorkerRegister;

void Check(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "frame_decoder_fuzzer: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const DecodeResult result = liminal::protocol::DecodeFrame(bytes);
  const auto header = liminal::protocol::PeekFrameHeader(bytes);

  if (!header.has_value()) {
    Check(size < liminal::protocol::kFrameHeaderSize, "no header peeked from 10+ bytes");
    Check(!result.ok() && result.error().error_class == DecodeErrorClass::kIncompleteHeader,
          "short input is not IncompleteHeader");
    return 0;
  }
  if (size < header->frame_size()) {
    Check(!result.ok() && result.error().error_class == DecodeErrorClass::kTruncatedPayload,
          "partial frame is not TruncatedPayload");
    return 0;
  }
  if (!liminal::protocol::IsKnownFrameType(header->type_id)) {
    Check(result.ok(), "unknown type id failed to decode");
  }
  if (!result.ok()) {
    Check(!result.error().need_more_bytes(), "complete frame reported as need-more-bytes");
    return 0;
  }

  Check(result.consumed() == header->frame_size(), "consumed != 10 + payload_length");
  std::string encoded;
  Check(liminal::protocol::EncodeFrame(result.frame(), encoded).ok(),
        "encoder refused a decoded frame");
  const std::string_view input = bytes.substr(0, result.consumed());
  if (encoded != input) {
    const auto* registration = std::get_if<WorkerRegister>(&result.frame().body);
    Check(registration != nullptr && registration->activities.empty(),
          "re-encoding differs from the input");
    std::string tailed = encoded + std::string(4, '\0');
    StoreBigEndian<uint32_t>(static_cast<uint32_t>(tailed.size() - kFrameHeaderSize),
                             tailed.data() + 6);
    Check(tailed == input, "re-encoding differs from the input beyond an empty census");
  }
  const DecodeResult again = liminal::protocol::DecodeFrame(encoded);
  Check(again.ok() && again.frame() == result.frame() && again.consumed() == encoded.size(),
        "re-encoded frame decodes differently");
  return 0;
}
