#include "client/client_error.h"

#include <string>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "core/protocol/reason_code.h"

namespace liminal::client {
namespace {

using protocol::ReasonCode;

constexpr ErrorKind kAllKinds[] = {ErrorKind::kServer, ErrorKind::kDisconnected,
                                   ErrorKind::kTimeout, ErrorKind::kProtocol,
                                   ErrorKind::kCancelled};

absl::StatusCode StatusCodeForReason(uint16_t code) {
  switch (static_cast<ReasonCode>(code)) {
    case ReasonCode::kAuthenticationFailure:
      return absl::StatusCode::kUnauthenticated;
    case ReasonCode::kVersionMismatch:
    case ReasonCode::kSchemaIncompatible:
    case ReasonCode::kInvalidStateTransition:
      return absl::StatusCode::kFailedPrecondition;
    case ReasonCode::kIncompleteHeader:
    case ReasonCode::kTruncatedPayload:
    case ReasonCode::kUnknownFrameType:
    case ReasonCode::kInvalidStream:
    case ReasonCode::kCodecError:
    case ReasonCode::kSchemaInvalid:
      return absl::StatusCode::kInvalidArgument;
    case ReasonCode::kUnknownChannel:
    case ReasonCode::kConversationUnknown:
      return absl::StatusCode::kNotFound;
    case ReasonCode::kConversationOpen:
      return absl::StatusCode::kAlreadyExists;
    case ReasonCode::kSlowConsumer:
    case ReasonCode::kLimit:
      return absl::StatusCode::kResourceExhausted;
    case ReasonCode::kReplyTimeout:
      return absl::StatusCode::kDeadlineExceeded;
    case ReasonCode::kParticipantCrashed:
      return absl::StatusCode::kAborted;
    case ReasonCode::kStorage:
    case ReasonCode::kShuttingDown:
      return absl::StatusCode::kUnavailable;
    case ReasonCode::kForbidden:
      return absl::StatusCode::kPermissionDenied;
    case ReasonCode::kInternal:
      return absl::StatusCode::kInternal;
  }
  return absl::StatusCode::kUnknown;
}

// Payload text: "<kind>" or "<kind> 0x<code>", e.g. "server 0x0102".
absl::Status WithPayload(absl::Status status, ClientError error) {
  std::string text(ErrorKindName(error.kind));
  if (error.reason_code.has_value()) {
    absl::StrAppendFormat(&text, " 0x%04x", *error.reason_code);
  }
  status.SetPayload(kClientErrorTypeUrl, absl::Cord(text));
  return status;
}

std::optional<ErrorKind> KindFromName(std::string_view name) {
  for (ErrorKind kind : kAllKinds) {
    if (ErrorKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

}  // namespace

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kServer:
      return "server";
    case ErrorKind::kDisconnected:
      return "disconnected";
    case ErrorKind::kTimeout:
      return "timeout";
    case ErrorKind::kProtocol:
      return "protocol";
    case ErrorKind::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

std::optional<ClientError> GetClientError(const absl::Status& status) {
  auto payload = status.GetPayload(kClientErrorTypeUrl);  // absl::optional<absl::Cord>
  if (!payload.has_value()) return std::nullopt;
  std::vector<std::string> parts = absl::StrSplit(std::string(*payload), ' ');
  if (parts.empty() || parts.size() > 2) return std::nullopt;
  std::optional<ErrorKind> kind = KindFromName(parts[0]);
  if (!kind.has_value()) return std::nullopt;
  ClientError error{*kind, std::nullopt};
  if (parts.size() == 2) {
    uint32_t code = 0;
    if (!absl::SimpleHexAtoi(parts[1], &code) || code > 0xFFFF) return std::nullopt;
    error.reason_code = static_cast<uint16_t>(code);
  }
  return error;
}

std::optional<uint16_t> GetReasonCode(const absl::Status& status) {
  std::optional<ClientError> error = GetClientError(status);
  return error.has_value() ? error->reason_code : std::nullopt;
}

bool IsDisconnected(const absl::Status& status) {
  std::optional<ClientError> error = GetClientError(status);
  return error.has_value() && error->kind == ErrorKind::kDisconnected;
}

bool IsClientTimeout(const absl::Status& status) {
  std::optional<ClientError> error = GetClientError(status);
  return error.has_value() && error->kind == ErrorKind::kTimeout;
}

std::string DescribeReasonCode(uint16_t code) {
  std::string_view name = protocol::ReasonCodeName(code);
  if (name.empty()) return absl::StrFormat("0x%04x", code);
  return absl::StrFormat("%s (0x%04x)", name, code);
}

absl::Status ServerError(uint16_t reason_code, const std::optional<std::string>& text) {
  std::string message = DescribeReasonCode(reason_code);
  if (text.has_value() && !text->empty()) absl::StrAppend(&message, ": ", *text);
  return WithPayload(absl::Status(StatusCodeForReason(reason_code), message),
                     {ErrorKind::kServer, reason_code});
}

absl::Status DisconnectedError(absl::string_view cause, std::optional<uint16_t> reason_code) {
  return WithPayload(absl::UnavailableError(absl::StrCat("disconnected: ", cause)),
                     {ErrorKind::kDisconnected, reason_code});
}

absl::Status ClientTimeoutError(absl::string_view what) {
  return WithPayload(absl::DeadlineExceededError(absl::StrCat("timeout: ", what)),
                     {ErrorKind::kTimeout, std::nullopt});
}

absl::Status ProtocolError(absl::string_view what, std::optional<uint16_t> reason_code) {
  return WithPayload(absl::DataLossError(absl::StrCat("protocol error: ", what)),
                     {ErrorKind::kProtocol, reason_code});
}

absl::Status ProtocolErrorFromServer(const protocol::FrameStreamError& error) {
  if (error.oversize()) {
    return ProtocolError(absl::StrFormat(
        "incoming frame of %u bytes (type 0x%02x, stream %u) exceeds the client limit of %u "
        "bytes",
        error.header.frame_size(), error.header.type_id, error.header.stream_id,
        error.max_frame_bytes));
  }
  return ProtocolError(
      absl::StrFormat("malformed frame from server (type 0x%02x, stream %u): %s: %s",
                      error.header.type_id, error.header.stream_id,
                      protocol::DecodeErrorClassName(error.decode->error_class),
                      error.decode->detail),
      protocol::ToWire(error.reason()));
}

absl::Status CancelledError(absl::string_view what) {
  return WithPayload(absl::CancelledError(what), {ErrorKind::kCancelled, std::nullopt});
}

}  // namespace liminal::client
