// Reading stdin one line at a time in a way Ctrl-C can cut short: `liminal pub orders -`
// and `liminal req pricing -` take one message per line, and a person typing them must be
// able to stop with Ctrl-C without pressing Enter first.
//
//   LineReader lines(io.in_fd);
//   InterruptWatcher::Registration stop = watcher.OnInterrupt([&] { lines.Wake(); });
//   while (std::optional<std::string> line = lines.Next()) Publish(*line);
//
// Lines end with "\n" (a "\r" before it is dropped too); the text after the last newline is
// a line as well. Next() returns nullopt at end of input, or once Wake() was called.
// Thread-safety: Next() from one thread; Wake() from any thread, also while Next() blocks.
#ifndef LIMINAL_TOOLS_LINE_READER_H_
#define LIMINAL_TOOLS_LINE_READER_H_

#include <optional>
#include <string>

namespace liminal::tools {

class LineReader {
 public:
  // Reads `fd` (not owned).
  explicit LineReader(int fd);
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  ~LineReader();

  std::optional<std::string> Next();

  // Makes the current and every later Next() return nullopt.
  void Wake();

 private:
  // Moves the first complete line out of buffer_, if there is one.
  std::optional<std::string> TakeLine();

  const int fd_;
  int wake_fds_[2] = {-1, -1};  // a pipe: Wake() writes, Next() polls the read end
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_LINE_READER_H_
