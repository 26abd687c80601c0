// ParticipantProcess: the runtime process that runs one conversation's Responder
// (server-behaviour.md §4). Running each participant as its own process is what makes
// participant crashes real: Kill, a responder's ctx.Crash(), or any other exit the
// connection did not ask for reaches the connection through an exit monitor, and the client
// gets E_PARTICIPANT_CRASHED. The connection stops it (normal exit) when the conversation
// or the connection closes.
//
//   auto inbox = std::make_shared<ParticipantInbox>(runtime.NewMutex());
//   Pid pid = scheduler.Spawn(std::make_unique<ParticipantProcess>(
//       std::move(responder), inbox, conversation_id, subject), {.name = "participant"});
#ifndef LIMINAL_CORE_SERVER_SERVICES_PARTICIPANT_PROCESS_H_
#define LIMINAL_CORE_SERVER_SERVICES_PARTICIPANT_PROCESS_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "core/runtime/process.h"
#include "core/server/services/conversations/participant_inbox.h"
#include "core/server/services/conversations/responder.h"

namespace liminal::server::services {

class ParticipantProcess final : public runtime::Process, private ParticipantContext {
 public:
  ParticipantProcess(std::unique_ptr<Responder> responder, std::shared_ptr<ParticipantInbox> inbox,
                     uint64_t conversation_id, std::string subject);

  void OnStart(runtime::ProcessContext& ctx) override;
  void OnMessage(runtime::ProcessContext& ctx, runtime::Message& message) override;

 private:
  // ParticipantContext
  runtime::Pid pid() const override { return pid_; }
  uint64_t conversation_id() const override { return conversation_id_; }
  const std::string& subject() const override { return subject_; }
  void Crash(std::string detail) override;

  std::unique_ptr<Responder> responder_;
  std::shared_ptr<ParticipantInbox> inbox_;
  const uint64_t conversation_id_;
  const std::string subject_;
  runtime::Pid pid_ = runtime::kNoPid;
  std::optional<std::string> crash_;
  std::deque<ParticipantRequest> batch_;
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_PARTICIPANT_PROCESS_H_
