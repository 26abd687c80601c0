#include "sim/trace/trace.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/protocol/frame_type.h"
#include "core/runtime/pid.h"
#include "core/server/supervisor_event.h"
#include "sim/kernel/switch_kind.h"

namespace liminal::sim {
namespace {

std::string FormatTime(int64_t ns) {
  return absl::StrFormat("%d.%06ds", ns / 1'000'000'000, (ns / 1000) % 1'000'000);
}

std::string FrameName(uint64_t type_id) {
  if (protocol::IsKnownFrameType(static_cast<uint8_t>(type_id))) {
    return std::string(protocol::FrameTypeName(static_cast<protocol::FrameType>(type_id)));
  }
  return absl::StrFormat("Unknown(0x%02x)", type_id);
}

}  // namespace

Trace::Trace(TraceOptions options) : options_(std::move(options)) {}

void Trace::Fold(uint64_t value) {
  hash_ ^= value + 0x9E3779B97F4A7C15ULL;
  hash_ *= 0xBF58476D1CE4E5B9ULL;
  hash_ ^= hash_ >> 29;
}

void Trace::Add(TraceKind kind, uint64_t a, uint64_t b, uint64_t c, std::string text) {
  Fold(static_cast<uint64_t>(kind));
  Fold(static_cast<uint64_t>(time_ns_));
  Fold(a);
  Fold(b);
  Fold(c);
  if (!text.empty()) {
    uint64_t h = 0xCBF29CE484222325ULL;
    for (char ch : text) {
      h ^= static_cast<unsigned char>(ch);
      h *= 0x100000001B3ULL;
    }
    Fold(h);
  }
  if (kind == TraceKind::kFiberSpawn) {
    if (fiber_names_.size() <= a) fiber_names_.resize(a + 1);
    fiber_names_[a] = text;
  }
  TraceRecord record{seq_++, time_ns_, kind, a, b, c, std::move(text)};
  if (options_.echo) options_.echo(Format(record));
  if (options_.keep_all) all_.push_back(record);
  if (options_.tail > 0) {
    if (tail_.size() < options_.tail) {
      tail_.push_back(std::move(record));
    } else {
      tail_[tail_next_] = std::move(record);
      tail_next_ = (tail_next_ + 1) % tail_.size();
    }
  }
}

uint64_t Trace::hash() const {
  uint64_t h = hash_ ^ seq_;
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ULL;
  h ^= h >> 33;
  return h;
}

std::string Trace::Format(const TraceRecord& r) const {
  std::string head =
      absl::StrFormat("#%-6d %s %-7s ", r.seq, FormatTime(r.time_ns), TraceKindName(r.kind));
  auto fiber = [&](uint64_t id) {
    return id < fiber_names_.size() ? absl::StrCat("f", id, "(", fiber_names_[id], ")")
                                    : absl::StrCat("f", id);
  };
  switch (r.kind) {
    case TraceKind::kStep:
      return absl::StrCat(head, "run ", fiber(r.a), " after ",
                          SwitchKindName(static_cast<SwitchKind>(r.b)),
                          r.c != 0 ? absl::StrCat(" ", r.c) : "");
    case TraceKind::kFiberSpawn:
      return absl::StrCat(head, "spawn f", r.a, " ", r.text);
    case TraceKind::kFiberDone:
      return absl::StrCat(head, "finished ", fiber(r.a));
    case TraceKind::kTime:
      return absl::StrCat(head, "virtual time advanced");
    case TraceKind::kEvent:
      return absl::StrCat(
          head,
          server::SupervisorEvent{static_cast<server::SupervisorEventKind>(r.a), r.b, r.c}
              .ToString(),
          static_cast<server::SupervisorEventKind>(r.a) == server::SupervisorEventKind::kFrameSent
              ? absl::StrCat(" (", FrameName(r.c), ")")
              : "");
    case TraceKind::kProcess:
      return absl::StrCat(
          head, ProcessOpName(static_cast<ProcessOp>(r.b)), " pid=", r.a,
          static_cast<ProcessOp>(r.b) == ProcessOp::kExit
              ? absl::StrCat(" reason=", runtime::ExitKindName(static_cast<runtime::ExitKind>(r.c)))
              : "",
          r.text.empty() ? "" : " ", r.text);
    case TraceKind::kNet:
      return absl::StrCat(head, "conn=", r.a, " ", NetOpName(static_cast<NetOp>(r.b)), " ", r.c);
    case TraceKind::kClientFrame:
      return absl::StrCat(head, "client ", r.a, r.b == 0 ? " sent " : " received ", FrameName(r.c),
                          r.text.empty() ? "" : " ", r.text);
    case TraceKind::kFault:
      return absl::StrCat(head, r.text);
    case TraceKind::kApp:
      return absl::StrCat(head, "action ", r.a, ": ", r.text);
    case TraceKind::kCheck:
      return absl::StrCat(head, "invariants ok (records=", r.a, " pending-slots=", r.b,
                          r.c != 0 ? ", quiescent)" : ")");
    case TraceKind::kNote:
      return absl::StrCat(head, r.text);
  }
  return head;
}

std::vector<std::string> Trace::FormatTail() const {
  std::vector<std::string> lines;
  lines.reserve(tail_.size());
  for (size_t i = 0; i < tail_.size(); ++i) {
    lines.push_back(Format(tail_[(tail_next_ + i) % tail_.size()]));
  }
  return lines;
}

std::vector<std::string> Trace::FormatAll() const {
  std::vector<std::string> lines;
  lines.reserve(all_.size());
  for (const TraceRecord& r : all_) lines.push_back(Format(r));
  return lines;
}

}  // namespace liminal::sim
