#include "bench/proc_metrics.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace liminal::bench {
namespace {

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

absl::StatusOr<int64_t> ReadRssBytes(pid_t pid) {
  absl::StatusOr<std::string> status = ReadWholeFile(absl::StrCat("/proc/", pid, "/status"));
  if (!status.ok()) return status.status();
  for (absl::string_view line : absl::StrSplit(*status, '\n')) {
    if (!absl::ConsumePrefix(&line, "VmRSS:")) continue;
    line = absl::StripAsciiWhitespace(line);
    absl::ConsumeSuffix(&line, "kB");
    int64_t kib = 0;
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &kib)) break;
    return kib * 1024;
  }
  return absl::InternalError(absl::StrCat("no VmRSS in /proc/", pid, "/status"));
}

absl::StatusOr<absl::Duration> ReadCpuTime(pid_t pid) {
  absl::StatusOr<std::string> stat = ReadWholeFile(absl::StrCat("/proc/", pid, "/stat"));
  if (!stat.ok()) return stat.status();
  // The command name (field 2) is parenthesised and may contain spaces: parse after it.
  const size_t close = stat->rfind(')');
  if (close == std::string::npos) return absl::InternalError("malformed /proc/<pid>/stat");
  std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(*stat).substr(close + 2), ' ', absl::SkipEmpty());
  // After the name: field 3 (state) is index 0, so utime (14) is 11 and stime (15) is 12.
  int64_t utime = 0;
  int64_t stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return absl::InternalError("malformed /proc/<pid>/stat");
  }
  const int64_t ticks_per_second = ::sysconf(_SC_CLK_TCK);
  return absl::Seconds(static_cast<double>(utime + stime) / static_cast<double>(ticks_per_second));
}

absl::StatusOr<int64_t> ReadOpenFdCount(pid_t pid) {
  const std::string dir = absl::StrCat("/proc/", pid, "/fd");
  std::error_code ec;
  int64_t count = 0;
  for (auto it = std::filesystem::directory_iterator(dir, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++count;
  }
  if (ec) return absl::NotFoundError(absl::StrCat("cannot list ", dir, ": ", ec.message()));
  return count;
}

MachineInfo ReadMachineInfo() {
  MachineInfo info;
  info.online_cpus = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  if (absl::StatusOr<std::string> cpuinfo = ReadWholeFile("/proc/cpuinfo"); cpuinfo.ok()) {
    for (absl::string_view line : absl::StrSplit(*cpuinfo, '\n')) {
      if (absl::ConsumePrefix(&line, "model name")) {
        const size_t colon = line.find(':');
        if (colon != absl::string_view::npos) {
          info.cpu_model = std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
        }
        break;
      }
    }
  }
  utsname name{};
  if (::uname(&name) == 0) info.kernel = absl::StrCat(name.sysname, " ", name.release);
  if (absl::StatusOr<std::string> load = ReadWholeFile("/proc/loadavg"); load.ok()) {
    std::vector<absl::string_view> fields = absl::StrSplit(*load, ' ');
    if (fields.size() >= 3)
      info.load_average = absl::StrCat(fields[0], " ", fields[1], " ", fields[2]);
  }
  return info;
}

}  // namespace liminal::bench
