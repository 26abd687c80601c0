#include "daemon/json/schema_id.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace liminal::daemon {

protocol::SchemaId Sha256SchemaId(std::string_view bytes) {
  protocol::SchemaId id{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), id.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != id.size()) {
    std::abort();  // SHA-256 is always available in libcrypto; failing here is a broken install
  }
  return id;
}

protocol::SchemaId ChannelSchemaId(const config::ChannelConfig& channel) {
  return Sha256SchemaId(channel.schema.has_value() ? channel.schema_document : channel.schema_ref);
}

}  // namespace liminal::daemon
