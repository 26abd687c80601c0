// LIMINAL_CHECK: an invariant of the code, checked in every build (release included). A
// failed check is a bug in liminal — never bad input, a peer's misbehaviour or an I/O error,
// which are typed errors. Use it where a comment would otherwise say "cannot happen".
//
//   LIMINAL_CHECK(record.id == next_id_, "records are consecutive");
//   LIMINAL_CHECK(slot != nullptr, absl::StrCat("no slot for pid ", pid));  // built on failure
//   only
//
// On failure the installed handler runs (SetCheckFailureHandler). The default prints
// "file:line: check failed: condition (message)" to stderr and aborts; the simulation
// installs one that turns the failure into a failing seed with its replay line. If a handler
// returns, the default runs after it: a failed check never continues.
#ifndef LIMINAL_CORE_CHECK_CHECK_H_
#define LIMINAL_CORE_CHECK_CHECK_H_

#include <string_view>

namespace liminal::check {

struct CheckFailure {
  const char* file;
  int line;
  const char* condition;  // the condition's source text
  std::string_view message;
};

using CheckFailureHandler = void (*)(const CheckFailure& failure);

// Installs `handler` (nullptr: the default) for every thread; returns the previous one.
CheckFailureHandler SetCheckFailureHandler(CheckFailureHandler handler);

// "file:line: check failed: condition (message)".
void PrintCheckFailure(const CheckFailure& failure);

[[noreturn]] void CheckFailed(const char* file, int line, const char* condition,
                              std::string_view message);

}  // namespace liminal::check

#define LIMINAL_CHECK(condition, message)                                       \
  do {                                                                          \
    if (!(condition)) [[unlikely]] {                                            \
      ::liminal::check::CheckFailed(__FILE__, __LINE__, #condition, (message)); \
    }                                                                           \
  } while (false)

#endif  // LIMINAL_CORE_CHECK_CHECK_H_
