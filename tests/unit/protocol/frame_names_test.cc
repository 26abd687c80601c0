// Names and classes of frame types, decode error classes and reason codes.
#include <set>
#include <string>

#include "core/protocol/decode_error.h"
#include "core/protocol/frame.h"
#include "core/protocol/frame_type.h"
#include "core/protocol/reason_code.h"
#include "gtest/gtest.h"

namespace liminal::protocol {
namespace {

TEST(FrameTypeTest, NamesRoundTripForEveryKnownId) {
  std::set<std::string_view> names;
  for (int id = 0; id <= 0xFF; ++id) {
    const auto type = static_cast<FrameType>(id);
    if (!IsKnownFrameType(static_cast<uint8_t>(id))) {
      EXPECT_TRUE(FrameTypeName(type).empty()) << id;
      continue;
    }
    const std::string_view name = FrameTypeName(type);
    ASSERT_FALSE(name.empty()) << id;
    names.insert(name);
    EXPECT_EQ(FrameTypeFromName(name), type) << name;
  }
  EXPECT_EQ(names.size(), 25u);
  EXPECT_EQ(FrameTypeName(FrameType::kWorkerRegisterAck), "WorkerRegisterAck");
  EXPECT_EQ(FrameTypeName(FrameType::kDeliver), "Deliver");
  EXPECT_EQ(FrameTypeFromName("Unknown"), std::nullopt);
  EXPECT_EQ(FrameTypeFromName("ping"), std::nullopt);
}

TEST(FrameTypeTest, KnownIdsAreExactlyOneToTwentyFive) {
  EXPECT_FALSE(IsKnownFrameType(0x00));
  EXPECT_TRUE(IsKnownFrameType(0x01));
  EXPECT_TRUE(IsKnownFrameType(0x19));
  EXPECT_FALSE(IsKnownFrameType(0x1A));
  EXPECT_FALSE(IsKnownFrameType(0xFF));
}

TEST(FrameTypeTest, ControlTypesAreTheEightOfTheSpec) {
  std::set<FrameType> control;
  for (int id = 0x01; id <= 0x19; ++id) {
    if (IsControlFrameType(static_cast<FrameType>(id))) control.insert(static_cast<FrameType>(id));
  }
  EXPECT_EQ(control, (std::set<FrameType>{
                         FrameType::kConnect, FrameType::kConnectAck, FrameType::kConnectError,
                         FrameType::kDisconnect, FrameType::kPing, FrameType::kPong,
                         FrameType::kWorkerRegister, FrameType::kWorkerRegisterAck}));
}

TEST(FrameTypeTest, TypeIdFollowsTheBody) {
  EXPECT_EQ((Frame{0, 0, Connect{}}).type_id(), 0x01);
  EXPECT_EQ((Frame{0, 1, Publish{}}).type_id(), 0x09);
  EXPECT_EQ((Frame{0, 1, Deliver{}}).type_id(), 0x19);
  EXPECT_EQ((Frame{0, 1, UnknownFrame{0xEE, ""}}).type_id(), 0xEE);
}

TEST(DecodeErrorTest, ClassNamesRoundTrip) {
  for (DecodeErrorClass error_class :
       {DecodeErrorClass::kIncompleteHeader, DecodeErrorClass::kTruncatedPayload,
        DecodeErrorClass::kInvalidStream, DecodeErrorClass::kCodecError}) {
    EXPECT_EQ(DecodeErrorClassFromName(DecodeErrorClassName(error_class)), error_class);
  }
  EXPECT_EQ(DecodeErrorClassName(DecodeErrorClass::kTruncatedPayload), "TruncatedPayload");
  EXPECT_EQ(DecodeErrorClassFromName("UnknownFrameType"), std::nullopt);
}

TEST(ReasonCodeTest, NamesTheTableAndNothingElse) {
  EXPECT_EQ(ReasonCodeName(0x0007), "VersionMismatch");
  EXPECT_EQ(ReasonCodeName(ToWire(ReasonCode::kCodecError)), "CodecError");
  EXPECT_EQ(ReasonCodeName(0x0100), "E_UNKNOWN_CHANNEL");
  EXPECT_EQ(ReasonCodeName(0x0109), "E_LIMIT");
  EXPECT_EQ(ReasonCodeName(0x010A), "E_FORBIDDEN");
  EXPECT_EQ(ReasonCodeName(0xFFFF), "E_INTERNAL");
  EXPECT_EQ(ReasonCodeName(0x0000), "");
  EXPECT_EQ(ReasonCodeName(0x000A), "");
  EXPECT_EQ(ReasonCodeName(0x010B), "");
}

}  // namespace
}  // namespace liminal::protocol
