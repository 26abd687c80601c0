// liminald's logging: installs the process-wide spdlog default logger, writing to stderr
// (stdout is reserved for the machine-readable "listening" line, see daemon.h).
//
//   ConfigureLogging(config::LogFormat::kJson, config::LogLevel::kInfo);
//   spdlog::info("listening on {}", address);
//   // text: 2024-05-01T12:00:00.123Z info  listening on 127.0.0.1:7400
//   // json: {"ts":"2024-05-01T12:00:00.123Z","level":"info","msg":"listening on 127.0.0.1:7400"}
//
// Timestamps are UTC with milliseconds. Every line is flushed as it is written. May be called
// again (for example once the config file has been read) to switch format or level.
#ifndef LIMINAL_DAEMON_LOGGING_H_
#define LIMINAL_DAEMON_LOGGING_H_

#include <spdlog/formatter.h>

#include <memory>

#include "core/config/server_config.h"

namespace liminal::daemon {

void ConfigureLogging(config::LogFormat format, config::LogLevel level);

// The formatter behind log_format = "json": one JSON object per line with the keys "ts",
// "level" and "msg" (invalid UTF-8 in a message is replaced, never dropped).
std::unique_ptr<spdlog::formatter> MakeJsonLineFormatter();

}  // namespace liminal::daemon

#endif  // LIMINAL_DAEMON_LOGGING_H_
