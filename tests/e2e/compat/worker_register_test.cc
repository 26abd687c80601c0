// WorkerRegister from the newest reference SDKs (reference-compat.md §1b): an activity census
// (u32 count, then name / input_schema_json / output_schema_json per entry) after `identity`.
// The real liminald must accept both forms, with an empty or non-empty census, and keep the
// connection usable; bytes after the census are still a codec error. The frames are built by
// hand (the census is not something the codec under test should be trusted to write).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/protocol/frame_type.h"
#include "core/protocol/reason_code.h"
#include "tests/e2e/compat/compat_test_util.h"

namespace liminal::e2e::compat {
namespace {

// The spec's example: namespace "ns", task queue "q", no node, no activity types, identity
// "id", empty census (the newest encoder always writes the count).
constexpr absl::string_view kSpecExampleHex =
    "1700000000000000001e00000001000000026e730000000171000000000000000002696400000000";

struct CensusEntry {
  std::string name;
  std::string input_schema_json;
  std::string output_schema_json;
};

// WorkerRegister(namespaces ["ns"], task queue "q", no node, no activity types, identity "id"),
// then the census when given, then `extra` bytes.
std::string WorkerRegisterBytes(const std::optional<std::vector<CensusEntry>>& census,
                                absl::string_view extra = "") {
  std::string payload;
  AppendU32(payload, 1);  // namespaces
  AppendString(payload, "ns");
  AppendString(payload, "q");  // task_queue
  payload.push_back('\0');     // node: absent
  AppendU32(payload, 0);       // activity_types
  AppendString(payload, "id");
  if (census.has_value()) {
    AppendU32(payload, static_cast<uint32_t>(census->size()));
    for (const CensusEntry& entry : *census) {
      AppendString(payload, entry.name);
      AppendString(payload, entry.input_schema_json);
      AppendString(payload, entry.output_schema_json);
    }
  }
  payload.append(extra.data(), extra.size());
  return FrameBytes(static_cast<uint8_t>(protocol::FrameType::kWorkerRegister), 0, 0, payload);
}

class WorkerRegisterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = StartReference();
    ASSERT_TRUE(daemon.ok()) << daemon.status();
    daemon_ = *std::move(daemon);
  }

  // Registers with `bytes` on a fresh SDK connection: accepted, then Ping -> Pong.
  void ExpectAcceptedAndUsable(const std::string& bytes) {
    absl::StatusOr<RawClient> worker = SdkConnect(*daemon_);
    ASSERT_TRUE(worker.ok()) << worker.status();
    ASSERT_TRUE(worker->SendBytes(bytes).ok());
    absl::StatusOr<protocol::WorkerRegisterAck> ack =
        NextAs<protocol::WorkerRegisterAck>(*worker, /*stream=*/0);
    ASSERT_TRUE(ack.ok()) << ack.status();
    EXPECT_TRUE(ack->accepted()) << *ack->rejection_reason;
    ASSERT_TRUE(worker->Send(protocol::MakeFrame(protocol::Ping{})).ok());
    absl::StatusOr<protocol::Pong> pong = NextAs<protocol::Pong>(*worker, /*stream=*/0);
    EXPECT_TRUE(pong.ok()) << "after the registration: " << pong.status();
  }

  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(WorkerRegisterTest, SpecExampleWithAnEmptyCensusIsAcceptedAndTheConnectionStaysUsable) {
  const std::string bytes = BytesFromHex(kSpecExampleHex);
  ASSERT_EQ(bytes.size(), 40u);
  ASSERT_EQ(bytes, WorkerRegisterBytes(std::vector<CensusEntry>{}));  // the helper agrees
  ExpectAcceptedAndUsable(bytes);
}

TEST_F(WorkerRegisterTest, NonEmptyCensusIsAcceptedAndTheConnectionStaysUsable) {
  ExpectAcceptedAndUsable(WorkerRegisterBytes(std::vector<CensusEntry>{
      {"charge", R"({"type":"object"})", R"({"type":"string"})"},
      {"refund", "{}", ""},
  }));
}

TEST_F(WorkerRegisterTest, RegistrationWithoutCensusIsStillAccepted) {
  ExpectAcceptedAndUsable(WorkerRegisterBytes(std::nullopt));  // the 0.2.3 SDK's form
}

TEST_F(WorkerRegisterTest, BytesAfterTheCensusAreStillACodecError) {
  absl::StatusOr<RawClient> worker = SdkConnect(*daemon_);
  ASSERT_TRUE(worker.ok()) << worker.status();
  ASSERT_TRUE(worker->SendBytes(WorkerRegisterBytes(std::vector<CensusEntry>{}, "x")).ok());
  absl::StatusOr<protocol::ConnectError> refused = worker->NextConnectError();
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->reason_code, protocol::ToWire(protocol::ReasonCode::kCodecError));
  EXPECT_TRUE(worker->ExpectClosed().ok());
}

}  // namespace
}  // namespace liminal::e2e::compat
