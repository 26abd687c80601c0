// Real bugs the simulation found in core/server, not fixed yet (core/ has its own owner;
// see the simulation report). Batch tests tolerate exactly these failures and list them;
// scenarios/known_core_issues_test.cc keeps proving each one still reproduces, so the entry is
// removed (and the test turned into a regression test) as soon as the core is fixed.
#ifndef LIMINAL_TESTS_SIM_KNOWN_CORE_ISSUES_H_
#define LIMINAL_TESTS_SIM_KNOWN_CORE_ISSUES_H_

#include <array>
#include <string_view>

#include "sim/harness/run_result.h"

namespace liminal::sim {

struct KnownCoreIssue {
  const char* invariant;
  const char* detail;  // a substring of the violation's detail
  const char* summary;
};

// Empty today: both issues the simulation found have been fixed and turned into regression
// tests (scenarios/known_core_issues_test.cc). Keep the mechanism for the next one.
inline constexpr std::array<KnownCoreIssue, 0> kKnownCoreIssues{};

inline const KnownCoreIssue* FindKnownCoreIssue(const RunResult& result) {
  if (result.passed()) return nullptr;
  for (const KnownCoreIssue& issue : kKnownCoreIssues) {
    if (result.violation->invariant == issue.invariant &&
        result.violation->detail.find(issue.detail) != std::string::npos) {
      return &issue;
    }
  }
  return nullptr;
}

}  // namespace liminal::sim

#endif  // LIMINAL_TESTS_SIM_KNOWN_CORE_ISSUES_H_
