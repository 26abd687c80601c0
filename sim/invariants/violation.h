// What a failed invariant reports: which property (a stable, kebab-case name the tests
// match on) and what exactly went wrong, in operator-readable words.
#ifndef LIMINAL_SIM_INVARIANTS_VIOLATION_H_
#define LIMINAL_SIM_INVARIANTS_VIOLATION_H_

#include <string>

namespace liminal::sim {

struct Violation {
  std::string invariant;
  std::string detail;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_INVARIANTS_VIOLATION_H_
