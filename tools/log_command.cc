#include "tools/log_command.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "core/protocol/utf8.h"
#include "core/server/services/pubsub/stored_envelope.h"
#include "core/storage/channel_directory.h"
#include "io/runtime/posix_file_system.h"
#include "tools/channel_log_reader.h"
#include "tools/exit_status.h"
#include "tools/hex.h"
#include "tools/optional_option.h"
#include "tools/output_format.h"
#include "tools/run_stats.h"

namespace liminal::tools {
namespace {

constexpr char kHelp[] =
    R"(Reads a durable channel's log (see README "Durable channels") without changing it:
nothing is truncated, repaired or removed, so it is safe on a running server's log (a
record being written may show as a torn tail).

Output: one line per record on stdout, oldest first,
  id=17 time=2025-06-01T12:00:00.123456789Z key=order-17 size=9 payload={"id":17}
(key= only for a record with an idempotency key; payload_hex=... when the payload is not
printable UTF-8). With --json:
  {"id":17,"time":"...Z","key":"order-17","size":9,"payload":"{\"id\":17}",
   "schema_id":"<64 hex>","parent_id":null,"vector_clock":null,"segment":"...","offset":16}
Then a summary on stderr (with --json: the last stdout line, {"summary":{...}}): segments,
records, bytes, and every problem found with its segment file and offset. A torn tail, a
segment shorter than its header and records superseded by the next segment are what a crash
leaves behind (liminald's recovery cuts them off); a bad checksum, framing, id, header or
envelope is corruption (liminald's recovery ends the log there).

Examples:
  liminal log /var/lib/liminal/orders
  liminal log --persistence-path /var/lib/liminal --channel orders --from 1200 --count 10
  liminal log /var/lib/liminal/orders --json | jq -r .payload

Exit codes: 0 the log is sound (crash leftovers are reported, not errors), 1 the log is
corrupt or cannot be read, 2 usage error.
)";

// One problem found in the log, for the summary.
struct LogProblem {
  std::string segment;  // file name
  uint64_t offset = 0;
  std::string kind;  // "torn tail", "corrupt record", "undecodable envelope", ...
  std::string detail;
  bool corruption = false;
};

std::string FormatRecordTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", time, absl::UTCTimeZone());
}

// Printable text is shown as is; anything that would garble a line (control characters,
// invalid UTF-8) is shown in hex.
bool IsPrintableText(std::string_view payload) {
  for (const char c : payload) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return false;
  }
  return protocol::IsValidUtf8(payload);
}

// What a segment's scan found, as a problem (nullopt for a clean segment).
std::optional<LogProblem> ProblemOf(const SegmentReport& report) {
  const storage::SegmentScan& scan = report.scan;
  LogProblem problem{.segment = report.file_name,
                     .offset = scan.problem_offset,
                     .kind = std::string(DescribeEnding(scan.ending)),
                     .detail = scan.problem,
                     .corruption = IsCorruption(scan.ending)};
  switch (scan.ending) {
    case storage::SegmentEnding::kClean:
      return std::nullopt;
    case storage::SegmentEnding::kShortHeader:
      problem.offset = 0;
      problem.detail = absl::StrCat("the file holds ", scan.file_bytes, " bytes, less than the ",
                                    storage::kSegmentHeaderBytes, "-byte header");
      break;
    case storage::SegmentEnding::kTorn:
      problem.offset = scan.segment.size_bytes();
      problem.detail = absl::StrCat(scan.file_bytes - scan.segment.size_bytes(),
                                    " bytes after the last whole record");
      break;
    case storage::SegmentEnding::kBadHeader:
      problem.offset = 0;
      break;
    case storage::SegmentEnding::kSuperseded:
    case storage::SegmentEnding::kCorrupt:
      break;
  }
  return problem;
}

