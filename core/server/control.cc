#include "core/server/control.h"

namespace liminal::server {

const char* ControlName(const Control& control) {
  struct Namer {
    const char* operator()(const NotifyShutdownControl&) const { return "NotifyShutdown"; }
    const char* operator()(const ForceCloseControl&) const { return "ForceClose"; }
    const char* operator()(const PushControl&) const { return "Push"; }
  };
  return std::visit(Namer{}, control);
}

}  // namespace liminal::server
