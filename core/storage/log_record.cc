#include "core/storage/log_record.h"

#include "absl/strings/str_cat.h"
#include "core/check/check.h"
#include "core/storage/crc32c.h"

namespace liminal::storage {
namespace {

template <typename T>
void AppendBigEndian(T value, std::string& out) {
  for (int shift = static_cast<int>(sizeof(T) * 8) - 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

template <typename T>
T LoadBigEndian(std::string_view bytes, size_t at) {
  LIMINAL_CHECK(at + sizeof(T) <= bytes.size(), "load within the decoded bytes");
  T value = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    value = static_cast<T>((value << 8) | static_cast<unsigned char>(bytes[at + i]));
  }
  return value;
}

}  // namespace

std::string SegmentHeader() {
  std::string header(kSegmentMagic);
  AppendBigEndian<uint32_t>(kSegmentFormatVersion, header);
  AppendBigEndian<uint32_t>(0, header);
  LIMINAL_CHECK(header.size() == kSegmentHeaderBytes, "header layout");
  return header;
}

absl::Status CheckSegmentHeader(std::string_view header) {
  LIMINAL_CHECK(header.size() >= kSegmentHeaderBytes, "a whole header to check");
  if (header.substr(0, kSegmentMagic.size()) != kSegmentMagic) {
    return absl::DataLossError("segment header: bad magic (not a liminal log segment)");
  }
  const uint32_t version = LoadBigEndian<uint32_t>(header, kSegmentMagic.size());
  if (version != kSegmentFormatVersion) {
    return absl::DataLossError(
        absl::StrCat("segment header: unsupported format version ", version));
  }
  const uint32_t reserved = LoadBigEndian<uint32_t>(header, kSegmentMagic.size() + 4);
  if (reserved != 0) {
    return absl::DataLossError(
        absl::StrCat("segment header: reserved field is ", reserved, ", not 0"));
  }
  return absl::OkStatus();
}

size_t EncodedRecordBytes(const LogRecord& record) {
  return kRecordFrameBytes + kMinRecordBodyBytes +
         (record.idempotency_key ? record.idempotency_key->size() : 0) + record.envelope.size();
}

absl::Status AppendEncodedRecord(const LogRecord& record, std::string& out) {
  if (record.idempotency_key && record.idempotency_key->size() > kMaxIdempotencyKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("record ", record.id, ": idempotency key of ", record.idempotency_key->size(),
                     " bytes (at most ", kMaxIdempotencyKeyBytes, ")"));
  }
  const size_t body_bytes = EncodedRecordBytes(record) - kRecordFrameBytes;
  if (body_bytes > UINT32_MAX) {
    return absl::InvalidArgumentError(absl::StrCat("record ", record.id, ": envelope of ",
                                                   record.envelope.size(), " bytes is too long"));
  }
  const size_t start = out.size();
  out.reserve(start + kRecordFrameBytes + body_bytes);
  AppendBigEndian<uint32_t>(0, out);  // the checksum, filled in below
  AppendBigEndian<uint32_t>(static_cast<uint32_t>(body_bytes), out);
  AppendBigEndian<uint64_t>(record.id, out);
  AppendBigEndian<int64_t>(absl::ToUnixNanos(record.timestamp), out);
  if (record.idempotency_key) {
    AppendBigEndian<uint16_t>(static_cast<uint16_t>(record.idempotency_key->size()), out);
    out.append(*record.idempotency_key);
  } else {
    AppendBigEndian<uint16_t>(kNoKeyMarker, out);
  }
  AppendBigEndian<uint32_t>(static_cast<uint32_t>(record.envelope.size()), out);
  out.append(record.envelope);
  LIMINAL_CHECK(out.size() - start == kRecordFrameBytes + body_bytes, "record layout");
  const uint32_t crc = Crc32c(std::string_view(out).substr(start + 4));
  for (int i = 0; i < 4; ++i) out[start + i] = static_cast<char>((crc >> (24 - 8 * i)) & 0xFF);
  return absl::OkStatus();
}

LogRecord RecordView::ToRecord() const {
  LogRecord record;
  record.id = id;
  record.timestamp = timestamp;
  if (idempotency_key) record.idempotency_key = std::string(*idempotency_key);
  record.envelope = std::string(envelope);
  return record;
}

RecordDecodeResult DecodeRecord(std::string_view bytes) {
  RecordDecodeResult result;
  if (bytes.size() < kRecordFrameBytes) {
    result.outcome = DecodeOutcome::kIncomplete;
    result.encoded_bytes = kRecordFrameBytes;
    return result;
  }
  const uint32_t stored_crc = LoadBigEndian<uint32_t>(bytes, 0);
  const uint32_t body_bytes = LoadBigEndian<uint32_t>(bytes, 4);
  auto corrupt = [&result](std::string problem) {
    result.outcome = DecodeOutcome::kCorrupt;
    result.problem = std::move(problem);
    return result;
  };
  if (body_bytes < kMinRecordBodyBytes) {
    return corrupt(
        absl::StrCat("record length ", body_bytes, " is below the minimum ", kMinRecordBodyBytes));
  }
  const size_t total = kRecordFrameBytes + size_t{body_bytes};
  if (bytes.size() < total) {
    result.outcome = DecodeOutcome::kIncomplete;
    result.encoded_bytes = total;
    return result;
  }
  const uint32_t actual_crc = Crc32c(bytes.substr(4, total - 4));
  if (actual_crc != stored_crc) {
    return corrupt(absl::StrCat("checksum mismatch (stored 0x", absl::Hex(stored_crc),
                                ", computed 0x", absl::Hex(actual_crc), ")"));
  }
  size_t at = kRecordFrameBytes;
  result.view.id = LoadBigEndian<uint64_t>(bytes, at);
  at += 8;
  result.view.timestamp = absl::FromUnixNanos(LoadBigEndian<int64_t>(bytes, at));
  at += 8;
  const uint16_t key_bytes = LoadBigEndian<uint16_t>(bytes, at);
  at += 2;
  if (key_bytes != kNoKeyMarker) {
    if (at + key_bytes + 4 > total) {
      return corrupt(absl::StrCat("key length ", key_bytes, " overruns the record"));
    }
    result.view.idempotency_key = bytes.substr(at, key_bytes);
    at += key_bytes;
  }
  const uint32_t envelope_bytes = LoadBigEndian<uint32_t>(bytes, at);
  at += 4;
  if (at + envelope_bytes != total) {
    return corrupt(absl::StrCat("envelope length ", envelope_bytes,
                                " does not match the record length ", body_bytes));
  }
  result.view.envelope = bytes.substr(at, envelope_bytes);
  result.outcome = DecodeOutcome::kRecord;
  result.encoded_bytes = total;
  return result;
}

}  // namespace liminal::storage