Json RecordToJson(const storage::RecordView& record, const protocol::Envelope& envelope,
                  const SegmentReport& segment, uint64_t offset) {
  Json line = {{"id", record.id}, {"time", FormatRecordTime(record.timestamp)}};
  if (record.idempotency_key.has_value()) SetPayload(line, *record.idempotency_key, "key");
  line["size"] = envelope.payload.size();
  SetPayload(line, envelope.payload);
  line["schema_id"] = SchemaIdHex(envelope.schema_id);
  line["parent_id"] =
      envelope.causal.parent_id.has_value() ? Json(*envelope.causal.parent_id) : Json(nullptr);
  line["vector_clock"] = envelope.causal.vector_clock.has_value()
                             ? Json(*envelope.causal.vector_clock)
                             : Json(nullptr);
  line["segment"] = segment.file_name;
  line["offset"] = offset;
  return line;
}

std::string RecordToText(const storage::RecordView& record, const protocol::Envelope& envelope) {
  std::string line = absl::StrCat("id=", record.id, " time=", FormatRecordTime(record.timestamp));
  if (record.idempotency_key.has_value()) {
    const std::string_view key = *record.idempotency_key;
    absl::StrAppend(&line, IsPrintableText(key) ? " key=" : " key_hex=",
                    IsPrintableText(key) ? std::string(key) : BytesToHex(key));
  }
  absl::StrAppend(&line, " size=", envelope.payload.size());
  if (IsPrintableText(envelope.payload)) {
    absl::StrAppend(&line, " payload=", envelope.payload);
  } else {
    absl::StrAppend(&line, " payload_hex=", BytesToHex(envelope.payload));
  }
  return line;
}

// The log directory the options name, or a usage error.
absl::StatusOr<std::string> LogDirectory(const LogOptions& options) {
  const bool by_channel = options.persistence_path.has_value() || options.channel.has_value();
  if (options.path.has_value() && by_channel) {
    return absl::InvalidArgumentError(
        "give either PATH or --persistence-path with --channel, not both");
  }
  if (options.path.has_value()) return *options.path;
  if (!options.persistence_path.has_value() || !options.channel.has_value()) {
    return absl::InvalidArgumentError(
        "give the log directory PATH, or --persistence-path DIR and --channel NAME");
  }
  return storage::ChannelDirectory(*options.persistence_path, *options.channel);
}

}  // namespace

