// rapidcheck generators for the codec's types: an Arbitrary for every frame body, the
// envelope, and whole frames that the encoder accepts (right stream class, Publish key
// matching flag 0x02, Subscribe max_in_flight > 0, Unknown only for ids outside
// 0x01..0x19), WorkerRegister with and without an activity census. Text fields are strict
// UTF-8 drawn from every encoded length (1-4 bytes), including NUL and the edges around the
// surrogates and U+10FFFF.
//
//   RC_GTEST_PROP(Codec, RoundTrip, (const Frame& frame)) { ... }     // Arbitrary<Frame>
//   const Frame f = *GenFrameOfKind(8);                               // a Publish
#ifndef LIMINAL_TESTS_PROPERTY_PROTOCOL_FRAME_GENERATORS_H_
#define LIMINAL_TESTS_PROPERTY_PROTOCOL_FRAME_GENERATORS_H_

#include <rapidcheck.h>

#include <cstddef>
#include <ostream>
#include <string>

#include "core/protocol/frame.h"

namespace liminal::protocol {

// Counterexamples print as the vectors' JSON.
void showValue(const Frame& frame, std::ostream& os);

namespace testing {

// Number of frame kinds: the 25 known types plus UnknownFrame (FrameBody's alternatives).
inline constexpr size_t kFrameKinds = std::variant_size_v<FrameBody>;

rc::Gen<std::string> GenUtf8Text();
rc::Gen<std::string> GenOpaqueBytes();
// An encodable frame whose body is FrameBody alternative `kind`.
rc::Gen<Frame> GenFrameOfKind(size_t kind);

}  // namespace testing
}  // namespace liminal::protocol

namespace rc {

#define LIMINAL_DECLARE_ARBITRARY(T)              \
  template <>                                     \
  struct Arbitrary<liminal::protocol::T> {        \
    static Gen<liminal::protocol::T> arbitrary(); \
  };

LIMINAL_DECLARE_ARBITRARY(Version)
LIMINAL_DECLARE_ARBITRARY(CausalContext)
LIMINAL_DECLARE_ARBITRARY(Envelope)
LIMINAL_DECLARE_ARBITRARY(Connect)
LIMINAL_DECLARE_ARBITRARY(ConnectAck)
LIMINAL_DECLARE_ARBITRARY(ConnectError)
LIMINAL_DECLARE_ARBITRARY(Disconnect)
LIMINAL_DECLARE_ARBITRARY(Subscribe)
LIMINAL_DECLARE_ARBITRARY(SubscribeAck)
LIMINAL_DECLARE_ARBITRARY(SubscribeError)
LIMINAL_DECLARE_ARBITRARY(Unsubscribe)
LIMINAL_DECLARE_ARBITRARY(Publish)
LIMINAL_DECLARE_ARBITRARY(PublishAck)
LIMINAL_DECLARE_ARBITRARY(PublishError)
LIMINAL_DECLARE_ARBITRARY(ConversationOpen)
LIMINAL_DECLARE_ARBITRARY(ConversationMessage)
LIMINAL_DECLARE_ARBITRARY(ConversationClose)
LIMINAL_DECLARE_ARBITRARY(ConversationError)
LIMINAL_DECLARE_ARBITRARY(Accept)
LIMINAL_DECLARE_ARBITRARY(Defer)
LIMINAL_DECLARE_ARBITRARY(Reject)
LIMINAL_DECLARE_ARBITRARY(Ping)
LIMINAL_DECLARE_ARBITRARY(Pong)
LIMINAL_DECLARE_ARBITRARY(Push)
LIMINAL_DECLARE_ARBITRARY(PushReply)
LIMINAL_DECLARE_ARBITRARY(WorkerRegister)
LIMINAL_DECLARE_ARBITRARY(WorkerRegisterAck)
LIMINAL_DECLARE_ARBITRARY(Deliver)
LIMINAL_DECLARE_ARBITRARY(UnknownFrame)
LIMINAL_DECLARE_ARBITRARY(Frame)

#undef LIMINAL_DECLARE_ARBITRARY

}  // namespace rc

#endif  // LIMINAL_TESTS_PROPERTY_PROTOCOL_FRAME_GENERATORS_H_
