#include "core/server/services/conversations/responder_registry.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/server/services/conversations/echo_responder.h"

namespace liminal::server::services {

using runtime::MutexLock;

absl::Status ResponderRegistry::Register(std::string subject, ResponderFactory factory) {
  if (factory == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("responder factory for subject '", subject, "' is null"));
  }
  MutexLock lock(*mu_);
  auto [it, inserted] = factories_.try_emplace(std::move(subject), std::move(factory));
  if (!inserted) {
    return absl::AlreadyExistsError(
        absl::StrCat("subject '", it->first, "' already has a responder"));
  }
  return absl::OkStatus();
}

absl::Status ResponderRegistry::RegisterPrefix(std::string prefix, ResponderFactory factory) {
  if (prefix.empty()) return absl::InvalidArgumentError("responder subject prefix is empty");
  if (factory == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("responder factory for prefix '", prefix, "' is null"));
  }
  MutexLock lock(*mu_);
  auto [it, inserted] = prefixes_.try_emplace(std::move(prefix), std::move(factory));
  if (!inserted) {
    return absl::AlreadyExistsError(
        absl::StrCat("subject prefix '", it->first, "' already has a responder"));
  }
  return absl::OkStatus();
}

bool ResponderRegistry::Unregister(std::string_view subject) {
  MutexLock lock(*mu_);
  auto it = factories_.find(subject);
  if (it == factories_.end()) return false;
  factories_.erase(it);
  return true;
}

bool ResponderRegistry::Contains(std::string_view subject) const {
  MutexLock lock(*mu_);
  return factories_.find(subject) != factories_.end();
}

std::unique_ptr<Responder> ResponderRegistry::Create(std::string_view subject) const {
  ResponderFactory factory;
  {
    MutexLock lock(*mu_);
    auto it = factories_.find(subject);
    if (it != factories_.end()) {
      factory = it->second;
    } else {
      // The longest registered prefix of `subject` wins (a handful of prefixes at most).
      size_t best = 0;
      for (const auto& [prefix, candidate] : prefixes_) {
        if (prefix.size() > best && subject.substr(0, prefix.size()) == prefix) {
          best = prefix.size();
          factory = candidate;
        }
      }
    }
  }
  if (factory == nullptr) return std::make_unique<EchoResponder>();
  return factory();
}

}  // namespace liminal::server::services
