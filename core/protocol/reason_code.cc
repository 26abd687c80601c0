#include "core/protocol/reason_code.h"

namespace liminal::protocol {

std::string_view ReasonCodeName(uint16_t code) {
  switch (static_cast<ReasonCode>(code)) {
    case ReasonCode::kIncompleteHeader:
      return "IncompleteHeader";
    case ReasonCode::kTruncatedPayload:
      return "TruncatedPayload";
    case ReasonCode::kUnknownFrameType:
      return "UnknownFrameType";
    case ReasonCode::kInvalidStream:
      return "InvalidStream";
    case ReasonCode::kInvalidStateTransition:
      return "InvalidStateTransition";
    case ReasonCode::kAuthenticationFailure:
      return "AuthenticationFailure";
    case ReasonCode::kVersionMismatch:
      return "VersionMismatch";
    case ReasonCode::kSchemaIncompatible:
      return "SchemaIncompatible";
    case ReasonCode::kCodecError:
      return "CodecError";
    case ReasonCode::kUnknownChannel:
      return "E_UNKNOWN_CHANNEL";
    case ReasonCode::kSchemaInvalid:
      return "E_SCHEMA_INVALID";
    case ReasonCode::kSlowConsumer:
      return "E_SLOW_CONSUMER";
    case ReasonCode::kConversationOpen:
      return "E_CONVERSATION_OPEN";
    case ReasonCode::kConversationUnknown:
      return "E_CONVERSATION_UNKNOWN";
    case ReasonCode::kReplyTimeout:
      return "E_REPLY_TIMEOUT";
    case ReasonCode::kParticipantCrashed:
      return "E_PARTICIPANT_CRASHED";
    case ReasonCode::kStorage:
      return "E_STORAGE";
    case ReasonCode::kShuttingDown:
      return "E_SHUTTING_DOWN";
    case ReasonCode::kLimit:
      return "E_LIMIT";
    case ReasonCode::kForbidden:
      return "E_FORBIDDEN";
    case ReasonCode::kInternal:
      return "E_INTERNAL";
  }
  return {};
}

}  // namespace liminal::protocol
