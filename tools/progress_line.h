// A one-line progress display on stderr for long runs, redrawn in place ("\r" + text +
// erase-to-end-of-line) at most once per refresh interval, and erased when the run ends so
// the summary starts on a clean line. Disabled (draws nothing) unless stderr is a terminal.
//
//   ProgressLine progress(io.err, io.err_is_terminal);
//   for (...) {
//     ...
//     progress.Update(absl::Now(), [&] { return absl::StrCat("pub: ", sent, "/", total); });
//   }
//   progress.Clear();     // the destructor clears too
//
// The text callback runs only when a redraw is due, so building it may be costly.
// Thread-safety: none; use from one thread.
#ifndef LIMINAL_TOOLS_PROGRESS_LINE_H_
#define LIMINAL_TOOLS_PROGRESS_LINE_H_

#include <functional>
#include <ostream>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace liminal::tools {

class ProgressLine {
 public:
  static constexpr absl::Duration kDefaultRefresh = absl::Milliseconds(250);

  ProgressLine(std::ostream& out, bool enabled, absl::Duration refresh = kDefaultRefresh)
      : out_(out), enabled_(enabled), refresh_(refresh) {}
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  ~ProgressLine() { Clear(); }

  bool enabled() const { return enabled_; }

  // Redraws with text() if enabled and nothing was drawn within the refresh interval
  // before `now`. Returns true if it drew.
  bool Update(absl::Time now, const std::function<std::string()>& text);

  // Erases the line if anything is drawn.
  void Clear();

 private:
  std::ostream& out_;
  const bool enabled_;
  const absl::Duration refresh_;
  absl::Time last_draw_ = absl::InfinitePast();
  bool drawn_ = false;
};

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_PROGRESS_LINE_H_
