// UserCredential: one named client identity of `[[auth.users]]` — its name (for logs and the
// permission-denied metric), its own token, and its compiled permissions.
//
//   absl::StatusOr<Permissions> p = Permissions::Parse({.publish = {"orders.>"}});
//   UserCredential reporter{.name = "reporter", .token = "r-secret", .permissions = *p};
#ifndef LIMINAL_CORE_AUTH_USER_CREDENTIAL_H_
#define LIMINAL_CORE_AUTH_USER_CREDENTIAL_H_

#include <string>

#include "core/auth/permissions.h"

namespace liminal::auth {

struct UserCredential {
  std::string name;
  std::string token;
  Permissions permissions;
};

}  // namespace liminal::auth

#endif  // LIMINAL_CORE_AUTH_USER_CREDENTIAL_H_
