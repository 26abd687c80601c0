#include "sim/trace/trace_record.h"

namespace liminal::sim {

const char* TraceKindName(TraceKind kind) {
  switch (kind) {
    case TraceKind::kStep:
      return "step";
    case TraceKind::kFiberSpawn:
      return "fiber";
    case TraceKind::kFiberDone:
      return "done";
    case TraceKind::kTime:
      return "time";
    case TraceKind::kEvent:
      return "event";
    case TraceKind::kProcess:
      return "process";
    case TraceKind::kNet:
      return "net";
    case TraceKind::kClientFrame:
      return "frame";
    case TraceKind::kFault:
      return "FAULT";
    case TraceKind::kApp:
      return "app";
    case TraceKind::kCheck:
      return "check";
    case TraceKind::kNote:
      return "note";
  }
  return "unknown";
}

const char* ProcessOpName(ProcessOp op) {
  switch (op) {
    case ProcessOp::kSpawn:
      return "spawn";
    case ProcessOp::kExit:
      return "exit";
    case ProcessOp::kKill:
      return "kill";
    case ProcessOp::kWakeFailed:
      return "wake-failed";
  }
  return "unknown";
}

const char* NetOpName(NetOp op) {
  switch (op) {
    case NetOp::kConnect:
      return "connect";
    case NetOp::kAccept:
      return "accept";
    case NetOp::kRefuse:
      return "refuse";
    case NetOp::kClientWrite:
      return "client-write";
    case NetOp::kServerRead:
      return "server-read";
    case NetOp::kServerWrite:
      return "server-write";
    case NetOp::kClientRead:
      return "client-read";
    case NetOp::kClientFin:
      return "client-fin";
    case NetOp::kServerFin:
      return "server-fin";
    case NetOp::kClientReset:
      return "client-reset";
    case NetOp::kServerClose:
      return "server-close";
    case NetOp::kPause:
      return "pause";
    case NetOp::kResume:
      return "resume";
    case NetOp::kDrained:
      return "drained";
  }
  return "unknown";
}

}  // namespace liminal::sim
