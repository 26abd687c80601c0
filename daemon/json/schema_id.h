// Channel schema ids (server-behaviour.md §2): the SHA-256 of the channel's JSON Schema file
// bytes, or of its `schema_ref` text when it has no schema file. Sent in SubscribeAck and
// compared against Subscribe's accepted_schemas.
//
//   protocol::SchemaId id = ChannelSchemaId(channel_config);
//   protocol::SchemaId raw = Sha256SchemaId("orders-v1");
#ifndef LIMINAL_DAEMON_JSON_SCHEMA_ID_H_
#define LIMINAL_DAEMON_JSON_SCHEMA_ID_H_

#include <string_view>

#include "core/config/server_config.h"
#include "core/protocol/envelope.h"

namespace liminal::daemon {

// SHA-256 of `bytes` (OpenSSL).
protocol::SchemaId Sha256SchemaId(std::string_view bytes);

// SHA-256 of channel.schema_document when channel.schema is set, else of channel.schema_ref.
protocol::SchemaId ChannelSchemaId(const config::ChannelConfig& channel);

}  // namespace liminal::daemon

#endif  // LIMINAL_DAEMON_JSON_SCHEMA_ID_H_
