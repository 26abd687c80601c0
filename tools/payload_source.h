// Where `pub` and `req` take their messages from: the DATA argument sent --count times, or
// (DATA "-" or absent) one message per non-empty stdin line.
//
//   absl::StatusOr<PayloadSource> source = PayloadSource::FromArguments(data, count, io.in_fd);
//   if (!source.ok()) return usage error;            // --count together with stdin input
//   InterruptWatcher::Registration stop = watcher.OnInterrupt([&] { source->Wake(); });
//   while (std::optional<std::string> payload = source->Next()) { ... source->index() ... }
//
// Thread-safety: Next() from one thread; Wake() from any thread.
#ifndef LIMINAL_TOOLS_PAYLOAD_SOURCE_H_
#define LIMINAL_TOOLS_PAYLOAD_SOURCE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "tools/line_reader.h"

namespace liminal::tools {

class PayloadSource {
 public:
  // `data` nullopt or "-" reads lines from `fd` (then `count` must be nullopt); otherwise
  // `data` is sent `count` times (default once; 0 is refused).
  static absl::StatusOr<std::unique_ptr<PayloadSource>> FromArguments(
      const std::optional<std::string>& data, std::optional<uint64_t> count, int fd);

  // The next payload, or nullopt when there are no more (or after Wake()).
  std::optional<std::string> Next();

  // 1-based index of the payload Next() last returned.
  uint64_t index() const { return index_; }

  // How many payloads there are, when known in advance (not for stdin).
  std::optional<uint64_t> total() const { return total_; }

  bool reads_lines() const { return lines_ != nullptr; }

  // Ends a stdin source early (Ctrl-C), waking a Next() blocked on it. DATA sources ignore
  // it: their loop checks the interrupt between payloads anyway.
  void Wake();

 private:
  PayloadSource(std::string data, uint64_t count) : data_(std::move(data)), total_(count) {}
  explicit PayloadSource(int fd) : lines_(std::make_unique<LineReader>(fd)) {}

  std::string data_;
  std::optional<uint64_t> total_;
  std::unique_ptr<LineReader> lines_;
  uint64_t index_ = 0;
};

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_PAYLOAD_SOURCE_H_
