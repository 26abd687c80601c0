// ConstantTimeEquals: compares two secrets (auth tokens) in time that does not depend on
// where, or whether, they differ: every byte position up to the longer length is visited and
// differences are OR-ed together, never returned early. Only the lengths are observable.
//
//   bool same = auth::ConstantTimeEquals(configured_token, presented_token);
#ifndef LIMINAL_CORE_AUTH_CONSTANT_TIME_H_
#define LIMINAL_CORE_AUTH_CONSTANT_TIME_H_

#include <string_view>

namespace liminal::auth {

bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace liminal::auth

#endif  // LIMINAL_CORE_AUTH_CONSTANT_TIME_H_
