#include "bench/disk_sync.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "bench/stats.h"
#include "bench/temp_dir.h"

namespace liminal::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

// /proc/mounts escapes space, tab, newline and backslash as \ooo.
std::string DecodeMountField(std::string_view field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && field.size() - i >= 4) {
      const std::string_view digits = field.substr(i + 1, 3);
      if (digits.find_first_not_of("01234567") == std::string_view::npos) {
        out.push_back(
            static_cast<char>((digits[0] - '0') * 64 + (digits[1] - '0') * 8 + (digits[2] - '0')));
        i += 3;
        continue;
      }
    }
    out.push_back(field[i]);
  }
  return out;
}

bool IsUnder(std::string_view path, std::string_view mount_point) {
  if (mount_point == "/") return !path.empty() && path.front() == '/';
  if (path.size() < mount_point.size() || path.substr(0, mount_point.size()) != mount_point) {
    return false;
  }
  return path.size() == mount_point.size() || path[mount_point.size()] == '/';
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::string DescribeMount(std::string_view path, std::string_view mounts) {
  size_t best_length = 0;
  std::string best;
  // absl::string_view: it is not std::string_view in every Abseil build.
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(mounts.data(), mounts.size()), '\n', absl::SkipEmpty())) {
    std::vector<std::string_view> fields;
    for (absl::string_view field : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
      fields.emplace_back(field.data(), field.size());
    }
    if (fields.size() < 3) continue;
    const std::string mount_point = DecodeMountField(fields[1]);
    if (!IsUnder(path, mount_point)) continue;
    // Ties: a later mount on the same point hides the earlier one.
    if (!best.empty() && mount_point.size() < best_length) continue;
    best_length = mount_point.size();
    best = absl::StrCat(DecodeMountField(fields[2]), " on ", DecodeMountField(fields[0]));
  }
  return best;
}

absl::StatusOr<DiskSyncResult> MeasureDiskSync(const DiskSyncSpec& spec) {
  if (spec.iterations <= 0 || spec.write_bytes == 0) {
    return absl::InvalidArgumentError("disk sync probe: iterations and write_bytes must be > 0");
  }
  absl::StatusOr<TempDir> dir = TempDir::Create("liminal-bench-fsync-");
  if (!dir.ok()) return dir.status();
  const std::string file = absl::StrCat(dir->path(), "/probe.log");
  Fd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    return absl::InternalError(absl::StrCat("open ", file, ": ", std::strerror(errno)));
  }
  const std::string block(spec.write_bytes, 'f');
  std::vector<int64_t> samples_ns;
  samples_ns.reserve(static_cast<size_t>(spec.iterations));
  off_t offset = 0;
  for (int i = 0; i < spec.warmup_iterations + spec.iterations; ++i) {
    const SteadyClock::time_point start = SteadyClock::now();
    const ssize_t written = ::pwrite(fd.get(), block.data(), block.size(), offset);
    if (written != static_cast<ssize_t>(block.size())) {
      return absl::InternalError(
          absl::StrCat("pwrite ", file, ": ", written < 0 ? std::strerror(errno) : "short write"));
    }
    if (::fdatasync(fd.get()) != 0) {
      return absl::InternalError(absl::StrCat("fdatasync ", file, ": ", std::strerror(errno)));
    }
    const SteadyClock::time_point end = SteadyClock::now();
    offset += static_cast<off_t>(block.size());
    if (i >= spec.warmup_iterations) {
      samples_ns.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
    }
  }
  const LatencySummary summary = SummarizeLatencies(samples_ns);

  std::error_code ec;
  std::string probed = std::filesystem::canonical(dir->path(), ec).parent_path().string();
  if (ec) probed = std::filesystem::path(dir->path()).parent_path().string();
  const std::string mount = DescribeMount(probed, ReadFile("/proc/self/mounts"));
  return DiskSyncResult{.where = mount.empty() ? probed : absl::StrCat(probed, ", ", mount),
                        .write_bytes = spec.write_bytes,
                        .iterations = spec.iterations,
                        .p50_us = summary.p50_us,
                        .p99_us = summary.p99_us,
                        .max_us = summary.max_us};
}

}  // namespace liminal::bench
