// Fault points (FoundationDB's BUGGIFY): places in production code where a simulation may
// make a rare but legal thing happen now — a short read or write, a delayed wake, a timer
// that fires late, a socket error at the worst moment. The runtime hands them out
// (Runtime::fault_points()); production runtimes return nullptr, so in production every
// point is one null check and never fires.
//
//   if (runtime::Buggify(points_, runtime::FaultPoint::kShortWrite)) { ...split the write... }
//
// Only the simulation installs an implementation; it decides per seed which points are on
// and how often they fire (its swarm profile), and may itself yield to other fibers when a
// point fires (that is how kDelayedWake delays).
#ifndef LIMINAL_CORE_RUNTIME_FAULT_POINTS_H_
#define LIMINAL_CORE_RUNTIME_FAULT_POINTS_H_

#include <cstddef>
#include <cstdint>

namespace liminal::runtime {

enum class FaultPoint : uint8_t {
  kShortRead,    // the bytes of one read are handled as two reads
  kShortWrite,   // one outbound batch goes to the socket as two writes
  kDelayedWake,  // the wake after a control is enqueued comes late (others run first)
  kLateTimer,    // a connection's handshake or idle timer fires later than asked
  kSocketError,  // the socket fails right after a read was handled, before the reply
};
inline constexpr size_t kFaultPointCount = 5;

inline const char* FaultPointName(FaultPoint point) {
  switch (point) {
    case FaultPoint::kShortRead:
      return "short-read";
    case FaultPoint::kShortWrite:
      return "short-write";
    case FaultPoint::kDelayedWake:
      return "delayed-wake";
    case FaultPoint::kLateTimer:
      return "late-timer";
    case FaultPoint::kSocketError:
      return "socket-error";
  }
  return "unknown";
}

class FaultPoints {
 public:
  virtual ~FaultPoints() = default;
  // Whether `point` fires this time.
  virtual bool Fire(FaultPoint point) = 0;
};

// The check production code writes: false without an installed implementation.
inline bool Buggify(FaultPoints* points, FaultPoint point) {
  return points != nullptr && points->Fire(point);
}

}  // namespace liminal::runtime

#endif  // LIMINAL_CORE_RUNTIME_FAULT_POINTS_H_
