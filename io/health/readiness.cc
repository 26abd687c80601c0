#include "io/health/readiness.h"

#include <string>
#include <vector>

namespace liminal::io {

Readiness::Readiness(const std::vector<absl::string_view>& conditions) {
  for (absl::string_view condition : conditions) conditions_.emplace_back(condition, false);
}

void Readiness::Set(absl::string_view condition, bool met) {
  absl::MutexLock lock(&mu_);
  for (auto& [name, value] : conditions_) {
    if (name == condition) value = met;
  }
}

bool Readiness::IsReady() const {
  absl::MutexLock lock(&mu_);
  for (const auto& entry : conditions_) {
    if (!entry.second) return false;
  }
  return true;
}

std::vector<std::string> Readiness::Unmet() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> unmet;
  for (const auto& [name, met] : conditions_) {
    if (!met) unmet.push_back(name);
  }
  return unmet;
}

}  // namespace liminal::io
