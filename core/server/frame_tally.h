// FrameTally: counts a connection's frames of one direction locally and hands the counts to
// the shared per-type counters (SupervisorMetrics) in runs, so the message path does one
// atomic add per run of same-type frames (a slice's burst of Delivers, a read's burst of
// Publishes) instead of one per frame. The process flushes before its output reaches the
// socket, so a peer never sees a frame that /metrics does not count yet.
//
//   FrameTally out(metrics, &SupervisorMetrics::FrameOut);
//   out.Add(type_id);   // per frame
//   out.Flush();        // before the batch goes to the socket
#ifndef LIMINAL_CORE_SERVER_FRAME_TALLY_H_
#define LIMINAL_CORE_SERVER_FRAME_TALLY_H_

#include <cstdint>

#include "core/server/supervisor_metrics.h"

namespace liminal::server {

class FrameTally {
 public:
  using Record = void (SupervisorMetrics::*)(uint8_t type_id, uint64_t n) const;

  FrameTally(SupervisorMetrics metrics, Record record) : metrics_(metrics), record_(record) {}

  // Counts one frame of `type_id`; a change of type records the previous run first.
  void Add(uint8_t type_id) {
    if (count_ != 0 && type_id != type_id_) Flush();
    type_id_ = type_id;
    ++count_;
  }

  // Records the current run, if any.
  void Flush() {
    if (count_ == 0) return;
    (metrics_.*record_)(type_id_, count_);
    count_ = 0;
  }

 private:
  SupervisorMetrics metrics_;
  Record record_;
  uint8_t type_id_ = 0;
  uint64_t count_ = 0;
};

}  // namespace liminal::server

#endif  // LIMINAL_CORE_SERVER_FRAME_TALLY_H_
