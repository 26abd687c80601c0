// The run's trace: every record is folded into a 64-bit hash (the run's fingerprint,
// printed at the end and compared by the determinism tests), the last few are kept for
// failure reports, and with keep_all every record is kept (liminal-sim replay --trace).
//
//   Trace trace({.keep_all = false, .tail = 64});
//   trace.Add(TraceKind::kFault, pid, 0, 0, "crash connection process");
//   uint64_t fingerprint = trace.hash();
//   for (const std::string& line : trace.FormatTail()) puts(line.c_str());
//
// Never hashes pointers, wall-clock time or anything else outside the seed.
#ifndef LIMINAL_SIM_TRACE_TRACE_H_
#define LIMINAL_SIM_TRACE_TRACE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace/trace_record.h"

namespace liminal::sim {

struct TraceOptions {
  bool keep_all = false;  // keep every record (memory grows with the run)
  size_t tail = 64;       // records kept for failure reports
  // Called with every formatted record as it is added (streaming --trace output).
  std::function<void(std::string_view)> echo;
};

class Trace {
 public:
  explicit Trace(TraceOptions options = {});

  void Add(TraceKind kind, uint64_t a = 0, uint64_t b = 0, uint64_t c = 0, std::string text = {});
  // Virtual time stamped on subsequent records (ns since the run started).
  void SetTime(int64_t time_ns) { time_ns_ = time_ns; }

  uint64_t hash() const;
  uint64_t size() const { return seq_; }
  bool keeps_all() const { return options_.keep_all; }

  std::string Format(const TraceRecord& record) const;
  std::vector<std::string> FormatTail() const;
  std::vector<std::string> FormatAll() const;

 private:
  void Fold(uint64_t value);

  TraceOptions options_;
  uint64_t hash_ = 0x6C696D696E616C21ULL;
  uint64_t seq_ = 0;
  int64_t time_ns_ = 0;
  std::vector<TraceRecord> tail_;  // ring buffer of options_.tail records
  size_t tail_next_ = 0;           // where the next record goes once the ring is full
  std::vector<TraceRecord> all_;
  std::vector<std::string> fiber_names_;  // index: fiber id
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_TRACE_TRACE_H_
