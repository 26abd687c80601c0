#include "sim/harness/shrinker.h"

#include <algorithm>
#include <utility>

#include "absl/container/btree_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/runtime/fault_points.h"
#include "sim/harness/simulation.h"

namespace liminal::sim {
namespace {

bool TargetsClient(AppActionKind kind) {
  return kind == AppActionKind::kPush || kind == AppActionKind::kPushAbandon ||
         kind == AppActionKind::kPushAsync;
}

bool TargetsClient(FaultKind kind) { return kind != FaultKind::kFailFlush; }

size_t OpCount(const Workload& workload) {
  size_t ops = 0;
  for (const ClientSpec& client : workload.clients) ops += client.ops.size();
  return ops;
}

bool Fails(const RunResult& result, const std::string& invariant) {
  return !result.passed() && result.violation->invariant == invariant;
}

}  // namespace

std::string FormatShrinkSpec(const ShrinkSpec& spec) {
  if (spec.removed.empty()) return "none";
  std::string text;
  for (size_t i = 0; i < spec.removed.size();) {
    size_t j = i;
    while (j + 1 < spec.removed.size() && spec.removed[j + 1] == spec.removed[j] + 1) ++j;
    absl::StrAppend(&text, text.empty() ? "" : ",", spec.removed[i]);
    if (j > i) absl::StrAppend(&text, "-", spec.removed[j]);
    i = j + 1;
  }
  return text;
}

std::optional<ShrinkSpec> ParseShrinkSpec(std::string_view text) {
  ShrinkSpec spec;
  if (text == "none" || text.empty()) return spec;
  absl::btree_set<uint32_t> removed;
  for (absl::string_view part : absl::StrSplit(absl::string_view(text.data(), text.size()), ',')) {
    std::pair<absl::string_view, absl::string_view> range = absl::StrSplit(part, '-');
    uint32_t lo = 0;
    uint32_t hi = 0;
    if (!absl::SimpleAtoi(range.first, &lo)) return std::nullopt;
    hi = lo;
    if (!range.second.empty() && !absl::SimpleAtoi(range.second, &hi)) return std::nullopt;
    if (hi < lo || hi - lo > 1'000'000) return std::nullopt;
    for (uint32_t i = lo; i <= hi; ++i) removed.insert(i);
  }
  spec.removed.assign(removed.begin(), removed.end());
  return spec;
}

size_t ShrinkPieceCount(const Workload& workload) {
  return workload.clients.size() + workload.app.size() + workload.faults.size() +
         OpCount(workload) + runtime::kFaultPointCount;
}

Workload ApplyShrink(const Workload& workload, const ShrinkSpec& spec, RunOptions& options) {
  const absl::btree_set<uint32_t> removed(spec.removed.begin(), spec.removed.end());
  uint32_t piece = 0;
  auto take = [&] { return removed.contains(piece++); };

  std::vector<bool> client_removed;
  for (size_t i = 0; i < workload.clients.size(); ++i) client_removed.push_back(take());
  std::vector<bool> app_removed;
  for (size_t i = 0; i < workload.app.size(); ++i) app_removed.push_back(take());
  std::vector<bool> fault_removed;
  for (size_t i = 0; i < workload.faults.size(); ++i) fault_removed.push_back(take());

  // Everything but the pieces (the server, the shutdown, the liveness cut, ...) stays as is.
  Workload shrunk = workload;
  shrunk.clients.clear();
  shrunk.app.clear();
  shrunk.faults.clear();
  std::vector<int64_t> renumbered(workload.clients.size(), -1);
  for (size_t i = 0; i < workload.clients.size(); ++i) {
    ClientSpec client = workload.clients[i];
    client.ops.clear();
    for (const ClientOp& op : workload.clients[i].ops) {
      if (!take()) client.ops.push_back(op);
    }
    if (client_removed[i]) continue;
    renumbered[i] = static_cast<int64_t>(shrunk.clients.size());
    shrunk.clients.push_back(std::move(client));
  }
  for (size_t i = 0; i < workload.app.size(); ++i) {
    AppAction action = workload.app[i];
    if (app_removed[i]) continue;
    if (TargetsClient(action.kind)) {
      if (action.client >= renumbered.size() || renumbered[action.client] < 0) continue;
      action.client = static_cast<uint32_t>(renumbered[action.client]);
    }
    shrunk.app.push_back(action);
  }
  for (size_t i = 0; i < workload.faults.size(); ++i) {
    FaultAction fault = workload.faults[i];
    if (fault_removed[i]) continue;
    if (TargetsClient(fault.kind)) {
      if (fault.client >= renumbered.size() || renumbered[fault.client] < 0) continue;
      fault.client = static_cast<uint32_t>(renumbered[fault.client]);
    }
    shrunk.faults.push_back(fault);
  }
  for (size_t p = 0; p < runtime::kFaultPointCount; ++p) {
    if (take()) options.silenced_fault_points |= 1u << p;
  }
  return shrunk;
}

RunResult RunShrunk(const Workload& workload, uint64_t seed, const RunOptions& options,
                    const ShrinkSpec& spec) {
  RunOptions shrunk_options = options;
  const Workload shrunk = ApplyShrink(workload, spec, shrunk_options);
  return RunWorkload(shrunk, seed, shrunk_options);
}

ShrinkResult Shrink(const Workload& workload, uint64_t seed, const RunOptions& options,
                    const std::string& invariant, size_t budget) {
  ShrinkResult out;
  out.pieces_before = ShrinkPieceCount(workload);
  RunOptions quiet = options;
  quiet.echo = nullptr;
  quiet.keep_full_trace = false;

  absl::btree_set<uint32_t> removed;
  // Tries removing `candidates` on top of what is already removed; keeps them if the run
  // still fails the same way.
  auto try_remove = [&](const std::vector<uint32_t>& candidates) {
    if (out.runs >= budget) return false;
    ShrinkSpec spec;
    absl::btree_set<uint32_t> attempt = removed;
    bool grows = false;
    for (uint32_t piece : candidates) grows |= attempt.insert(piece).second;
    if (!grows) return false;
    spec.removed.assign(attempt.begin(), attempt.end());
    ++out.runs;
    RunResult result = RunShrunk(workload, seed, quiet, spec);
    if (!Fails(result, invariant)) return false;
    removed = std::move(attempt);
    out.result = std::move(result);
    return true;
  };

  const uint32_t total = static_cast<uint32_t>(out.pieces_before);
  bool progress = true;
  while (progress && out.runs < budget) {
    progress = false;
    // Halves, quarters, ... down to single pieces (ddmin's complement steps, greedily).
    for (uint32_t chunk = std::max<uint32_t>(total / 2, 1); chunk >= 1; chunk /= 2) {
      for (uint32_t start = 0; start < total; start += chunk) {
        std::vector<uint32_t> group;
        for (uint32_t i = start; i < std::min(total, start + chunk); ++i) group.push_back(i);
        progress |= try_remove(group);
      }
      if (chunk == 1) break;
    }
  }
  out.spec.removed.assign(removed.begin(), removed.end());
  RunOptions final_options = options;
  out.shrunk = ApplyShrink(workload, out.spec, final_options);
  out.pieces_after = ShrinkPieceCount(out.shrunk) -
                     static_cast<size_t>(__builtin_popcount(final_options.silenced_fault_points));
  if (out.runs == 0 || out.result.passed()) out.result = RunShrunk(workload, seed, quiet, out.spec);
  return out;
}

}  // namespace liminal::sim
