#include "sim/services/sim_services.h"

#include "absl/strings/str_cat.h"
#include "sim/services/sim_session.h"

namespace liminal::sim {

SimServices::SimServices(SimRuntime& runtime) : runtime_(runtime), mu_(runtime.NewMutex()) {}

SimServices::~SimServices() = default;

bool SimServices::KnownChannel(const std::string& channel) {
  return channel == "orders" || channel == "events" || channel == "audit";
}

std::unique_ptr<server::ConnectionSession> SimServices::OpenSession() {
  const uint64_t id = next_session_++;
  auto session = std::make_unique<SimSession>(*this, id);
  runtime::MutexLock lock(*mu_);
  sessions_.emplace(id, session.get());
  return session;
}

absl::Status SimServices::FlushDurableState() {
  if (!flush_error_.ok()) return flush_error_;
  SimDisk& disk = runtime_.file_system();
  absl::Status status = disk.CreateDirectories("/data/liminal");
  if (!status.ok()) return status;
  absl::StatusOr<std::unique_ptr<runtime::File>> file = disk.OpenAppend("/data/liminal/state");
  if (!file.ok()) return file.status();
  std::string record;
  {
    runtime::MutexLock lock(*mu_);
    for (const auto& [channel, next] : next_message_id_) {
      absl::StrAppend(&record, channel, "=", next - 1, ";");
    }
  }
  absl::StrAppend(&record, "\n");
  status = (*file)->Append(record);
  if (!status.ok()) return status;
  return (*file)->Sync();
}

void SimServices::RegisterResponder(const std::string& subject, ResponderKind kind,
                                    absl::Duration delay) {
  runtime::MutexLock lock(*mu_);
  responders_[subject] = Responder{kind, delay};
}

std::vector<uint64_t> SimServices::UnreleasedSessions() const {
  std::vector<uint64_t> ids;
  for (uint64_t id = 1; id < next_session_; ++id) {
    if (!released_.contains(id)) ids.push_back(id);
  }
  return ids;
}

}  // namespace liminal::sim
