#include "sim/harness/coverage.h"

#include "absl/container/btree_set.h"
#include "absl/strings/str_cat.h"
#include "core/protocol/frame_type.h"
#include "core/protocol/reason_code.h"

namespace liminal::sim {
namespace {

using server::SupervisorEventKind;

// The frame types the protocol defines, in id order.
std::vector<uint8_t> DefinedFrameTypes() {
  std::vector<uint8_t> ids;
  for (int id = 1; id < 256; ++id) {
    const std::string_view name = protocol::FrameTypeName(static_cast<protocol::FrameType>(id));
    if (!name.empty()) ids.push_back(static_cast<uint8_t>(id));  // empty: not defined
  }
  return ids;
}

// Which frame types only travel client -> server (never sent by a server), and back.
bool ServerSends(protocol::FrameType type) {
  switch (type) {
    case protocol::FrameType::kConnect:
    case protocol::FrameType::kSubscribe:
    case protocol::FrameType::kUnsubscribe:
    case protocol::FrameType::kPublish:
    case protocol::FrameType::kAccept:
    case protocol::FrameType::kDefer:
    case protocol::FrameType::kReject:
    case protocol::FrameType::kPing:
    case protocol::FrameType::kPushReply:
    case protocol::FrameType::kWorkerRegister:
      return false;
    default:
      return true;
  }
}

bool ServerReceives(protocol::FrameType type) {
  switch (type) {
    case protocol::FrameType::kConnectAck:
    case protocol::FrameType::kConnectError:
    case protocol::FrameType::kSubscribeAck:
    case protocol::FrameType::kSubscribeError:
    case protocol::FrameType::kPublishAck:
    case protocol::FrameType::kPublishError:
    case protocol::FrameType::kPong:
    case protocol::FrameType::kPush:
    case protocol::FrameType::kWorkerRegisterAck:
    case protocol::FrameType::kDeliver:
      return false;
    default:
      return true;
  }
}

void AppendFrames(std::string& out, const char* title, const std::array<uint64_t, 256>& counts,
                  bool (*travels)(protocol::FrameType)) {
  std::string reached;
  std::string never;
  for (uint8_t id : DefinedFrameTypes()) {
    const auto type = static_cast<protocol::FrameType>(id);
    if (!travels(type)) continue;
    const std::string name(protocol::FrameTypeName(type));
    if (counts[id] > 0) {
      absl::StrAppend(&reached, " ", name, "=", counts[id]);
    } else {
      absl::StrAppend(&never, " ", name);
    }
  }
  absl::StrAppend(&out, title, ":", reached.empty() ? " (none)" : reached, "\n");
  if (!never.empty()) absl::StrAppend(&out, "  never:", never, "\n");
}

}  // namespace

void Coverage::Merge(const Coverage& other) {
  for (size_t i = 0; i < frames_sent.size(); ++i) {
    frames_sent[i] += other.frames_sent[i];
    frames_received[i] += other.frames_received[i];
  }
  for (const auto& [code, count] : other.error_codes) error_codes[code] += count;
  for (size_t i = 0; i < close_routes.size(); ++i) close_routes[i] += other.close_routes[i];
  for (size_t i = 0; i < fault_points.size(); ++i) fault_points[i] += other.fault_points[i];
  rollbacks_with_control_behind += other.rollbacks_with_control_behind;
}

Coverage CoverageOf(const std::vector<TimedEvent>& events,
                    const std::array<uint64_t, runtime::kFaultPointCount>& fault_point_hits) {
  Coverage coverage;
  // Controls still queued, per pid (control ids ascend in queue order).
  absl::btree_map<runtime::Pid, absl::btree_set<uint64_t>> queued;
  for (const TimedEvent& timed : events) {
    const server::SupervisorEvent& e = timed.event;
    switch (e.kind) {
      case SupervisorEventKind::kControlEnqueued:
        queued[e.pid].insert(e.id);
        break;
      case SupervisorEventKind::kControlConsumed:
      case SupervisorEventKind::kControlDiscarded:
        queued[e.pid].erase(e.id);
        break;
      case SupervisorEventKind::kControlRolledBack: {
        absl::btree_set<uint64_t>& mine = queued[e.pid];
        if (mine.upper_bound(e.id) != mine.end()) ++coverage.rollbacks_with_control_behind;
        mine.erase(e.id);
        break;
      }
      case SupervisorEventKind::kFrameSent:
        ++coverage.frames_sent[e.id & 0xFF];
        break;
      case SupervisorEventKind::kFrameReceived:
        ++coverage.frames_received[e.id & 0xFF];
        break;
      case SupervisorEventKind::kErrorSent:
        ++coverage.error_codes[static_cast<uint16_t>(e.id)];
        break;
      case SupervisorEventKind::kClosed:
        if (e.id < coverage.close_routes.size()) ++coverage.close_routes[e.id];
        break;
      default:
        break;
    }
  }
  coverage.fault_points = fault_point_hits;
  return coverage;
}

std::string FormatCoverage(const Coverage& coverage) {
  std::string out;
  AppendFrames(out, "frames sent", coverage.frames_sent, ServerSends);
  AppendFrames(out, "frames received", coverage.frames_received, ServerReceives);

  std::string reached;
  std::string never;
  for (uint32_t code = 0; code <= 0xFFFF; ++code) {
    const std::string_view name = protocol::ReasonCodeName(static_cast<uint16_t>(code));
    const bool defined = !name.empty();  // empty: not a code the protocol defines
    auto it = coverage.error_codes.find(static_cast<uint16_t>(code));
    if (it != coverage.error_codes.end()) {
      absl::StrAppend(&reached, " ", defined ? std::string(name) : absl::StrCat(code), "=",
                      it->second);
    } else if (defined) {
      absl::StrAppend(&never, " ", std::string(name));
    }
  }
  absl::StrAppend(&out, "error codes sent:", reached.empty() ? " (none)" : reached, "\n");
  if (!never.empty()) absl::StrAppend(&out, "  never:", never, "\n");

  reached.clear();
  never.clear();
  for (int i = 0; i < server::kCloseRouteCount; ++i) {
    const char* name = server::CloseRouteName(static_cast<server::CloseRoute>(i));
    if (coverage.close_routes[i] > 0) {
      absl::StrAppend(&reached, " ", name, "=", coverage.close_routes[i]);
    } else {
      absl::StrAppend(&never, " ", name);
    }
  }
  absl::StrAppend(&out, "close routes:", reached.empty() ? " (none)" : reached, "\n");
  if (!never.empty()) absl::StrAppend(&out, "  never:", never, "\n");

  reached.clear();
  never.clear();
  for (size_t i = 0; i < runtime::kFaultPointCount; ++i) {
    const char* name = runtime::FaultPointName(static_cast<runtime::FaultPoint>(i));
    if (coverage.fault_points[i] > 0) {
      absl::StrAppend(&reached, " ", name, "=", coverage.fault_points[i]);
    } else {
      absl::StrAppend(&never, " ", name);
    }
  }
  absl::StrAppend(&out, "rollbacks with a control queued behind: ",
                  coverage.rollbacks_with_control_behind, "\n");
  absl::StrAppend(&out, "fault points fired:", reached.empty() ? " (none)" : reached, "\n");
  if (!never.empty()) absl::StrAppend(&out, "  never:", never, "\n");
  return out;
}

}  // namespace liminal::sim
