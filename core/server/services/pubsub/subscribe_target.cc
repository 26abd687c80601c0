#include "core/server/services/pubsub/subscribe_target.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace liminal::server::services {

absl::StatusOr<SubscribeTarget> ParseSubscribeTarget(std::string_view whole) {
  const absl::string_view text(whole.data(), whole.size());
  SubscribeTarget target;
  const size_t question = text.find('?');
  target.channel = std::string(text.substr(0, question));
  if (question == absl::string_view::npos) return target;
  const absl::string_view query = text.substr(question + 1);
  for (absl::string_view pair : absl::StrSplit(query, '&')) {
    const std::vector<absl::string_view> parts = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    const absl::string_view key = parts[0];
    const absl::string_view value = parts.size() > 1 ? parts[1] : absl::string_view();
    if (key == "from") {
      uint64_t id = 0;
      if (target.from.has_value()) {
        return absl::InvalidArgumentError(absl::StrCat("'", text, "': 'from' is given twice"));
      }
      if (!absl::SimpleAtoi(value, &id) || id == 0 || value.front() == '+') {
        return absl::InvalidArgumentError(absl::StrCat(
            "'", text, "': from=", value, " is not a message id (a decimal number >= 1)"));
      }
      target.from = id;
    } else if (key == "consumer") {
      if (target.consumer.has_value()) {
        return absl::InvalidArgumentError(absl::StrCat("'", text, "': 'consumer' is given twice"));
      }
      if (value.empty() || value.size() > kMaxConsumerNameBytes) {
        return absl::InvalidArgumentError(absl::StrCat("'", text, "': a consumer name has 1 to ",
                                                       kMaxConsumerNameBytes, " bytes"));
      }
      target.consumer = std::string(value);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("'", text, "': unknown subscribe parameter '", key,
                       "' (a channel name may carry ?from=<message id> and "
                       "?consumer=<name>, joined by '&')"));
    }
  }
  return target;
}

}  // namespace liminal::server::services
