#include "core/server/services/conversations/responder.h"

#include <utility>

namespace liminal::server::services {
namespace {

class FunctionResponder final : public Responder {
 public:
  explicit FunctionResponder(std::shared_ptr<const ResponderFunction> on_message)
      : on_message_(std::move(on_message)) {}
  void OnMessage(ParticipantContext& context, std::string payload, ReplyHandle reply) override {
    (*on_message_)(context, std::move(payload), std::move(reply));
  }

 private:
  std::shared_ptr<const ResponderFunction> on_message_;
};

}  // namespace

ResponderFactory ResponderFromFunction(ResponderFunction on_message) {
  auto shared = std::make_shared<const ResponderFunction>(std::move(on_message));
  return [shared]() -> std::unique_ptr<Responder> {
    return std::make_unique<FunctionResponder>(shared);
  };
}

}  // namespace liminal::server::services
