// LIMINAL_ADDRESS_SANITIZER / LIMINAL_THREAD_SANITIZER: defined (as 1) when the translation
// unit is compiled with AddressSanitizer / ThreadSanitizer, by GCC (which defines
// __SANITIZE_ADDRESS__ / __SANITIZE_THREAD__) or clang (which answers __has_feature(...)
// instead). For code that must know, e.g. to tell LeakSanitizer about a deliberate leak or to
// allow for a sanitizer's memory overhead in a bound.
//
//   #include "core/check/sanitizers.h"
//   #if defined(LIMINAL_ADDRESS_SANITIZER)
//   ...
//   #endif
#ifndef LIMINAL_CORE_CHECK_SANITIZERS_H_
#define LIMINAL_CORE_CHECK_SANITIZERS_H_

#if defined(__SANITIZE_ADDRESS__)
#define LIMINAL_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LIMINAL_ADDRESS_SANITIZER 1
#endif
#endif

#if defined(__SANITIZE_THREAD__)
#define LIMINAL_THREAD_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LIMINAL_THREAD_SANITIZER 1
#endif
#endif

#endif  // LIMINAL_CORE_CHECK_SANITIZERS_H_
