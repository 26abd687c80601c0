// CRC32C against RFC 3720 (iSCSI) B.4 vectors and, on many random inputs, against Boost's
// generic implementation with the Castagnoli parameters.
#include "core/storage/crc32c.h"

#include <boost/crc.hpp>
#include <random>
#include <string>

#include "gtest/gtest.h"

namespace liminal::storage {
namespace {

using BoostCrc32c = boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true>;

uint32_t BoostChecksum(const std::string& data) {
  BoostCrc32c crc;
  crc.process_bytes(data.data(), data.size());
  return crc.checksum();
}

TEST(Crc32c, MatchesRfc3720Vectors) {
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(std::string(32, '\xFF')), 0x62A8AB43u);
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(Crc32c(""), 0u);
}

TEST(Crc32c, AgreesWithBoostOnRandomInputs) {
  std::mt19937 random(20260512);
  for (size_t length = 0; length < 300; ++length) {
    std::string data(length, '\0');
    for (char& c : data) c = static_cast<char>(random() & 0xFF);
    ASSERT_EQ(Crc32c(data), BoostChecksum(data)) << "length " << length;
  }
}

TEST(Crc32c, ExtendingEqualsChecksummingTheConcatenation) {
  const std::string data = "the quick brown fox jumps over the lazy dog";
  for (size_t cut = 0; cut <= data.size(); ++cut) {
    EXPECT_EQ(ExtendCrc32c(Crc32c(data.substr(0, cut)), data.substr(cut)), Crc32c(data))
        << "cut at " << cut;
  }
}

}  // namespace
}  // namespace liminal::storage
