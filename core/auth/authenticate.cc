#include "core/auth/authenticate.h"

#include <cstddef>

#include "core/auth/constant_time.h"

namespace liminal::auth {

Authentication Authenticate(absl::Span<const std::string> shared_tokens,
                            absl::Span<const UserCredential> users, std::string_view token) {
  if (shared_tokens.empty() && users.empty()) return {.accepted = true, .user = nullptr};
  // No early exit and no data-dependent branch: every candidate is compared, and the match is
  // folded in with masks.
  size_t shared_match = 0;
  for (const std::string& candidate : shared_tokens) {
    shared_match |= static_cast<size_t>(ConstantTimeEquals(candidate, token));
  }
  size_t user_match = 0;  // index + 1 of the matching user; 0: none
  for (size_t i = 0; i < users.size(); ++i) {
    const size_t equal = static_cast<size_t>(ConstantTimeEquals(users[i].token, token));
    user_match |= (size_t{0} - equal) & (i + 1);
  }
  if (shared_match != 0) return {.accepted = true, .user = nullptr};
  if (user_match != 0) return {.accepted = true, .user = &users[user_match - 1]};
  return {.accepted = false, .user = nullptr};
}

}  // namespace liminal::auth
