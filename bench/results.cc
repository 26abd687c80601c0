#include "bench/results.h"

namespace liminal::bench {

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk:
      return "ok";
    case Outcome::kUnavailable:
      return "unavailable";
    case Outcome::kError:
      return "error";
  }
  return "?";
}

std::optional<double> SystemResult::Median(const std::string& key) const {
  if (outcome != Outcome::kOk) return std::nullopt;
  auto it = medians.find(key);
  if (it == medians.end()) return std::nullopt;
  return it->second;
}

const SystemResult* WorkloadResult::Find(System system) const {
  for (const SystemResult& result : systems) {
    if (result.system == system) return &result;
  }
  return nullptr;
}

}  // namespace liminal::bench
