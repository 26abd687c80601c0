// Runs the real `liminal` binary (LIMINAL_BINARY_DIR/tools/liminal): every conformance
// vector through `liminal frame decode`, every valid frame back through `liminal frame
// encode`, and the documented exit codes (0 ok, 1 an input failed, 2 usage/unparseable).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/protocol/conformance_vectors.h"
#include "tools/frame_json.h"

namespace liminal::tools {
namespace {

using protocol::testing::ConformanceVector;
using protocol::testing::LoadConformanceVectors;
using ::testing::HasSubstr;

struct RunResult {
  int exit_code = -1;
  std::vector<std::string> lines;  // stdout, split into lines
  std::string err;
};

std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs `liminal <args...>` with `input` on stdin.
RunResult RunLiminal(const std::vector<std::string>& args, const std::string& input = "") {
  // Per-process names: CTest runs test cases of this binary in parallel processes.
  const std::string prefix =
      ::testing::TempDir() + "/liminal_frame_tool_" + std::to_string(getpid());
  const std::string in_path = prefix + "_stdin";
  const std::string err_path = prefix + "_stderr";
  std::ofstream(in_path, std::ios::binary) << input;
  std::string command = ShellQuote(std::string(LIMINAL_BINARY_DIR) + "/tools/liminal");
  for (const std::string& arg : args) command += " " + ShellQuote(arg);
  command += " < " + ShellQuote(in_path) + " 2> " + ShellQuote(err_path);

  RunResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen failed: " << command;
    return result;
  }
  std::string out;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0;) out.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  result.err = ReadFile(err_path);
  return result;
}

std::vector<ConformanceVector> Load(std::string_view file) {
  absl::StatusOr<std::vector<ConformanceVector>> vectors = LoadConformanceVectors(file);
  EXPECT_TRUE(vectors.ok()) << vectors.status();
  EXPECT_FALSE(vectors.ok() && vectors->empty()) << file << " is empty";
  return vectors.ok() ? *std::move(vectors) : std::vector<ConformanceVector>{};
}

