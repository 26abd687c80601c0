// Where a durable channel's log lives: `<persistence_path>/<escaped channel name>`.
// EscapePathComponent keeps letters, digits, '-', '_' and '.'; every other byte becomes %XX
// (so '/' cannot leave the directory), and a name made only of dots has its dots escaped too.
// Consumer position files are named the same way.
//
//   ChannelDirectory("/var/lib/liminal", "orders/eu")  // "/var/lib/liminal/orders%2Feu"
#ifndef LIMINAL_CORE_STORAGE_CHANNEL_DIRECTORY_H_
#define LIMINAL_CORE_STORAGE_CHANNEL_DIRECTORY_H_

#include <string>
#include <string_view>

namespace liminal::storage {

std::string EscapePathComponent(std::string_view channel);
std::string ChannelDirectory(std::string_view persistence_path, std::string_view channel);

}  // namespace liminal::storage

#endif  // LIMINAL_CORE_STORAGE_CHANNEL_DIRECTORY_H_
