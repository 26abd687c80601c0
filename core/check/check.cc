#include "core/check/check.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace liminal::check {
namespace {

std::atomic<CheckFailureHandler> installed_handler{nullptr};

}  // namespace

CheckFailureHandler SetCheckFailureHandler(CheckFailureHandler handler) {
  return installed_handler.exchange(handler);
}

void PrintCheckFailure(const CheckFailure& failure) {
  std::fprintf(stderr, "%s:%d: check failed: %s (%.*s)\n", failure.file, failure.line,
               failure.condition, static_cast<int>(failure.message.size()), failure.message.data());
}

void CheckFailed(const char* file, int line, const char* condition, std::string_view message) {
  const CheckFailure failure{file, line, condition, message};
  if (CheckFailureHandler handler = installed_handler.load()) handler(failure);
  PrintCheckFailure(failure);
  std::abort();
}

}  // namespace liminal::check
