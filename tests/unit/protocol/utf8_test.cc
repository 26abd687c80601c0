// IsValidUtf8: exactly the well-formed sequences (Unicode Table 3-7).
#include "core/protocol/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace liminal::protocol {
namespace {

std::string Raw(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8(std::string("nul\0inside", 10)));
  EXPECT_TRUE(IsValidUtf8("\x01\x7F"));
  EXPECT_TRUE(IsValidUtf8("\u00e9"));                       // 2 bytes
  EXPECT_TRUE(IsValidUtf8("\u6f22"));                       // 3 bytes
  EXPECT_TRUE(IsValidUtf8("\U0001F642"));                   // 4 bytes
  EXPECT_TRUE(IsValidUtf8(Raw({0xC2, 0x80})));              // U+0080, smallest 2-byte
  EXPECT_TRUE(IsValidUtf8(Raw({0xDF, 0xBF})));              // U+07FF
  EXPECT_TRUE(IsValidUtf8(Raw({0xE0, 0xA0, 0x80})));        // U+0800
  EXPECT_TRUE(IsValidUtf8(Raw({0xED, 0x9F, 0xBF})));        // U+D7FF, just below surrogates
  EXPECT_TRUE(IsValidUtf8(Raw({0xEE, 0x80, 0x80})));        // U+E000, just above
  EXPECT_TRUE(IsValidUtf8(Raw({0xEF, 0xBF, 0xBF})));        // U+FFFF
  EXPECT_TRUE(IsValidUtf8(Raw({0xF0, 0x90, 0x80, 0x80})));  // U+10000
  EXPECT_TRUE(IsValidUtf8(Raw({0xF4, 0x8F, 0xBF, 0xBF})));  // U+10FFFF, the last
}

TEST(Utf8Test, RejectsOverlongForms) {
  EXPECT_FALSE(IsValidUtf8(Raw({0xC0, 0x80})));  // NUL
  EXPECT_FALSE(IsValidUtf8(Raw({0xC1, 0xBF})));
  EXPECT_FALSE(IsValidUtf8(Raw({0xE0, 0x80, 0x80})));
  EXPECT_FALSE(IsValidUtf8(Raw({0xE0, 0x9F, 0xBF})));
  EXPECT_FALSE(IsValidUtf8(Raw({0xF0, 0x80, 0x80, 0x80})));
  EXPECT_FALSE(IsValidUtf8(Raw({0xF0, 0x8F, 0xBF, 0xBF})));
}

TEST(Utf8Test, RejectsSurrogates) {
  EXPECT_FALSE(IsValidUtf8(Raw({0xED, 0xA0, 0x80})));  // U+D800
  EXPECT_FALSE(IsValidUtf8(Raw({0xED, 0xBF, 0xBF})));  // U+DFFF
  // A CESU-8 style pair for U+1F642.
  EXPECT_FALSE(IsValidUtf8(Raw({0xED, 0xA0, 0xBD, 0xED, 0xB9, 0x82})));
}

TEST(Utf8Test, RejectsValuesAboveTheLastCodePoint) {
  EXPECT_FALSE(IsValidUtf8(Raw({0xF4, 0x90, 0x80, 0x80})));  // U+110000
  EXPECT_FALSE(IsValidUtf8(Raw({0xF5, 0x80, 0x80, 0x80})));
  EXPECT_FALSE(IsValidUtf8(Raw({0xF8, 0x88, 0x80, 0x80, 0x80})));
  EXPECT_FALSE(IsValidUtf8(Raw({0xFF})));
  EXPECT_FALSE(IsValidUtf8(Raw({0xFE})));
}

TEST(Utf8Test, RejectsBrokenSequences) {
  EXPECT_FALSE(IsValidUtf8(Raw({0x80})));  // lone continuation
  EXPECT_FALSE(IsValidUtf8(Raw({0x41, 0xBF})));
  EXPECT_FALSE(IsValidUtf8(Raw({0xC3})));  // truncated at the end
  EXPECT_FALSE(IsValidUtf8(Raw({0xE6, 0xBC})));
  EXPECT_FALSE(IsValidUtf8(Raw({0xF0, 0x9F, 0x99})));
  EXPECT_FALSE(IsValidUtf8(Raw({0xC3, 0x41})));  // continuation missing
  EXPECT_FALSE(IsValidUtf8(Raw({0xE6, 0xBC, 0x41})));
  EXPECT_FALSE(IsValidUtf8(Raw({0xF0, 0x9F, 0x99, 0x41})));
  EXPECT_FALSE(IsValidUtf8(Raw({0xE6, 0xBC, 0xA2, 0xA2})));  // one continuation too many
}

}  // namespace
}  // namespace liminal::protocol
