// The vocabulary of a simulation trace: one TraceRecord per thing that happened in a run
// (scheduling decisions, fibers, virtual time, supervisor events, processes, network,
// client frames, faults, application calls, invariant checks). Hot records carry only
// numbers and are formatted lazily; rare ones carry a short text.
#ifndef LIMINAL_SIM_TRACE_TRACE_RECORD_H_
#define LIMINAL_SIM_TRACE_TRACE_RECORD_H_

#include <cstdint>
#include <string>

namespace liminal::sim {

enum class TraceKind : uint8_t {
  kStep,         // a = fiber, b = SwitchKind it stopped at, c = switch argument
  kFiberSpawn,   // a = fiber, text = name
  kFiberDone,    // a = fiber
  kTime,         // virtual time advanced (the record's time is the new now)
  kEvent,        // a = SupervisorEventKind, b = pid, c = id
  kProcess,      // a = pid, b = ProcessOp, c = ExitKind (exits); text = name (spawns)
  kNet,          // a = connection, b = NetOp, c = bytes or detail
  kClientFrame,  // a = client, b = 0 sent / 1 received, c = frame type id; text = detail
  kFault,        // a = target, text = what was injected
  kApp,          // a = application action, text = what it did or got
  kCheck,        // a = records, b = pending slots, c = 1 at quiescence
  kNote,         // text
};

enum class ProcessOp : uint8_t { kSpawn, kExit, kKill, kWakeFailed };

enum class NetOp : uint8_t {
  kConnect,
  kAccept,
  kRefuse,
  kClientWrite,
  kServerRead,  // bytes handed to the owning process
  kServerWrite,
  kClientRead,
  kClientFin,  // half-close from the client
  kServerFin,  // the client saw the server's close
  kClientReset,
  kServerClose,
  kPause,
  kResume,
  kDrained,
};

const char* TraceKindName(TraceKind kind);
const char* ProcessOpName(ProcessOp op);
const char* NetOpName(NetOp op);

struct TraceRecord {
  uint64_t seq = 0;
  int64_t time_ns = 0;  // virtual time since the run started
  TraceKind kind = TraceKind::kNote;
  uint64_t a = 0;
  uint64_t b = 0;
  uint64_t c = 0;
  std::string text;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_TRACE_TRACE_RECORD_H_
