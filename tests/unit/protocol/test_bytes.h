// Helpers for writing wire bytes in tests the way wire-protocol.md prints them.
//
//   std::string wire = Bytes("13 00 00000000 | 00000000");   // spaces and '|' ignored
//   std::string e = Repeat(0xAB, 32);
#ifndef LIMINAL_TESTS_UNIT_PROTOCOL_TEST_BYTES_H_
#define LIMINAL_TESTS_UNIT_PROTOCOL_TEST_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace liminal::protocol::testing {

// Hex with optional whitespace and '|' separators; aborts the test binary on bad hex (a
// typo in a test, not a condition under test).
std::string Bytes(std::string_view spec_hex);

std::string Repeat(uint8_t byte, size_t count);

}  // namespace liminal::protocol::testing

#endif  // LIMINAL_TESTS_UNIT_PROTOCOL_TEST_BYTES_H_
