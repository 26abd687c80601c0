#include "core/server/services/conversations/participant_process.h"

#include <utility>

namespace liminal::server::services {

ParticipantProcess::ParticipantProcess(std::unique_ptr<Responder> responder,
                                       std::shared_ptr<ParticipantInbox> inbox,
                                       uint64_t conversation_id, std::string subject)
    : responder_(std::move(responder)),
      inbox_(std::move(inbox)),
      conversation_id_(conversation_id),
      subject_(std::move(subject)) {}

void ParticipantProcess::OnStart(runtime::ProcessContext& ctx) { pid_ = ctx.self(); }

void ParticipantProcess::OnMessage(runtime::ProcessContext& ctx, runtime::Message& message) {
  if (!std::holds_alternative<runtime::Wake>(message)) return;
  const bool stop = inbox_->Drain(batch_);
  while (!batch_.empty() && !crash_.has_value() && !stop) {
    ParticipantRequest request = std::move(batch_.front());
    batch_.pop_front();
    responder_->OnMessage(*this, std::move(request.payload), std::move(request.reply));
  }
  batch_.clear();
  if (crash_.has_value()) {
    ctx.Exit(runtime::ExitReason::Error(*crash_));
  } else if (stop) {
    ctx.Exit(runtime::ExitReason::Normal());
  }
}

void ParticipantProcess::Crash(std::string detail) {
  if (!crash_.has_value()) crash_ = std::move(detail);
}

}  // namespace liminal::server::services
