// LIMINAL_ADDRESS_SANITIZER: defined (as 1) when the translation unit is compiled with
// AddressSanitizer, by GCC (which defines __SANITIZE_ADDRESS__) or clang (which answers
// __has_feature(address_sanitizer) instead). For code that must know, e.g. to tell
// LeakSanitizer about a deliberate leak or to allow for ASan's memory overhead in a bound.
//
//   #include "core/check/address_sanitizer.h"
//   #if defined(LIMINAL_ADDRESS_SANITIZER)
//   ...
//   #endif
#ifndef LIMINAL_CORE_CHECK_ADDRESS_SANITIZER_H_
#define LIMINAL_CORE_CHECK_ADDRESS_SANITIZER_H_

#if defined(__SANITIZE_ADDRESS__)
#define LIMINAL_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LIMINAL_ADDRESS_SANITIZER 1
#endif
#endif

#endif  // LIMINAL_CORE_CHECK_ADDRESS_SANITIZER_H_
