// `liminal log` end to end: a real liminald with a durable channel writes its log (messages
// published with the real `liminal pub`, one with an idempotency key, one not printable),
// is stopped with SIGTERM, and `liminal log` reads the directory: one line per record, the
// summary, --json/--from/--count, the --persistence-path/--channel form, a corrupt record
// and a torn tail reported with their segment file and offset, and the files left exactly as
// they were (the command is read-only). Also: a pipelined `pub --count` stores every message
// once, in order. Every wait is on an exit, with a deadline; nothing sleeps.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/cli/liminal_cli.h"
#include "tests/e2e/support/daemon_process.h"
#include "tests/e2e/support/temp_dir.h"

namespace liminal::e2e {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;
using Json = nlohmann::json;

constexpr char kSegment[] = "00000000000000000001.seg";
constexpr char kTime[] = "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z";

std::string ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteBytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Every file under `dir` with its bytes, to show that nothing was changed.
std::map<std::string, std::string> Snapshot(const std::filesystem::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files[entry.path().string()] = ReadBytes(entry.path());
  }
  return files;
}

class CliLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TempDir> dir = TempDir::Create("cli-log");
    ASSERT_TRUE(dir.ok()) << dir.status();
    data_ = std::make_unique<TempDir>(*std::move(dir));
    ASSERT_TRUE(data_->MakeDir("data").ok());
    DaemonProcessOptions options;
    options.config_toml = absl::StrCat(R"(listen_address = "127.0.0.1:7400"
health_listen_address = "127.0.0.1:7401"
persistence_path = ")",
                                       persistence_path().string(), R"("

[[channels]]
name = "orders"
durable = true
)");
    absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = DaemonProcess::Start(options);
    ASSERT_TRUE(daemon.ok()) << daemon.status();
    daemon_ = *std::move(daemon);
    cli_.emplace(daemon_->listen().ToString());
  }

  std::filesystem::path persistence_path() const { return data_->path() / "data"; }
  std::filesystem::path log_dir() const { return persistence_path() / "orders"; }

  CliRun Run(std::vector<std::string> args, CliOptions options = {}) {
    absl::StatusOr<CliRun> run = cli_->Run(std::move(args), std::move(options));
    EXPECT_TRUE(run.ok()) << run.status();
    return run.ok() ? *std::move(run) : CliRun{};
  }

  // `liminal log ...`, which needs no server.
  static CliRun Log(std::vector<std::string> args) {
    args.insert(args.begin(), "log");
    absl::StatusOr<CliRun> run = LiminalCli::NoServer().Run(std::move(args));
    EXPECT_TRUE(run.ok()) << run.status();
    return run.ok() ? *std::move(run) : CliRun{};
  }

  // Publishes three messages: JSON text, a keyed one, and one with a control character.
  void PublishThree() {
    EXPECT_EQ(Run({"pub", "orders", R"({"id":1})"}).exit_code, 0);
    EXPECT_EQ(Run({"pub", "orders", "second", "--key", "order-2"}).exit_code, 0);
    const CliRun third = Run({"pub", "orders", "-"}, {.stdin_text = "tab\there\n"});
    EXPECT_EQ(third.exit_code, 0) << third.err;
  }

  // SIGTERM: liminald syncs the log and exits 0.
  void StopDaemon() {
    absl::StatusOr<int> stopped = daemon_->Stop();
    ASSERT_TRUE(stopped.ok()) << stopped.status();
    EXPECT_EQ(*stopped, 0) << daemon_->stderr_text();
  }

  // The offset of record `id` in the first segment, from `liminal log --json`.
  uint64_t OffsetOf(uint64_t id) {
    const CliRun run = Log({log_dir().string(), "--json", "--from", absl::StrCat(id), "-n", "1"});
    const std::vector<Json> lines = run.OutJson();
    EXPECT_THAT(lines, SizeIs(2)) << run.out << run.err;
    return lines.size() == 2 ? lines[0]["offset"].get<uint64_t>() : 0;
  }

  std::unique_ptr<TempDir> data_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::optional<LiminalCli> cli_;
};

