// Strict UTF-8 validation for the wire's `string` fields (wire-protocol.md §0).
//
//   if (!IsValidUtf8(text)) { /* CodecError on decode, InvalidArgument on encode */ }
//
// Accepts exactly the well-formed sequences of the Unicode standard (Table 3-7): no
// overlong forms, no surrogates U+D800..U+DFFF, nothing above U+10FFFF, no truncated
// sequences. NUL and other control characters are valid; so is the empty string.
#ifndef LIMINAL_CORE_PROTOCOL_UTF8_H_
#define LIMINAL_CORE_PROTOCOL_UTF8_H_

#include <string_view>

namespace liminal::protocol {

bool IsValidUtf8(std::string_view text);

}  // namespace liminal::protocol

#endif  // LIMINAL_CORE_PROTOCOL_UTF8_H_
