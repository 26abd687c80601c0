// Authenticate: decides a Connect's auth_token against the configured credentials — the
// shared tokens (`[auth] token`, `tokens`, `token_file`: everything permitted) and the named
// users (`[[auth.users]]`: their own permissions). Every candidate is compared, in constant
// time (constant_time.h), whatever matched earlier, so the time taken reveals neither whether
// nor which credential matched. With no credentials at all, auth is off and every token is
// accepted.
//
//   Authentication a = Authenticate(shared_tokens, users, connect.auth_token);
//   if (!a.accepted) { /* ConnectError(0x0006) */ }
//   const Permissions& p = a.user != nullptr ? a.user->permissions : unrestricted;
//
// Tokens are unique across both lists (config validation refuses duplicates), so at most one
// credential matches; should two, the shared token wins (the wider grant the operator wrote).
#ifndef LIMINAL_CORE_AUTH_AUTHENTICATE_H_
#define LIMINAL_CORE_AUTH_AUTHENTICATE_H_

#include <string>
#include <string_view>

#include "absl/types/span.h"
#include "core/auth/user_credential.h"

namespace liminal::auth {

struct Authentication {
  bool accepted = false;
  // The named user whose token matched; null for a shared token or with auth off.
  const UserCredential* user = nullptr;
};

Authentication Authenticate(absl::Span<const std::string> shared_tokens,
                            absl::Span<const UserCredential> users, std::string_view token);

}  // namespace liminal::auth

#endif  // LIMINAL_CORE_AUTH_AUTHENTICATE_H_
