// LIMINAL_STORAGE_CHECK: an internal invariant of the storage code, checked in every build.
// A failure is a bug in this module (never bad input or a disk error, which are Statuses):
// it prints where and why to stderr and aborts.
//
//   LIMINAL_STORAGE_CHECK(record.id == next_id_, "records are consecutive");
#ifndef LIMINAL_CORE_STORAGE_INVARIANT_H_
#define LIMINAL_CORE_STORAGE_INVARIANT_H_

namespace liminal::storage::internal {

[[noreturn]] void InvariantFailed(const char* file, int line, const char* condition,
                                  const char* explanation);

}  // namespace liminal::storage::internal

#define LIMINAL_STORAGE_CHECK(condition, explanation)                                             \
  do {                                                                                            \
    if (!(condition)) {                                                                           \
      ::liminal::storage::internal::InvariantFailed(__FILE__, __LINE__, #condition, explanation); \
    }                                                                                             \
  } while (false)

#endif  // LIMINAL_CORE_STORAGE_INVARIANT_H_
