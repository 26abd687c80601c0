#include "bench/driver.h"

#include "absl/strings/str_cat.h"

namespace liminal::bench {

const char* SystemName(System system) {
  switch (system) {
    case System::kLiminald:
      return "liminald";
    case System::kNats:
      return "nats";
    case System::kRedis:
      return "redis";
  }
  return "?";
}

const char* ServerModeName(ServerMode mode) {
  switch (mode) {
    case ServerMode::kDefault:
      return "default";
    case ServerMode::kDurable:
      return "durable";
    case ServerMode::kTls:
      return "tls";
  }
  return "?";
}

absl::Status Driver::StartServer(ServerMode mode) {
  StopServer();
  server_mode_ = mode;
  absl::StatusOr<std::unique_ptr<ServerProcess>> server = LaunchServer(mode);
  if (!server.ok()) return server.status();
  server_ = *std::move(server);
  return absl::OkStatus();
}

void Driver::StopServer() {
  if (server_ == nullptr) return;
  (void)server_->Stop();
  server_.reset();
}

absl::StatusOr<LatencyResult> Driver::RunPushRoundTrip(const LatencySpec&) {
  return absl::UnimplementedError(
      absl::StrCat(SystemName(system()), " has no server-initiated push to registered workers"));
}

absl::StatusOr<LoadLatencyResult> Driver::RunPublishLatency(const LoadLatencySpec&) {
  return absl::UnimplementedError(absl::StrCat(
      "the latency-under-load workload is not implemented for ", SystemName(system())));
}

std::string PubSubChannel(int index, int channels) {
  return channels <= 1 ? std::string("bench") : absl::StrCat("bench.", index);
}

absl::StatusOr<LatencyResult> Driver::RunDurablePublish(const LatencySpec&) {
  return absl::UnimplementedError(absl::StrCat(SystemName(system()), " has no durable channels"));
}

absl::StatusOr<const ServerProcess*> Driver::RunningServer(ServerMode mode) const {
  absl::StatusOr<const ServerProcess*> server = RunningServer();
  if (server.ok() && server_mode_ != mode) {
    return absl::FailedPreconditionError(
        absl::StrCat(SystemName(system()), " server runs in ", ServerModeName(server_mode_),
                     " mode; the workload needs ", ServerModeName(mode), " mode"));
  }
  return server;
}

absl::StatusOr<const ServerProcess*> Driver::RunningServer() const {
  if (server_ == nullptr || !server_->running()) {
    return absl::FailedPreconditionError(
        absl::StrCat(SystemName(system()), " server is not running"));
  }
  return server_.get();
}

}  // namespace liminal::bench
