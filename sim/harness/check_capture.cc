#include "sim/harness/check_capture.h"

#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"

namespace liminal::sim {
namespace {

// The capture of the run on this thread (explore runs one simulation per thread at a time).
thread_local CheckCapture* current_capture = nullptr;

}  // namespace

CheckCapture::CheckCapture(FiberKernel& kernel, std::string scenario, uint64_t seed)
    : kernel_(kernel), scenario_(std::move(scenario)), seed_(seed), outer_(current_capture) {
  // Idempotent: every capture installs the same handler, which finds its run per thread.
  check::SetCheckFailureHandler(&CheckCapture::OnCheckFailed);
  current_capture = this;
}

CheckCapture::~CheckCapture() { current_capture = outer_; }

void CheckCapture::OnCheckFailed(const check::CheckFailure& failure) {
  CheckCapture* capture = current_capture;
  if (capture == nullptr) return;  // not inside a run: the default report and abort
  if (!capture->kernel_.InFiber()) {
    check::PrintCheckFailure(failure);
    std::fprintf(stderr,
                 "liminal-sim: the check failed outside a fiber in scenario %s, seed 0x%llx\n"
                 "  replay: liminal-sim replay --scenario %s --seed 0x%llx\n",
                 capture->scenario_.c_str(), static_cast<unsigned long long>(capture->seed_),
                 capture->scenario_.c_str(), static_cast<unsigned long long>(capture->seed_));
    return;  // the default aborts
  }
  if (!capture->violation_.has_value()) {
    capture->violation_ = Violation{
        "check",
        absl::StrCat(failure.file, ":", failure.line, ": ", failure.condition, " (",
                     absl::string_view(failure.message.data(), failure.message.size()), ")")};
    capture->kernel_.trace().Add(TraceKind::kNote, 0, 0, 0,
                                 absl::StrCat("CHECK FAILED ", capture->violation_->detail));
  }
  capture->kernel_.RequestStop();
  // Park the failing fiber for good: the code after the check never runs.
  const FiberId self = capture->kernel_.current();
  for (;;) capture->kernel_.Block({WaitKind::kCheckFailed, self});
}

}  // namespace liminal::sim
