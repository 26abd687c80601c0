// LiminalServices: the server's real ConnectionServices — configured channels with schemas
// and idempotency, subscriptions with credit and slow-consumer shedding, routing rules and
// conversations (server-behaviour.md §2–§4). One instance per server, shared by every
// connection; each connection gets a ServiceSession from OpenSession().
//
//   absl::StatusOr<ServicesOptions> options =
//       ServicesOptionsFromConfig(config, json_backend, &metrics);        // services_config.h
//   absl::StatusOr<std::unique_ptr<LiminalServices>> services =
//       LiminalServices::Create(runtime, *std::move(options));
//   (*services)->responders().Register("pricing", MakePricingResponder);
//   ConnectionSupervisor supervisor(runtime, **services, supervisor_options);
//
// Durable channels open (and recover) their logs in Create, which fails with a message
// naming the channel when a log cannot be opened; recovery() reports what each recovery
// found, for the operator's log. FlushDurableState() fsyncs every durable log (shutdown).
// Routing rules from a durable channel apply once its messages are committed (the
// CommitObserver). The runtime must outlive the services, and the services must outlive the
// supervisor and every session's use (stop the runtime before destroying them). Thread-safe.
#ifndef LIMINAL_CORE_SERVER_SERVICES_LIMINAL_SERVICES_H_
#define LIMINAL_CORE_SERVER_SERVICES_LIMINAL_SERVICES_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/runtime/runtime.h"
#include "core/server/connection_services.h"
#include "core/server/services/conversations/responder_registry.h"
#include "core/server/services/pubsub/channel_registry.h"
#include "core/server/services/routing/routing_table.h"
#include "core/server/services/services_options.h"
#include "core/server/services/session_environment.h"

namespace liminal::server::services {

class LiminalServices final : public ConnectionServices, private CommitObserver {
 public:
  // Fails on a duplicate channel name or a routing rule naming an unknown channel.
  static absl::StatusOr<std::unique_ptr<LiminalServices>> Create(runtime::Runtime& runtime,
                                                                 ServicesOptions options);
  ~LiminalServices() override;

  std::unique_ptr<ConnectionSession> OpenSession() override;
  absl::Status FlushDurableState() override;

  ResponderRegistry& responders() { return *responders_; }
  const ChannelRegistry& channels() const { return *channels_; }
  const RoutingTable& routes() const { return routes_; }

 private:
  void Committed(const Channel& channel, const SharedEnvelope& envelope, WakeList& wakes) override;

  LiminalServices(runtime::Runtime& runtime, const ServicesOptions& options,
                  std::unique_ptr<ChannelRegistry> channels, RoutingTable routes);

  std::unique_ptr<ChannelRegistry> channels_;
  RoutingTable routes_;
  std::unique_ptr<ResponderRegistry> responders_;
  runtime::Runtime& runtime_;
  SessionEnvironment env_;
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_LIMINAL_SERVICES_H_
