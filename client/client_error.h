// Typed errors of the liminal client library, carried inside absl::Status.
//
//   absl::StatusOr<PublishResult> r = client->Publish("orders", "{}", absl::Seconds(5));
//   if (!r.ok()) {
//     if (std::optional<uint16_t> code = GetReasonCode(r.status());
//         code == protocol::ToWire(protocol::ReasonCode::kUnknownChannel)) { ... }
//     if (IsDisconnected(r.status())) { /* reconnect */ }
//     std::cerr << r.status();  // "E_UNKNOWN_CHANNEL (0x0100): channel 'orders' ..."
//   }
//
// Every status produced by the client carries a ClientError payload saying where the error
// came from (ErrorKind) and, when the server sent one, its numeric reason code. The message
// always names the reason code (protocol::ReasonCodeName) next to the server's text, so a
// logged status is readable without the payload.
//
// Status codes: server reason codes map to the closest absl code (E_UNKNOWN_CHANNEL →
// NOT_FOUND, E_SLOW_CONSUMER → RESOURCE_EXHAUSTED, AuthenticationFailure → UNAUTHENTICATED,
// E_FORBIDDEN → PERMISSION_DENIED,
// ...); a lost connection is UNAVAILABLE; a client-side timeout is DEADLINE_EXCEEDED; a
// malformed or oversize frame from the server is DATA_LOSS; an operation on a conversation
// or subscription the caller already closed is CANCELLED.
//
// Thread-safety: free functions on values; safe from any thread.
#ifndef LIMINAL_CLIENT_CLIENT_ERROR_H_
#define LIMINAL_CLIENT_CLIENT_ERROR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "core/protocol/frame_stream.h"

namespace liminal::client {

enum class ErrorKind : uint8_t {
  kServer,        // the server refused the operation (an *Error frame with a reason code)
  kDisconnected,  // the connection ended before the operation completed
  kTimeout,       // a client-side deadline passed
  kProtocol,      // the server sent something the client cannot accept
  kCancelled,     // the caller closed the conversation/subscription/connection first
};

// "server", "disconnected", "timeout", "protocol", "cancelled".
std::string_view ErrorKindName(ErrorKind kind);

struct ClientError {
  ErrorKind kind = ErrorKind::kServer;
  // The server's reason code (wire §5, server-behaviour §9) when one applies. For
  // kDisconnected it is set when the server explained the close with a ConnectError.
  std::optional<uint16_t> reason_code;

  friend bool operator==(const ClientError&, const ClientError&) = default;
};

// The type URL under which ClientError is stored as a status payload.
inline constexpr absl::string_view kClientErrorTypeUrl =
    "type.liminal.dev/liminal.client.ClientError";

// The ClientError attached to `status`, or nullopt (OK statuses and foreign errors).
std::optional<ClientError> GetClientError(const absl::Status& status);

// Shorthand for GetClientError(status)->reason_code.
std::optional<uint16_t> GetReasonCode(const absl::Status& status);

// True iff `status` is a client error of the given kind.
bool IsDisconnected(const absl::Status& status);
bool IsClientTimeout(const absl::Status& status);

// "E_SLOW_CONSUMER (0x0102)", or "0x1234" for a code outside the table.
std::string DescribeReasonCode(uint16_t code);

// An error frame from the server: "<NAME> (0x....): <text>".
absl::Status ServerError(uint16_t reason_code, const std::optional<std::string>& text);

// The connection is gone: "disconnected: <cause>". `reason_code` is the server's close
// reason, if it sent one.
absl::Status DisconnectedError(absl::string_view cause,
                               std::optional<uint16_t> reason_code = std::nullopt);

// A client-side deadline passed: "timeout: <what>".
absl::Status ClientTimeoutError(absl::string_view what);

// The server broke the protocol (malformed or oversize frame, unexpected handshake reply).
absl::Status ProtocolError(absl::string_view what,
                           std::optional<uint16_t> reason_code = std::nullopt);

// The server sent a frame the client's frame stream refused: oversize (no reason code) or
// malformed (CodecError or InvalidStream, as the server would answer it).
absl::Status ProtocolErrorFromServer(const protocol::FrameStreamError& error);

// The caller ended the object the operation belonged to.
absl::Status CancelledError(absl::string_view what);

}  // namespace liminal::client

#endif  // LIMINAL_CLIENT_CLIENT_ERROR_H_
