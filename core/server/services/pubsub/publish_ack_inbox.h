// PublishAckInbox: one connection's inbox of answers to durable publishes that waited for an
// fsync (fsync = "always", server-behaviour.md §5). The channel's commit, which runs off the
// connection's process (on a blocking-I/O thread, or a fiber in the simulation), posts the
// PublishAck or PublishError frame here and wakes the connection, whose Pump sends it. So a
// durable publish never blocks its connection while the disk syncs.
//
//   auto inbox = std::make_shared<PublishAckInbox>(runtime.NewMutex(), scheduler);
//   inbox->SetOwner(pid);                                    // connection side, once
//   inbox->Post(MakeFrame(protocol::PublishAck{id}, stream, flags));   // commit side
//   inbox->Take(frames);                                     // connection side, in Pump
//   inbox->Shutdown();                                       // release: drops what is left
//
// Thread-safe; its mutex is a leaf (nothing is called while holding it).
#ifndef LIMINAL_CORE_SERVER_SERVICES_PUBLISH_ACK_INBOX_H_
#define LIMINAL_CORE_SERVER_SERVICES_PUBLISH_ACK_INBOX_H_

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "core/protocol/frame.h"
#include "core/runtime/mutex.h"
#include "core/runtime/pid.h"
#include "core/runtime/scheduler.h"

namespace liminal::server::services {

class PublishAckInbox {
 public:
  PublishAckInbox(std::unique_ptr<runtime::Mutex> mu, runtime::Scheduler& scheduler)
      : mu_(std::move(mu)), scheduler_(scheduler) {}
  PublishAckInbox(const PublishAckInbox&) = delete;
  PublishAckInbox& operator=(const PublishAckInbox&) = delete;

  void SetOwner(runtime::Pid owner);
  // Queues `frame` and wakes the owner when the inbox was empty. Dropped after Shutdown.
  void Post(protocol::Frame frame);
  // Moves every queued frame to the end of `out`, oldest first.
  void Take(std::vector<protocol::Frame>& out);
  void Shutdown();

 private:
  std::unique_ptr<runtime::Mutex> mu_;
  runtime::Scheduler& scheduler_;
  runtime::Pid owner_ ABSL_GUARDED_BY(*mu_) = runtime::kNoPid;
  std::vector<protocol::Frame> frames_ ABSL_GUARDED_BY(*mu_);
  bool shut_down_ ABSL_GUARDED_BY(*mu_) = false;
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_PUBLISH_ACK_INBOX_H_
