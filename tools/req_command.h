// `liminal req SUBJECT [DATA|-]`: sends DATA as a request on a conversation with the
// participant for SUBJECT and prints the reply. Subjects without a registered responder are
// answered by liminald's echo responder; "worker.<task_queue>" goes to the workers of that
// queue (`liminal worker`).
//
//   liminal req pricing '{"sku":"A1"}'            ->  the reply payload
//   liminal req worker.emails hello --json        ->  {"subject":..,"reply":"hello",...}
//   liminal req echo ping --count 1000            ->  request->reply latency summary
//
// All requests of one run share one conversation; they are sent one after the other.
#ifndef LIMINAL_TOOLS_REQ_COMMAND_H_
#define LIMINAL_TOOLS_REQ_COMMAND_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "tools/command.h"
#include "tools/command_io.h"
#include "tools/global_options.h"

namespace liminal::tools {

struct ReqOptions {
  std::string subject;
  std::optional<std::string> data;  // nullopt or "-": one request per stdin line
  std::optional<uint64_t> count;    // send DATA this many times
  std::optional<double> rate;       // requests per second
  std::string timeout = "5s";       // per reply
};

Command AddReqCommand(CLI::App& app, const GlobalOptions& global);

int RunReq(const GlobalOptions& global, const ReqOptions& options, const CommandIo& io);

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_REQ_COMMAND_H_