int RunLog(const GlobalOptions& global, const LogOptions& options, const CommandIo& io) {
  absl::StatusOr<std::string> directory = LogDirectory(options);
  if (!directory.ok()) {
    io.err << "liminal log: " << directory.status().message() << std::endl;
    return kExitUsage;
  }
  const std::string what = absl::StrCat("cannot read the log in '", *directory, "'");
  io::PosixFileSystem fs;
  absl::StatusOr<ChannelLogReader> log = ChannelLogReader::Open(fs, *directory);
  if (!log.ok()) return ReportFailure(io.err, "log", what, log.status());
  if (log->segments().empty()) {
    return ReportFailure(io.err, "log", what,
                         absl::NotFoundError("no segment files (<20-digit id>.seg) in it; is "
                                             "it a durable channel's directory?"));
  }

  std::vector<LogProblem> problems;
  uint64_t records = 0;
  uint64_t bytes = 0;
  std::optional<uint64_t> first_id;
  std::optional<uint64_t> last_id;
  for (const SegmentReport& segment : log->segments()) {
    records += segment.scan.segment.record_count();
    bytes += segment.scan.file_bytes;
    if (!segment.scan.segment.empty()) {
      if (!first_id.has_value()) first_id = segment.scan.segment.base_id();
      last_id = segment.scan.segment.next_id() - 1;
    }
    if (std::optional<LogProblem> problem = ProblemOf(segment)) problems.push_back(*problem);
  }

  uint64_t printed = 0;
  absl::Status read = log->ForEachRecord(
      options.from,
      [&](const storage::RecordView& record, const SegmentReport& segment, uint64_t offset) {
        if (options.count.has_value() && printed >= *options.count) return false;
        absl::StatusOr<protocol::Envelope> envelope =
            server::services::DecodeStoredEnvelope(record.envelope);
        if (!envelope.ok()) {
          problems.push_back(LogProblem{
              .segment = segment.file_name,
              .offset = offset,
              .kind = "undecodable envelope",
              .detail = absl::StrCat("record ", record.id, ": ", envelope.status().message()),
              .corruption = true});
          return true;
        }
        ++printed;
        if (global.json) {
          WriteJsonLine(io.out, RecordToJson(record, *envelope, segment, offset));
        } else {
          WriteTextLine(io.out, RecordToText(record, *envelope));
        }
        return true;
      });
  if (!read.ok()) return ReportFailure(io.err, "log", what, read);

  bool corrupt = false;
  for (const LogProblem& problem : problems) corrupt = corrupt || problem.corruption;
  if (global.json) {
    Json summary = {{"command", "log"},
                    {"directory", *directory},
                    {"segments", log->segments().size()},
                    {"records", records},
                    {"bytes", bytes},
                    {"first_id", first_id.has_value() ? Json(*first_id) : Json(nullptr)},
                    {"last_id", last_id.has_value() ? Json(*last_id) : Json(nullptr)},
                    {"printed", printed},
                    {"corrupt", corrupt}};
    Json listed = Json::array();
    for (const LogProblem& problem : problems) {
      listed.push_back({{"segment", problem.segment},
                        {"offset", problem.offset},
                        {"kind", problem.kind},
                        {"detail", problem.detail},
                        {"corruption", problem.corruption}});
    }
    summary["problems"] = std::move(listed);
    WriteJsonLine(io.out, Json{{"summary", std::move(summary)}});
  } else {
    std::string text =
        absl::StrCat("log: ", *directory, ": ", CountOf(log->segments().size(), "segment"), ", ",
                     CountOf(records, "record"));
    if (first_id.has_value()) absl::StrAppend(&text, " (ids ", *first_id, "..", *last_id, ")");
    absl::StrAppend(
        &text, ", ", CountOf(bytes, "byte"), "; ",
        problems.empty() ? "no problems found" : CountOf(problems.size(), "problem") + " found");
    io.err << text << std::endl;
    for (const LogProblem& problem : problems) {
      io.err << "log: " << problem.segment << " at offset " << problem.offset << ": "
             << problem.kind << (problem.detail.empty() ? "" : ": ") << problem.detail
             << (problem.corruption ? " (corruption)" : " (left by a crash; recovery cuts it off)")
             << std::endl;
    }
  }
  if (corrupt) {
    io.err << "liminal log: the log in '" << *directory << "' is corrupt" << std::endl;
    return kExitFailure;
  }
  return kExitOk;
}

Command AddLogCommand(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<LogOptions>();
  CLI::App* log =
      app.add_subcommand("log", "Print the records of a durable channel's log (read-only)");
  AddOptionalOption(*log, "PATH", options->path, "The channel's log directory");
  AddOptionalOption(*log, "--persistence-path", options->persistence_path,
                    "liminald's persistence_path (with --channel, instead of PATH)")
      ->type_name("DIR");
  AddOptionalOption(*log, "--channel,-c", options->channel,
                    "The channel whose log to read (with --persistence-path)")
      ->type_name("NAME");
  log->add_option("--from", options->from, "First message id to print")
      ->check(CLI::PositiveNumber)
      ->type_name("ID")
      ->capture_default_str();
  AddOptionalOption(*log, "--count,-n", options->count, "Print at most N records")
      ->check(CLI::PositiveNumber);
  log->footer(std::string(kHelp) + "\nAlso accepted here: --json (see `liminal --help`).\n");
  return {log, [=, &global] { return RunLog(global, *options, StandardIo()); }};
}

}  // namespace liminal::tools
