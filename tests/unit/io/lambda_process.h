// LambdaProcess: a runtime::Process assembled from callables, for tests that need many small
// processes with different behaviour.
//
//   auto process = std::make_unique<LambdaProcess>(
//       [](ProcessContext& ctx) { /* OnStart */ },
//       [](ProcessContext& ctx, Message& m) { /* OnMessage */ },
//       [] { /* destructor */ });
#ifndef LIMINAL_TESTS_UNIT_IO_LAMBDA_PROCESS_H_
#define LIMINAL_TESTS_UNIT_IO_LAMBDA_PROCESS_H_

#include <functional>
#include <utility>

#include "core/runtime/process.h"

namespace liminal::io::testing {

class LambdaProcess final : public runtime::Process {
 public:
  using StartFn = std::function<void(runtime::ProcessContext&)>;
  using MessageFn = std::function<void(runtime::ProcessContext&, runtime::Message&)>;

  LambdaProcess(StartFn on_start, MessageFn on_message, std::function<void()> on_destroy = {})
      : on_start_(std::move(on_start)),
        on_message_(std::move(on_message)),
        on_destroy_(std::move(on_destroy)) {}
  ~LambdaProcess() override {
    if (on_destroy_) on_destroy_();
  }

  void OnStart(runtime::ProcessContext& ctx) override {
    if (on_start_) on_start_(ctx);
  }
  void OnMessage(runtime::ProcessContext& ctx, runtime::Message& message) override {
    if (on_message_) on_message_(ctx, message);
  }

 private:
  StartFn on_start_;
  MessageFn on_message_;
  std::function<void()> on_destroy_;
};

}  // namespace liminal::io::testing

#endif  // LIMINAL_TESTS_UNIT_IO_LAMBDA_PROCESS_H_