TEST_F(CliLogTest, PrintsOneLinePerRecordAndASummaryWithoutChangingAnything) {
  PublishThree();
  StopDaemon();
  const std::map<std::string, std::string> before = Snapshot(persistence_path());
  ASSERT_THAT(before, Not(IsEmpty()));

  const CliRun run = Log({log_dir().string()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(
      run.OutLines(),
      ElementsAre(
          MatchesRegex(absl::StrCat("id=1 time=", kTime, " size=8 payload=\\{\"id\":1\\}")),
          MatchesRegex(absl::StrCat("id=2 time=", kTime, " key=order-2 size=6 payload=second")),
          MatchesRegex(absl::StrCat("id=3 time=", kTime, " size=8 payload_hex=7461620968657265"))));
  EXPECT_THAT(run.err, MatchesRegex(absl::StrCat("log: ", log_dir().string(),
                                                 ": 1 segment, 3 records \\(ids 1\\.\\.3\\), "
                                                 "[0-9]+ bytes; no problems found\n")));
  EXPECT_EQ(Snapshot(persistence_path()), before) << "liminal log changed the log";
}

TEST_F(CliLogTest, JsonFromAndCountByPersistencePathAndChannel) {
  PublishThree();
  StopDaemon();
  const CliRun run = Log({"--persistence-path", persistence_path().string(), "--channel", "orders",
                          "--from", "2", "--count", "1", "--json"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const std::vector<Json> lines = run.OutJson();
  ASSERT_THAT(lines, SizeIs(2)) << run.out;
  EXPECT_EQ(lines[0]["id"], 2);
  EXPECT_EQ(lines[0]["key"], "order-2");
  EXPECT_EQ(lines[0]["size"], 6);
  EXPECT_EQ(lines[0]["payload"], "second");
  EXPECT_THAT(lines[0]["time"].get<std::string>(), MatchesRegex(kTime));
  EXPECT_EQ(lines[0]["segment"], kSegment);
  EXPECT_GT(lines[0]["offset"].get<uint64_t>(), 16u);
  const Json& summary = lines[1]["summary"];
  EXPECT_EQ(summary["segments"], 1);
  EXPECT_EQ(summary["records"], 3);
  EXPECT_EQ(summary["first_id"], 1);
  EXPECT_EQ(summary["last_id"], 3);
  EXPECT_EQ(summary["printed"], 1);
  EXPECT_EQ(summary["corrupt"], false);
  EXPECT_THAT(summary["problems"], IsEmpty());
}

TEST_F(CliLogTest, AFlippedByteIsReportedAsCorruptionWithItsOffset) {
  PublishThree();
  StopDaemon();
  const uint64_t offset = OffsetOf(2);
  ASSERT_GT(offset, 16u);
  const std::filesystem::path segment = log_dir() / kSegment;
  std::string bytes = ReadBytes(segment);
  bytes[offset + 12] ^= 0x01;  // inside record 2's message id: its checksum no longer matches
  WriteBytes(segment, bytes);

  const CliRun run = Log({log_dir().string()});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_THAT(run.OutLines(), ElementsAre(MatchesRegex("id=1 time=.* payload=\\{\"id\":1\\}")));
  EXPECT_THAT(run.err, HasSubstr("1 segment, 1 record (ids 1..1)"));
  EXPECT_THAT(run.err, HasSubstr(absl::StrCat("log: ", kSegment, " at offset ", offset,
                                              ": corrupt record: ")));
  EXPECT_THAT(run.err, HasSubstr(absl::StrCat("liminal log: the log in '", log_dir().string(),
                                              "' is corrupt")));
  EXPECT_EQ(ReadBytes(segment), bytes) << "liminal log changed the segment";

  const CliRun json = Log({log_dir().string(), "--json"});
  EXPECT_EQ(json.exit_code, 1);
  const std::vector<Json> lines = json.OutJson();
  ASSERT_THAT(lines, SizeIs(2)) << json.out;
  const Json& problems = lines[1]["summary"]["problems"];
  ASSERT_THAT(problems, SizeIs(1));
  EXPECT_EQ(problems[0]["segment"], kSegment);
  EXPECT_EQ(problems[0]["offset"], offset);
  EXPECT_EQ(problems[0]["kind"], "corrupt record");
  EXPECT_EQ(problems[0]["corruption"], true);
}

TEST_F(CliLogTest, ATornTailIsReportedButIsNotCorruption) {
  PublishThree();
  StopDaemon();
  const uint64_t offset = OffsetOf(3);
  const std::filesystem::path segment = log_dir() / kSegment;
  const uint64_t size = std::filesystem::file_size(segment);
  std::filesystem::resize_file(segment, size - 3);  // a write torn inside record 3

  const CliRun run = Log({log_dir().string()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.OutLines(), SizeIs(2));
  EXPECT_THAT(run.err, HasSubstr(absl::StrCat("log: ", kSegment, " at offset ", offset,
                                              ": torn tail: ", size - 3 - offset,
                                              " bytes after the last whole record")));
  EXPECT_EQ(std::filesystem::file_size(segment), size - 3) << "liminal log cut the tail off";
}

TEST_F(CliLogTest, PipelinedCountStoresEveryMessageOnceInOrder) {
  constexpr int kMessages = 3000;
  const CliRun pub = Run({"pub", "orders", "x", "--count", absl::StrCat(kMessages), "--key", "run",
                          "--window", "256", "--json"});
  ASSERT_EQ(pub.exit_code, 0) << pub.err;
  StopDaemon();
  const CliRun run = Log({log_dir().string(), "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<Json> lines = run.OutJson();
  ASSERT_THAT(lines, SizeIs(kMessages + 1));
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_EQ(lines[i]["id"], i + 1);
    ASSERT_EQ(lines[i]["key"], absl::StrCat("run-", i + 1)) << "record " << i + 1;
  }
  EXPECT_EQ(lines.back()["summary"]["records"], kMessages);
}

TEST(CliLogUsageTest, PathOrPersistencePathWithChannel) {
  const LiminalCli cli = LiminalCli::NoServer();
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"log"},
                                             {"log", "/tmp", "--channel", "orders"},
                                             {"log", "--persistence-path", "/tmp"},
                                             {"log", "/tmp", "--from", "0"}}) {
    absl::StatusOr<CliRun> run = cli.Run(args);
    ASSERT_TRUE(run.ok()) << run.status();
    EXPECT_EQ(run->exit_code, 2) << run->err;
    EXPECT_THAT(run->err, Not(IsEmpty()));
  }
}

TEST(CliLogUsageTest, AMissingDirectoryIsAnError) {
  absl::StatusOr<TempDir> dir = TempDir::Create("cli-log-missing");
  ASSERT_TRUE(dir.ok()) << dir.status();
  const std::string missing = (dir->path() / "nope").string();
  absl::StatusOr<CliRun> run = LiminalCli::NoServer().Run({"log", missing});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_code, 1);
  EXPECT_THAT(run->err, HasSubstr(absl::StrCat("liminal log: cannot read the log in '", missing)));
  EXPECT_FALSE(std::filesystem::exists(missing)) << "liminal log created the directory";

  absl::StatusOr<CliRun> empty = LiminalCli::NoServer().Run({"log", dir->path().string()});
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->exit_code, 1);
  EXPECT_THAT(empty->err, HasSubstr("no segment files"));
}

}  // namespace
}  // namespace liminal::e2e
