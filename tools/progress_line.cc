#include "tools/progress_line.h"

namespace liminal::tools {
namespace {

constexpr char kEraseToEndOfLine[] = "\x1b[K";

}  // namespace

bool ProgressLine::Update(absl::Time now, const std::function<std::string()>& text) {
  if (!enabled_ || now - last_draw_ < refresh_) return false;
  out_ << '\r' << text() << kEraseToEndOfLine << std::flush;
  last_draw_ = now;
  drawn_ = true;
  return true;
}

void ProgressLine::Clear() {
  if (!drawn_) return;
  out_ << '\r' << kEraseToEndOfLine << std::flush;
  drawn_ = false;
}

}  // namespace liminal::tools
