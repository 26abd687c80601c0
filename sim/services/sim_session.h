// One connection's application state in the SimServices double (see sim_services.h):
// its subscriptions, conversations, and the frames waiting to be pumped (deliveries from
// other connections' publishes, late conversation replies).
#ifndef LIMINAL_SIM_SERVICES_SIM_SESSION_H_
#define LIMINAL_SIM_SERVICES_SIM_SESSION_H_

#include <cstdint>
#include <deque>
#include <string>

#include "absl/container/btree_map.h"
#include "core/protocol/frame.h"
#include "core/runtime/pid.h"
#include "core/server/connection_services.h"

namespace liminal::sim {

class SimServices;

class SimSession final : public server::ConnectionSession {
 public:
  SimSession(SimServices& services, uint64_t id) : services_(services), id_(id) {}

  void OnSubscribe(const protocol::Frame& frame, protocol::Subscribe& subscribe,
                   server::ConnectionOutput& out) override;
  void OnUnsubscribe(const protocol::Frame& frame, protocol::Unsubscribe& unsubscribe,
                     server::ConnectionOutput& out) override;
  void OnPublish(const protocol::Frame& frame, protocol::Publish& publish,
                 server::ConnectionOutput& out) override;
  void OnConversationOpen(const protocol::Frame& frame, protocol::ConversationOpen& open,
                          server::ConnectionOutput& out) override;
  void OnConversationMessage(const protocol::Frame& frame, protocol::ConversationMessage& message,
                             server::ConnectionOutput& out) override;
  void OnConversationClose(const protocol::Frame& frame, protocol::ConversationClose& close,
                           server::ConnectionOutput& out) override;
  void OnAccept(const protocol::Frame& frame, protocol::Accept& accept,
                server::ConnectionOutput& out) override;
  void OnDefer(const protocol::Frame& frame, protocol::Defer& defer,
               server::ConnectionOutput& out) override;
  void OnReject(const protocol::Frame& frame, protocol::Reject& reject,
                server::ConnectionOutput& out) override;
  void Pump(server::ConnectionOutput& out) override;
  bool HasSubscriptions() const override;
  void Release() override;

  uint64_t id() const { return id_; }

 private:
  friend class SimServices;
  struct Subscription {
    std::string channel;
    uint32_t stream = 0;
    uint64_t next_seq = 1;
  };
  struct Conversation {
    std::string subject;
    uint32_t stream = 0;
  };
  // A frame queued by someone else, waiting for this connection's next Pump.
  struct Pending {
    uint64_t subscription = 0;  // 0: not a delivery
    protocol::Frame frame;
  };

  void HandleSubscribe(const protocol::Frame& frame, const protocol::Subscribe& subscribe,
                       server::ConnectionOutput& out);
  void HandlePublish(const protocol::Frame& frame, const protocol::Publish& publish,
                     server::ConnectionOutput& out);
  void HandleConversationMessage(const protocol::Frame& frame,
                                 const protocol::ConversationMessage& message,
                                 server::ConnectionOutput& out);
  // Enter(call) and learn the pid: the start of every frame handler.
  void Begin(const char* call, server::ConnectionOutput& out);
  void Enter(const char* call);
  void Leave() { --in_call_; }

  SimServices& services_;
  const uint64_t id_;
  runtime::Pid pid_ = runtime::kNoPid;  // learned on the first frame handler
  int in_call_ = 0;
  bool released_ = false;
  // Guarded by the services' mutex.
  uint64_t next_subscription_ = 1;
  absl::btree_map<uint64_t, Subscription> subscriptions_;
  std::deque<Pending> pending_;
  // Process-local.
  absl::btree_map<uint64_t, Conversation> conversations_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_SERVICES_SIM_SESSION_H_
