// Channel schema ids: SHA-256 of the schema file bytes, else of schema_ref.
#include "daemon/json/schema_id.h"

#include <string>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace liminal::daemon {
namespace {

std::string Hex(const protocol::SchemaId& id) {
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(id.data()), id.size()));
}

TEST(SchemaIdTest, Sha256KnownVectors) {
  EXPECT_EQ(Hex(Sha256SchemaId("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Hex(Sha256SchemaId("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Hex(Sha256SchemaId(std::string("a\0b", 3))),
            Hex(Sha256SchemaId(std::string("a\0b", 3))));
  EXPECT_NE(Hex(Sha256SchemaId(std::string("a\0b", 3))), Hex(Sha256SchemaId("a")));
}

TEST(SchemaIdTest, FileBytesWinOverSchemaRef) {
  config::ChannelConfig channel;
  channel.schema_ref = "abc";
  EXPECT_EQ(ChannelSchemaId(channel), Sha256SchemaId("abc"));
  channel.schema = "/etc/liminal/orders.json";
  channel.schema_document = "{\"type\":\"object\"}";
  EXPECT_EQ(ChannelSchemaId(channel), Sha256SchemaId("{\"type\":\"object\"}"));
  // An empty schema file is still "a file": its hash is SHA-256 of no bytes.
  channel.schema_document.clear();
  EXPECT_EQ(Hex(ChannelSchemaId(channel)),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace liminal::daemon