// Key order aside, the same JSON value.
nlohmann::json Unordered(const std::string& text) {
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

TEST(FrameToolTest, DecodesEveryValidVector) {
  const std::vector<ConformanceVector> vectors = Load(protocol::testing::kValidVectors);
  ASSERT_FALSE(vectors.empty());
  std::string input;
  for (const ConformanceVector& vector : vectors) input += vector.hex + "\n";
  const RunResult run = RunLiminal({"frame", "decode"}, input);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  ASSERT_EQ(run.lines.size(), vectors.size());
  for (size_t i = 0; i < vectors.size(); ++i) {
    SCOPED_TRACE(vectors[i].where);
    FrameJson expected = FrameJson::object();
    expected["ok"] = vectors[i].json.at("frame");
    expected["consumed"] = vectors[i].bytes.size();
    EXPECT_EQ(Unordered(run.lines[i]), Unordered(expected.dump())) << run.lines[i];
  }
}

TEST(FrameToolTest, GivesTheReferenceVerdictForEveryCorruptVector) {
  const std::vector<ConformanceVector> vectors = Load(protocol::testing::kCorruptVectors);
  ASSERT_FALSE(vectors.empty());
  // Blank stdin lines are skipped, so the empty inputs go in as (empty) arguments.
  std::vector<const ConformanceVector*> batched;
  std::string input;
  for (const ConformanceVector& vector : vectors) {
    if (vector.hex.empty()) {
      SCOPED_TRACE(vector.where);
      const RunResult run = RunLiminal({"frame", "decode", ""});
      EXPECT_EQ(run.exit_code, 1);
      ASSERT_EQ(run.lines.size(), 1u);
      EXPECT_EQ(Unordered(run.lines[0]), Unordered(vector.json.at("expect").dump()));
      continue;
    }
    batched.push_back(&vector);
    input += vector.hex + "\n";
  }
  const RunResult run = RunLiminal({"frame", "decode"}, input);
  EXPECT_EQ(run.exit_code, 1) << "some corrupt inputs are errors";
  ASSERT_EQ(run.lines.size(), batched.size());
  for (size_t i = 0; i < batched.size(); ++i) {
    SCOPED_TRACE(batched[i]->where);
    EXPECT_EQ(Unordered(run.lines[i]), Unordered(batched[i]->json.at("expect").dump()))
        << run.lines[i];
  }
}

TEST(FrameToolTest, EncodesEveryValidVectorBackToItsBytes) {
  const std::vector<ConformanceVector> vectors = Load(protocol::testing::kValidVectors);
  ASSERT_FALSE(vectors.empty());
  std::string input;
  for (const ConformanceVector& vector : vectors) input += vector.json.at("frame").dump() + "\n";
  const RunResult run = RunLiminal({"frame", "encode"}, input);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(run.lines.size(), vectors.size());
  for (size_t i = 0; i < vectors.size(); ++i) {
    EXPECT_EQ(run.lines[i], vectors[i].hex) << vectors[i].where;
  }
}

TEST(FrameToolTest, DecodeArgumentAllowsWhitespaceAndSeveralWords) {
  const RunResult one = RunLiminal({"frame", "decode", "0a 01 00000001 00000008 0000000000000001"});
  EXPECT_EQ(one.exit_code, 0);
  ASSERT_EQ(one.lines.size(), 1u);
  EXPECT_EQ(one.lines[0],
            R"({"ok":{"type":"PublishAck","message_id":1,"flags":1,"stream_id":1},"consumed":18})");
  const RunResult words = RunLiminal({"frame", "decode", "13", "00", "00000000", "00000000"});
  EXPECT_EQ(words.exit_code, 0);
  ASSERT_EQ(words.lines.size(), 1u);
  EXPECT_EQ(words.lines[0], R"({"ok":{"type":"Ping","flags":0,"stream_id":0},"consumed":10})");
}

TEST(FrameToolTest, DecodeErrorExitsOne) {
  const RunResult run = RunLiminal({"frame", "decode", "13000000000100000000"});
  EXPECT_EQ(run.exit_code, 1);
  ASSERT_EQ(run.lines.size(), 1u);
  EXPECT_EQ(run.lines[0], R"({"error":"InvalidStream"})");
  EXPECT_EQ(RunLiminal({"frame", "decode", ""}).lines,
            std::vector<std::string>{R"({"error":"IncompleteHeader"})"});
}

TEST(FrameToolTest, BadHexExitsTwoWithAClearMessage) {
  const RunResult run = RunLiminal({"frame", "decode", "13 0g"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.lines.empty());
  EXPECT_THAT(run.err, HasSubstr("invalid hex: 'g' at offset 4 is not a hex digit"));
  EXPECT_THAT(RunLiminal({"frame", "decode", "130"}).err,
              HasSubstr("invalid hex: odd number of digits (3)"));
}

TEST(FrameToolTest, StdinSkipsBlankLinesAndReportsBadLinesByNumber) {
  const RunResult run = RunLiminal({"frame", "decode"},
                                   "13 00 00000000 00000000\n\n   \nxyz\n1400000000 0000000000\n");
  EXPECT_EQ(run.exit_code, 2) << "an unparseable line wins over success";
  ASSERT_EQ(run.lines.size(), 2u);
  EXPECT_THAT(run.lines[0], HasSubstr(R"("type":"Ping")"));
  EXPECT_THAT(run.lines[1], HasSubstr(R"("type":"Pong")"));
  EXPECT_THAT(run.err, HasSubstr("line 4: invalid hex"));
}

// reference-compat.md §1b: the newest SDKs' WorkerRegister carries an activity census.
TEST(FrameToolTest, ActivityCensusIsShownOnlyWhenNonEmpty) {
  // The spec's example: an explicit but empty census.
  const RunResult empty = RunLiminal(
      {"frame", "decode",
       "1700000000000000001e00000001000000026e730000000171000000000000000002696400000000"});
  EXPECT_EQ(empty.exit_code, 0) << empty.err;
  ASSERT_EQ(empty.lines.size(), 1u);
  EXPECT_EQ(empty.lines[0],
            R"({"ok":{"type":"WorkerRegister","namespaces":["ns"],"task_queue":"q","node":null,)"
            R"("activity_types":[],"identity":"id","flags":0,"stream_id":0},"consumed":40})");

  // The same registration with one activity, {"send", "{}", ""}.
  const std::string hex =
      "1700000000000000003000000001000000026e730000000171000000000000000002696400000001"
      "0000000473656e64000000027b7d00000000";
  const std::string frame =
      R"({"type":"WorkerRegister","namespaces":["ns"],"task_queue":"q","node":null,)"
      R"("activity_types":[],"identity":"id","activities":[)"
      R"({"name":"send","input_schema_json":"{}","output_schema_json":""}],)"
      R"("flags":0,"stream_id":0})";
  const RunResult decoded = RunLiminal({"frame", "decode", hex});
  EXPECT_EQ(decoded.exit_code, 0) << decoded.err;
  EXPECT_EQ(decoded.lines, std::vector<std::string>{R"({"ok":)" + frame + R"(,"consumed":58})"});

  const RunResult encoded = RunLiminal({"frame", "encode", frame});
  EXPECT_EQ(encoded.exit_code, 0) << encoded.err;
  EXPECT_EQ(encoded.lines, std::vector<std::string>{hex});
}

TEST(FrameToolTest, EncodeArgument) {
  const RunResult run = RunLiminal({"frame", "encode", R"({"type":"Ping"})"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.lines, std::vector<std::string>{"13000000000000000000"});
}

TEST(FrameToolTest, EncodeRefusalExitsOne) {
  const RunResult run = RunLiminal(
      {"frame", "encode",
       R"({"type":"Subscribe","channel":"c","accepted_schemas":[],"max_in_flight":0,"stream_id":1})"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(run.lines.empty());
  EXPECT_THAT(run.err, HasSubstr("Subscribe.max_in_flight: must be > 0"));
}

TEST(FrameToolTest, EncodeBadJsonOrMissingKeyExitsTwo) {
  const RunResult bad_json = RunLiminal({"frame", "encode", R"({"type":)"});
  EXPECT_EQ(bad_json.exit_code, 2);
  EXPECT_THAT(bad_json.err, HasSubstr("invalid JSON"));
  const RunResult missing = RunLiminal({"frame", "encode", R"({"type":"Accept","stream_id":1})"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("missing key 'referenced_message_id'"));
  const RunResult on_line =
      RunLiminal({"frame", "encode"}, "{\"type\":\"Ping\"}\n{\"type\":\"Pingg\"}\n");
  EXPECT_EQ(on_line.exit_code, 2);
  EXPECT_EQ(on_line.lines, std::vector<std::string>{"13000000000000000000"});
  EXPECT_THAT(on_line.err, HasSubstr("line 2: key 'type': unknown frame type 'Pingg'"));
}

TEST(FrameToolTest, UsageErrorsExitTwoAndHelpExitsZero) {
  EXPECT_EQ(RunLiminal({}).exit_code, 2);
  EXPECT_EQ(RunLiminal({"frame"}).exit_code, 2);
  EXPECT_EQ(RunLiminal({"frame", "decode", "--bogus"}).exit_code, 2);
  EXPECT_EQ(RunLiminal({"nonsense"}).exit_code, 2);
  const RunResult help = RunLiminal({"frame", "decode", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  std::string text;
  for (const std::string& line : help.lines) text += line + "\n";
  EXPECT_THAT(text, HasSubstr("Exit codes:"));
  EXPECT_THAT(text, HasSubstr("Examples:"));
}

}  // namespace
}  // namespace liminal::tools
