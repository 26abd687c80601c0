#include "sim/harness/run_options.h"

namespace liminal::sim {

const char* ServicesKindName(ServicesKind kind) {
  switch (kind) {
    case ServicesKind::kDouble:
      return "double";
    case ServicesKind::kReal:
      return "real";
  }
  return "unknown";
}

std::optional<ServicesKind> ParseServicesKind(std::string_view name) {
  if (name == "double") return ServicesKind::kDouble;
  if (name == "real") return ServicesKind::kReal;
  return std::nullopt;
}

TraceOptions TraceOptionsFor(const RunOptions& options) {
  TraceOptions t;
  t.keep_all = options.keep_full_trace;
  t.tail = options.trace_tail;
  t.echo = options.echo;
  return t;
}

}  // namespace liminal::sim
